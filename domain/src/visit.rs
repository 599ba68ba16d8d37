//! The visit record (探访关爱服务记录表) and what follows from it.
//!
//! [`VisitRecord`] holds every field of 平利 附件4 (特殊困难老年人探访关爱服务记录表) and of
//! 天津 附件4 §五 (探访情况) and §六 (关爱服务情况), plus what a phone adds: a client-generated
//! id, device and server timestamps, an optional location and the elder's confirmation.
//!
//! # Design decisions
//! - **The phone makes the id.** A visit is created offline; its id (any 8–64 characters of
//!   `A–Z a–z 0–9 - _`, typically a UUID) is what makes a second push of the same visit a
//!   duplicate instead of a second visit (see `sync`).
//! - **Dates and instants.** `date` is the calendar day of the visit in China Standard Time
//!   as the visitor states it (a paper form typed in later keeps its own date).
//!   `device_time_ms` is the phone's clock when the record was saved and `server_time_ms` the
//!   worker's when it arrived, both unix milliseconds (their difference also counts time
//!   spent queued offline). A wrong phone clock is caught at the push instead: the phone
//!   sends its clock with every push and the worker stamps `device_clock_skew_ms` on the
//!   records of a push whose clock is off (`sync::device_clock_skew`).
//! - **Forms' choices are enums** with the forms' defaults (无变化, 安全) so that a record
//!   deserialized from a sparse JSON object is still complete; every enum value has
//!   `label_zh()` / `label_en()` so that views show labels without logic.
//! - **Follow-ups are derived, not typed in**: [`follow_ups`] turns hazards (不安全, or 较安全
//!   twice running), worse trends, serious illness, needs, emergencies, family-duty concerns
//!   and dissatisfaction into [`FollowUp`]s with stable keys, which the server tracks until a
//!   coordinator closes them.
//! - **Validation names fields.** [`VisitRecord::validate`] returns every problem at once as
//!   [`FieldError`]s whose `field` is the JSON path (`needs[1].text`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::classify::ErrorCode;
use crate::elder::FieldError;
use crate::policy::{Kind, VisitMode};
use crate::schedule::VisitFact;

/// Defines a `snake_case`-serialized enum with a Chinese and an English label per value,
/// `ALL` (in form order) and `as_str()` (the wire name).
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident default $default:ident {
            $( $(#[$vmeta:meta])* $variant:ident = ($wire:literal, $zh:literal, $en:literal), )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl Default for $name {
            fn default() -> Self {
                $name::$default
            }
        }

        impl $name {
            /// Every value, in the order the forms list them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name (as in JSON).
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// The label on the Chinese forms.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)+ }
            }

            /// The English label.
            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en,)+ }
            }

            /// The value with wire name `text`.
            pub fn parse(text: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|value| value.as_str() == text)
            }
        }
    };
}

labelled_enum! {
    /// 无变化 / 较好 / 较差: the forms' three-way change of expression, mobility, mood, hygiene
    /// and indoor environment since the last visit.
    pub enum Trend default Unchanged {
        Unchanged = ("unchanged", "无变化", "unchanged"),
        Better = ("better", "较好", "better"),
        Worse = ("worse", "较差", "worse"),
    }
}

labelled_enum! {
    /// 疾病状况: 无变化 / 严重 (with the illness's name) / 转好.
    pub enum IllnessStatus default Unchanged {
        Unchanged = ("unchanged", "无变化", "unchanged"),
        Serious = ("serious", "严重", "serious"),
        Improved = ("improved", "转好", "improved"),
    }
}

labelled_enum! {
    /// 安全 / 较安全 / 不安全 of each safety item.
    pub enum Safety default Safe {
        Safe = ("safe", "安全", "safe"),
        FairlySafe = ("fairly_safe", "较安全", "fairly safe"),
        Unsafe = ("unsafe", "不安全", "unsafe"),
    }
}

labelled_enum! {
    /// The four safety items of the forms (安全情况).
    pub enum SafetyItem default Gas {
        Gas = ("gas", "燃气安全", "gas safety"),
        WaterHeating = ("water_heating", "水暖安全", "water and heating safety"),
        Electricity = ("electricity", "用电安全", "electrical safety"),
        Fire = ("fire", "消防安全", "fire safety"),
    }
}

