//! Scheduling: for each requirement, how many visits were done in the current period, whether it
//! is met, and what is due by when; surges; and the due list across many elders.
//!
//! Design decisions:
//! - `today` is a parameter (CST date). The current period of a requirement is the calendar
//!   period of its length containing `today`.
//! - A visit counts for a requirement when its kind matches, the requirement's mode accepts the
//!   visit's mode, and its date lies in the period and not after `today` (a visit dated in the
//!   future — a wrong phone clock — must not hide a due visit).
//! - `next_due_by`: when due, the end of the current period; when met, the end of the next
//!   period. `overdue`: still due now and the previous period was missed too — the elder has
//!   gone a whole period without the required visit.
//! - A [`Surge`] adds its requirement while `today` lies in `start..=end`, for elders matching
//!   its region prefix, tiers and categories. Its period is clipped to the surge's dates.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::classify::{Classification, ClassifyError, ErrorCode};
use crate::date::parse_date;
use crate::elder::{Category, FieldError};
use crate::policy::{Kind, Requirement, VisitMode};
use crate::region::code_in_subtree;

/// A visit as scheduling sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitFact {
    #[serde(with = "crate::date::strict_date")]
    pub date: NaiveDate,
    pub mode: VisitMode,
    #[serde(default)]
    pub kind: Kind,
}

impl VisitFact {
    /// Reads one visit from JSON, naming the bad field with `path` as prefix
    /// (`visits[2].mode`). `kind` defaults to `visit`.
    pub fn from_json(value: &serde_json::Value, path: &str) -> Result<VisitFact, ClassifyError> {
        let object = value.as_object().ok_or_else(|| {
            ClassifyError::new(
                ErrorCode::BadValue,
                Some(path),
                format!("{path} 应为对象 (must be an object)"),
            )
        })?;
        let date_field = format!("{path}.date");
        let date = match object.get("date") {
            None | Some(serde_json::Value::Null) => {
                return Err(ClassifyError::new(
                    ErrorCode::MissingField,
                    Some(&date_field),
                    format!("缺少探访日期 {date_field} (visit date is required)"),
                ))
            }
            Some(serde_json::Value::String(text)) => parse_date(text).map_err(|e| {
                ClassifyError::new(ErrorCode::BadValue, Some(&date_field), e.to_string())
            })?,
            Some(other) => {
                return Err(ClassifyError::new(
                    ErrorCode::BadValue,
                    Some(&date_field),
                    format!("{date_field} 应为 YYYY-MM-DD 字符串: {other} (must be a date string)"),
                ))
            }
        };
        let mode_field = format!("{path}.mode");
        let mode = match object.get("mode") {
            None | Some(serde_json::Value::Null) => {
                return Err(ClassifyError::new(
                    ErrorCode::MissingField,
                    Some(&mode_field),
                    format!("缺少探访方式 {mode_field} (visit mode is required)"),
                ))
            }
            Some(v) => serde_json::from_value::<VisitMode>(v.clone()).map_err(|_| {
                ClassifyError::new(
                    ErrorCode::BadValue,
                    Some(&mode_field),
                    format!("{mode_field} 的值无效: {v} (expected home, phone, video, encounter or other)"),
                )
            })?,
        };
        let kind_field = format!("{path}.kind");
        let kind = match object.get("kind") {
            None | Some(serde_json::Value::Null) => Kind::Visit,
            Some(v) => serde_json::from_value::<Kind>(v.clone()).map_err(|_| {
                ClassifyError::new(
                    ErrorCode::BadValue,
                    Some(&kind_field),
                    format!("{kind_field} 的值无效: {v} (expected visit or community_help)"),
                )
            })?,
        };
        Ok(VisitFact { date, mode, kind })
    }

