//! The Today list: assigned elders with their due status, most urgent first.
//!
//! This module only adapts device data (elders, visits, surges from IndexedDB) to the domain:
//! `tanfang_domain::schedule::schedule` decides, per requirement of the elder's tier and of the
//! active surges, what is met, due and overdue; `tanfang_domain::pinyin::matches` does search.
//! It renders nothing.
//!
//! Urgency groups: overdue (due now and the previous period was missed too), due this week
//! (the period ends within 7 days), due this period, done; elders who declined visits last.
//! Within a group: earliest due date, then oldest last visit, then name.
//!
//! Ahead of every group: the elders the escalation ladder (issue 15) has put on this user's
//! list — hand-overs to me as the backup visitor first, then reminders to me as the
//! responsible visitor — while a requirement is still due on this device (a visit saved here
//! takes the mark away at once, before the server's next daily pass).

use crate::model::{StoredElder, StoredVisit, SurgeView};
use chrono::{Days, NaiveDate};
use serde_json::Value;
use std::collections::BTreeSet;
use tanfang_domain::classify::Classification;
use tanfang_domain::elder::Category;
use tanfang_domain::policy::{Kind, PolicyId, RequiredMode, Requirement};
use tanfang_domain::schedule::{schedule, State, Surge, VisitFact};
use tanfang_domain::sync::VolunteerElderView as ElderView;

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

/// The escalation mark of a Today row (the server's step, as it concerns this user).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Escalation {
    /// 交接: the responsible visitor has not visited; I am the backup.
    HandOver,
    /// 提醒: I am the responsible visitor and have not visited yet.
    Reminder,
}

impl Escalation {
    pub fn key(self) -> &'static str {
        match self {
            Escalation::HandOver => "today.handover",
            Escalation::Reminder => "today.reminder",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Escalation::HandOver => "handover",
            Escalation::Reminder => "reminder",
        }
    }
}

