//! Console strings, Chinese first, looked up with the app's language signal ([`crate::i18n`]).
//!
//! Kept apart from the volunteer app's table so the console can grow without touching the
//! phone screens; same shape `(key, 中文, English)`, and a missing key shows itself.

use crate::i18n::{lookup, I18n, Lang, Text};
use leptos::prelude::*;
use tanfang_domain::elder::{Capability, Category, Consent};
use tanfang_domain::policy::{PolicyId, PolicyProfile};

/// Reactive lookup (call inside a closure in `view!`).
pub fn ct(i18n: I18n, key: &'static str) -> &'static str {
    console_text(i18n.lang.get(), key)
}

pub fn console_text(lang: Lang, key: &'static str) -> &'static str {
    lookup(TABLE, lang, key).unwrap_or(key)
}

/// Display name of a tier id, from the built-in policy profiles (Chinese first).
pub fn tier_name(lang: Lang, id: &str) -> String {
    for policy in PolicyId::ALL {
        let profile = PolicyProfile::builtin(policy);
        if let Some(tier) = profile.tiers.iter().find(|tier| tier.id == id) {
            return match lang {
                Lang::Zh => tier.name_zh.clone(),
                Lang::En => tier.name_en.clone(),
            };
        }
    }
    id.to_string()
}

/// Tier ids of the built-in profiles, in profile order, without repeats.
pub fn all_tier_ids() -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for policy in PolicyId::ALL {
        for tier in PolicyProfile::builtin(policy).tiers {
            if !ids.contains(&tier.id) {
                ids.push(tier.id);
            }
        }
    }
    ids
}

pub fn category_label(lang: Lang, category: Category) -> &'static str {
    match lang {
        Lang::Zh => category.label_zh(),
        Lang::En => match category {
            Category::Solitary => "Solitary",
            Category::LivingAlone => "Living alone",
            Category::EmptyNest => "Empty nest",
            Category::LeftBehind => "Left behind",
            Category::FamilyPlanningSpecial => "Family-planning special family",
        },
    }
}

pub fn category_label_str(lang: Lang, text: &str) -> String {
    Category::ALL
        .iter()
        .find(|c| c.as_str() == text)
        .map(|c| category_label(lang, *c).to_string())
        .unwrap_or_else(|| text.to_string())
}

pub fn capability_label(lang: Lang, capability: Capability) -> &'static str {
    match lang {
        Lang::Zh => capability.label_zh(),
        Lang::En => match capability {
            Capability::Intact => "Intact",
            Capability::Mild => "Mildly impaired",
            Capability::Moderate => "Moderately impaired",
            Capability::Severe => "Severely impaired",
            Capability::Total => "Totally lost",
            Capability::Unassessed => "Not assessed",
        },
    }
}

pub fn consent_label(lang: Lang, consent: &str) -> &'static str {
    let value = match consent {
        "accepted" => Consent::Accepted,
        "declined" => Consent::Declined,
        _ => Consent::Pending,
    };
    match lang {
        Lang::Zh => value.label_zh(),
        Lang::En => match value {
            Consent::Accepted => "Accepted",
            Consent::Declined => "Declined",
            Consent::Pending => "Pending",
        },
    }
}

pub fn per_label(lang: Lang, per: &str) -> &'static str {
    let zh = match per {
        "week" => "每周",
        "month" => "每月",
        "quarter" => "每季度",
        "half_year" => "每半年",
        "year" => "每年",
        _ => "",
    };
    let en = match per {
        "week" => "per week",
        "month" => "per month",
        "quarter" => "per quarter",
        "half_year" => "per half-year",
        "year" => "per year",
        _ => "",
    };
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

pub fn mode_label(lang: Lang, mode: &str) -> &'static str {
    match (lang, mode) {
        (Lang::Zh, "home") => "上门",
        (Lang::Zh, _) => "任意方式",
        (Lang::En, "home") => "home visit",
        (Lang::En, _) => "any mode",
    }
}

