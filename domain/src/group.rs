//! Enterprise and school volunteer groups (企业/学校志愿团体): registration, pairing (结对) with
//! communities, invite codes for members, and service hours (志愿服务时长).
//!
//! Design decisions:
//! - **Credit code.** A group identifies itself by its 统一社会信用代码 (GB 32100-2015), checked
//!   here completely: 18 characters from the standard's 31-character set (digits and capitals
//!   without I, O, S, V, Z), a known registration-authority code (position 1) with one of its
//!   organisation-type codes (position 2), a 6-digit administrative division (3–8), a 9-character
//!   organisation code (9–17, GB 11714, with its own MOD 11 check character) and the overall
//!   check character (18, weighted MOD 31). Each failure is its own [`CreditCodeError`] naming
//!   the position, so the form can say exactly what is wrong.
//! - **State machines as pure transitions.** [`RegistrationStatus::apply`] and
//!   [`Pairing::apply`] take the current state and an event and return the next state or a
//!   [`TransitionError`]; the worker stores the result, so illegal transitions are refused in
//!   one place and tested exhaustively.
//! - **Pairings have two sides.** A pairing is requested by one side (usually the group) and
//!   accepted or declined by the *other* side (the community's coordinator); either side may end
//!   an active pairing. A pairing is *in force* on a date when it is active and the date lies
//!   between its start date and its (optional, planned or actual) end date.
//! - **Invites** are single-use codes with an expiry; the time is passed in (Unix milliseconds),
//!   the randomness too ([`invite_code_from_bytes`]), so the checks are pure.
//! - **Terms (学期).** Chinese schools run an autumn term (第一学期) from September to January
//!   and a spring term (第二学期) from February to July. August — the summer holiday, when a lot
//!   of student volunteering happens (暑期社会实践) — is its own period 暑期 of the academic year
//!   that ends then, so every date belongs to exactly one [`Term`] and no service is lost from
//!   the exports. Academic year `Y` runs from 1 September `Y` to 31 August `Y+1`.
//! - **Hours** are summed from visit facts (date, duration in minutes). Visits without a
//!   recorded duration are counted as visits but add no minutes; they are reported separately
//!   so a group admin can ask for the durations instead of the export silently guessing.

use crate::date::Month;
use crate::phone::Phone;
use crate::region::RegionCode;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 (GB 32100-2015)
// ---------------------------------------------------------------------------------------------

/// The standard's code character set, in value order (0–30).
pub const CREDIT_CODE_CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 for the check character: 3^(i-1) mod 31.
const CREDIT_CODE_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Weights of the 8 body characters of a GB 11714 organisation code.
const ORGANISATION_CODE_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Registration authorities (登记管理部门, position 1) and their organisation types
/// (机构类别, position 2), per GB 32100-2015 table 1.
/// (authority code, authority name, [(type code, type name)]).
pub type AuthorityTable = &'static [(char, &'static str, &'static [(char, &'static str)])];

pub const REGISTRATION_AUTHORITIES: AuthorityTable = &[
    (
        '1',
        "机构编制",
        &[
            ('1', "机关"),
            ('2', "事业单位"),
            ('3', "中央编办直接管理机构编制的群众团体"),
            ('9', "其他"),
        ],
    ),
    ('2', "外交", &[('1', "外国常驻新闻机构"), ('9', "其他")]),
    (
        '3',
        "司法行政",
        &[
            ('1', "律师执业机构"),
            ('2', "公证处"),
            ('3', "基层法律服务所"),
            ('4', "司法鉴定机构"),
            ('5', "仲裁委员会"),
            ('9', "其他"),
        ],
    ),
    ('4', "文化", &[('1', "外国在华文化中心"), ('9', "其他")]),
    (
        '5',
        "民政",
        &[
            ('1', "社会团体"),
            ('2', "民办非企业单位"),
            ('3', "基金会"),
            ('9', "其他"),
        ],
    ),
    (
        '6',
        "旅游",
        &[
            ('1', "外国旅游部门常驻代表机构"),
            ('2', "港澳台地区旅游部门常驻内地（大陆）代表机构"),
            ('9', "其他"),
        ],
    ),
    (
        '7',
        "宗教",
        &[('1', "宗教活动场所"), ('2', "宗教院校"), ('9', "其他")],
    ),
    ('8', "工会", &[('1', "基层工会"), ('9', "其他")]),
    (
        '9',
        "工商",
        &[('1', "企业"), ('2', "个体工商户"), ('3', "农民专业合作社")],
    ),
    (
        'A',
        "中央军委改革和编制办公室",
        &[('1', "军队事业单位"), ('9', "其他")],
    ),
    (
        'N',
        "农业",
        &[
            ('1', "组级集体经济组织"),
            ('2', "村级集体经济组织"),
            ('3', "乡镇级集体经济组织"),
            ('9', "其他"),
        ],
    ),
    ('Y', "其他", &[('1', "其他")]),
];

