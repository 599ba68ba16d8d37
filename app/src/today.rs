//! The Today list: assigned elders with their due status, most urgent first.
//!
//! This module only adapts device data (elders, visits, surges from IndexedDB) to the domain's
//! period arithmetic (`tanfang_domain::date::Per::period_containing`) and pinyin matching
//! (`tanfang_domain::pinyin::matches`); it renders nothing.
//!
//! Urgency order: overdue (a requirement of the previous period was not met and the current
//! one is not met either), then due this week (the current period ends within 7 days), then
//! due this period, then done; declined elders last. Within a group: earliest due date, then
//! the elder with the oldest last visit.

use crate::model::{ElderView, StoredElder, StoredVisit, SurgeView};
use chrono::{Days, NaiveDate};
use serde_json::Value;
use tanfang_domain::date::{Per, Period};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueStatus {
    Overdue,
    DueThisWeek,
    DueThisPeriod,
    Done,
    Declined,
}

impl DueStatus {
    pub fn key(self) -> &'static str {
        match self {
            DueStatus::Overdue => "today.overdue",
            DueStatus::DueThisWeek => "today.due_week",
            DueStatus::DueThisPeriod => "today.due_period",
            DueStatus::Done => "today.done",
            DueStatus::Declined => "today.declined",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            DueStatus::Overdue => "overdue",
            DueStatus::DueThisWeek => "due-week",
            DueStatus::DueThisPeriod => "due-period",
            DueStatus::Done => "done",
            DueStatus::Declined => "declined",
        }
    }
}

/// One requirement as sent in `VolunteerElderView::requirements`
/// (`{"kind","mode","count","per"}`, as in the CLI contract).
#[derive(Clone, Debug, PartialEq)]
pub struct Requirement {
    pub kind: String,
    pub mode: String,
    pub count: u32,
    pub per: Per,
}

impl Requirement {
    pub fn from_json(value: &Value) -> Option<Requirement> {
        let per: Per = serde_json::from_value(value.get("per")?.clone()).ok()?;
        Some(Requirement {
            kind: value
                .get("kind")
                .and_then(Value::as_str)
                .unwrap_or("visit")
                .to_string(),
            mode: value
                .get("mode")
                .and_then(Value::as_str)
                .unwrap_or("any")
                .to_string(),
            count: value.get("count").and_then(Value::as_u64).unwrap_or(1) as u32,
            per,
        })
    }

    /// Whether a visit of `mode` counts for this requirement (`any` is met by every mode,
    /// `home` only by `home`).
    pub fn accepts(&self, mode: &str) -> bool {
        self.mode == "any" || self.mode == mode
    }

    fn met_in(&self, period: &Period, visits: &[&StoredVisit]) -> bool {
        let count = visits
            .iter()
            .filter(|visit| self.accepts(&visit.mode))
            .filter_map(|visit| NaiveDate::parse_from_str(&visit.date, "%Y-%m-%d").ok())
            .filter(|date| period.contains(*date))
            .count();
        count as u32 >= self.count
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TodayRow {
    pub elder: ElderView,
    pub search_key: String,
    pub status: DueStatus,
    pub due_by: Option<NaiveDate>,
    /// `home` when any unmet requirement needs a home visit, else `any`.
    pub required_mode: String,
    pub last_visit: Option<String>,
    pub surges: Vec<String>,
}

fn surge_applies(surge: &SurgeView, elder: &ElderView, today: NaiveDate) -> bool {
    let in_dates = surge.start_date.as_str() <= today.to_string().as_str()
        && today.to_string().as_str() <= surge.end_date.as_str();
    let in_region = elder.region_code.starts_with(&surge.region_code);
    let in_tier = surge.tiers.is_empty()
        || elder
            .tier
            .as_ref()
            .is_some_and(|tier| surge.tiers.contains(tier));
    in_dates && in_region && in_tier
}

/// Computes the Today list, most urgent first.
pub fn today_rows(
    elders: Vec<StoredElder>,
    visits: &[StoredVisit],
    surges: &[SurgeView],
    today: NaiveDate,
) -> Vec<TodayRow> {
    let mut rows: Vec<TodayRow> = elders
        .into_iter()
        .map(|stored| {
            let StoredElder {
                search_key,
                view: elder,
                ..
            } = stored;
            let mine: Vec<&StoredVisit> = visits
                .iter()
                .filter(|visit| visit.elder_id == elder.id)
                .collect();
            let active_surges: Vec<&SurgeView> = surges
                .iter()
                .filter(|surge| surge_applies(surge, &elder, today))
                .collect();
            let mut requirements: Vec<Requirement> = elder
                .requirements
                .iter()
                .filter_map(Requirement::from_json)
                .collect();
            requirements.extend(
                active_surges
                    .iter()
                    .filter_map(|surge| Requirement::from_json(&surge.requirement)),
            );
            requirements.retain(|requirement| requirement.kind == "visit");

            let mut status = DueStatus::Done;
            let mut due_by: Option<NaiveDate> = None;
            let mut required_mode = "any".to_string();
            for requirement in &requirements {
                let current = requirement.per.period_containing(today);
                if requirement.met_in(&current, &mine) {
                    continue;
                }
                if requirement.mode == "home" {
                    required_mode = "home".to_string();
                }
                let previous_met = requirement.met_in(&current.previous(), &mine);
                let requirement_status = if !previous_met {
                    DueStatus::Overdue
                } else if current.end <= today + Days::new(6) {
                    DueStatus::DueThisWeek
                } else {
                    DueStatus::DueThisPeriod
                };
                status = status.min(requirement_status);
                due_by = Some(due_by.map_or(current.end, |due| due.min(current.end)));
            }
            if elder.consent == "declined" {
                status = DueStatus::Declined;
            }
            let last_visit = mine
                .iter()
                .map(|visit| visit.date.clone())
                .chain(elder.last_visits.iter().map(|visit| visit.date.clone()))
                .max();
            TodayRow {
                search_key,
                surges: active_surges
                    .iter()
                    .map(|surge| surge.title.clone())
                    .collect(),
                elder,
                status,
                due_by,
                required_mode,
                last_visit,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.status,
            a.due_by,
            a.last_visit.clone(),
            a.elder.name.clone(),
        )
            .cmp(&(
                b.status,
                b.due_by,
                b.last_visit.clone(),
                b.elder.name.clone(),
            ))
    });
    rows
}

/// Filters rows by name or pinyin (`zs` finds 张三) with the domain's matcher.
pub fn search(rows: &[TodayRow], query: &str) -> Vec<TodayRow> {
    let query = query.trim();
    if query.is_empty() {
        return rows.to_vec();
    }
    rows.iter()
        .filter(|row| {
            row.elder.name.contains(query)
                || tanfang_domain::pinyin::matches(query, &row.elder.name, &row.search_key)
        })
        .cloned()
        .collect()
}
