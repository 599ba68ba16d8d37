//! Policy profiles as data: tiers with ordered conditions and requirements, versioned.
//!
//! Design decisions:
//! - A profile is plain data ([`PolicyProfile`], serde) so a deployment can store, show and
//!   version it, and a month can be recomputed under the version that was in force
//!   ([`ProfileHistory::in_force_on`]).
//! - Tiers are tried in order; the first whose [`Condition`] holds wins. The last tier of every
//!   valid profile is unconditional ([`Condition::Always`]), which makes classification total.
//! - Inside a tier, each [`RequirementRule`] applies when its own condition holds (济宁: mode
//!   `home` for 失能/重残, `any` otherwise, in every tier).
//! - A local profile may be stricter than its base, never weaker
//!   ([`PolicyProfile::check_not_weaker_than`]): it keeps the base's tiers and tier conditions,
//!   and every requirement the base would give is dominated by one the local profile gives under
//!   a condition at least as wide (same kind, mode at least as strict, count ≥, period ≤).
//! - The five built-in profiles cite the clause of their text next to each tier.
//! - The escalation ladder's thresholds ([`EscalationPolicy`]) are part of the profile and
//!   default when a stored profile has none.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::date::Per;
use crate::elder::{Capability, Category, ElderFacts, ADVANCED_AGE};
use crate::escalation::EscalationPolicy;

/// The five built-in policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyId {
    National,
    Jining,
    Pingli,
    Tianjin,
    Jiangmen,
}

impl PolicyId {
    pub const ALL: [PolicyId; 5] = [
        PolicyId::National,
        PolicyId::Jining,
        PolicyId::Pingli,
        PolicyId::Tianjin,
        PolicyId::Jiangmen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PolicyId::National => "national",
            PolicyId::Jining => "jining",
            PolicyId::Pingli => "pingli",
            PolicyId::Tianjin => "tianjin",
            PolicyId::Jiangmen => "jiangmen",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            PolicyId::National => "全国（民发〔2022〕73号）",
            PolicyId::Jining => "济宁市（济民字〔2023〕29号）",
            PolicyId::Pingli => "平利县（平办发〔2023〕42号）",
            PolicyId::Tianjin => "天津市（津民发〔2023〕35号）",
            PolicyId::Jiangmen => "江门市（江民函〔2024〕18号）",
        }
    }
}

impl fmt::Display for PolicyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for PolicyId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PolicyId::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                format!("未知政策 {s:?} (unknown policy; use national, jining, pingli, tianjin or jiangmen)")
            })
    }
}

/// What a requirement asks for. Variant order = the contract's sort order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 探访
    #[default]
    Visit,
    /// 社区帮扶 (天津: once a quarter for 失能 elders).
    CommunityHelp,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Visit => "visit",
            Kind::CommunityHelp => "community_help",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Kind::Visit => "探访",
            Kind::CommunityHelp => "社区帮扶",
        }
    }
}

/// How a visit was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitMode {
    /// 上门入户
    Home,
    /// 电话
    Phone,
    /// 互联网音(视)频 / 线上
    Video,
    /// 路遇
    Encounter,
    /// 其他
    Other,
}

impl VisitMode {
    pub const ALL: [VisitMode; 5] = [
        VisitMode::Home,
        VisitMode::Phone,
        VisitMode::Video,
        VisitMode::Encounter,
        VisitMode::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitMode::Home => "home",
            VisitMode::Phone => "phone",
            VisitMode::Video => "video",
            VisitMode::Encounter => "encounter",
            VisitMode::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            VisitMode::Home => "上门探访",
            VisitMode::Phone => "电话问候",
            VisitMode::Video => "互联网音（视）频探访",
            VisitMode::Encounter => "路遇探访",
            VisitMode::Other => "其他",
        }
    }
}

/// The mode a requirement asks for. Variant order = the contract's sort order (home, any).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredMode {
    Home,
    Any,
}