/// Province-level prefixes of administrative division codes (GB/T 2260), plus `10` used by
/// central authorities (100000).
const PROVINCE_PREFIXES: &[&str] = &[
    "10", "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
];

/// Why a text is not a valid 统一社会信用代码. Positions are 1-based, as printed on licences.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码不能为空 (credit code is empty)")]
    Empty,
    #[error("统一社会信用代码须为18位，实为{found}位 (must be 18 characters, found {found})")]
    Length { found: usize },
    #[error("第{position}位“{character}”不是代码字符（不含 I、O、S、V、Z）(character {position} '{character}' is not in the code set)")]
    Character { position: usize, character: char },
    #[error(
        "第1位登记管理部门代码“{character}”不存在 (unknown registration authority '{character}')"
    )]
    RegistrationAuthority { character: char },
    #[error("第2位机构类别代码“{character}”不属于登记管理部门“{authority}” (organisation type '{character}' does not exist for authority '{authority}')")]
    OrganisationType { authority: char, character: char },
    #[error("第3–8位登记管理机关行政区划码“{code}”无效 (administrative division '{code}' is not a division code)")]
    AdministrativeDivision { code: String },
    #[error("第9–17位组织机构代码校验位应为“{expected}”，实为“{found}” (organisation code check character should be '{expected}', found '{found}')")]
    OrganisationCodeCheck { expected: char, found: char },
    #[error("第18位校验码应为“{expected}”，实为“{found}” (check character should be '{expected}', found '{found}')")]
    CheckCharacter { expected: char, found: char },
}

/// A valid 统一社会信用代码 (upper case, 18 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

fn charset_value(character: char) -> Option<u32> {
    CREDIT_CODE_CHARSET
        .find(character)
        .map(|index| index as u32)
}

/// The check character (position 18) of the first 17 characters, or `None` when one of them is
/// not in the code set or there are not 17.
pub fn credit_code_check_character(first_17: &str) -> Option<char> {
    let characters: Vec<char> = first_17.chars().collect();
    if characters.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (character, weight) in characters.iter().zip(CREDIT_CODE_WEIGHTS) {
        sum += charset_value(*character)? * weight;
    }
    let value = (31 - sum % 31) % 31;
    CREDIT_CODE_CHARSET.chars().nth(value as usize)
}

/// The GB 11714 check character of an organisation code's first 8 characters.
pub fn organisation_code_check_character(first_8: &str) -> Option<char> {
    let characters: Vec<char> = first_8.chars().collect();
    if characters.len() != 8 {
        return None;
    }
    let mut sum = 0u32;
    for (character, weight) in characters.iter().zip(ORGANISATION_CODE_WEIGHTS) {
        sum += character.to_digit(36)? * weight;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        digit => char::from_digit(digit, 10).unwrap(),
    })
}