labelled_enum! {
    /// Aspects of the elder's situation with a [`Trend`] (or illness / family size).
    pub enum Aspect default Expression {
        FamilySize = ("family_size", "家庭人口", "household size"),
        Expression = ("expression", "表达能力", "expression"),
        Mobility = ("mobility", "行动能力", "mobility"),
        Illness = ("illness", "疾病状况", "illness"),
        Mood = ("mood", "情绪状态", "mood"),
        PersonalHygiene = ("personal_hygiene", "个人卫生", "personal hygiene"),
        HouseholdHygiene = ("household_hygiene", "家庭卫生", "household hygiene"),
        IndoorEnvironment = ("indoor_environment", "室内环境", "indoor environment"),
    }
}

labelled_enum! {
    /// Categories of needs (天津 附件2 §9 需求转介, plus 政策申请 from §8).
    pub enum NeedCategory default Other {
        DailyCare = ("daily_care", "生活照料", "daily care"),
        RehabilitationCare = ("rehabilitation_care", "康复护理", "rehabilitation and nursing"),
        EmotionalComfort = ("emotional_comfort", "精神慰藉", "emotional comfort"),
        EmergencyRescue = ("emergency_rescue", "紧急救援", "emergency rescue"),
        HomeAdaptation = ("home_adaptation", "居家适老化改造", "home adaptation for old age"),
        PolicyApplication = ("policy_application", "政策申请", "applying for benefits"),
        Other = ("other", "其他", "other"),
    }
}

labelled_enum! {
    /// Care services delivered: 平利 附件2 (16 services in 5 groups) and 天津 附件2 关爱类.
    pub enum CareServiceKind default Other {
        PersonalHygiene = ("personal_hygiene", "个人卫生", "personal hygiene"),
        RoomCleaning = ("room_cleaning", "居室卫生", "room cleaning"),
        OutdoorCleaning = ("outdoor_cleaning", "户外卫生", "outdoor cleaning"),
        MealPlanning = ("meal_planning", "健康食谱", "meal planning"),
        MealDelivery = ("meal_delivery", "代订送餐", "meal delivery"),
        Shopping = ("shopping", "代购生活用品", "shopping"),
        HealthCheck = ("health_check", "常规检查", "routine health check"),
        InformFamily = ("inform_family", "病情告知", "informing the family"),
        OutpatientHelp = ("outpatient_help", "门诊服务", "outpatient help"),
        HospitalHelp = ("hospital_help", "住院服务", "hospital help"),
        DisabilityCare = ("disability_care", "失能照护", "care for the disabled"),
        MedicationHelp = ("medication_help", "用药服务", "medication help"),
        SafetyCheck = ("safety_check", "安全隐患检查", "safety check"),
        SafetyTraining = ("safety_training", "安全培训", "safety training"),
        FireSafetyOutdoors = ("fire_safety_outdoors", "用火安全", "outdoor fire safety"),
        AntiFraud = ("anti_fraud", "防诈宣传", "fraud prevention"),
        PolicyBriefing = ("policy_briefing", "政策宣讲", "policy briefing"),
        NeedReferral = ("need_referral", "需求转介", "need referral"),
        NecessaryRescue = ("necessary_rescue", "必要救援", "necessary rescue"),
        SafetyReminder = ("safety_reminder", "安全提醒", "safety reminder"),
        Other = ("other", "其他", "other"),
    }
}

labelled_enum! {
    /// 老年人服务满意度评价.
    pub enum Satisfaction default Satisfied {
        VerySatisfied = ("very_satisfied", "非常满意", "very satisfied"),
        Satisfied = ("satisfied", "满意", "satisfied"),
        Neutral = ("neutral", "基本满意", "fairly satisfied"),
        Dissatisfied = ("dissatisfied", "不满意", "dissatisfied"),
    }
}

labelled_enum! {
    /// 服务人员类别 (平利 附件4; 天津 附件3 lists the forces).
    pub enum VisitorCategory default Volunteer {
        CommunityCadre = ("community_cadre", "村（社区）干部", "village/community cadre"),
        GridWorker = ("grid_worker", "网格员", "grid worker"),
        SocialWorker = ("social_worker", "社会工作者", "social worker"),
        FamilyDoctor = ("family_doctor", "家庭医生", "family doctor"),
        CareWorker = ("care_worker", "养老服务人员", "care worker"),
        PropertyStaff = ("property_staff", "物业服务人员", "property management staff"),
        Volunteer = ("volunteer", "志愿者", "volunteer"),
        Student = ("student", "在校学生", "student"),
        Enterprise = ("enterprise", "爱心企业（单位）", "enterprise"),
        ElderlyAssociation = ("elderly_association", "老年协会", "elderly association"),
        RelativeNeighbour = ("relative_neighbour", "亲属邻里", "relative or neighbour"),
        Other = ("other", "其他", "other"),
    }
}