/// The mark of an elder: the server sends the step only to the people it concerns (the
/// responsible visitor from `reminded`, the backup from `handed_to_backup`).
fn escalation_of(elder: &ElderView, status: DueStatus) -> Option<Escalation> {
    let step = elder.escalation.as_ref()?;
    if matches!(status, DueStatus::Done | DueStatus::Declined) {
        return None;
    }
    match (elder.my_role.as_str(), step.as_str()) {
        ("backup", "handed_to_backup" | "community_staff") => Some(Escalation::HandOver),
        ("responsible", "reminded" | "handed_to_backup" | "community_staff") => {
            Some(Escalation::Reminder)
        }
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct TodayRow {
    /// Hand-over or reminder from the escalation ladder, if any (the hand-over's notice says
    /// which substitute mode the policy allows).
    pub escalation: Option<Escalation>,
    pub elder: ElderView,
    pub search_key: String,
    pub status: DueStatus,
    pub due_by: Option<NaiveDate>,
    /// `home` when an unmet visit requirement needs a home visit, else `any`.
    pub required_mode: String,
    pub last_visit: Option<String>,
    /// Titles of the active surges that concern this elder.
    pub surges: Vec<String>,
}

/// The elder's tier and requirements as the server classified them, in the domain's shape.
fn classification(elder: &ElderView) -> Classification {
    Classification {
        policy: PolicyId::National,
        age: elder.age.unwrap_or(0),
        impaired: false,
        severely_handicapped: false,
        tier: elder.tier.clone().unwrap_or_default(),
        requirements: elder
            .requirements
            .iter()
            .filter_map(|value| serde_json::from_value::<Requirement>(value.clone()).ok())
            .collect(),
        tier_rank: 0,
        categories: elder
            .categories
            .iter()
            .filter_map(|value| {
                serde_json::from_value::<Category>(Value::String(value.clone())).ok()
            })
            .collect(),
        region_code: Some(elder.region_code.clone()),
    }
}

/// Surges as sent by the server, in the domain's shape (unreadable ones are skipped).
pub fn domain_surges(surges: &[SurgeView]) -> Vec<Surge> {
    surges
        .iter()
        .filter_map(|surge| {
            Some(Surge {
                id: surge.id.clone(),
                region_prefix: surge.region_code.clone(),
                start: tanfang_domain::date::parse_date(&surge.start_date).ok()?,
                end: tanfang_domain::date::parse_date(&surge.end_date).ok()?,
                tiers: surge.tiers.clone(),
                categories: Vec::new(),
                requirement: serde_json::from_value(surge.requirement.clone()).ok()?,
                reason: surge.title.clone(),
            })
        })
        .collect()
}

/// Every visit known for the elder: records on the device plus the server's summaries.
fn visit_facts(elder: &ElderView, visits: &[&StoredVisit]) -> Vec<VisitFact> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut facts = Vec::new();
    for visit in visits {
        seen.insert(&visit.id);
        if let Ok(fact) = VisitFact::from_json(&visit.record, "visit") {
            facts.push(fact);
        }
    }
    for summary in &elder.last_visits {
        if seen.contains(summary.id.as_str()) {
            continue;
        }
        let value = serde_json::json!({"date": summary.date, "mode": summary.mode});
        if let Ok(fact) = VisitFact::from_json(&value, "last_visits") {
            facts.push(fact);
        }
    }
    facts
}

/// Computes the Today list, most urgent first.
pub fn today_rows(
    elders: Vec<StoredElder>,
    visits: &[StoredVisit],
    surges: &[SurgeView],
    today: NaiveDate,
) -> Vec<TodayRow> {
    let surges = domain_surges(surges);
    let week_end = today + Days::new(6);
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
            let facts = visit_facts(&elder, &mine);
            let statuses = schedule(&classification(&elder), &facts, &surges, today);
            let due: Vec<_> = statuses
                .iter()
                .filter(|status| status.state == State::Due)
                .collect();
            let status = if elder.consent == "declined" {
                DueStatus::Declined
            } else if due.iter().any(|status| status.overdue) {
                DueStatus::Overdue
            } else if due.iter().any(|status| status.period_end <= week_end) {
                DueStatus::DueThisWeek
            } else if !due.is_empty() {
                DueStatus::DueThisPeriod
            } else {
                DueStatus::Done
            };
            let due_by = if due.is_empty() {
                statuses.iter().map(|status| status.next_due_by).min()
            } else {
                due.iter().map(|status| status.next_due_by).min()
            };
            let home = due.iter().any(|status| {
                status.requirement.kind == Kind::Visit
                    && status.requirement.mode == RequiredMode::Home
            });
            let surge_titles: Vec<String> = statuses
                .iter()
                .filter_map(|status| status.surge.as_ref())
                .filter_map(|id| surges.iter().find(|surge| &surge.id == id))
                .map(|surge| surge.reason.clone())
                .collect();
            let last_visit = mine
                .iter()
                .map(|visit| visit.date.clone())
                .chain(elder.last_visits.iter().map(|visit| visit.date.clone()))
                .max();
            let escalation = escalation_of(&elder, status);
            TodayRow {
                escalation,
                search_key,
                status,
                due_by,
                required_mode: if home { "home" } else { "any" }.to_string(),
                last_visit,
                surges: surge_titles,
                elder,
            }
        })
        .collect();
    // `None` sorts first among `Option`s: rank a mark as 0/1 and no mark as 2.
    let mark = |row: &TodayRow| row.escalation.map_or(2, |e| e as u8);
    rows.sort_by(|a, b| {
        (mark(a), a.status, a.due_by, &a.last_visit, &a.elder.name).cmp(&(
            mark(b),
            b.status,
            b.due_by,
            &b.last_visit,
            &b.elder.name,
        ))
    });
    rows
}

/// Filters rows by name or pinyin (`zs` finds 张三) with the domain's matcher.
pub fn search(rows: &[TodayRow], query: &str) -> Vec<TodayRow> {
    rows.iter()
        .filter(|row| tanfang_domain::pinyin::matches(query, &row.elder.name, &row.search_key))
        .cloned()
        .collect()
}