impl CreditCode {
    /// Parses a code as typed: surrounding spaces are ignored, lower-case letters accepted.
    pub fn parse(text: &str) -> Result<CreditCode, CreditCodeError> {
        let text = text.trim().to_ascii_uppercase();
        if text.is_empty() {
            return Err(CreditCodeError::Empty);
        }
        let characters: Vec<char> = text.chars().collect();
        if characters.len() != 18 {
            return Err(CreditCodeError::Length {
                found: characters.len(),
            });
        }
        if let Some((index, &character)) = characters
            .iter()
            .enumerate()
            .find(|(_, c)| charset_value(**c).is_none())
        {
            return Err(CreditCodeError::Character {
                position: index + 1,
                character,
            });
        }
        let authority = characters[0];
        let types = REGISTRATION_AUTHORITIES
            .iter()
            .find(|(code, _, _)| *code == authority)
            .map(|(_, _, types)| *types)
            .ok_or(CreditCodeError::RegistrationAuthority {
                character: authority,
            })?;
        if !types.iter().any(|(code, _)| *code == characters[1]) {
            return Err(CreditCodeError::OrganisationType {
                authority,
                character: characters[1],
            });
        }
        let division: String = characters[2..8].iter().collect();
        if !division.chars().all(|c| c.is_ascii_digit())
            || !PROVINCE_PREFIXES.contains(&&division[..2])
        {
            return Err(CreditCodeError::AdministrativeDivision { code: division });
        }
        let organisation_body: String = characters[8..16].iter().collect();
        let expected =
            organisation_code_check_character(&organisation_body).expect("8 code-set characters");
        if characters[16] != expected {
            return Err(CreditCodeError::OrganisationCodeCheck {
                expected,
                found: characters[16],
            });
        }
        let expected = credit_code_check_character(&text[..17]).expect("17 code-set characters");
        if characters[17] != expected {
            return Err(CreditCodeError::CheckCharacter {
                expected,
                found: characters[17],
            });
        }
        Ok(CreditCode(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// 登记管理部门, e.g. "工商".
    pub fn registration_authority_zh(&self) -> &'static str {
        let authority = self.0.chars().next().unwrap();
        REGISTRATION_AUTHORITIES
            .iter()
            .find(|(code, _, _)| *code == authority)
            .map(|(_, name, _)| *name)
            .unwrap_or("")
    }

    /// 机构类别, e.g. "企业".
    pub fn organisation_type_zh(&self) -> &'static str {
        let mut characters = self.0.chars();
        let (authority, kind) = (characters.next().unwrap(), characters.next().unwrap());
        REGISTRATION_AUTHORITIES
            .iter()
            .find(|(code, _, _)| *code == authority)
            .and_then(|(_, _, types)| types.iter().find(|(code, _)| *code == kind))
            .map(|(_, name)| *name)
            .unwrap_or("")
    }

    /// 登记管理机关行政区划码 (positions 3–8).
    pub fn administrative_division(&self) -> &str {
        &self.0[2..8]
    }

    /// 组织机构代码 (positions 9–17).
    pub fn organisation_code(&self) -> &str {
        &self.0[8..17]
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        CreditCode::parse(&text).map_err(serde::de::Error::custom)
    }
}

// ---------------------------------------------------------------------------------------------
// Groups and registration
// ---------------------------------------------------------------------------------------------

/// What kind of organisation a group is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    Enterprise,
    School,
    SocialOrganisation,
    Other,
}

impl GroupKind {
    pub const ALL: [GroupKind; 4] = [
        GroupKind::Enterprise,
        GroupKind::School,
        GroupKind::SocialOrganisation,
        GroupKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupKind::Enterprise => "enterprise",
            GroupKind::School => "school",
            GroupKind::SocialOrganisation => "social_organisation",
            GroupKind::Other => "other",
        }
    }

    pub fn parse(text: &str) -> Option<GroupKind> {
        GroupKind::ALL.into_iter().find(|k| k.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            GroupKind::Enterprise => "企业",
            GroupKind::School => "学校",
            GroupKind::SocialOrganisation => "社会组织",
            GroupKind::Other => "其他",
        }
    }

    /// Students count service hours per term (学期) for credit.
    pub fn counts_terms(self) -> bool {
        self == GroupKind::School
    }
}

/// A field-level validation error: which field, and why (Chinese first).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Longest group name accepted (characters).
pub const MAX_GROUP_NAME_CHARS: usize = 60;
/// Longest decline reason (characters).
pub const MAX_REASON_CHARS: usize = 200;

/// A group's self-registration (as typed into the form).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupRegistration {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// The area (community/street/district) the group wants to serve: its coordinators review.
    pub region_code: String,
}

/// A registration that passed every check, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValidGroupRegistration {
    pub name: String,
    pub kind: GroupKind,
    pub credit_code: CreditCode,
    pub contact_name: String,
    pub contact_phone: Phone,
    pub region_code: RegionCode,
}