impl RequiredMode {
    pub fn accepts(self, mode: VisitMode) -> bool {
        match self {
            RequiredMode::Any => true,
            RequiredMode::Home => mode == VisitMode::Home,
        }
    }

    /// True when `self` is at least as strict as `other`.
    pub fn at_least_as_strict_as(self, other: RequiredMode) -> bool {
        self == RequiredMode::Home || other == RequiredMode::Any
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RequiredMode::Home => "home",
            RequiredMode::Any => "any",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            RequiredMode::Home => "上门",
            RequiredMode::Any => "任意方式",
        }
    }
}

/// "At least `count` of `kind` in mode `mode` per `per`". Serialised in the contract's field
/// order (kind, mode, count, per); ordered by (kind, mode, per, count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Requirement {
    pub kind: Kind,
    pub mode: RequiredMode,
    pub count: u32,
    pub per: Per,
}

impl Requirement {
    pub const fn new(kind: Kind, mode: RequiredMode, count: u32, per: Per) -> Requirement {
        Requirement {
            kind,
            mode,
            count,
            per,
        }
    }

    /// True when meeting `self` always meets `other` in the sense of the brief: same kind, mode
    /// at least as strict, count ≥ and period ≤.
    pub fn dominates(&self, other: &Requirement) -> bool {
        self.kind == other.kind
            && self.mode.at_least_as_strict_as(other.mode)
            && self.count >= other.count
            && self.per <= other.per
    }

    /// `上门探访 ≥1次/每月`.
    pub fn label_zh(&self) -> String {
        format!(
            "{}{} ≥{}次/{}",
            self.mode.label_zh(),
            self.kind.label_zh(),
            self.count,
            self.per.label_zh()
        )
    }
}

impl Ord for Requirement {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.kind, self.mode, self.per, self.count).cmp(&(
            other.kind,
            other.mode,
            other.per,
            other.count,
        ))
    }
}

impl PartialOrd for Requirement {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A condition on an elder's facts and age, as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Always,
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
    /// Age in full years ≥ n.
    AgeAtLeast(u32),
    /// Age in full years < n.
    AgeBelow(u32),
    /// Has this category checkbox.
    Category(Category),
    /// 独居 in the wide sense (living_alone or solitary).
    LivesAlone,
    /// Effective capability (unassessed rules applied) is one of these.
    CapabilityIn(Vec<Capability>),
    /// 失能 (any level, or dementia).
    Impaired,
    /// 重残 (grade 1–2).
    SeverelyHandicapped,
    Dementia,
    Bedridden,
    MobilityImpaired,
    SeriousIllness,
    LowIncome,
    CohabitsWithImpairedElder,
    CaresForImpairedChild,
}

impl Condition {
    pub fn holds(&self, facts: &ElderFacts, age: u32) -> bool {
        match self {
            Condition::Always => true,
            Condition::All(parts) => parts.iter().all(|c| c.holds(facts, age)),
            Condition::Any(parts) => parts.iter().any(|c| c.holds(facts, age)),
            Condition::Not(inner) => !inner.holds(facts, age),
            Condition::AgeAtLeast(n) => age >= *n,
            Condition::AgeBelow(n) => age < *n,
            Condition::Category(c) => facts.has(*c),
            Condition::LivesAlone => facts.lives_alone(),
            Condition::CapabilityIn(levels) => levels.contains(&facts.effective_capability()),
            Condition::Impaired => facts.impaired(),
            Condition::SeverelyHandicapped => facts.severely_handicapped(),
            Condition::Dementia => facts.dementia,
            Condition::Bedridden => facts.bedridden,
            Condition::MobilityImpaired => facts.mobility_impaired,
            Condition::SeriousIllness => facts.serious_illness,
            Condition::LowIncome => facts.low_income,
            Condition::CohabitsWithImpairedElder => facts.cohabits_with_impaired_elder,
            Condition::CaresForImpairedChild => facts.cares_for_impaired_child,
        }
    }
}

/// A requirement that applies inside a tier when `when` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementRule {
    #[serde(default = "always")]
    pub when: Condition,
    pub requirement: Requirement,
}