    /// Reads a list of visits (`null`/absent = none).
    pub fn list_from_json(
        value: Option<&serde_json::Value>,
        path: &str,
    ) -> Result<Vec<VisitFact>, ClassifyError> {
        match value {
            None | Some(serde_json::Value::Null) => Ok(Vec::new()),
            Some(serde_json::Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| VisitFact::from_json(v, &format!("{path}[{i}]")))
                .collect(),
            Some(_) => Err(ClassifyError::new(
                ErrorCode::BadValue,
                Some(path),
                format!("{path} 应为数组 (must be a list)"),
            )),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Met,
    Due,
}

/// A temporary extra requirement declared by a coordinator (extreme weather, festivals,
/// disasters, family crises).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Surge {
    pub id: String,
    /// Region code or significant prefix of the area (`120101` = 和平区); empty = everywhere.
    #[serde(default)]
    pub region_prefix: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    /// Tier ids affected; empty = every tier.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Categories affected (any of them); empty = every elder.
    #[serde(default)]
    pub categories: Vec<Category>,
    pub requirement: Requirement,
    pub reason: String,
}

impl Surge {
    /// Checks a surge declared by a coordinator; every bad field is named.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.id.trim().is_empty() {
            errors.push(FieldError::with_code(
                "id",
                ErrorCode::MissingField,
                "缺少编号 (id is required)",
            ));
        }
        if self.end < self.start {
            errors.push(FieldError::new(
                "end",
                format!(
                    "结束日期 {} 早于开始日期 {} (end is before start)",
                    self.end, self.start
                ),
            ));
        }
        if !self.region_prefix.is_empty()
            && (!self.region_prefix.bytes().all(|b| b.is_ascii_digit())
                || self.region_prefix.len() > 12)
        {
            errors.push(FieldError::new(
                "region_prefix",
                "区域应为区划代码或其前缀 (region_prefix must be a region code or its prefix)",
            ));
        }
        if self.requirement.count == 0 {
            errors.push(FieldError::new(
                "requirement.count",
                "次数至少为1 (count must be at least 1)",
            ));
        }
        if self.reason.trim().is_empty() {
            errors.push(FieldError::with_code(
                "reason",
                ErrorCode::MissingField,
                "须说明加密探访的原因 (reason is required: weather, festival, disaster, family crisis…)",
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn is_active(&self, today: NaiveDate) -> bool {
        self.start <= today && today <= self.end
    }

    /// True when the surge applies to this classified elder (dates not considered).
    pub fn targets(&self, classification: &Classification) -> bool {
        let region_ok = self.region_prefix.is_empty()
            || classification
                .region_code
                .as_deref()
                .is_some_and(|code| code_in_subtree(code, &self.region_prefix));
        let tier_ok = self.tiers.is_empty() || self.tiers.contains(&classification.tier);
        let category_ok = self.categories.is_empty()
            || self
                .categories
                .iter()
                .any(|c| classification.categories.contains(c));
        region_ok && tier_ok && category_ok
    }
}

/// Where one requirement stands in the period containing `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementStatus {
    pub requirement: Requirement,
    #[serde(with = "crate::date::fast_date")]
    pub period_start: NaiveDate,
    #[serde(with = "crate::date::fast_date")]
    pub period_end: NaiveDate,
    pub done: u32,
    pub state: State,
    pub previous_period_met: bool,
    /// Extension: date by which the next qualifying visit is needed.
    #[serde(with = "crate::date::fast_date")]
    pub next_due_by: NaiveDate,
    /// Extension: due now and the previous period was missed too.
    pub overdue: bool,
    /// Extension: id of the surge this requirement comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surge: Option<String>,
}

/// True when `visit` can count for `requirement`: same kind, and a mode the requirement accepts.
pub fn counts(requirement: &Requirement, visit: &VisitFact) -> bool {
    visit.kind == requirement.kind && requirement.mode.accepts(visit.mode)
}

/// True when `visit` is of the requirement's kind but in a mode that cannot satisfy it (a phone
/// call for a `home` requirement). Such a visit is shown, never counted.
pub fn non_qualifying(requirement: &Requirement, visit: &VisitFact) -> bool {
    visit.kind == requirement.kind && !requirement.mode.accepts(visit.mode)
}

/// Visits dated in `start..=end` that count for `requirement`.
pub fn done_between(
    requirement: &Requirement,
    visits: &[VisitFact],
    start: NaiveDate,
    end: NaiveDate,
) -> u32 {
    visits
        .iter()
        .filter(|v| start <= v.date && v.date <= end && counts(requirement, v))
        .count() as u32
}

/// The status of `requirement` in the period `start..=end` (a calendar period of
/// `requirement.per`, clipped to the surge's dates for a surge requirement) as seen on `today`:
/// visits count from the period's start up to `today` (never after), the previous period is the
/// calendar period before (clipped the same way; a period wholly before the surge counts as met).
/// [`schedule`] is this for the period containing `today`; the escalation ladder also asks it for
/// the period just ended.
pub fn requirement_status(
    requirement: Requirement,
    visits: &[VisitFact],
    surge: Option<&Surge>,
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> RequirementStatus {
    let calendar = requirement.per.period_containing(start);
    let previous = calendar.previous();
    let done = done_between(&requirement, visits, start, today);
    let state = if done >= requirement.count {
        State::Met
    } else {
        State::Due
    };
    let previous_period_met = match surge {
        Some(surge) if previous.end < surge.start => true,
        Some(surge) => {
            done_between(
                &requirement,
                visits,
                previous.start.max(surge.start),
                previous.end,
            ) >= requirement.count
        }
        None => {
            done_between(&requirement, visits, previous.start, previous.end) >= requirement.count
        }
    };
    let next_end = match surge {
        Some(surge) => calendar.next().end.min(surge.end),
        None => calendar.next().end,
    };
    RequirementStatus {
        requirement,
        period_start: start,
        period_end: end,
        done,
        state,
        previous_period_met,
        next_due_by: match state {
            State::Due => end,
            State::Met => next_end,
        },
        overdue: state == State::Due && !previous_period_met,
        surge: surge.map(|s| s.id.clone()),
    }
}

/// The period of `requirement` containing `date`, clipped to the surge's dates for a surge
/// requirement: `(start, end)`.
pub fn period_bounds(
    requirement: &Requirement,
    surge: Option<&Surge>,
    date: NaiveDate,
) -> (NaiveDate, NaiveDate) {
    let period = requirement.per.period_containing(date);
    match surge {
        Some(surge) => (period.start.max(surge.start), period.end.min(surge.end)),
        None => (period.start, period.end),
    }
}

/// Status of every requirement (the tier's, then active surges') for the period containing
/// `today`.
pub fn schedule(
    classification: &Classification,
    visits: &[VisitFact],
    surges: &[Surge],
    today: NaiveDate,
) -> Vec<RequirementStatus> {
    let mut statuses: Vec<RequirementStatus> = classification
        .requirements
        .iter()
        .map(|requirement| {
            let (start, end) = period_bounds(requirement, None, today);
            requirement_status(*requirement, visits, None, start, end, today)
        })
        .collect();
    for surge in surges {
        if !surge.is_active(today) || !surge.targets(classification) {
            continue;
        }
        let (start, end) = period_bounds(&surge.requirement, Some(surge), today);
        statuses.push(requirement_status(
            surge.requirement,
            visits,
            Some(surge),
            start,
            end,
            today,
        ));
    }
    statuses
}

/// One elder's input to the due list.
#[derive(Debug, Clone, Copy)]
pub struct DueInput<'a> {
    pub elder_id: &'a str,
    pub classification: &'a Classification,
    pub visits: &'a [VisitFact],
}

/// One due requirement of one elder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueItem {
    pub elder_id: String,
    pub tier: String,
    pub tier_rank: usize,
    pub status: RequirementStatus,
}

/// Every due requirement of the given elders, most urgent first: overdue first, then tier rank
/// (the profile's order), then the due date, then elder id.
pub fn due_list(inputs: &[DueInput<'_>], surges: &[Surge], today: NaiveDate) -> Vec<DueItem> {
    let mut items: Vec<DueItem> = inputs
        .iter()
        .flat_map(|input| {
            schedule(input.classification, input.visits, surges, today)
                .into_iter()
                .filter(|s| s.state == State::Due)
                .map(|status| DueItem {
                    elder_id: input.elder_id.to_string(),
                    tier: input.classification.tier.clone(),
                    tier_rank: input.classification.tier_rank,
                    status,
                })
        })
        .collect();
    items.sort_by(|a, b| {
        (
            !a.status.overdue,
            a.tier_rank,
            a.status.next_due_by,
            &a.elder_id,
            a.status.requirement,
        )
            .cmp(&(
                !b.status.overdue,
                b.tier_rank,
                b.status.next_due_by,
                &b.elder_id,
                b.status.requirement,
            ))
    });
    items
}
