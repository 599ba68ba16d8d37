//! Interface strings: Chinese first (the default), English as a switch.
//!
//! One table of `(key, 中文, English)` rows looked up by key. A missing key shows the key itself
//! so that a forgotten string is visible in screenshots instead of silently blank. The choice is
//! kept in `localStorage` (not IndexedDB) so that it survives log-out, which wipes IndexedDB.

use gloo::storage::{LocalStorage, Storage};
use leptos::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

const STORAGE_KEY: &str = "tanfang.lang";
const LARGE_TYPE_KEY: &str = "tanfang.large_type";

/// The 大字 (large type) setting, kept in `localStorage` like the language (it survives log-out).
pub fn large_type() -> bool {
    LocalStorage::get::<bool>(LARGE_TYPE_KEY).unwrap_or(false)
}

/// Stores the 大字 setting and applies it: the `large-type` class on the root element.
pub fn set_large_type(on: bool) {
    let _ = LocalStorage::set(LARGE_TYPE_KEY, on);
    apply_large_type(on);
}

/// Puts the root class for the stored setting (at start and on change).
pub fn apply_large_type(on: bool) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = if on {
            root.class_list().add_1("large-type")
        } else {
            root.class_list().remove_1("large-type")
        };
    }
}

/// The language signal, provided as context by the app root.
#[derive(Clone, Copy)]
pub struct I18n {
    pub lang: RwSignal<Lang>,
}

impl I18n {
    pub fn load() -> Self {
        let saved: Option<String> = LocalStorage::get(STORAGE_KEY).ok();
        let lang = match saved.as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        set_document_lang(lang);
        I18n {
            lang: RwSignal::new(lang),
        }
    }

    pub fn set(&self, lang: Lang) {
        let _ = LocalStorage::set(STORAGE_KEY, lang.code());
        set_document_lang(lang);
        self.lang.set(lang);
    }