fn always() -> Condition {
    Condition::Always
}

/// One tier of a policy: who belongs to it and what they are owed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tier {
    /// Stable id used in data and output (`A`, `key`, `intensive`, `disabled`, `general`…).
    pub id: String,
    pub name_zh: String,
    pub name_en: String,
    /// Clause of the text this tier comes from (e.g. `江门 §二(三)3`).
    pub clause: String,
    pub when: Condition,
    pub rules: Vec<RequirementRule>,
}

/// A versioned policy profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyProfile {
    /// Profile id: the policy id for built-ins, e.g. `jiangmen`; a local profile has its own
    /// (`jiangmen/pengjiang`).
    pub id: String,
    /// The policy family this profile implements (what classify output names).
    pub policy: PolicyId,
    pub version: u32,
    pub effective_from: NaiveDate,
    /// For a local profile: the profile (id, version) it must never be weaker than.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base: Option<ProfileRef>,
    pub name_zh: String,
    /// The document (文号).
    pub document: String,
    /// Tried in order; the first whose condition holds wins. Earlier = more urgent.
    pub tiers: Vec<Tier>,
    /// The escalation ladder's thresholds (issue 15); absent in stored profiles = the defaults.
    #[serde(default)]
    pub escalation: EscalationPolicy,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRef {
    pub id: String,
    pub version: u32,
}

/// Why a profile is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum ProfileError {
    #[error("政策配置没有任何等级 (profile has no tiers)")]
    NoTiers,
    #[error(
        "最后一个等级 {0} 必须无条件 (last tier must be unconditional so every elder gets a tier)"
    )]
    LastTierNotAlways(String),
    #[error("等级编号重复: {0} (duplicate tier id)")]
    DuplicateTier(String),
    #[error("等级 {0} 没有任何要求 (tier has no requirement rule)")]
    EmptyTier(String),
    #[error("等级 {tier} 的要求次数为0 (count must be ≥ 1)")]
    ZeroCount { tier: String },
    #[error("本地配置缺少基础配置的等级 {0} (local profile lacks base tier)")]
    MissingTier(String),
    #[error("本地配置的等级 {0} 的划分条件与基础配置不同 (tier condition differs from base)")]
    TierConditionChanged(String),
    #[error("本地配置的等级顺序与基础配置不同 (tier order differs from base)")]
    TierOrderChanged,
    #[error("本地配置弱于基础配置: 等级 {tier} 的要求 {requirement} 没有被同等或更严的要求覆盖 (weaker than base)")]
    Weaker { tier: String, requirement: String },
    #[error("本地配置的基础应为 {expected}，实为 {found} (wrong base)")]
    WrongBase { expected: String, found: String },
    #[error("{field}: {message}")]
    Escalation { field: String, message: String },
}

impl PolicyProfile {
    /// The tier whose condition holds first, with its index (rank: 0 = most urgent).
    pub fn tier_for(&self, facts: &ElderFacts, age: u32) -> Option<(usize, &Tier)> {
        self.tiers
            .iter()
            .enumerate()
            .find(|(_, tier)| tier.when.holds(facts, age))
    }

    pub fn tier(&self, id: &str) -> Option<&Tier> {
        self.tiers.iter().find(|t| t.id == id)
    }

    /// Rank of a tier id (index in the profile), `usize::MAX` when unknown.
    pub fn tier_rank(&self, id: &str) -> usize {
        self.tiers
            .iter()
            .position(|t| t.id == id)
            .unwrap_or(usize::MAX)
    }