fn person_name(field: &str, text: &str) -> Result<String, FieldError> {
    let name = text.trim();
    let count = name.chars().count();
    if count == 0 {
        return Err(FieldError::new(field, "不能为空 (required)"));
    }
    if count > 30 || name.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            "须为1–30个字符且不含控制字符 (1–30 characters, no control characters)",
        ));
    }
    Ok(name.to_string())
}

/// Checks a person's name as typed (1–30 characters, trimmed).
pub fn validate_person_name(field: &str, text: &str) -> Result<String, FieldError> {
    person_name(field, text)
}

impl GroupRegistration {
    /// Every field checked; all problems are returned, each naming its field.
    pub fn validate(&self) -> Result<ValidGroupRegistration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = self.name.trim().to_string();
        let name_chars = name.chars().count();
        if !(2..=MAX_GROUP_NAME_CHARS).contains(&name_chars) || name.chars().any(char::is_control) {
            errors.push(FieldError::new(
                "name",
                format!("团体名称须为2–{MAX_GROUP_NAME_CHARS}个字符 (2–{MAX_GROUP_NAME_CHARS} characters)"),
            ));
        }
        let kind = GroupKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.push(FieldError::new(
                "kind",
                "须为 enterprise、school、social_organisation 或 other (unknown kind)",
            ));
        }
        let credit_code = CreditCode::parse(&self.credit_code)
            .map_err(|e| errors.push(FieldError::new("credit_code", e.to_string())))
            .ok();
        let contact_name = person_name("contact_name", &self.contact_name)
            .map_err(|e| errors.push(e))
            .ok();
        let contact_phone = Phone::parse(&self.contact_phone)
            .map_err(|e| errors.push(FieldError::new("contact_phone", e.to_string())))
            .ok();
        let region_code = RegionCode::parse(self.region_code.trim())
            .map_err(|e| errors.push(FieldError::new("region_code", e.to_string())))
            .ok();
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ValidGroupRegistration {
            name,
            kind: kind.unwrap(),
            credit_code: credit_code.unwrap(),
            contact_name: contact_name.unwrap(),
            contact_phone: contact_phone.unwrap(),
            region_code: region_code.unwrap(),
        })
    }
}

/// A refused state change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("当前状态“{from}”不能执行“{event}” (cannot {event} when {from})")]
    NotAllowed {
        from: &'static str,
        event: &'static str,
    },
    #[error("须由另一方处理 (the requesting side cannot {event} its own request)")]
    SameSide { event: &'static str },
    #[error("{0}")]
    Field(FieldError),
}

fn reason_text(text: &str) -> Result<String, TransitionError> {
    let reason = text.trim();
    let count = reason.chars().count();
    if count == 0 {
        return Err(TransitionError::Field(FieldError::new(
            "reason",
            "请填写原因 (a reason is required)",
        )));
    }
    if count > MAX_REASON_CHARS {
        return Err(TransitionError::Field(FieldError::new(
            "reason",
            format!("原因不超过{MAX_REASON_CHARS}字 (at most {MAX_REASON_CHARS} characters)"),
        )));
    }
    Ok(reason.to_string())
}

/// Where a group's registration stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RegistrationStatus {
    Pending,
    Approved,
    Declined { reason: String },
}

/// What a coordinator decides about a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegistrationEvent {
    Approve,
    Decline { reason: String },
}

impl RegistrationEvent {
    pub fn name(&self) -> &'static str {
        match self {
            RegistrationEvent::Approve => "approve",
            RegistrationEvent::Decline { .. } => "decline",
        }
    }
}