labelled_enum! {
    /// Who confirmed (signed) the record for the elder.
    pub enum ConfirmedBy default Elder {
        Elder = ("elder", "老年人本人", "the elder"),
        Supporter = ("supporter", "赡养人", "the supporter (child)"),
        Relative = ("relative", "亲属", "a relative"),
        Other = ("other", "其他", "someone else"),
    }
}

labelled_enum! {
    /// How the elder confirmed the visit (issue 16, visit evidence): a drawn signature, a
    /// spoken confirmation the visitor noted, or none.
    pub enum ConfirmationMethod default None {
        Signature = ("signature", "签名确认", "signature"),
        Spoken = ("spoken", "口头确认（探访人记录）", "spoken, noted by the visitor"),
        None = ("none", "未确认", "not confirmed"),
    }
}

/// A need the elder expressed (老年人服务需求); each one becomes a referral candidate.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Need {
    pub category: NeedCategory,
    /// What exactly; required for [`NeedCategory::Other`].
    #[serde(default)]
    pub text: String,
}

/// A care service delivered during or after the visit (天津 §六 关爱服务情况).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct CareService {
    pub kind: CareServiceKind,
    /// What was done; required for [`CareServiceKind::Other`].
    #[serde(default)]
    pub detail: String,
    /// The elder's rating of this service, when asked.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
}

/// The elder's (or their supporter's) confirmation: the 被探访人（签字） box.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Confirmation {
    /// Whether the record was confirmed at all.
    #[serde(default)]
    pub confirmed: bool,
    #[serde(default)]
    pub by: ConfirmedBy,
    /// The confirming person's name; required unless the elder confirmed.
    #[serde(default)]
    pub name: String,
    /// A signature image as a `data:image/…` URL, when one was drawn.
    #[serde(default)]
    pub signature: Option<String>,
    /// How the elder confirmed, when the phone says so. Records from before this field
    /// existed leave it out; [`Confirmation::method`] then derives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<ConfirmationMethod>,
}

impl Confirmation {
    /// How the elder confirmed: the stated `method`, else derived from the older fields — a
    /// drawn signature is `signature`, a ticked "confirmed" without one is `spoken` (the
    /// visitor noted it), anything else `none`.
    pub fn method(&self) -> ConfirmationMethod {
        match self.method {
            Some(method) => method,
            None if self.signature.is_some() => ConfirmationMethod::Signature,
            None if self.confirmed => ConfirmationMethod::Spoken,
            None => ConfirmationMethod::None,
        }
    }
}

/// Where the phone was when the record was saved (WGS 84).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Default)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
    /// Accuracy radius in metres as the device reports it.
    #[serde(default)]
    pub accuracy_m: f64,
}