/// `1 次上门 每周` / `1 home visit per week`.
pub fn requirement_text(lang: Lang, kind: &str, mode: &str, count: u32, per: &str) -> String {
    let kind_text = match (lang, kind) {
        (Lang::Zh, "community_help") => "社区帮扶",
        (Lang::Zh, _) => "探访",
        (Lang::En, "community_help") => "community help",
        (Lang::En, _) => "visit",
    };
    match lang {
        Lang::Zh => format!(
            "{}{count}次{kind_text}（{}）",
            per_label(lang, per),
            mode_label(lang, mode)
        ),
        Lang::En => format!(
            "{count} {kind_text} ({}) {}",
            mode_label(lang, mode),
            per_label(lang, per)
        ),
    }
}

#[rustfmt::skip]
const TABLE: &[Text] = &[
    // signed-in devices (/account/devices, issue 17)
    ("devices.this", "本机", "this device"),
    ("devices.since", "登录于", "signed in"),
    ("devices.seen", "最近使用", "last used"),
    ("devices.end", "退出该设备", "Sign out"),
    ("devices.end_others", "退出其他所有设备", "Sign out all other devices"),
    ("loading", "正在加载…", "Loading…"),
    ("error.title", "出错了", "Something went wrong"),
    ("forbidden.role", "此账号不是协调员，不能使用管理后台。", "This account is not a coordinator and cannot use the console."),
    ("scope.all", "全部区域", "All regions"),
    ("nav.dashboard", "月探访率", "Visit rate"),
    ("nav.registry", "一人一档", "Registry"),
    ("nav.due", "待访看板", "Due board"),
    ("nav.people", "探访人员", "Visitors"),
    ("nav.regions", "区域", "Regions"),
    ("nav.surges", "加密探访", "Surges"),
    ("nav.risk", "风险名单", "At risk"),
    ("print", "打印", "Print"),
    ("logout", "退出", "Log out"),
    ("login.title", "协调员登录", "Coordinator log-in"),
    ("login.login", "账号", "Account"),
    ("login.password", "密码", "Password"),
    ("login.submit", "登录", "Log in"),
    ("login.failed", "账号或密码不对", "Wrong account or password"),
    // dashboard
    ("dash.title", "月探访率", "Monthly visit rate"),
    ("dash.current", "本月至今", "This month so far"),
    ("dash.rate", "探访率", "Visit rate"),
    ("dash.in_scope", "应探访", "In scope"),
    ("dash.visited", "已探访", "Visited"),
    ("dash.declined", "拒绝探访（不计入）", "Declined (not counted)"),
    ("dash.by_region", "各区域本月探访率（点击下钻）", "This month by region (click to drill down)"),
    ("dash.by_tier", "按等级", "By tier"),
    ("dash.trend", "近12个月趋势", "Last 12 months"),
    ("dash.updated", "统计更新于", "Tallies updated"),
    ("dash.never_updated", "尚无统计", "No tallies yet"),
    ("dash.up", "返回上级", "Up one level"),
    ("dash.month", "月份", "Month"),
    ("dash.region", "区域", "Region"),
    ("dash.tier", "等级", "Tier"),
    ("dash.legend", "实心=达到100%；斜线=未达到", "Solid = 100% reached; hatched = below"),
    ("dash.no_children", "这是最下一级（社区/村）", "This is the lowest level (community/village)"),
    // registry
    ("reg.title", "一人一档（老人档案）", "Registry (one file per elder)"),
    ("reg.search", "姓名、拼音首字母或地址", "Name, pinyin initials or address"),
    ("reg.all_regions", "全部区域", "All regions"),
    ("reg.all_categories", "全部类别", "All categories"),
    ("reg.all_tiers", "全部等级", "All tiers"),
    ("reg.unassigned", "仅未分配探访人", "Only without a visitor"),
    ("reg.new", "新建档案", "New file"),
    ("reg.total", "共", "Total"),
    ("print.cut", "仅打印前", "Printed: the first"),
    ("print.cut_export", "（完整名单请用“导出”）", " (export for the full list)"),
    ("reg.people_unit", "人", "elders"),
    ("reg.page", "第", "Page"),
    ("reg.prev", "上一页", "Previous"),
    ("reg.next", "下一页", "Next"),
    ("reg.empty", "没有符合条件的档案", "No file matches"),
    ("reg.name", "姓名", "Name"),
    ("reg.age", "年龄", "Age"),
    ("reg.community", "社区", "Community"),
    ("reg.address", "地址", "Address"),
    ("reg.categories", "类别", "Categories"),
    ("reg.tier", "等级", "Tier"),
    ("reg.id_number", "身份证号", "ID number"),
    ("reg.responsible", "责任探访人", "Responsible visitor"),
    ("reg.last_visit", "最近探访", "Last visit"),
    ("reg.consent", "探访意愿", "Consent"),
    ("reg.none", "未分配", "None"),
    ("reg.not_in_scope", "不在服务范围", "Not in scope"),
    // elder file
    ("file.title.new", "新建老人档案", "New elder file"),
    ("file.title.edit", "老人档案", "Elder file"),
    ("file.back", "‹ 返回档案列表", "‹ Back to the registry"),
    ("file.identity", "基本信息", "Identity"),
    ("file.name", "姓名", "Name"),
    ("file.sex", "性别", "Sex"),
    ("file.sex.male", "男", "Male"),
    ("file.sex.female", "女", "Female"),
    ("file.sex.unknown", "未填", "Not given"),
    ("file.ethnicity", "民族", "Ethnicity"),
    ("file.id_number", "身份证号", "ID number"),
    ("file.birth_date", "出生日期", "Birth date"),
    ("file.phone", "联系电话", "Phone"),
    ("file.residence", "居住情况", "Residence"),
    ("file.region", "所在社区（村）", "Community / village"),
    ("file.choose", "请选择", "Choose"),
    ("file.detail", "详细地址（楼栋门牌/村组户号）", "Address detail"),
    ("file.location", "住址坐标（纬度, 经度，选填）", "Home coordinates (latitude, longitude, optional)"),
    (
        "file.location_hint",
        "从地图复制坐标；用于核对上门探访的定位，不发送到志愿者手机",
        "Copy from a map; used to check home visits' locations, never sent to volunteers' phones",
    ),
    ("file.lives_at_registration", "居住在户籍所在地", "Lives at the household-registration place"),
    ("file.registration_region", "户籍所在地区划代码（人户分离时）", "Registration region code (if living elsewhere)"),
    ("file.contacts", "紧急联系人（子女优先）", "Emergency contacts (children first)"),
    ("file.contact.kind", "类型", "Kind"),
    ("file.contact.child", "子女", "Child"),
    ("file.contact.relative", "近亲属", "Relative"),
    ("file.contact.community", "社区（村）", "Community"),
    ("file.contact.name", "姓名", "Name"),
    ("file.contact.relation", "关系", "Relation"),
    ("file.contact.phone", "电话", "Phone"),
    ("file.add", "添加", "Add"),
    ("file.remove", "删除", "Remove"),
    ("file.situation", "类别与身体状况", "Category and condition"),
    ("file.categories", "类别", "Categories"),
    ("file.capability", "能力评估", "Capability"),
    ("file.assessed_on", "评估日期", "Assessed on"),
    ("file.bedridden", "长期卧床", "Bedridden"),
    ("file.mobility_impaired", "行动不便", "Mobility impaired"),
    ("file.dementia", "失智", "Dementia"),
    ("file.disability_grade", "残疾等级（1–4，无则留空）", "Disability grade (1–4, blank if none)"),
    ("file.disability_certificate", "残疾人证号", "Disability certificate number"),
    ("file.serious_illness", "患重病", "Serious illness"),
    ("file.illness_names", "疾病名称（用、分隔）", "Illnesses (separate with 、)"),
    ("file.low_income", "低保家庭", "Low-income household"),
    ("file.cohabits", "与失能老人共同生活", "Lives with an impaired elder"),
    ("file.cares_child", "照护失能子女", "Cares for an impaired child"),
    ("file.living", "家庭生活条件", "Living conditions"),
    ("file.water", "饮水安全", "Drinking water safe"),
    ("file.electricity", "用电安全", "Electricity safe"),
    ("file.housing", "住房安全", "Housing safe"),
    ("file.income", "家庭月收入（元）", "Monthly household income (yuan)"),
    ("file.pension", "养老保险每月（元）", "Monthly pension (yuan)"),
    ("file.extremely_poor", "特困供养人员", "Extremely poor (供养)"),
    ("file.yes", "是", "Yes"),
    ("file.no", "否", "No"),
    ("file.unknown", "未填", "Not given"),
    ("file.family", "家庭成员", "Household members"),
    ("file.member.relation", "与户主关系", "Relation"),
    ("file.member.health", "健康状况", "Health"),
    ("file.consent", "探访意愿与记录", "Consent and refusals"),
    ("file.consent.current", "当前意愿", "Current decision"),
    ("file.consent.history", "意愿记录", "Consent records"),
    ("file.consent.date", "日期", "Date"),
    ("file.consent.decision", "决定", "Decision"),
    ("file.consent.note", "说明（拒绝时必填）", "Note (required for a refusal)"),
    ("file.consent.add", "添加意愿记录", "Add a consent record"),
    ("file.consent.note_required", "拒绝探访须填写说明 (a refusal needs a note)", "A refusal needs a note"),
    ("file.reverify", "台账核实（天津每半年一次）", "Ledger re-verification (Tianjin: every half year)"),
    ("file.reverified_on", "上次核实日期", "Last verified on"),
    ("file.reverify_now", "今天已核实", "Verified today"),
    ("file.reverify.ok", "本半年已核实", "Verified this half-year"),
    ("file.reverify.due", "本半年待核实", "Due this half-year"),
    ("file.reverify.overdue", "已逾期（上半年也未核实）", "Overdue (last half-year missed too)"),
    ("file.notes", "备注", "Notes"),
    ("file.assignment", "探访人", "Visitors"),
    ("file.save", "保存档案", "Save file"),
    ("file.saving", "正在保存…", "Saving…"),
    ("file.saved", "已保存", "Saved"),
    ("file.fix_errors", "请先修改标红的字段", "Please fix the fields marked in red"),
    ("file.duplicate", "可能重复建档", "Possible duplicate"),
    ("file.duplicate_confirm", "确认不是同一人，仍然保存", "Not the same person — save anyway"),
    ("file.derived", "系统判定", "Derived"),
    ("file.requirements", "探访要求", "Visit requirements"),
    ("file.recent_visits", "最近探访", "Recent visits"),
    ("file.clock_skew", "手机时间偏差（服务器减手机）", "Phone clock off (server minus phone)"),
    ("file.days", "天", "days"),
    ("file.reveal", "查看完整号码", "Reveal"),
    ("file.reveal.reason", "查看原因（将记录在审计日志）", "Reason (recorded in the audit log)"),
    ("file.reveal.confirm", "确认查看", "Reveal"),
    ("file.reveal.cancel", "取消", "Cancel"),
    ("file.masked_hint", "已隐去中间数字；不修改则保留原号码", "Middle digits hidden; left unchanged the stored number is kept"),
    // assignments and people
    ("people.title", "探访人员与分配", "Visitors and assignments"),
    ("people.name", "姓名", "Name"),
    ("people.login", "账号", "Account"),
    ("people.role", "角色", "Role"),
    ("people.org", "单位/学校", "Organisation / school"),
    ("people.region", "所属区域", "Region"),
    ("people.load", "负责/备用", "Responsible / backup"),
    ("people.disabled", "已停用", "Disabled"),
    ("assign.title", "批量分配", "Assign in bulk"),
    ("assign.community", "社区", "Community"),
    ("assign.tier", "等级（可选）", "Tier (optional)"),
    ("assign.any_tier", "全部等级", "All tiers"),
    ("assign.only_unassigned", "只分配尚无责任人的老人", "Only elders without a responsible visitor"),
    ("assign.responsible", "责任探访人", "Responsible visitor"),
    ("assign.backup", "备用探访人", "Backup visitor"),
    ("assign.nobody", "（无）", "(none)"),
    ("assign.submit", "分配", "Assign"),
    ("assign.done", "已分配", "Assigned"),
    ("assign.elders", "位老人", "elders"),
    ("assign.one", "分配探访人", "Assign visitors"),
    // due board
    ("due.title", "本期待访与逾期", "Due and overdue this period"),
    ("due.group", "分组", "Group by"),
    ("due.by_community", "按社区", "By community"),
    ("due.by_visitor", "按探访人", "By visitor"),
    ("due.mode", "要求方式", "Required mode"),
    ("due.any_mode", "全部方式", "All modes"),
    ("due.only_overdue", "只看逾期", "Only overdue"),
    ("due.overdue", "逾期", "Overdue"),
    ("due.state", "状态", "State"),
    ("due.due", "待访", "Due"),
    ("due.due_by", "截止", "Due by"),
    ("due.done", "本期已访", "Done this period"),
    ("due.nobody", "（未分配）", "(unassigned)"),
    ("due.reassign", "改派", "Reassign"),
    ("due.empty", "没有待访的老人", "Nobody is due"),
    ("due.declined", "拒绝探访的老人（不计入待访）", "Elders who declined (not counted as due)"),
    ("due.show_declined", "显示名单", "Show the list"),
    ("due.hide_declined", "收起名单", "Hide the list"),
    ("due.surge", "加密", "Surge"),
    ("due.count", "项", "items"),
    ("due.loading_rest", "已显示最紧急的一页，其余正在载入…", "Most urgent page shown, loading the rest…"),
    // regions
    ("regions.title", "区域（区 › 街道/乡镇 › 社区/村）", "Regions (district › street/town › community/village)"),
    ("regions.code", "代码", "Code"),
    // at risk (escalation ladder, issue 15)
    ("risk.title", "风险名单（探访逐级提醒）", "At risk (escalation ladder)"),
    ("risk.hint", "每日逐级检查：提醒责任人 → 交接备用探访人 → 转社区工作人员 → 期末未完成（请登记原因）。", "Checked daily: reminder → hand-over to the backup → community staff → missed at period end (record the reason)."),
    ("risk.group_by", "分组", "Group by"),
    ("risk.by_community", "按社区", "By community"),
    ("risk.by_visitor", "按探访人", "By visitor"),
    ("risk.by_step", "按阶段", "By step"),
    ("risk.step", "阶段", "Step"),
    ("risk.all_steps", "全部阶段", "All steps"),
    ("risk.as_of", "截至", "As of"),
    ("risk.empty", "目前没有需要关注的探访。", "Nothing at risk."),
    ("risk.unassigned", "未分配探访人", "No visitor assigned"),
    ("risk.elder", "老人", "Elder"),
    ("risk.community", "社区", "Community"),
    ("risk.requirement", "探访要求", "Requirement"),
    ("risk.period", "周期", "Period"),
    ("risk.visitors", "责任人 / 备用", "Responsible / backup"),
    ("risk.reason", "未完成原因", "Reason missed"),
    ("risk.choose_reason", "请选择原因", "Choose a reason"),
    ("risk.reason_text", "说明（选“其他”时必填）", "Details (required for other)"),
    ("risk.save", "保存原因", "Save reason"),
    ("risk.non_qualifying", "不符合方式的探访", "visits of another mode"),
    ("risk.substitute", "可代替", "Instead"),
    ("dash.ladder", "逐级提醒（本期）", "Escalation ladder (this period)"),
    // surges
    ("surge.title", "加密探访（寒潮、春节等）", "Surges (cold wave, Spring Festival…)"),
    ("surge.new", "发起加密探访", "Declare a surge"),
    ("surge.region", "范围", "Area"),
    ("surge.reason", "事由", "Reason"),
    ("surge.reason.cold", "寒潮", "Cold wave"),
    ("surge.reason.heat", "高温", "Heat wave"),
    ("surge.reason.festival", "春节", "Spring Festival"),
    ("surge.reason.flood", "汛期", "Flood season"),
    ("surge.reason.epidemic", "疫情", "Epidemic"),
    ("surge.reason.other", "其他（请填写）", "Other (write it)"),
    ("surge.reason_text", "事由说明", "Reason text"),
    ("surge.start", "开始日期", "Start date"),
    ("surge.end", "结束日期", "End date"),
    ("surge.tiers", "适用等级（不选=全部）", "Tiers (none = all)"),
    ("surge.categories", "适用类别（不选=全部）", "Categories (none = all)"),
    ("surge.requirement", "额外要求", "Extra requirement"),
    ("surge.count", "次数", "Count"),
    ("surge.per", "每", "Per"),
    ("surge.per.week", "周", "week"),
    ("surge.per.month", "月", "month"),
    ("surge.mode", "方式", "Mode"),
    ("surge.mode.home", "上门", "Home visit"),
    ("surge.mode.any", "任意方式", "Any mode"),
    ("surge.submit", "发起", "Declare"),
    ("surge.created", "已发起", "Declared"),
    ("surge.active", "进行中及未开始的加密探访", "Current and upcoming surges"),
    ("surge.none", "暂无", "None"),
    ("surge.all", "全部", "All"),
];
