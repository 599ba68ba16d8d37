//! The elder: the facts that classification needs ([`ElderFacts`], the CLI contract's input)
//! and the full file (一人一档, [`ElderFile`]) with every field of the official forms.
//!
//! Design decisions:
//! - [`ElderFile`] keeps the classification facts at its top level under the very same JSON
//!   names as [`ElderFacts`], so any stored file is also a valid facts object (unknown fields
//!   are ignored) and the worker's per-field merge works on one flat vocabulary.
//! - Derived facts (失能, 重残, special needs) are computed, never stored, so they cannot drift
//!   from the facts they come from.
//! - Parsing facts from JSON goes field by field ([`ElderFacts::from_json`]) so an error names the
//!   field (`bad_value` on `capability`), which plain serde derive cannot do.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::classify::{ClassifyError, ErrorCode};
use crate::date::{age_on, parse_date};
use crate::id_number::IdNumber;
use crate::phone::Phone;
use crate::region::{RegionCode, RegionLevel};

/// Age (full years) from which a person is an elder.
pub const ELDERLY_AGE: u32 = 60;
/// Age (full years) from which an elder is 高龄.
pub const ADVANCED_AGE: u32 = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// Category checkboxes of the forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 孤寡: no spouse, no children, no one to care (天津 附件1 §1).
    Solitary,
    /// 独居
    LivingAlone,
    /// 空巢
    EmptyNest,
    /// 留守
    LeftBehind,
    /// 计划生育特殊家庭
    FamilyPlanningSpecial,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Solitary,
        Category::LivingAlone,
        Category::EmptyNest,
        Category::LeftBehind,
        Category::FamilyPlanningSpecial,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Solitary => "solitary",
            Category::LivingAlone => "living_alone",
            Category::EmptyNest => "empty_nest",
            Category::LeftBehind => "left_behind",
            Category::FamilyPlanningSpecial => "family_planning_special",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Category::Solitary => "孤寡",
            Category::LivingAlone => "独居",
            Category::EmptyNest => "空巢",
            Category::LeftBehind => "留守",
            Category::FamilyPlanningSpecial => "计划生育特殊家庭",
        }
    }
}

/// Capability per GB/T 42195-2022 (老年人能力评估规范). The order is increasing impairment;
/// `Unassessed` sorts last and is not an impairment level.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Capability {
    /// 能力完好
    Intact,
    /// 轻度受损 (轻度失能)
    Mild,
    /// 中度受损 (中度失能)
    Moderate,
    /// 重度受损 (重度失能)
    Severe,
    /// 完全丧失 (完全失能)
    Total,
    /// 未评估
    #[default]
    Unassessed,
}

impl Capability {
    pub const ALL: [Capability; 6] = [
        Capability::Intact,
        Capability::Mild,
        Capability::Moderate,
        Capability::Severe,
        Capability::Total,
        Capability::Unassessed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Capability::Intact => "intact",
            Capability::Mild => "mild",
            Capability::Moderate => "moderate",
            Capability::Severe => "severe",
            Capability::Total => "total",
            Capability::Unassessed => "unassessed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Capability::Intact => "能力完好",
            Capability::Mild => "轻度受损",
            Capability::Moderate => "中度受损",
            Capability::Severe => "重度受损",
            Capability::Total => "完全丧失",
            Capability::Unassessed => "未评估",
        }
    }

    /// 失能 at some level (mild or worse).
    pub fn is_impaired(self) -> bool {
        matches!(
            self,
            Capability::Mild | Capability::Moderate | Capability::Severe | Capability::Total
        )
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Consent {
    Accepted,
    Declined,
    #[default]
    Pending,
}

impl Consent {
    pub fn as_str(self) -> &'static str {
        match self {
            Consent::Accepted => "accepted",
            Consent::Declined => "declined",
            Consent::Pending => "pending",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Consent::Accepted => "同意",
            Consent::Declined => "拒绝",
            Consent::Pending => "待确认",
        }
    }
}

/// The facts that classification needs: exactly the CLI contract's input object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ElderFacts {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_number: Option<String>,
    pub categories: Vec<Category>,
    pub capability: Capability,
    pub bedridden: bool,
    pub mobility_impaired: bool,
    pub dementia: bool,
    /// 残疾等级 1–4.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disability_grade: Option<u8>,
    /// 重病
    pub serious_illness: bool,
    /// 低保 household.
    pub low_income: bool,
    /// Lives with one other elder who is 失能/失智 or disabled (江门 B).
    pub cohabits_with_impaired_elder: bool,
    /// Long-term carer of a 失能/失智 child (江门 B).
    pub cares_for_impaired_child: bool,
    pub consent: Consent,
    /// Optional extension: the elder's community/village region code, used by surges and the
    /// monthly tallies. Not part of the contract's required input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region_code: Option<String>,
}