    /// Structural checks: tiers present, unique, last one unconditional, counts ≥ 1.
    pub fn validate(&self) -> Result<(), Vec<ProfileError>> {
        let mut errors = Vec::new();
        match self.tiers.last() {
            None => errors.push(ProfileError::NoTiers),
            Some(last) if last.when != Condition::Always => {
                errors.push(ProfileError::LastTierNotAlways(last.id.clone()))
            }
            _ => {}
        }
        for (i, tier) in self.tiers.iter().enumerate() {
            if self.tiers[..i].iter().any(|t| t.id == tier.id) {
                errors.push(ProfileError::DuplicateTier(tier.id.clone()));
            }
            if tier.rules.is_empty() {
                errors.push(ProfileError::EmptyTier(tier.id.clone()));
            }
            if tier.rules.iter().any(|r| r.requirement.count == 0) {
                errors.push(ProfileError::ZeroCount {
                    tier: tier.id.clone(),
                });
            }
        }
        if let Err(bad) = self.escalation.validate() {
            errors.extend(bad.into_iter().map(|e| ProfileError::Escalation {
                field: e.field,
                message: e.message,
            }));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Checks that this (local) profile is never weaker than `base`: same tiers with the same
    /// conditions in the same order, and for every base rule some rule of the local tier whose
    /// condition is the same or unconditional carries a requirement that dominates it. Local
    /// tiers may add rules.
    pub fn check_not_weaker_than(&self, base: &PolicyProfile) -> Result<(), Vec<ProfileError>> {
        let mut errors = self.validate().err().unwrap_or_default();
        if let Some(declared) = &self.base {
            if declared.id != base.id || declared.version != base.version {
                errors.push(ProfileError::WrongBase {
                    expected: format!("{}@{}", base.id, base.version),
                    found: format!("{}@{}", declared.id, declared.version),
                });
            }
        }
        let base_ids: Vec<&str> = base.tiers.iter().map(|t| t.id.as_str()).collect();
        let local_ids: Vec<&str> = self.tiers.iter().map(|t| t.id.as_str()).collect();
        for base_tier in &base.tiers {
            let Some(local_tier) = self.tier(&base_tier.id) else {
                errors.push(ProfileError::MissingTier(base_tier.id.clone()));
                continue;
            };
            if local_tier.when != base_tier.when {
                errors.push(ProfileError::TierConditionChanged(base_tier.id.clone()));
            }
            for base_rule in &base_tier.rules {
                let covered = local_tier.rules.iter().any(|local_rule| {
                    (local_rule.when == base_rule.when || local_rule.when == Condition::Always)
                        && local_rule.requirement.dominates(&base_rule.requirement)
                });
                if !covered {
                    errors.push(ProfileError::Weaker {
                        tier: base_tier.id.clone(),
                        requirement: base_rule.requirement.label_zh(),
                    });
                }
            }
        }
        if errors.is_empty() && base_ids != local_ids {
            errors.push(ProfileError::TierOrderChanged);
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Derives a stricter local profile from `base` by adding requirement rules to tiers, and
    /// checks it. `additions` are (tier id, rule).
    pub fn derive_stricter(
        base: &PolicyProfile,
        id: &str,
        version: u32,
        effective_from: NaiveDate,
        additions: Vec<(String, RequirementRule)>,
    ) -> Result<PolicyProfile, Vec<ProfileError>> {
        let mut local = base.clone();
        local.id = id.to_string();
        local.version = version;
        local.effective_from = effective_from;
        local.base = Some(ProfileRef {
            id: base.id.clone(),
            version: base.version,
        });
        for (tier_id, rule) in additions {
            match local.tiers.iter_mut().find(|t| t.id == tier_id) {
                Some(tier) => tier.rules.push(rule),
                None => return Err(vec![ProfileError::MissingTier(tier_id)]),
            }
        }
        local.check_not_weaker_than(base)?;
        Ok(local)
    }

    /// The built-in profile of a policy (version 1, in force from the document's date).
    pub fn builtin(policy: PolicyId) -> PolicyProfile {
        builtin_profile(policy)
    }
}

/// All versions of one profile id, for recomputing a past month under the rules then in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileHistory {
    pub versions: Vec<PolicyProfile>,
}

impl ProfileHistory {
    pub fn new(mut versions: Vec<PolicyProfile>) -> ProfileHistory {
        versions.sort_by_key(|p| (p.effective_from, p.version));
        ProfileHistory { versions }
    }

    /// The version with the latest `effective_from` on or before `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> Option<&PolicyProfile> {
        self.versions
            .iter()
            .rev()
            .find(|p| p.effective_from <= date)
    }

    pub fn latest(&self) -> Option<&PolicyProfile> {
        self.versions.last()
    }
}

// ---------------------------------------------------------------------------------------------
// Built-in profiles
// ---------------------------------------------------------------------------------------------

use Condition as C;

const fn req(kind: Kind, mode: RequiredMode, count: u32, per: Per) -> Requirement {
    Requirement::new(kind, mode, count, per)
}

fn rule(requirement: Requirement) -> RequirementRule {
    RequirementRule {
        when: Condition::Always,
        requirement,
    }
}

fn tier(
    id: &str,
    name_zh: &str,
    name_en: &str,
    clause: &str,
    when: Condition,
    rules: Vec<RequirementRule>,
) -> Tier {
    Tier {
        id: id.to_string(),
        name_zh: name_zh.to_string(),
        name_en: name_en.to_string(),
        clause: clause.to_string(),
        when,
        rules,
    }
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

const VISIT_ANY_MONTH: Requirement = req(Kind::Visit, RequiredMode::Any, 1, Per::Month);
const VISIT_HOME_MONTH: Requirement = req(Kind::Visit, RequiredMode::Home, 1, Per::Month);

/// 独居, 空巢 or 留守 (江门 A/B wording).
fn alone_empty_nest_or_left_behind() -> Condition {
    C::Any(vec![
        C::LivesAlone,
        C::Category(Category::EmptyNest),
        C::Category(Category::LeftBehind),
    ])
}

fn builtin_profile(policy: PolicyId) -> PolicyProfile {
    let (effective_from, document, tiers) = match policy {
        // 民发〔2022〕73号 二(四): "对失能的特殊困难老年人，每月探访关爱不少于一次"; 一(三): 月探访率
        // 100% for every special-needs elder, so every tier gets ≥1 visit a month. The text
        // carries no day; the profile is in force from the start of its year.
        PolicyId::National => (
            date(2022, 1, 1),
            "民发〔2022〕73号",
            vec![
                tier(
                    "disabled",
                    "失能",
                    "disabled",
                    "全国 §二(四)",
                    C::Impaired,
                    vec![rule(VISIT_ANY_MONTH)],
                ),
                tier(
                    "general",
                    "一般",
                    "general",
                    "全国 §一(三)",
                    C::Always,
                    vec![rule(VISIT_ANY_MONTH)],
                ),
            ],
        ),
        // 济民字〔2023〕29号 二(一)1–3 tiers; 二(四)1 ≥1 a month; 二(四)2 入户探访 for 健康状况欠佳、
        // 失能、重残, phone/online/encounter for those in good health who look after themselves.
        PolicyId::Jining => {
            let needs_home = C::Any(vec![C::Impaired, C::SeverelyHandicapped, C::SeriousIllness]);
            let rules = vec![
                RequirementRule {
                    when: needs_home.clone(),
                    requirement: VISIT_HOME_MONTH,
                },
                RequirementRule {
                    when: C::Not(Box::new(needs_home)),
                    requirement: VISIT_ANY_MONTH,
                },
            ];
            (
                date(2023, 8, 15),
                "济民字〔2023〕29号",
                vec![
                    tier(
                        "key",
                        "重点人群",
                        "key",
                        "济宁 §二(一)1",
                        C::Any(vec![
                            C::AgeAtLeast(ADVANCED_AGE),
                            C::SeverelyHandicapped,
                            C::CapabilityIn(vec![Capability::Severe, Capability::Total]),
                            C::Dementia,
                        ]),
                        rules.clone(),
                    ),
                    tier(
                        "secondary",
                        "次重点人群",
                        "secondary",
                        "济宁 §二(一)2",
                        C::CapabilityIn(vec![Capability::Moderate]),
                        rules.clone(),
                    ),
                    tier(
                        "general",
                        "一般人群",
                        "general",
                        "济宁 §二(一)3",
                        C::Always,
                        rules,
                    ),
                ],
            )
        }
        // 平办发〔2023〕42号 二(三)7: 失能、重病、重残、高龄独居 → 一周两上门; 身体健康、能够自理 → 一月一上门.
        // 附件1 §1: 独居 includes 孤寡.
        PolicyId::Pingli => (
            date(2023, 12, 6),
            "平办发〔2023〕42号",
            vec![
                tier(
                    "intensive",
                    "重点巡访（失能、重病、重残、高龄独居）",
                    "intensive",
                    "平利 §二(三)7",
                    C::Any(vec![
                        C::Impaired,
                        C::SeriousIllness,
                        C::SeverelyHandicapped,
                        C::All(vec![C::AgeAtLeast(ADVANCED_AGE), C::LivesAlone]),
                    ]),
                    vec![rule(req(Kind::Visit, RequiredMode::Home, 2, Per::Week))],
                ),
                tier(
                    "regular",
                    "普遍巡访",
                    "regular",
                    "平利 §二(三)7",
                    C::Always,
                    vec![rule(VISIT_HOME_MONTH)],
                ),
            ],
        ),
        // 津民发〔2023〕35号 二(二)四: ≥1 a month; 失能 → 每月上门入户1次，每季度社区帮扶1次.
        PolicyId::Tianjin => (
            date(2023, 12, 1),
            "津民发〔2023〕35号",
            vec![
                tier(
                    "disabled",
                    "失能",
                    "disabled",
                    "天津 §二(二)四",
                    C::Impaired,
                    vec![
                        rule(VISIT_HOME_MONTH),
                        rule(req(Kind::CommunityHelp, RequiredMode::Any, 1, Per::Quarter)),
                    ],
                ),
                tier(
                    "general",
                    "一般",
                    "general",
                    "天津 §二(二)四",
                    C::Always,
                    vec![rule(VISIT_ANY_MONTH)],
                ),
            ],
        ),
        // 江民函〔2024〕18号 二(三)3: A/B/C.
        PolicyId::Jiangmen => (
            date(2024, 1, 31),
            "江民函〔2024〕18号",
            vec![
                tier(
                    "A",
                    "A类",
                    "A",
                    "江门 §二(三)3 A类",
                    C::Any(vec![
                        C::Impaired,
                        C::All(vec![
                            C::AgeAtLeast(ADVANCED_AGE),
                            alone_empty_nest_or_left_behind(),
                        ]),
                        C::All(vec![C::LowIncome, alone_empty_nest_or_left_behind()]),
                        C::All(vec![
                            C::Category(Category::FamilyPlanningSpecial),
                            C::LivesAlone,
                        ]),
                    ]),
                    vec![rule(VISIT_HOME_MONTH)],
                ),
                tier(
                    "B",
                    "B类",
                    "B",
                    "江门 §二(三)3 B类",
                    C::Any(vec![
                        C::All(vec![
                            C::AgeBelow(ADVANCED_AGE),
                            C::SeverelyHandicapped,
                            C::LivesAlone,
                        ]),
                        C::All(vec![
                            C::AgeBelow(ADVANCED_AGE),
                            C::CohabitsWithImpairedElder,
                        ]),
                        C::CaresForImpairedChild,
                    ]),
                    vec![
                        rule(VISIT_ANY_MONTH),
                        rule(req(Kind::Visit, RequiredMode::Home, 1, Per::HalfYear)),
                    ],
                ),
                tier(
                    "C",
                    "C类",
                    "C",
                    "江门 §二(三)3 C类",
                    C::Always,
                    vec![
                        rule(VISIT_ANY_MONTH),
                        rule(req(Kind::Visit, RequiredMode::Home, 1, Per::Year)),
                    ],
                ),
            ],
        ),
    };
    PolicyProfile {
        id: policy.as_str().to_string(),
        policy,
        version: 1,
        effective_from,
        base: None,
        name_zh: policy.label_zh().to_string(),
        document: document.to_string(),
        tiers,
        escalation: EscalationPolicy::default(),
    }
}