/// One visit (探访关爱服务记录表). JSON field names are the wire format of `visit.create`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VisitRecord {
    /// Client-generated id (8–64 of `A–Z a–z 0–9 - _`, e.g. a UUID).
    pub id: String,
    pub elder_id: String,
    /// The user who visited (探访人员).
    #[serde(default)]
    pub visitor_id: String,
    /// 服务人员类别.
    #[serde(default)]
    pub visitor_category: VisitorCategory,
    /// The user who typed the record in when it was not the visitor (信息录入人).
    #[serde(default)]
    pub entered_by: Option<String>,
    /// 第 N 次探访, when the form's number is known.
    #[serde(default)]
    pub visit_number: Option<u32>,
    /// Day of the visit (China Standard Time).
    pub date: NaiveDate,
    /// Phone clock when saved, unix milliseconds.
    #[serde(default)]
    pub device_time_ms: Option<i64>,
    /// Server clock when received, unix milliseconds (set by the worker).
    #[serde(default)]
    pub server_time_ms: Option<i64>,
    /// Set by the worker when the phone's clock, read at the push that brought this record,
    /// was off by more than [`crate::sync::CLOCK_SKEW_FLAG_MS`]: server minus phone, in ms.
    /// Its `date` and `device_time_ms` are then suspect (see `sync::device_clock_skew`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_clock_skew_ms: Option<i64>,
    /// 探访方式.
    pub mode: VisitMode,
    /// `visit`, or `community_help` (社区帮扶, 天津).
    #[serde(default = "default_kind")]
    pub kind: Kind,
    /// How long the visit took, in minutes (students' service hours count for credit).
    #[serde(default)]
    pub duration_minutes: Option<u32>,
    /// 家庭人口: 0 无变化, +n 增加 n 人, −n 减少 n 人.
    #[serde(default)]
    pub family_size_change: i32,
    /// 表达能力.
    #[serde(default)]
    pub expression: Trend,
    /// 行动能力.
    #[serde(default)]
    pub mobility: Trend,
    /// 疾病状况.
    #[serde(default)]
    pub illness: IllnessStatus,
    /// 疾病名称, required when `illness` is `serious`.
    #[serde(default)]
    pub illness_name: String,
    /// 情绪状态.
    #[serde(default)]
    pub mood: Trend,
    /// 燃气安全.
    #[serde(default)]
    pub gas_safety: Safety,
    /// 水暖安全.
    #[serde(default)]
    pub water_heating_safety: Safety,
    /// 用电安全.
    #[serde(default)]
    pub electricity_safety: Safety,
    /// 消防安全.
    #[serde(default)]
    pub fire_safety: Safety,
    /// 个人卫生.
    #[serde(default)]
    pub personal_hygiene: Trend,
    /// 家庭卫生.
    #[serde(default)]
    pub household_hygiene: Trend,
    /// 室内环境.
    #[serde(default)]
    pub indoor_environment: Trend,
    /// 老年人服务需求.
    #[serde(default)]
    pub needs: Vec<Need>,
    /// 实施关爱服务建议.
    #[serde(default)]
    pub suggestions: String,
    /// 关爱服务情况 (天津 §六).
    #[serde(default)]
    pub care_services: Vec<CareService>,
    /// 老年人服务满意度评价 (overall).
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// 子女未尽赡养义务: the children do not fulfil their duty of support (天津 附件2 §4).
    #[serde(default)]
    pub family_duty_concern: bool,
    /// An emergency met and handled during the visit (应急处置); filed afterwards.
    #[serde(default)]
    pub emergency_note: String,
    /// Anything else (特殊情况, 邻里关系…).
    #[serde(default)]
    pub notes: String,
    /// 被探访人（签字）.
    #[serde(default)]
    pub confirmation: Confirmation,
    #[serde(default)]
    pub location: Option<Location>,
}

impl From<&VisitRecord> for VisitFact {
    fn from(visit: &VisitRecord) -> VisitFact {
        visit.schedule_fact()
    }
}

fn default_kind() -> Kind {
    Kind::Visit
}

/// Longest free text accepted in one field, in characters.
pub const MAX_TEXT_CHARS: usize = 2000;
/// Longest short text (names, ids), in characters.
pub const MAX_SHORT_TEXT_CHARS: usize = 64;
/// Longest signature data URL, in bytes.
pub const MAX_SIGNATURE_BYTES: usize = 200_000;
/// Earliest visit date accepted.
pub const EARLIEST_VISIT_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};
/// A phone clock this far from the server's is flagged by default (10 minutes).
pub const DEFAULT_CLOCK_SKEW_THRESHOLD_MS: i64 = 10 * 60 * 1000;

impl VisitRecord {
    /// A record with the forms' defaults: everything 无变化 / 安全, no needs, not confirmed.
    pub fn new(
        id: impl Into<String>,
        elder_id: impl Into<String>,
        visitor_id: impl Into<String>,
        date: NaiveDate,
        mode: VisitMode,
    ) -> VisitRecord {
        VisitRecord {
            id: id.into(),
            elder_id: elder_id.into(),
            visitor_id: visitor_id.into(),
            visitor_category: VisitorCategory::default(),
            entered_by: None,
            visit_number: None,
            date,
            device_time_ms: None,
            server_time_ms: None,
            device_clock_skew_ms: None,
            mode,
            kind: Kind::Visit,
            duration_minutes: None,
            family_size_change: 0,
            expression: Trend::default(),
            mobility: Trend::default(),
            illness: IllnessStatus::default(),
            illness_name: String::new(),
            mood: Trend::default(),
            gas_safety: Safety::default(),
            water_heating_safety: Safety::default(),
            electricity_safety: Safety::default(),
            fire_safety: Safety::default(),
            personal_hygiene: Trend::default(),
            household_hygiene: Trend::default(),
            indoor_environment: Trend::default(),
            needs: Vec::new(),
            suggestions: String::new(),
            care_services: Vec::new(),
            satisfaction: None,
            family_duty_concern: false,
            emergency_note: String::new(),
            notes: String::new(),
            confirmation: Confirmation::default(),
            location: None,
        }
    }