impl RegistrationStatus {
    pub fn name(&self) -> &'static str {
        match self {
            RegistrationStatus::Pending => "pending",
            RegistrationStatus::Approved => "approved",
            RegistrationStatus::Declined { .. } => "declined",
        }
    }

    pub fn label_zh(&self) -> &'static str {
        match self {
            RegistrationStatus::Pending => "待审核",
            RegistrationStatus::Approved => "已通过",
            RegistrationStatus::Declined { .. } => "未通过",
        }
    }

    /// Rebuilds the status from its stored name and reason.
    pub fn from_stored(name: &str, reason: Option<&str>) -> Option<RegistrationStatus> {
        match name {
            "pending" => Some(RegistrationStatus::Pending),
            "approved" => Some(RegistrationStatus::Approved),
            "declined" => Some(RegistrationStatus::Declined {
                reason: reason.unwrap_or_default().to_string(),
            }),
            _ => None,
        }
    }

    /// Only a pending registration can be decided, once.
    pub fn apply(&self, event: &RegistrationEvent) -> Result<RegistrationStatus, TransitionError> {
        match (self, event) {
            (RegistrationStatus::Pending, RegistrationEvent::Approve) => {
                Ok(RegistrationStatus::Approved)
            }
            (RegistrationStatus::Pending, RegistrationEvent::Decline { reason }) => {
                Ok(RegistrationStatus::Declined {
                    reason: reason_text(reason)?,
                })
            }
            (from, event) => Err(TransitionError::NotAllowed {
                from: from.name(),
                event: event.name(),
            }),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pairings (结对)
// ---------------------------------------------------------------------------------------------

/// The two sides of a pairing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The group (its admin).
    Group,
    /// The community (its coordinator, or one above it).
    Community,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Group => "group",
            Side::Community => "community",
        }
    }

    pub fn parse(text: &str) -> Option<Side> {
        match text {
            "group" => Some(Side::Group),
            "community" => Some(Side::Community),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairingStatus {
    Requested,
    Active,
    Declined,
    Ended,
}

impl PairingStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PairingStatus::Requested => "requested",
            PairingStatus::Active => "active",
            PairingStatus::Declined => "declined",
            PairingStatus::Ended => "ended",
        }
    }

    pub fn parse(text: &str) -> Option<PairingStatus> {
        [
            PairingStatus::Requested,
            PairingStatus::Active,
            PairingStatus::Declined,
            PairingStatus::Ended,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PairingStatus::Requested => "待确认",
            PairingStatus::Active => "结对中",
            PairingStatus::Declined => "已拒绝",
            PairingStatus::Ended => "已结束",
        }
    }
}

/// A pairing between a group and a community.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    pub status: PairingStatus,
    pub requested_by: Side,
    pub requested_on: NaiveDate,
    /// When the pairing starts (planned until accepted).
    pub start_date: NaiveDate,
    /// Planned end, or the actual end once ended.
    pub end_date: Option<NaiveDate>,
    pub ended_by: Option<Side>,
    pub decline_reason: Option<String>,
}

/// What happens to a pairing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PairingEvent {
    Accept { by: Side },
    Decline { by: Side, reason: String },
    End { by: Side, on: NaiveDate },
}

impl PairingEvent {
    pub fn name(&self) -> &'static str {
        match self {
            PairingEvent::Accept { .. } => "accept",
            PairingEvent::Decline { .. } => "decline",
            PairingEvent::End { .. } => "end",
        }
    }
}

impl Pairing {
    /// A new request. `start_date` defaults to the request date; a planned end must not be
    /// before the start, and the start not before the request.
    pub fn request(
        by: Side,
        on: NaiveDate,
        start_date: Option<NaiveDate>,
        end_date: Option<NaiveDate>,
    ) -> Result<Pairing, FieldError> {
        let start_date = start_date.unwrap_or(on);
        if start_date < on {
            return Err(FieldError::new(
                "start_date",
                "开始日期不能早于今天 (start date must not be in the past)",
            ));
        }
        if let Some(end) = end_date {
            if end < start_date {
                return Err(FieldError::new(
                    "end_date",
                    "结束日期不能早于开始日期 (end date must not be before the start date)",
                ));
            }
        }
        Ok(Pairing {
            status: PairingStatus::Requested,
            requested_by: by,
            requested_on: on,
            start_date,
            end_date,
            ended_by: None,
            decline_reason: None,
        })
    }

