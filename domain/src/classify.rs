//! Classification: which tier an elder belongs to under a policy profile on a date, and what
//! visits that tier requires.
//!
//! Design decisions:
//! - Checks run in a fixed order so the same bad input always yields the same error code:
//!   `missing_field`/`bad_value` (id, grade) → `bad_id_number` → `birth_date_mismatch` /
//!   `missing_field` (no birth date) → `not_elderly` → `not_special_needs`.
//! - Requirements are deduplicated (a requirement dominated by another of the same tier is kept:
//!   both are shown, because they may differ in period) and sorted by (kind, mode, per, count).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::elder::{Category, ElderFacts, ELDERLY_AGE};
use crate::policy::{PolicyId, PolicyProfile, Requirement};

/// The contract's error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    BadJson,
    MissingField,
    BadValue,
    BadIdNumber,
    BirthDateMismatch,
    NotElderly,
    NotSpecialNeeds,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::BadJson => "bad_json",
            ErrorCode::MissingField => "missing_field",
            ErrorCode::BadValue => "bad_value",
            ErrorCode::BadIdNumber => "bad_id_number",
            ErrorCode::BirthDateMismatch => "birth_date_mismatch",
            ErrorCode::NotElderly => "not_elderly",
            ErrorCode::NotSpecialNeeds => "not_special_needs",
        }
    }

    /// True for the codes that mean "valid input, but out of scope" rather than bad data.
    pub fn is_out_of_scope(self) -> bool {
        matches!(self, ErrorCode::NotElderly | ErrorCode::NotSpecialNeeds)
    }
}

/// A classification error: the contract's code, the field when there is one, and a message
/// (Chinese first, English in brackets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{code:?}: {message}")]
pub struct ClassifyError {
    pub code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

impl ClassifyError {
    pub fn new(code: ErrorCode, field: Option<&str>, message: String) -> ClassifyError {
        ClassifyError {
            code,
            field: field.map(str::to_string),
            message,
        }
    }
}

/// The outcome of classifying one elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Classification {
    pub policy: PolicyId,
    pub age: u32,
    pub impaired: bool,
    pub severely_handicapped: bool,
    pub tier: String,
    /// Sorted by (kind, mode, per, count).
    pub requirements: Vec<Requirement>,
    /// Index of the tier in the profile (0 = most urgent). Not part of the CLI output.
    #[serde(skip)]
    pub tier_rank: usize,
    /// The elder's categories, for surge filters. Not part of the CLI output.
    #[serde(skip)]
    pub categories: Vec<Category>,
    /// The elder's community code when known, for surge filters. Not part of the CLI output.
    #[serde(skip)]
    pub region_code: Option<String>,
}

/// Classifies `facts` under `profile` on the date `on`.
pub fn classify(
    facts: &ElderFacts,
    profile: &PolicyProfile,
    on: NaiveDate,
) -> Result<Classification, ClassifyError> {
    let (age, tier_rank) = classify_tier(facts, profile, on)?;
    let tier = &profile.tiers[tier_rank];
    let mut requirements: Vec<Requirement> = tier
        .rules
        .iter()
        .filter(|rule| rule.when.holds(facts, age))
        .map(|rule| rule.requirement)
        .collect();
    requirements.sort();
    requirements.dedup();
    Ok(Classification {
        policy: profile.policy,
        age,
        impaired: facts.impaired(),
        severely_handicapped: facts.severely_handicapped(),
        tier: tier.id.clone(),
        requirements,
        tier_rank,
        categories: facts.categories.clone(),
        region_code: facts.region_code.clone(),
    })
}

/// The checks and tier choice of [`classify`] without building a [`Classification`] (no
/// allocation): `(age, index of the tier in profile.tiers)`. Used for counting.
pub fn classify_tier(
    facts: &ElderFacts,
    profile: &PolicyProfile,
    on: NaiveDate,
) -> Result<(u32, usize), ClassifyError> {
    let age = facts.age_on(on)?;
    if age < ELDERLY_AGE {
        return Err(ClassifyError::new(
            ErrorCode::NotElderly,
            Some("birth_date"),
            format!("{on} 时未满60周岁（{age}岁） (under 60 on {on})"),
        ));
    }
    if !facts.special_needs() {
        return Err(ClassifyError::new(
            ErrorCode::NotSpecialNeeds,
            None,
            "不属于特殊困难老年人：无孤寡、独居、空巢、留守、计划生育特殊家庭类别，未失能，非重残 (not a special-needs elder)"
                .to_string(),
        ));
    }
    let (tier_rank, _) = profile.tier_for(facts, age).ok_or_else(|| {
        ClassifyError::new(
            ErrorCode::BadValue,
            None,
            format!(
                "政策配置 {} 没有适用的等级 (profile has no tier for this elder)",
                profile.id
            ),
        )
    })?;
    Ok((age, tier_rank))
}