impl ElderFacts {
    pub fn has(&self, category: Category) -> bool {
        self.categories.contains(&category)
    }

    /// 独居 in the wide sense of the texts: 孤寡 elders (no spouse, no children) live alone too
    /// (平利 附件1 §1 "独居老年人指无儿无女无老伴的孤寡老年人…", 天津 附件1 §2).
    pub fn lives_alone(&self) -> bool {
        self.has(Category::LivingAlone) || self.has(Category::Solitary)
    }

    /// Capability after the rules for unassessed elders: bedridden → severe,
    /// mobility-impaired → moderate (济宁 §二(一)1–2).
    pub fn effective_capability(&self) -> Capability {
        match self.capability {
            Capability::Unassessed if self.bedridden => Capability::Severe,
            Capability::Unassessed if self.mobility_impaired => Capability::Moderate,
            other => other,
        }
    }

    /// 失能: an impaired capability (after the unassessed rules), or 失智 (dementia).
    pub fn impaired(&self) -> bool {
        self.effective_capability().is_impaired() || self.dementia
    }

    /// 重残: disability certificate grade 1 or 2.
    pub fn severely_handicapped(&self) -> bool {
        matches!(self.disability_grade, Some(1 | 2))
    }

    /// 特殊困难老年人 conditions apart from age: a category, 失能 or 重残.
    pub fn special_needs(&self) -> bool {
        !self.categories.is_empty() || self.impaired() || self.severely_handicapped()
    }

    /// The birth date, from `birth_date` or else from the identity number. Checks the identity
    /// number and that both agree.
    pub fn resolved_birth_date(&self) -> Result<NaiveDate, ClassifyError> {
        let from_id = match self.id_number.as_deref() {
            None => None,
            Some(text) => Some(
                IdNumber::parse(text)
                    .map_err(|e| {
                        ClassifyError::new(ErrorCode::BadIdNumber, Some("id_number"), e.to_string())
                    })?
                    .birth_date(),
            ),
        };
        match (self.birth_date, from_id) {
            (Some(given), Some(from_id)) if given != from_id => Err(ClassifyError::new(
                ErrorCode::BirthDateMismatch,
                Some("birth_date"),
                format!(
                    "出生日期 {given} 与身份证号中的 {from_id} 不一致 (birth_date disagrees with id_number)"
                ),
            )),
            (Some(given), _) => Ok(given),
            (None, Some(from_id)) => Ok(from_id),
            (None, None) => Err(ClassifyError::new(
                ErrorCode::MissingField,
                Some("birth_date"),
                "缺少出生日期或身份证号 (birth_date or id_number is required)".to_string(),
            )),
        }
    }

    /// Checks the values that serde cannot (grade range, non-empty id).
    pub fn check_values(&self) -> Result<(), ClassifyError> {
        if self.id.trim().is_empty() {
            return Err(ClassifyError::new(
                ErrorCode::MissingField,
                Some("id"),
                "缺少编号 id (id is required)".to_string(),
            ));
        }
        if let Some(grade) = self.disability_grade {
            if !(1..=4).contains(&grade) {
                return Err(ClassifyError::new(
                    ErrorCode::BadValue,
                    Some("disability_grade"),
                    format!("残疾等级应为1–4，实为{grade} (disability_grade must be 1–4)"),
                ));
            }
        }
        Ok(())
    }

    /// Age on `on` after all checks; errors are the contract's codes.
    pub fn age_on(&self, on: NaiveDate) -> Result<u32, ClassifyError> {
        self.check_values()?;
        Ok(age_on(self.resolved_birth_date()?, on))
    }