    /// The next state, or why not. Accept/decline only by the side that did not request;
    /// end by either side, only while active, not before the request date. Ending before the
    /// planned start cancels it (the end date is then the start date: an empty pairing).
    pub fn apply(&self, event: &PairingEvent) -> Result<Pairing, TransitionError> {
        let not_allowed = || TransitionError::NotAllowed {
            from: self.status.as_str(),
            event: event.name(),
        };
        let mut next = self.clone();
        match event {
            PairingEvent::Accept { by } | PairingEvent::Decline { by, .. } => {
                if self.status != PairingStatus::Requested {
                    return Err(not_allowed());
                }
                if *by == self.requested_by {
                    return Err(TransitionError::SameSide {
                        event: event.name(),
                    });
                }
                if let PairingEvent::Decline { reason, .. } = event {
                    next.status = PairingStatus::Declined;
                    next.decline_reason = Some(reason_text(reason)?);
                } else {
                    next.status = PairingStatus::Active;
                }
            }
            PairingEvent::End { by, on } => {
                if self.status != PairingStatus::Active {
                    return Err(not_allowed());
                }
                if *on < self.requested_on {
                    return Err(TransitionError::Field(FieldError::new(
                        "on",
                        "结束日期不能早于申请日期 (cannot end before it was requested)",
                    )));
                }
                next.status = PairingStatus::Ended;
                next.ended_by = Some(*by);
                let actual_end = (*on).max(self.start_date);
                next.end_date = Some(match self.end_date {
                    Some(planned) if planned < actual_end => planned,
                    _ => actual_end,
                });
            }
        }
        Ok(next)
    }

    /// Active, and `on` within [start, end].
    pub fn in_force_on(&self, on: NaiveDate) -> bool {
        self.status == PairingStatus::Active
            && self.start_date <= on
            && self.end_date.is_none_or(|end| on <= end)
    }
}

// ---------------------------------------------------------------------------------------------
// Invite codes
// ---------------------------------------------------------------------------------------------

/// Unambiguous characters for invite codes (no 0/O, 1/I/L, U): 30 symbols.
pub const INVITE_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in an invite code (30^8 ≈ 6.6·10^11 codes).
pub const INVITE_CODE_LENGTH: usize = 8;
/// Default and longest validity of an invite.
pub const INVITE_DEFAULT_DAYS: u32 = 7;
pub const INVITE_MAX_DAYS: u32 = 30;

/// An invite code from random bytes (one byte per character, at least 8; the caller supplies
/// the randomness, e.g. WebCrypto). The small modulo bias of 256 % 30 is irrelevant for a
/// single-use, expiring code.
pub fn invite_code_from_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(INVITE_CODE_LENGTH)
        .map(|b| INVITE_ALPHABET[*b as usize % INVITE_ALPHABET.len()] as char)
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteError {
    #[error("邀请码格式不对，应为8位字母数字 (invite code must be 8 letters/digits)")]
    Malformed,
    #[error("邀请码已被使用 (invite code already used)")]
    Used,
    #[error("邀请码已过期 (invite code expired)")]
    Expired,
    #[error("团体尚未通过审核 (the group is not approved)")]
    GroupNotApproved,
}

/// Normalises a typed code: spaces and dashes dropped, upper case. The alphabet has no
/// look-alikes (0/O, 1/I/L), so a code containing them is simply malformed.
pub fn normalize_invite_code(text: &str) -> Result<String, InviteError> {
    let code: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if code.chars().count() != INVITE_CODE_LENGTH
        || !code.bytes().all(|b| INVITE_ALPHABET.contains(&b))
    {
        return Err(InviteError::Malformed);
    }
    Ok(code)
}

/// The stored facts of an invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invite {
    pub code: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub used_at_ms: Option<i64>,
}

impl Invite {
    /// A new invite valid for `days` (1–30) from `now_ms`.
    pub fn new(code: String, now_ms: i64, days: u32) -> Result<Invite, FieldError> {
        if !(1..=INVITE_MAX_DAYS).contains(&days) {
            return Err(FieldError::new(
                "days",
                format!("有效期须为1–{INVITE_MAX_DAYS}天 (1–{INVITE_MAX_DAYS} days)"),
            ));
        }
        Ok(Invite {
            code,
            created_at_ms: now_ms,
            expires_at_ms: now_ms + i64::from(days) * 24 * 3600 * 1000,
            used_at_ms: None,
        })
    }

    /// May this invite be used at `now_ms` for a group whose registration is `group_status`?
    pub fn check_usable(
        &self,
        now_ms: i64,
        group_status: &RegistrationStatus,
    ) -> Result<(), InviteError> {
        if self.used_at_ms.is_some() {
            return Err(InviteError::Used);
        }
        if now_ms >= self.expires_at_ms {
            return Err(InviteError::Expired);
        }
        if *group_status != RegistrationStatus::Approved {
            return Err(InviteError::GroupNotApproved);
        }
        Ok(())
    }