    /// Reactive lookup: call inside a closure in `view!` so that the text follows the switch.
    pub fn t(&self, key: &'static str) -> &'static str {
        translate(self.lang.get(), key)
    }

    /// The text as a signal, for a text node in `view!`: `{i18n.tr("key")}`. Same result as
    /// `{move || i18n.t("key")}`, but every text is the one type `Signal<&str>` where each
    /// closure would be its own type with its own copy of the rendering code — this keeps the
    /// phone's download smaller.
    pub fn tr(&self, key: &'static str) -> Signal<&'static str> {
        let lang = self.lang;
        Signal::derive(move || translate(lang.get(), key))
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

fn set_document_lang(lang: Lang) {
    if let Some(root) = gloo::utils::document().document_element() {
        let _ = root.set_attribute("lang", lang.code());
    }
}

pub fn translate(lang: Lang, key: &'static str) -> &'static str {
    lookup(TABLE, lang, key).unwrap_or(key)
}

/// One row of a text table: (key, Chinese, English). The app's table is below; the console
/// and some pages keep their own, all read through [`lookup`].
pub type Text = (&'static str, &'static str, &'static str);

/// `key`'s text in `lang` from `table`, or `None` when the table has no such key.
pub fn lookup(table: &'static [Text], lang: Lang, key: &str) -> Option<&'static str> {
    table
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| match lang {
            Lang::Zh => *zh,
            Lang::En => *en,
        })
}

#[rustfmt::skip]
const TABLE: &[Text] = &[
    ("app.title", "探访关爱", "Tanfang visits"),
    ("app.loading", "正在加载…", "Loading…"),
    ("nav.today", "今日探访", "Today"),
    ("nav.hours", "我的时长", "My hours"),
    ("nav.settings", "设置", "Settings"),
    ("nav.console", "管理后台", "Coordinator console"),
    ("nav.back", "返回", "Back"),
    // log-in
    ("login.title", "志愿者登录", "Volunteer log-in"),
    ("login.login", "账号", "Account"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.busy", "正在登录…", "Logging in…"),
    ("login.offline", "登录需要联网。登录后可离线使用。", "Logging in needs the network. After that the app works offline."),
    ("login.failed", "账号或密码不对", "Wrong account or password"),
    ("login.ended_remotely", "协调员已在这台设备上退出您的登录，本机的老人资料已清除。", "A coordinator signed you out here: the elders' files were erased from this device."),
    ("devices.title", "已登录的设备", "Signed-in devices"),
    ("devices.open", "查看和退出已登录的设备", "See and sign out signed-in devices"),
    ("settings.large_type", "大字", "Large type"),
    ("settings.large_type_hint", "放大所有文字和按钮", "Make all text and buttons larger"),
    ("login.by_password", "账号密码登录", "Account and password"),
    ("login.by_sms", "短信验证码登录", "SMS code"),
    ("login.mobile", "手机号码", "Mobile number"),
    ("login.code", "短信验证码", "SMS code"),
    ("login.send_code", "获取验证码", "Send code"),
    ("login.resend_in", "秒后可重发", "s until resend"),
    ("clock.warning", "手机时间不准：比服务器", "This phone's clock is"),
    ("clock.behind", "慢", "behind the server by"),
    ("clock.ahead", "快", "ahead of the server by"),
    ("clock.days", "天", "days"),
    ("clock.hours", "小时", "hours"),
    ("clock.fix", "。请在手机设置里校准时间；已上传的探访已标注时间可疑。", ". Please set the phone's clock; the visits sent were marked as having a doubtful time."),
    ("login.ended", "登录已失效，请重新登录。本机待上传的记录都已保留，登录后自动上传，条数：", "Your session has ended: log in again. The records waiting on this device are kept and will be sent after log-in. Waiting: "),
    ("login.other_account", "本机还有未上传的探访记录，属于账号", "This device still holds unsent visits of account"),
    ("login.other_account_tail", "。请先用该账号登录，记录上传后再换账号。", ". Log in with that account first; switch accounts once they are sent."),
    // sync bar
    ("sync.pending", "条待同步", "waiting to sync"),
    ("sync.all_synced", "已全部同步", "All synced"),
    ("sync.last", "上次同步", "Last sync"),
    ("sync.never", "尚未同步", "Not synced yet"),
    ("sync.now", "立即同步", "Sync now"),
    ("sync.running", "正在同步…", "Syncing…"),
    ("sync.offline", "离线", "Offline"),
    ("sync.online", "在线", "Online"),
    ("sync.error", "同步失败", "Sync failed"),
    // today
    ("today.title", "我的探访对象", "My elders"),
    ("today.search", "搜索姓名或拼音首字母", "Search name or pinyin initials"),
    ("today.empty", "暂无分配的老人。联网后会自动更新。", "No elders assigned yet. The list updates when online."),
    ("today.no_match", "没有找到匹配的老人", "No elder matches"),
    ("today.overdue", "已逾期", "Overdue"),
    ("today.due_week", "本周到期", "Due this week"),
    ("today.due_period", "本期待访", "Due this period"),
    ("today.done", "本期已完成", "Done for this period"),
    ("today.declined", "已拒绝探访", "Declined visits"),
    ("today.last_visit", "上次探访", "Last visit"),
    ("today.never_visited", "从未探访", "Never visited"),
    ("today.surge", "加强探访", "Surge"),
    ("today.due_by", "截止", "Due by"),
    ("today.handover", "交接", "Hand-over"),
    ("today.reminder", "提醒", "Reminder"),
    ("mode.home", "须上门", "Home visit"),
    ("mode.any", "任意方式", "Any mode"),
    ("tier", "等级", "Tier"),
    // elder card
    ("elder.age", "岁", "years"),
    ("elder.address", "地址", "Address"),
    ("elder.phone", "电话", "Phone"),
    ("elder.call", "拨打", "Call"),
    ("elder.contacts", "紧急联系人", "Emergency contacts"),
    ("elder.hazards", "待处理的隐患与需求", "Open hazards and needs"),
    ("elder.none", "无", "None"),
    ("elder.last_visits", "最近探访", "Recent visits"),
    ("elder.log_visit", "记录探访", "Log a visit"),
    ("elder.not_found", "找不到这位老人（可能已不再分配给您）", "Elder not found (maybe no longer assigned to you)"),
    ("elder.requirements", "探访要求", "Visit requirements"),
    // visit form
    ("visit.title", "探访关爱服务记录", "Visit record"),
    ("visit.draft_restored", "已恢复未完成的草稿", "Unfinished draft restored"),
    ("visit.date", "探访日期", "Visit date"),
    ("visit.mode", "探访方式", "Visit mode"),
    ("visit.mode.home", "上门探访", "Home visit"),
    ("visit.mode.phone", "电话问候", "Phone call"),
    ("visit.mode.video", "音视频探访", "Audio/video call"),
    ("visit.mode.encounter", "路遇", "Met in passing"),
    ("visit.mode.other", "其他", "Other"),
    ("visit.family", "家庭人口", "Household size"),
    ("visit.family.unchanged", "无变化", "No change"),
    ("visit.family.increased", "增加", "Increased"),
    ("visit.family.decreased", "减少", "Decreased"),
    ("visit.family.count", "人数", "People"),
    ("visit.health", "健康状况", "Health"),
    ("visit.expression", "表达能力", "Expression"),
    ("visit.mobility", "行动能力", "Mobility"),
    ("visit.illness", "疾病状况", "Illness"),
    ("visit.illness_name", "疾病名称", "Name of illness"),
    ("visit.mood", "情绪状态", "Mood"),
    ("visit.safety", "安全情况", "Safety"),
    ("visit.gas", "燃气安全", "Gas"),
    ("visit.water_heating", "水暖安全", "Water & heating"),
    ("visit.electricity", "用电安全", "Electricity"),
    ("visit.fire", "消防安全", "Fire safety"),
    ("visit.hygiene", "卫生状况", "Hygiene"),
    ("visit.personal_hygiene", "个人卫生", "Personal hygiene"),
    ("visit.household_hygiene", "家庭卫生", "Household hygiene"),
    ("visit.environment", "居住环境", "Living environment"),
    ("visit.indoor", "室内环境", "Indoor environment"),
    ("visit.needs", "老年人服务需求", "Elder's needs"),
    ("visit.suggestions", "实施关爱服务建议", "Suggestions for care"),
    ("visit.satisfaction", "服务满意度", "Satisfaction"),
    ("visit.confirmed", "老人（或家属）已确认本次探访", "Elder (or family) confirmed this visit"),
    ("visit.location", "记录位置（可选）", "Record location (optional)"),
    ("visit.location.get", "获取位置", "Get location"),
    ("visit.location.accuracy", "精度", "accuracy"),
    ("visit.location.denied", "无法获取位置", "Location unavailable"),
    ("visit.location.on_save", "保存时记录位置（需允许定位）", "Record my location when saving (needs permission)"),
    ("visit.duration", "用时（分钟）", "Duration (minutes)"),
    ("visit.save", "保存探访", "Save visit"),
    ("visit.saved", "已保存，将在联网时同步", "Saved; it will sync when online"),
    ("visit.discard", "放弃草稿", "Discard draft"),
    ("level.unchanged", "无变化", "No change"),
    ("level.better", "较好", "Better"),
    ("level.worse", "较差", "Worse"),
    ("illness.serious", "严重", "Serious"),
    ("illness.improved", "转好", "Improved"),
    ("safety.safe", "安全", "Safe"),
    ("safety.fairly_safe", "较安全", "Fairly safe"),
    ("safety.unsafe", "不安全", "Unsafe"),
    ("satisfaction.very_satisfied", "非常满意", "Very satisfied"),
    ("satisfaction.satisfied", "满意", "Satisfied"),
    ("satisfaction.neutral", "基本满意", "Fairly satisfied"),
    ("satisfaction.dissatisfied", "不满意", "Dissatisfied"),
    // hours & certificate
    ("hours.title", "我的志愿服务时长", "My volunteer hours"),
    ("hours.month", "月份", "Month"),
    ("hours.visits", "探访次数", "Visits"),
    ("hours.hours", "时长（小时）", "Hours"),
    ("hours.total", "合计", "Total"),
    ("hours.empty", "还没有探访记录", "No visits yet"),
    ("hours.certificate", "打印志愿服务证明（计学分）", "Print service certificate (for credit)"),
    ("cert.title", "志愿服务时长证明", "Volunteer service certificate"),
    ("cert.body", "兹证明以下志愿者参加特殊困难老年人探访关爱服务，服务记录如下：", "This certifies that the volunteer below took part in the visit-and-care service for elders with special difficulties, as recorded:"),
    ("cert.volunteer", "志愿者", "Volunteer"),
    ("cert.account", "账号", "Account"),
    ("cert.period", "服务期间", "Period"),
    ("cert.stamp", "服务单位（盖章）", "Organisation (stamp)"),
    ("cert.issued", "开具日期", "Issued on"),
    ("cert.print", "打印", "Print"),
    // settings
    ("settings.title", "设置", "Settings"),
    ("settings.language", "语言 Language", "Language 语言"),
    ("settings.account", "当前账号", "Signed in as"),
    ("settings.logout", "退出登录", "Log out"),
    ("settings.logout_warning", "还有未同步的探访记录！退出将删除本机上的这些记录。请先联网同步。", "There are visits not yet synced! Logging out deletes them from this device. Please sync first."),
    ("settings.logout_anyway", "仍然退出（删除未同步记录）", "Log out anyway (delete unsynced visits)"),
    ("settings.cancel", "取消", "Cancel"),
    ("settings.storage_persisted", "本机存储已设为持久保存", "Device storage is persistent"),
    ("settings.storage_not_persisted", "本机存储可能被浏览器清理，请尽快同步", "The browser may clear device storage; sync often"),
    ("home.coordinator", "您是协调员，可进入管理后台", "You are a coordinator; open the console"),
    ("error.title", "出错了", "Something went wrong"),
    ("error.retry", "重试", "Retry"),
];