    /// The safety items with their state, in form order.
    pub fn safety(&self) -> [(SafetyItem, Safety); 4] {
        [
            (SafetyItem::Gas, self.gas_safety),
            (SafetyItem::WaterHeating, self.water_heating_safety),
            (SafetyItem::Electricity, self.electricity_safety),
            (SafetyItem::Fire, self.fire_safety),
        ]
    }

    /// The state of one safety item.
    pub fn safety_of(&self, item: SafetyItem) -> Safety {
        match item {
            SafetyItem::Gas => self.gas_safety,
            SafetyItem::WaterHeating => self.water_heating_safety,
            SafetyItem::Electricity => self.electricity_safety,
            SafetyItem::Fire => self.fire_safety,
        }
    }

    /// The aspects with a three-way [`Trend`], in form order.
    pub fn trends(&self) -> [(Aspect, Trend); 6] {
        [
            (Aspect::Expression, self.expression),
            (Aspect::Mobility, self.mobility),
            (Aspect::Mood, self.mood),
            (Aspect::PersonalHygiene, self.personal_hygiene),
            (Aspect::HouseholdHygiene, self.household_hygiene),
            (Aspect::IndoorEnvironment, self.indoor_environment),
        ]
    }

    /// The trend of one aspect (`None` for family size and illness, which are not trends).
    pub fn trend_of(&self, aspect: Aspect) -> Option<Trend> {
        self.trends()
            .into_iter()
            .find(|(a, _)| *a == aspect)
            .map(|(_, trend)| trend)
    }

    /// The 家庭人口 box as the form shows it: 无变化 / 增加N人 / 减少N人.
    pub fn family_size_label_zh(&self) -> String {
        match self.family_size_change {
            0 => "无变化".to_string(),
            n if n > 0 => format!("增加{n}人"),
            n => format!("减少{}人", -n),
        }
    }

    /// Server time minus device time in milliseconds, when both are known.
    pub fn clock_skew_ms(&self) -> Option<i64> {
        Some(self.server_time_ms? - self.device_time_ms?)
    }

    /// Whether the phone's clock differed from the server's by more than `threshold_ms`
    /// (either way). `false` when either time is missing.
    pub fn has_clock_skew(&self, threshold_ms: i64) -> bool {
        self.clock_skew_ms()
            .is_some_and(|skew| skew.abs() > threshold_ms)
    }

    /// What scheduling needs of this visit: date, mode and kind.
    pub fn schedule_fact(&self) -> VisitFact {
        VisitFact {
            date: self.date,
            mode: self.mode,
            kind: self.kind,
        }
    }