    /// Reads facts from a JSON value field by field, so errors name the field.
    ///
    /// `null` and blank strings count as absent for optional fields. Unknown fields are ignored.
    pub fn from_json(value: &Value) -> Result<ElderFacts, ClassifyError> {
        let object = value.as_object().ok_or_else(|| {
            ClassifyError::new(
                ErrorCode::BadJson,
                None,
                "每行应为一个 JSON 对象 (each line must be a JSON object)".to_string(),
            )
        })?;
        // `null` is absent; so is a blank string in an optional field (spreadsheet exports
        // write empty cells as "").
        let field = |name: &str| {
            object.get(name).filter(|v| match v {
                Value::Null => false,
                Value::String(s) => name == "id" || !s.trim().is_empty(),
                _ => true,
            })
        };
        let id = match field("id") {
            None => {
                return Err(ClassifyError::new(
                    ErrorCode::MissingField,
                    Some("id"),
                    "缺少编号 id (id is required)".to_string(),
                ))
            }
            Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
            Some(Value::String(_)) => {
                return Err(ClassifyError::new(
                    ErrorCode::MissingField,
                    Some("id"),
                    "编号 id 为空 (id must not be empty)".to_string(),
                ))
            }
            Some(_) => {
                return Err(ClassifyError::new(
                    ErrorCode::BadValue,
                    Some("id"),
                    "编号 id 应为字符串 (id must be a string)".to_string(),
                ))
            }
        };
        fn typed<T: serde::de::DeserializeOwned>(
            name: &str,
            value: Option<&Value>,
            expected: &str,
        ) -> Result<Option<T>, ClassifyError> {
            match value {
                None => Ok(None),
                Some(v) => serde_json::from_value(v.clone()).map(Some).map_err(|_| {
                    ClassifyError::new(
                        ErrorCode::BadValue,
                        Some(name),
                        format!(
                            "字段 {name} 的值无效: {v} (bad value for {name}, expected {expected})"
                        ),
                    )
                }),
            }
        }
        let birth_date = match field("birth_date") {
            None => None,
            Some(Value::String(text)) => Some(parse_date(text).map_err(|e| {
                ClassifyError::new(ErrorCode::BadValue, Some("birth_date"), e.to_string())
            })?),
            Some(other) => {
                return Err(ClassifyError::new(
                    ErrorCode::BadValue,
                    Some("birth_date"),
                    format!("出生日期应为 YYYY-MM-DD 字符串: {other} (birth_date must be a YYYY-MM-DD string)"),
                ))
            }
        };
        let id_number: Option<String> = typed("id_number", field("id_number"), "a string")?;
        let mut categories: Vec<Category> = typed(
            "categories",
            field("categories"),
            "a list of solitary, living_alone, empty_nest, left_behind, family_planning_special",
        )?
        .unwrap_or_default();
        categories.sort();
        categories.dedup();
        let capability = typed(
            "capability",
            field("capability"),
            "intact, mild, moderate, severe, total or unassessed",
        )?
        .unwrap_or_default();
        let flag = |name: &str| -> Result<bool, ClassifyError> {
            Ok(typed(name, field(name), "true or false")?.unwrap_or(false))
        };
        let disability_grade: Option<u8> =
            typed("disability_grade", field("disability_grade"), "1–4 or null")?;
        let consent = typed("consent", field("consent"), "accepted, declined or pending")?
            .unwrap_or_default();
        let region_code: Option<String> = typed("region_code", field("region_code"), "a string")?;
        let facts = ElderFacts {
            id,
            birth_date,
            id_number,
            categories,
            capability,
            bedridden: flag("bedridden")?,
            mobility_impaired: flag("mobility_impaired")?,
            dementia: flag("dementia")?,
            disability_grade,
            serious_illness: flag("serious_illness")?,
            low_income: flag("low_income")?,
            cohabits_with_impaired_elder: flag("cohabits_with_impaired_elder")?,
            cares_for_impaired_child: flag("cares_for_impaired_child")?,
            consent,
            region_code,
        };
        facts.check_values()?;
        Ok(facts)
    }
}