    /// The invite after use at `now_ms` (checked first).
    pub fn use_at(
        &self,
        now_ms: i64,
        group_status: &RegistrationStatus,
    ) -> Result<Invite, InviteError> {
        self.check_usable(now_ms, group_status)?;
        Ok(Invite {
            used_at_ms: Some(now_ms),
            ..self.clone()
        })
    }
}

/// A student's school details, required when joining a school group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudentDetails {
    pub school: String,
    #[serde(rename = "class")]
    pub class_name: String,
    pub student_number: String,
}

impl StudentDetails {
    /// Trimmed; each field 1–40 characters; the student number letters, digits and dashes.
    pub fn validate(&self) -> Result<StudentDetails, FieldError> {
        let field = |name: &str, text: &str| -> Result<String, FieldError> {
            let value = text.trim();
            let count = value.chars().count();
            if count == 0 || count > 40 || value.chars().any(char::is_control) {
                return Err(FieldError::new(
                    format!("student.{name}"),
                    "须为1–40个字符 (1–40 characters)",
                ));
            }
            Ok(value.to_string())
        };
        let student_number = field("student_number", &self.student_number)?;
        if !student_number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(FieldError::new(
                "student.student_number",
                "学号只能包含字母、数字和“-” (letters, digits and '-' only)",
            ));
        }
        Ok(StudentDetails {
            school: field("school", &self.school)?,
            class_name: field("class", &self.class_name)?,
            student_number,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Terms and service hours
// ---------------------------------------------------------------------------------------------

/// Which part of an academic year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TermPart {
    /// 第一学期: 1 September – 31 January.
    Autumn,
    /// 第二学期: 1 February – 31 July.
    Spring,
    /// 暑期: August.
    Summer,
}

/// A term of the academic year starting in September of `start_year`. Written
/// `2024-2025-1` (autumn), `2024-2025-2` (spring), `2024-2025-summer`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Term {
    pub start_year: i32,
    pub part: TermPart,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("学期格式应为“2024-2025-1”、“2024-2025-2”或“2024-2025-summer” (term must look like 2024-2025-1, 2024-2025-2 or 2024-2025-summer)")]
pub struct TermParseError;

impl Term {
    pub fn containing(date: NaiveDate) -> Term {
        let (year, month) = (date.year(), date.month());
        match month {
            9..=12 => Term {
                start_year: year,
                part: TermPart::Autumn,
            },
            1 => Term {
                start_year: year - 1,
                part: TermPart::Autumn,
            },
            2..=7 => Term {
                start_year: year - 1,
                part: TermPart::Spring,
            },
            _ => Term {
                start_year: year - 1,
                part: TermPart::Summer,
            },
        }
    }

    pub fn first_day(&self) -> NaiveDate {
        let (year, month) = match self.part {
            TermPart::Autumn => (self.start_year, 9),
            TermPart::Spring => (self.start_year + 1, 2),
            TermPart::Summer => (self.start_year + 1, 8),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap()
    }

    pub fn last_day(&self) -> NaiveDate {
        let (year, month, day) = match self.part {
            TermPart::Autumn => (self.start_year + 1, 1, 31),
            TermPart::Spring => (self.start_year + 1, 7, 31),
            TermPart::Summer => (self.start_year + 1, 8, 31),
        };
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        Term::containing(date) == *self
    }

    pub fn next(&self) -> Term {
        Term::containing(self.last_day().succ_opt().unwrap())
    }

    pub fn previous(&self) -> Term {
        Term::containing(self.first_day().pred_opt().unwrap())
    }

    /// e.g. "2024—2025学年第一学期".
    pub fn label_zh(&self) -> String {
        let part = match self.part {
            TermPart::Autumn => "第一学期",
            TermPart::Spring => "第二学期",
            TermPart::Summer => "暑期",
        };
        format!("{}—{}学年{}", self.start_year, self.start_year + 1, part)
    }

    pub fn parse(text: &str) -> Result<Term, TermParseError> {
        let mut parts = text.trim().splitn(3, '-');
        let (Some(first), Some(second), Some(part)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(TermParseError);
        };
        let (Ok(start_year), Ok(end_year)) = (first.parse::<i32>(), second.parse::<i32>()) else {
            return Err(TermParseError);
        };
        if first.len() != 4 || end_year != start_year + 1 || !(1900..=9998).contains(&start_year) {
            return Err(TermParseError);
        }
        let part = match part {
            "1" => TermPart::Autumn,
            "2" => TermPart::Spring,
            "summer" => TermPart::Summer,
            _ => return Err(TermParseError),
        };
        Ok(Term { start_year, part })
    }
}

impl fmt::Display for Term {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let part = match self.part {
            TermPart::Autumn => "1",
            TermPart::Spring => "2",
            TermPart::Summer => "summer",
        };
        write!(f, "{}-{}-{}", self.start_year, self.start_year + 1, part)
    }
}

/// One visit by a member, as far as hours are concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFact {
    pub member_id: String,
    pub date: NaiveDate,
    pub duration_minutes: Option<u32>,
}