    /// Checks every field and returns all problems, each naming its field (JSON path).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut error = |field: &str, code: ErrorCode, message: String| {
            errors.push(FieldError::with_code(field, code, message))
        };

        if !is_client_id(&self.id) {
            error(
                "id",
                ErrorCode::BadValue,
                "须为 8–64 个字母、数字、- 或 _ (must be 8–64 letters, digits, - or _)".to_string(),
            );
        }
        for (field, value) in [
            ("elder_id", &self.elder_id),
            ("visitor_id", &self.visitor_id),
        ] {
            if value.trim().is_empty() {
                error(
                    field,
                    ErrorCode::MissingField,
                    "不能为空 (required)".to_string(),
                );
            } else if value.chars().count() > MAX_SHORT_TEXT_CHARS {
                error(
                    field,
                    ErrorCode::BadValue,
                    format!("过长 (longer than {MAX_SHORT_TEXT_CHARS} characters)"),
                );
            }
        }
        if let Some(entered_by) = &self.entered_by {
            if entered_by.trim().is_empty() || entered_by.chars().count() > MAX_SHORT_TEXT_CHARS {
                error(
                    "entered_by",
                    ErrorCode::BadValue,
                    "须为 1–64 个字符 (must be 1–64 characters)".to_string(),
                );
            }
        }
        if self.visit_number == Some(0) {
            error(
                "visit_number",
                ErrorCode::BadValue,
                "从 1 开始 (starts at 1)".to_string(),
            );
        }
        if self.date < EARLIEST_VISIT_DATE {
            error(
                "date",
                ErrorCode::BadValue,
                format!("早于 {EARLIEST_VISIT_DATE} (before {EARLIEST_VISIT_DATE})"),
            );
        }
        if let Some(device_ms) = self.device_time_ms {
            // The visit cannot be dated after the day the phone saved it (one day of slack
            // for a wrong time zone setting).
            let saved_on = crate::date::cst_date_from_unix_millis(device_ms);
            if self.date > saved_on + chrono::Days::new(1) {
                error(
                    "date",
                    ErrorCode::BadValue,
                    format!("晚于保存日期 {saved_on} (after the day it was saved, {saved_on})"),
                );
            }
        }
        if let Some(minutes) = self.duration_minutes {
            if minutes == 0 || minutes > 24 * 60 {
                error(
                    "duration_minutes",
                    ErrorCode::BadValue,
                    "须为 1–1440 分钟 (must be 1–1440 minutes)".to_string(),
                );
            }
        }
        if !(-20..=20).contains(&self.family_size_change) {
            error(
                "family_size_change",
                ErrorCode::BadValue,
                "须在 −20 到 20 之间 (must be between −20 and 20)".to_string(),
            );
        }
        if self.illness == IllnessStatus::Serious && self.illness_name.trim().is_empty() {
            error(
                "illness_name",
                ErrorCode::MissingField,
                "疾病严重时须填写疾病名称 (required when illness is serious)".to_string(),
            );
        }
        for (field, text, limit) in [
            ("illness_name", &self.illness_name, MAX_SHORT_TEXT_CHARS),
            ("suggestions", &self.suggestions, MAX_TEXT_CHARS),
            ("emergency_note", &self.emergency_note, MAX_TEXT_CHARS),
            ("notes", &self.notes, MAX_TEXT_CHARS),
            (
                "confirmation.name",
                &self.confirmation.name,
                MAX_SHORT_TEXT_CHARS,
            ),
        ] {
            if text.chars().count() > limit {
                error(
                    field,
                    ErrorCode::BadValue,
                    format!("过长 (longer than {limit} characters)"),
                );
            }
        }
        for (index, need) in self.needs.iter().enumerate() {
            if need.category == NeedCategory::Other && need.text.trim().is_empty() {
                error(
                    &format!("needs[{index}].text"),
                    ErrorCode::MissingField,
                    "“其他”需求须说明 (describe the other need)".to_string(),
                );
            }
            if need.text.chars().count() > MAX_TEXT_CHARS {
                error(
                    &format!("needs[{index}].text"),
                    ErrorCode::BadValue,
                    format!("过长 (longer than {MAX_TEXT_CHARS} characters)"),
                );
            }
        }
        for (index, service) in self.care_services.iter().enumerate() {
            if service.kind == CareServiceKind::Other && service.detail.trim().is_empty() {
                error(
                    &format!("care_services[{index}].detail"),
                    ErrorCode::MissingField,
                    "“其他”服务须说明 (describe the other service)".to_string(),
                );
            }
            if service.detail.chars().count() > MAX_TEXT_CHARS {
                error(
                    &format!("care_services[{index}].detail"),
                    ErrorCode::BadValue,
                    format!("过长 (longer than {MAX_TEXT_CHARS} characters)"),
                );
            }
        }
        if self.confirmation.confirmed
            && self.confirmation.by != ConfirmedBy::Elder
            && self.confirmation.name.trim().is_empty()
        {
            error(
                "confirmation.name",
                ErrorCode::MissingField,
                "非本人确认时须填写确认人姓名 (name who confirmed for the elder)".to_string(),
            );
        }
        if let Some(signature) = &self.confirmation.signature {
            if !signature.starts_with("data:image/") || signature.len() > MAX_SIGNATURE_BYTES {
                error(
                    "confirmation.signature", ErrorCode::BadValue,
                    format!("须为不超过 {MAX_SIGNATURE_BYTES} 字节的图片 (must be a data:image/ URL of at most {MAX_SIGNATURE_BYTES} bytes)"),
                );
            }
        }
        match self.confirmation.method {
            Some(ConfirmationMethod::Signature) if self.confirmation.signature.is_none() => error(
                "confirmation.signature",
                ErrorCode::MissingField,
                "签名确认须附签名 (a signature confirmation needs the signature)".to_string(),
            ),
            Some(ConfirmationMethod::None) if self.confirmation.confirmed => error(
                "confirmation.method",
                ErrorCode::BadValue,
                "已确认的记录不能是“未确认” (a confirmed record cannot say none)".to_string(),
            ),
            Some(ConfirmationMethod::Signature | ConfirmationMethod::Spoken)
                if !self.confirmation.confirmed =>
            {
                error(
                    "confirmation.confirmed",
                    ErrorCode::BadValue,
                    "有确认方式时须为已确认 (must be true when a method is given)".to_string(),
                )
            }
            _ => {}
        }
        if let Some(location) = &self.location {
            if !location.lat.is_finite() || !(-90.0..=90.0).contains(&location.lat) {
                error(
                    "location.lat",
                    ErrorCode::BadValue,
                    "须在 −90 到 90 之间 (must be between −90 and 90)".to_string(),
                );
            }
            if !location.lon.is_finite() || !(-180.0..=180.0).contains(&location.lon) {
                error(
                    "location.lon",
                    ErrorCode::BadValue,
                    "须在 −180 到 180 之间 (must be between −180 and 180)".to_string(),
                );
            }
            if !location.accuracy_m.is_finite() || location.accuracy_m < 0.0 {
                error(
                    "location.accuracy_m",
                    ErrorCode::BadValue,
                    "须为非负数 (must be zero or more)".to_string(),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

/// Whether `id` is an acceptable client-generated id.
pub fn is_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Something a visit asks a coordinator to follow up.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FollowUp {
    /// A safety hazard (安全隐患): 不安全 now, or 较安全 on this visit and the one before.
    Hazard {
        item: SafetyItem,
        level: Safety,
        /// True when it is 较安全 for the second time running.
        repeated: bool,
    },
    /// Something got worse (较差, 严重, fewer people at home) or stayed bad (无变化 after 较差).
    Concern {
        aspect: Aspect,
        /// The illness name, or the household change, when there is one.
        #[serde(default)]
        detail: String,
        /// True when it was already bad on the previous visit.
        persisting: bool,
    },
    /// A need to refer to a service provider (需求转介).
    Referral { need: Need },
    /// An emergency was handled: file the record (事后做好处置情况记录归档).
    Emergency { note: String },
    /// The children do not fulfil their duty of support: talk to them (督促子女履行赡养义务).
    FamilyDuty,
    /// The elder was dissatisfied with the service.
    Dissatisfied,
}

impl FollowUp {
    /// A stable key: the same problem on two visits has the same key, so the server keeps one
    /// open item (`hazard:gas`, `concern:mood`, `referral:daily_care`, `emergency`, …).
    pub fn key(&self) -> String {
        match self {
            FollowUp::Hazard { item, .. } => format!("hazard:{}", item.as_str()),
            FollowUp::Concern { aspect, .. } => format!("concern:{}", aspect.as_str()),
            FollowUp::Referral { need } => format!("referral:{}", need.category.as_str()),
            FollowUp::Emergency { .. } => "emergency".to_string(),
            FollowUp::FamilyDuty => "family_duty".to_string(),
            FollowUp::Dissatisfied => "dissatisfied".to_string(),
        }
    }

    /// The Chinese label shown in lists, e.g. `安全隐患：燃气安全（不安全）`.
    pub fn label_zh(&self) -> String {
        match self {
            FollowUp::Hazard {
                item,
                level,
                repeated,
            } => format!(
                "安全隐患：{}（{}{}）",
                item.label_zh(),
                level.label_zh(),
                if *repeated { "，连续两次" } else { "" }
            ),
            FollowUp::Concern {
                aspect,
                detail,
                persisting,
            } => format!(
                "需关注：{}{}{}",
                aspect.label_zh(),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!("（{detail}）")
                },
                if *persisting { "，持续" } else { "" }
            ),
            FollowUp::Referral { need } => format!(
                "需求转介：{}{}",
                need.category.label_zh(),
                if need.text.is_empty() {
                    String::new()
                } else {
                    format!("（{}）", need.text)
                }
            ),
            FollowUp::Emergency { note } => format!("应急处置记录归档：{note}"),
            FollowUp::FamilyDuty => "督促子女履行赡养义务".to_string(),
            FollowUp::Dissatisfied => "老年人对服务不满意".to_string(),
        }
    }

    /// The English label, e.g. `Hazard: gas safety (unsafe)`.
    pub fn label_en(&self) -> String {
        match self {
            FollowUp::Hazard {
                item,
                level,
                repeated,
            } => format!(
                "Hazard: {} ({}{})",
                item.label_en(),
                level.label_en(),
                if *repeated { ", twice running" } else { "" }
            ),
            FollowUp::Concern {
                aspect,
                detail,
                persisting,
            } => format!(
                "Concern: {}{}{}",
                aspect.label_en(),
                if detail.is_empty() {
                    String::new()
                } else {
                    format!(" ({detail})")
                },
                if *persisting { ", persisting" } else { "" }
            ),
            FollowUp::Referral { need } => format!(
                "Referral: {}{}",
                need.category.label_en(),
                if need.text.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", need.text)
                }
            ),
            FollowUp::Emergency { note } => format!("File the emergency record: {note}"),
            FollowUp::FamilyDuty => "Remind the children of their duty of support".to_string(),
            FollowUp::Dissatisfied => "The elder was dissatisfied with the service".to_string(),
        }
    }
}

/// What `visit` asks a coordinator to follow up, given the elder's `previous` visit (the one
/// just before it, if any), in a fixed order: hazards (form order), concerns (form order),
/// referrals (in the order the needs were noted), emergency, family duty, dissatisfaction.
pub fn follow_ups(visit: &VisitRecord, previous: Option<&VisitRecord>) -> Vec<FollowUp> {
    let mut found = Vec::new();
    for (item, level) in visit.safety() {
        let before = previous.map(|p| p.safety_of(item));
        match level {
            Safety::Unsafe => found.push(FollowUp::Hazard {
                item,
                level,
                repeated: false,
            }),
            Safety::FairlySafe if before == Some(Safety::FairlySafe) => {
                found.push(FollowUp::Hazard {
                    item,
                    level,
                    repeated: true,
                })
            }
            _ => {}
        }
    }
    if visit.family_size_change < 0 {
        found.push(FollowUp::Concern {
            aspect: Aspect::FamilySize,
            detail: visit.family_size_label_zh(),
            persisting: false,
        });
    }
    for (aspect, trend) in visit.trends() {
        let before = previous.and_then(|p| p.trend_of(aspect));
        let was_worse = before == Some(Trend::Worse);
        let concern = match trend {
            Trend::Worse => true,
            Trend::Unchanged => was_worse,
            Trend::Better => false,
        };
        if concern {
            found.push(FollowUp::Concern {
                aspect,
                detail: String::new(),
                persisting: was_worse,
            });
        }
        // Illness sits between mobility and mood on the forms.
        if aspect == Aspect::Mobility {
            let before = previous.map(|p| p.illness);
            let was_serious = before == Some(IllnessStatus::Serious);
            let serious = match visit.illness {
                IllnessStatus::Serious => true,
                IllnessStatus::Unchanged => was_serious,
                IllnessStatus::Improved => false,
            };
            if serious {
                let detail = if visit.illness_name.trim().is_empty() {
                    previous
                        .map(|p| p.illness_name.trim().to_string())
                        .unwrap_or_default()
                } else {
                    visit.illness_name.trim().to_string()
                };
                found.push(FollowUp::Concern {
                    aspect: Aspect::Illness,
                    detail,
                    persisting: was_serious,
                });
            }
        }
    }
    for need in &visit.needs {
        found.push(FollowUp::Referral { need: need.clone() });
    }
    if !visit.emergency_note.trim().is_empty() {
        found.push(FollowUp::Emergency {
            note: visit.emergency_note.trim().to_string(),
        });
    }
    if visit.family_duty_concern {
        found.push(FollowUp::FamilyDuty);
    }
    let dissatisfied = visit.satisfaction == Some(Satisfaction::Dissatisfied)
        || visit
            .care_services
            .iter()
            .any(|service| service.satisfaction == Some(Satisfaction::Dissatisfied));
    if dissatisfied {
        found.push(FollowUp::Dissatisfied);
    }
    found
}