impl ElderFacts {
    /// Every problem of a facts object for a roster check on `today`: the identity number,
    /// birth date agreement, age ≥ 60 and special needs. (Parsing errors come from
    /// [`ElderFacts::from_json`].)
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if let Err(e) = self.check_values() {
            errors.push(FieldError::from(e));
        }
        match self.resolved_birth_date() {
            Err(e) => errors.push(FieldError::from(e)),
            Ok(birth) if birth > today => errors.push(FieldError::with_code(
                "birth_date",
                ErrorCode::BadValue,
                format!("出生日期 {birth} 晚于今天 {today} (birth_date is in the future)"),
            )),
            Ok(birth) if age_on(birth, today) < ELDERLY_AGE => errors.push(FieldError::with_code(
                "birth_date",
                ErrorCode::NotElderly,
                format!(
                    "未满60周岁（{}岁） (under 60 on {today})",
                    age_on(birth, today)
                ),
            )),
            Ok(_) => {}
        }
        if let Some(code) = &self.region_code {
            if let Err(e) = RegionCode::parse(code) {
                errors.push(FieldError::new("region_code", e.to_string()));
            }
        }
        if !self.special_needs() {
            errors.push(FieldError::with_code(
                "categories",
                ErrorCode::NotSpecialNeeds,
                "不属于特殊困难老年人（无类别、未失能、非重残） (not a special-needs elder)",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl From<ClassifyError> for FieldError {
    fn from(e: ClassifyError) -> FieldError {
        FieldError {
            field: e.field.unwrap_or_default(),
            code: e.code,
            message: e.message,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The full file (一人一档)
// ---------------------------------------------------------------------------------------------

/// One bad field of a file. `field` is a dotted path such as `emergency_contacts[1].phone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: ErrorCode,
    /// Chinese first, English in brackets.
    pub message: String,
}

impl FieldError {
    /// A `bad_value` error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError::with_code(field, ErrorCode::BadValue, message)
    }

    pub fn with_code(
        field: impl Into<String>,
        code: ErrorCode,
        message: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// Address down to 社区/村 (天津 附件4 一: 区 街道(乡镇) 社区(村)).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Address {
    /// 12-digit code of the community/village.
    pub region_code: String,
    /// Names as written on the form, top down (city, district, street, community).
    pub city: String,
    pub district: String,
    pub street: String,
    pub community: String,
    /// Building, unit, room / village group and house number.
    pub detail: String,
}

/// A geocoded point of the elder's home (WGS 84 degrees), entered by a coordinator; the
/// evidence check compares home visits' locations with it (`evidence`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

// JSON numbers are always finite (serde_json refuses NaN and infinities) and `validate`
// refuses non-finite values, so a stored point is never NaN and equality is total.
impl Eq for GeoPoint {}

impl GeoPoint {
    /// Reads a point as a coordinator types or pastes it from a map: "纬度, 经度" — latitude
    /// first, separated by a comma (half or full width) or spaces, e.g. `35.4153, 116.5871`.
    /// Empty text is no point. An error names `field`.
    pub fn parse_text(text: &str, field: &str) -> Result<Option<GeoPoint>, FieldError> {
        let text = text.trim();
        if text.is_empty() {
            return Ok(None);
        }
        let format_error = || {
            FieldError::new(
                field,
                "请按“纬度, 经度”填写，例如 35.4153, 116.5871 \
                 (enter latitude, longitude, e.g. 35.4153, 116.5871)",
            )
        };
        let parts: Vec<&str> = text
            .split(|c: char| c == ',' || c == '，' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .collect();
        let [lat, lon] = parts.as_slice() else {
            return Err(format_error());
        };
        let (Ok(lat), Ok(lon)) = (lat.parse::<f64>(), lon.parse::<f64>()) else {
            return Err(format_error());
        };
        let point = GeoPoint { lat, lon };
        match point.problems(field).into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(Some(point)),
        }
    }

    /// The text `parse_text` reads back: "纬度, 经度".
    pub fn to_text(&self) -> String {
        format!("{}, {}", self.lat, self.lon)
    }

    /// The problems of this point, each naming `{prefix}.lat` / `{prefix}.lon`.
    pub fn problems(&self, prefix: &str) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !self.lat.is_finite() || !(-90.0..=90.0).contains(&self.lat) {
            errors.push(FieldError::with_code(
                format!("{prefix}.lat"),
                ErrorCode::BadValue,
                "纬度须在 −90 到 90 之间 (latitude must be between −90 and 90)",
            ));
        }
        if !self.lon.is_finite() || !(-180.0..=180.0).contains(&self.lon) {
            errors.push(FieldError::with_code(
                format!("{prefix}.lon"),
                ErrorCode::BadValue,
                "经度须在 −180 到 180 之间 (longitude must be between −180 and 180)",
            ));
        }
        errors
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContactKind {
    /// 子女 — the first contact whenever there is one (天津 §二(三)一, 江门 §二(三)1).
    Child,
    /// 近亲属
    Relative,
    /// 社区(村)/居委会 staff.
    Community,
}

/// 紧急联系人, kept in order: children first, then close relatives, then the community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmergencyContact {
    pub kind: ContactKind,
    pub name: String,
    /// 与老人关系, e.g. 儿子, 侄女, 社区主任.
    #[serde(default)]
    pub relation: String,
    pub phone: String,
}

/// One entry of the consent history (探访意愿). A refusal needs a written note (江门 §二(二)2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    pub date: NaiveDate,
    pub decision: Consent,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who recorded it (user id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_by: Option<String>,
}

/// 家庭基本情况: one household member (平利 附件3 二, 天津 附件4 二).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct FamilyMember {
    pub name: String,
    pub sex: Option<Sex>,
    pub id_number: Option<String>,
    /// 与户主关系
    pub relation: String,
    /// 健康状况
    pub health: String,
    /// 是否为低保对象/特困人员
    pub low_income_or_extremely_poor: bool,
    /// 是否经常探访
    pub visits_often: Option<bool>,
}

/// 家庭生活条件 (平利 附件3 三, 天津 附件4 三).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct LivingConditions {
    /// 饮水是否安全
    pub drinking_water_safe: Option<bool>,
    /// 生活用电是否安全
    pub electricity_safe: Option<bool>,
    /// 住房是否安全
    pub housing_safe: Option<bool>,
    /// 家庭每月收入 (元)
    pub monthly_household_income_yuan: Option<u32>,
    /// 有领取养老保险
    pub receives_pension: Option<bool>,
    /// 养老保险每月 (元)
    pub monthly_pension_yuan: Option<u32>,
    /// 享受社会救助和社会福利补贴项目
    pub subsidies: Vec<Subsidy>,
    /// 特困供养人员
    pub extremely_poor: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Subsidy {
    pub name: String,
    pub monthly_yuan: Option<u32>,
}

/// 帮扶单位(组织) checkboxes (平利 附件3 四, 天津 附件4 四).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HelpUnitKind {
    /// 党政机关、群团组织
    GovernmentOrMassOrganisation,
    /// 街道(乡镇)、居(村)民委员会
    StreetOrResidentsCommittee,
    /// 企业
    Enterprise,
    /// 社会组织
    SocialOrganisation,
    /// 专业社会工作者
    SocialWorker,
    /// 志愿者
    Volunteer,
    /// 其他
    Other,
}

/// 已享受帮扶情况.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct HelpReceived {
    pub units: Vec<HelpUnitKind>,
    /// Names of the helping units.
    pub unit_names: Vec<String>,
    /// 帮扶责任人
    pub responsible_person: Option<String>,
    /// 帮扶措施
    pub measures: Option<String>,
}

/// 一人一档: the elder's full file.
///
/// The classification facts sit at the top level with the names of [`ElderFacts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct ElderFile {
    pub id: String,
    // --- identity
    pub name: String,
    pub sex: Option<Sex>,
    /// 民族 (optional)
    pub ethnicity: Option<String>,
    pub id_number: Option<String>,
    pub birth_date: Option<NaiveDate>,
    // --- residence
    pub address: Address,
    /// 是否居住在户籍所在地 (天津 附件4); false = 人户分离. Absent in JSON = true.
    #[serde(default = "yes")]
    pub lives_at_household_registration: bool,
    /// Region code of the household-registration place when it differs (人户分离), so that
    /// street is informed too (天津 §三(二)).
    pub household_registration_region_code: Option<String>,
    /// The home's geocoded point, when a coordinator entered one (visit evidence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<GeoPoint>,
    pub phone: Option<String>,
    /// In order: child first, then relative, then community.
    pub emergency_contacts: Vec<EmergencyContact>,
    // --- classification facts (same names as ElderFacts)
    pub categories: Vec<Category>,
    pub capability: Capability,
    /// Date of the last capability assessment.
    pub capability_assessed_on: Option<NaiveDate>,
    pub bedridden: bool,
    pub mobility_impaired: bool,
    pub dementia: bool,
    pub disability_grade: Option<u8>,
    /// 残疾人证号 (20 characters: ID number + category digit + grade digit).
    pub disability_certificate_number: Option<String>,
    pub serious_illness: bool,
    /// Names of serious illnesses (疾病名称).
    pub illness_names: Vec<String>,
    /// 低保 household.
    pub low_income: bool,
    pub cohabits_with_impaired_elder: bool,
    pub cares_for_impaired_child: bool,
    // --- consent
    pub consent: Consent,
    pub consent_history: Vec<ConsentRecord>,
    // --- household and circumstances
    pub family_members: Vec<FamilyMember>,
    pub living_conditions: LivingConditions,
    pub help_received: HelpReceived,
    // --- care organisation
    /// 探访关爱责任人 (user id).
    pub responsible_visitor_id: Option<String>,
    pub backup_visitor_ids: Vec<String>,
    /// Last re-verification of the ledger entry (天津: every half year).
    pub last_reverified_on: Option<NaiveDate>,
    pub notes: Option<String>,
}

fn yes() -> bool {
    true
}

impl ElderFile {
    /// Parses a file from JSON; on a type error names the field by its path
    /// (`emergency_contacts[1].kind`).
    pub fn from_json(value: &Value) -> Result<ElderFile, FieldError> {
        serde_path_to_error::deserialize::<_, ElderFile>(value.clone()).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            FieldError::with_code(
                field.clone(),
                ErrorCode::BadValue,
                format!("字段 {field} 的值无效 (bad value): {}", e.inner()),
            )
        })
    }