/// Visits and minutes in some period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoursTotal {
    pub visits: u32,
    pub minutes: u64,
    /// Visits without a recorded duration (counted as visits, adding no minutes).
    pub visits_without_duration: u32,
}

impl HoursTotal {
    pub fn add(&mut self, duration_minutes: Option<u32>) {
        self.visits += 1;
        match duration_minutes {
            Some(minutes) => self.minutes += u64::from(minutes),
            None => self.visits_without_duration += 1,
        }
    }

    /// Hours with one decimal, rounded down to the tenth (never over-credits): "12.5".
    pub fn hours_text(&self) -> String {
        let tenths = self.minutes * 10 / 60;
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// Totals per member per month.
pub fn hours_by_member_month(facts: &[VisitFact]) -> BTreeMap<(String, Month), HoursTotal> {
    let mut totals: BTreeMap<(String, Month), HoursTotal> = BTreeMap::new();
    for fact in facts {
        totals
            .entry((fact.member_id.clone(), Month::containing(fact.date)))
            .or_default()
            .add(fact.duration_minutes);
    }
    totals
}

/// Totals per member in one term (members without visits in it are absent).
pub fn hours_by_member_in_term(facts: &[VisitFact], term: Term) -> BTreeMap<String, HoursTotal> {
    let mut totals: BTreeMap<String, HoursTotal> = BTreeMap::new();
    for fact in facts.iter().filter(|f| term.contains(f.date)) {
        totals
            .entry(fact.member_id.clone())
            .or_default()
            .add(fact.duration_minutes);
    }
    totals
}

/// Totals per member per term.
pub fn hours_by_member_term(facts: &[VisitFact]) -> BTreeMap<(String, Term), HoursTotal> {
    let mut totals: BTreeMap<(String, Term), HoursTotal> = BTreeMap::new();
    for fact in facts {
        totals
            .entry((fact.member_id.clone(), Term::containing(fact.date)))
            .or_default()
            .add(fact.duration_minutes);
    }
    totals
}

/// One member's line in the term export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberHoursRow {
    pub name: String,
    pub school: Option<String>,
    pub class_name: Option<String>,
    pub student_number: Option<String>,
    pub total: HoursTotal,
}

/// A cell for CSV: quoted when needed, and a leading `=`, `+`, `-` or `@` defused with `'`
/// so a spreadsheet never runs a name as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// The term's service hours as CSV for Excel: UTF-8 with a byte-order mark, Chinese headers,
/// CRLF line ends, rows in the given order.
pub fn term_hours_csv(group_name: &str, term: Term, rows: &[MemberHoursRow]) -> String {
    let mut csv = String::from("\u{feff}");
    csv.push_str(
        "团体,学期,学校,班级,学号,姓名,探访次数,服务时长（小时）,服务时长（分钟）,未填时长次数\r\n",
    );
    for row in rows {
        let cells = [
            csv_cell(group_name),
            csv_cell(&term.label_zh()),
            csv_cell(row.school.as_deref().unwrap_or("")),
            csv_cell(row.class_name.as_deref().unwrap_or("")),
            csv_cell(row.student_number.as_deref().unwrap_or("")),
            csv_cell(&row.name),
            row.total.visits.to_string(),
            row.total.hours_text(),
            row.total.minutes.to_string(),
            row.total.visits_without_duration.to_string(),
        ];
        csv.push_str(&cells.join(","));
        csv.push_str("\r\n");
    }
    csv
}