    /// Parses a file straight from JSON text (no intermediate `Value`, which is faster for big
    /// rosters); errors name the field like [`ElderFile::from_json`].
    pub fn from_json_str(text: &str) -> Result<ElderFile, FieldError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let file: ElderFile = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { String::new() } else { field };
            let code = if e.inner().is_syntax() || e.inner().is_eof() {
                ErrorCode::BadJson
            } else {
                ErrorCode::BadValue
            };
            FieldError::with_code(
                field.clone(),
                code,
                format!("字段 {field} 的值无效 (bad value): {}", e.inner()),
            )
        })?;
        deserializer.end().map_err(|e| {
            FieldError::with_code(
                "",
                ErrorCode::BadJson,
                format!("JSON 之后有多余内容 (trailing characters): {e}"),
            )
        })?;
        Ok(file)
    }

    /// The facts classification needs.
    pub fn facts(&self) -> ElderFacts {
        let mut categories = self.categories.clone();
        categories.sort();
        categories.dedup();
        ElderFacts {
            id: self.id.clone(),
            birth_date: self.birth_date,
            id_number: self.id_number.clone(),
            categories,
            capability: self.capability,
            bedridden: self.bedridden,
            mobility_impaired: self.mobility_impaired,
            dementia: self.dementia,
            disability_grade: self.disability_grade,
            serious_illness: self.serious_illness,
            low_income: self.low_income,
            cohabits_with_impaired_elder: self.cohabits_with_impaired_elder,
            cares_for_impaired_child: self.cares_for_impaired_child,
            consent: self.consent,
            region_code: (!self.address.region_code.is_empty())
                .then(|| self.address.region_code.clone()),
        }
    }

    /// Every bad field, or `Ok(())`. `today` bounds dates (no birth, consent or re-verification in
    /// the future).
    pub fn validate(&self, today: NaiveDate) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut push = |field: &str, code: ErrorCode, message: String| {
            errors.push(FieldError::with_code(field, code, message))
        };
        let missing = ErrorCode::MissingField;
        let bad = ErrorCode::BadValue;

        if self.id.trim().is_empty() {
            push("id", missing, "缺少编号 (id is required)".into());
        }
        if self.name.trim().is_empty() {
            push("name", missing, "缺少姓名 (name is required)".into());
        }
        // Identity and birth date.
        let mut id_birth = None;
        if let Some(text) = &self.id_number {
            match IdNumber::parse_on(text, today) {
                Ok(id) => {
                    id_birth = Some(id.birth_date());
                    if let Some(sex) = self.sex {
                        if sex != id.sex() {
                            push(
                                "sex",
                                ErrorCode::BadValue,
                                format!(
                                    "性别与身份证号不一致，身份证号为{} (sex disagrees with id_number)",
                                    id.sex().label_zh()
                                ),
                            );
                        }
                    }
                }
                Err(e) => push("id_number", ErrorCode::BadIdNumber, e.to_string()),
            }
        }
        let birth = match (self.birth_date, id_birth) {
            (Some(given), Some(from_id)) if given != from_id => {
                push(
                    "birth_date",
                    ErrorCode::BirthDateMismatch,
                    format!("出生日期 {given} 与身份证号中的 {from_id} 不一致 (birth_date disagrees with id_number)"),
                );
                None
            }
            (Some(given), _) => Some(given),
            (None, Some(from_id)) => Some(from_id),
            (None, None) => {
                if self.id_number.is_none() {
                    push(
                        "birth_date",
                        missing,
                        "缺少出生日期或身份证号 (birth_date or id_number is required)".into(),
                    );
                }
                None
            }
        };
        if let Some(birth) = birth {
            if birth > today {
                push(
                    "birth_date",
                    bad,
                    format!("出生日期 {birth} 晚于今天 {today} (birth_date is in the future)"),
                );
            } else if age_on(birth, today) < ELDERLY_AGE {
                push(
                    "birth_date",
                    ErrorCode::NotElderly,
                    format!(
                        "未满60周岁（{}岁） (under 60 on {today})",
                        age_on(birth, today)
                    ),
                );
            }
        }
        // Address.
        if self.address.region_code.trim().is_empty() {
            push(
                "address.region_code",
                missing,
                "缺少社区(村)区划代码 (community region code is required)".into(),
            );
        } else {
            match RegionCode::parse(&self.address.region_code) {
                Ok(code) if code.level() != RegionLevel::Community => push(
                    "address.region_code",
                    bad,
                    format!(
                        "地址须精确到社区(村)，此代码为{}级 (address must be a community/village code)",
                        code.level().label_zh()
                    ),
                ),
                Ok(_) => {}
                Err(e) => push("address.region_code", bad, e.to_string()),
            }
        }
        if !self.lives_at_household_registration {
            match &self.household_registration_region_code {
                None => push(
                    "household_registration_region_code",
                    missing,
                    "人户分离须填写户籍所在地区划代码，以便告知户籍地街道(乡镇) (registration place is required when living elsewhere)".into(),
                ),
                Some(code) => {
                    if let Err(e) = RegionCode::parse(code) {
                        push("household_registration_region_code", bad, e.to_string());
                    }
                }
            }
        }
        if let Some(phone) = &self.phone {
            if let Err(e) = Phone::parse(phone) {
                push("phone", bad, format!("联系电话无效: {e}"));
            }
        }
        // Emergency contacts.
        if self.emergency_contacts.is_empty() {
            push(
                "emergency_contacts",
                missing,
                "至少需要一位紧急联系人 (at least one emergency contact is required)".into(),
            );
        }
        let mut previous_kind: Option<ContactKind> = None;
        for (index, contact) in self.emergency_contacts.iter().enumerate() {
            let path = format!("emergency_contacts[{index}]");
            if contact.name.trim().is_empty() {
                push(
                    &format!("{path}.name"),
                    missing,
                    "缺少联系人姓名 (contact name is required)".into(),
                );
            }
            if let Err(e) = Phone::parse(&contact.phone) {
                push(
                    &format!("{path}.phone"),
                    bad,
                    format!("紧急联系人电话无效: {e}"),
                );
            }
            if let Some(prev) = previous_kind {
                if contact.kind < prev {
                    push(
                        &format!("{path}.kind"),
                        bad,
                        "紧急联系人顺序应为子女、近亲属、社区(村) (order: child, relative, community)"
                            .into(),
                    );
                }
            }
            previous_kind = Some(contact.kind);
        }
        // Disability.
        if let Some(grade) = self.disability_grade {
            if !(1..=4).contains(&grade) {
                push(
                    "disability_grade",
                    bad,
                    format!("残疾等级应为1–4，实为{grade} (disability_grade must be 1–4)"),
                );
            } else if self.disability_certificate_number.is_none() {
                push(
                    "disability_certificate_number",
                    missing,
                    "有残疾等级时须填写残疾人证号 (certificate number required with a grade)"
                        .into(),
                );
            }
        }
        if let Some(cert) = &self.disability_certificate_number {
            let cert = cert.trim().to_uppercase();
            let field = "disability_certificate_number";
            if cert.chars().count() != 20 {
                push(
                    field,
                    bad,
                    "残疾人证号应为20位（身份证号+类别+等级） (certificate number must be 20 characters)"
                        .into(),
                );
            } else {
                match IdNumber::parse(&cert[..18]) {
                    Err(e) => push(field, bad, format!("残疾人证号前18位不是有效身份证号: {e}")),
                    Ok(cert_id) => {
                        if let Some(Ok(own)) = self.id_number.as_deref().map(IdNumber::parse) {
                            if own != cert_id {
                                push(field, bad, "残疾人证号与身份证号不符 (certificate number does not match id_number)".into());
                            }
                        }
                    }
                }
                let category = cert.as_bytes()[18];
                let grade_digit = cert.as_bytes()[19];
                if !(b'1'..=b'7').contains(&category) {
                    push(
                        field,
                        bad,
                        "残疾人证号第19位（残疾类别）应为1–7 (19th character is the category 1–7)"
                            .into(),
                    );
                }
                match self.disability_grade {
                    Some(grade) if grade_digit != b'0' + grade => push(
                        field,
                        bad,
                        format!("残疾人证号第20位（等级）与残疾等级{grade}不符 (grade digit disagrees with disability_grade)"),
                    ),
                    None => push(
                        "disability_grade",
                        missing,
                        "填写了残疾人证号但缺少残疾等级 (disability_grade is required with a certificate)".into(),
                    ),
                    _ => {}
                }
            }
        }
        if let Some(point) = &self.location {
            for problem in point.problems("location") {
                push(&problem.field, problem.code, problem.message);
            }
        }
        // Special needs.
        if !self.facts().special_needs() {
            push(
                "categories",
                ErrorCode::NotSpecialNeeds,
                "不属于特殊困难老年人（无类别、未失能、非重残） (not a special-needs elder)".into(),
            );
        }
        if let Some(assessed) = self.capability_assessed_on {
            if assessed > today {
                push(
                    "capability_assessed_on",
                    bad,
                    "评估日期晚于今天 (assessment date in the future)".into(),
                );
            }
        }
        if self.serious_illness && self.illness_names.iter().all(|n| n.trim().is_empty()) {
            push(
                "illness_names",
                missing,
                "重病须填写疾病名称 (name the serious illness)".into(),
            );
        }
        // Consent history.
        let mut previous_date: Option<NaiveDate> = None;
        for (index, record) in self.consent_history.iter().enumerate() {
            let path = format!("consent_history[{index}]");
            if record.date > today {
                push(
                    &format!("{path}.date"),
                    bad,
                    "意愿记录日期晚于今天 (consent record dated in the future)".into(),
                );
            }
            if previous_date.is_some_and(|p| record.date < p) {
                push(
                    &format!("{path}.date"),
                    bad,
                    "意愿记录应按日期先后排列 (consent history must be in date order)".into(),
                );
            }
            previous_date = Some(record.date);
            if record.decision == Consent::Declined
                && record.note.as_deref().is_none_or(|n| n.trim().is_empty())
            {
                push(
                    &format!("{path}.note"),
                    missing,
                    "拒绝探访须有书面记录说明 (a refusal needs a written note)".into(),
                );
            }
        }
        if let Some(last) = self.consent_history.last() {
            if last.decision != self.consent {
                push(
                    "consent",
                    bad,
                    format!(
                        "当前意愿“{}”与最近一次记录“{}”不一致 (consent disagrees with the latest history entry)",
                        self.consent.label_zh(),
                        last.decision.label_zh()
                    ),
                );
            }
        } else if self.consent == Consent::Declined {
            push(
                "consent_history",
                missing,
                "拒绝探访须有书面记录 (a refusal needs a consent history entry with a note)".into(),
            );
        }
        // Family members.
        for (index, member) in self.family_members.iter().enumerate() {
            let path = format!("family_members[{index}]");
            if member.name.trim().is_empty() {
                push(
                    &format!("{path}.name"),
                    missing,
                    "缺少家庭成员姓名 (family member name is required)".into(),
                );
            }
            if let Some(text) = &member.id_number {
                if let Err(e) = IdNumber::parse_on(text, today) {
                    push(
                        &format!("{path}.id_number"),
                        ErrorCode::BadIdNumber,
                        e.to_string(),
                    );
                }
            }
        }
        // Living conditions.
        let living = &self.living_conditions;
        if living.receives_pension == Some(false) && living.monthly_pension_yuan.unwrap_or(0) > 0 {
            push(
                "living_conditions.monthly_pension_yuan",
                bad,
                "无养老保险却填写了养老金金额 (pension amount given without a pension)".into(),
            );
        }
        for (index, subsidy) in living.subsidies.iter().enumerate() {
            if subsidy.name.trim().is_empty() {
                push(
                    &format!("living_conditions.subsidies[{index}].name"),
                    missing,
                    "缺少补贴项目名称 (subsidy name is required)".into(),
                );
            }
        }
        // Care organisation.
        for (index, backup) in self.backup_visitor_ids.iter().enumerate() {
            if Some(backup) == self.responsible_visitor_id.as_ref() {
                push(
                    &format!("backup_visitor_ids[{index}]"),
                    bad,
                    "备用探访人不能是责任人本人 (backup equals the responsible visitor)".into(),
                );
            }
        }
        if let Some(date) = self.last_reverified_on {
            if date > today {
                push(
                    "last_reverified_on",
                    bad,
                    "核实日期晚于今天 (re-verification date in the future)".into(),
                );
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// 天津 §二(二)三: the ledger is updated every half year. Due when never verified or not
    /// yet verified in the half-year (Jan–Jun, Jul–Dec) containing `today`.
    pub fn reverification_due(&self, today: NaiveDate) -> bool {
        let current = crate::date::Per::HalfYear.period_containing(today);
        self.last_reverified_on
            .is_none_or(|date| date < current.start)
    }
}
