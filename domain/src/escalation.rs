//! The escalation ladder (issue 15): for each requirement of an elder in its period, how far the
//! "no elder slips through unnoticed" ladder has climbed on a given day.
//!
//! ```text
//! on_track → reminded → handed_to_backup → community_staff → missed
//! (visitor)  (visitor     (backup visitor's   (community        (period over, unmet:
//!             reminded)    Today list)          coordinator)      a reason is recorded)
//! ```
//!
//! # Public shape (what the worker and the app build on)
//! - [`Step`]: the ordered steps, `snake_case` on the wire ([`Step::as_str`], labels).
//! - [`EscalationPolicy`]: thresholds per period length ([`Thresholds`] for week, month,
//!   quarter, half-year, year) plus how much surges shorten them; part of the policy profile as
//!   `PolicyProfile.escalation` (`#[serde(default)]`, so stored profiles without it still parse
//!   and get [`EscalationPolicy::default`]). Checked by [`EscalationPolicy::validate`].
//! - [`RequirementEscalation`]: one requirement in one period: its
//!   [`RequirementStatus`], the step reached, the date each
//!   step is (or would be) reached, the visits that could not count, and the substitute mode the
//!   hand-over may mention. The four dates are always present (plain `NaiveDate`s, also for a
//!   met requirement); `step` says which of them have been reached. `substitute` is a
//!   [`Substitute`] (modes, clause, note), `None` where the text allows none.
//! - [`escalations`]: every requirement of one elder for the period containing `today`, plus a
//!   `missed` entry for each requirement whose previous period ended unmet.
//! - [`escalate`]: one requirement in one given period (what [`escalations`] uses).
//!
//! # Design decisions
//! - **Sans-IO, `today` passed in.** The worker's daily pass and the simulation call the same
//!   functions; nothing here reads a clock.
//! - **Counting is the schedule's.** A requirement's status comes from
//!   [`schedule::requirement_status`](crate::schedule::requirement_status) (visits of the
//!   requirement's kind, in an accepted mode, dated in the period and not after `today`); this
//!   module only decides the step.
//! - **Thresholds as dates.** For a period `start..=end` of `L` days: `reminded_on` =
//!   `start + ⌊L·remind_percent/100⌋`; `handed_on` = `end − handover_days_before_end`;
//!   `staff_on` = `end − staff_days_before_end`; `missed_on` = `end + 1`. Each date is clamped to
//!   `start..=end` and to be no earlier than the step before, so
//!   `start ≤ reminded_on ≤ handed_on ≤ staff_on ≤ end < missed_on` holds for every period,
//!   including a surge's period clipped to a few days. The step on `today` is the last whose date
//!   is ≤ `today`: steps are reached in order, and `missed` only after all the others.
//! - **Met never escalates.** A requirement whose counted visits reach its count is `on_track`
//!   whatever the date.
//! - **A visit that cannot count does not stop the ladder.** A phone call for a `home`
//!   requirement is counted in `non_qualifying_visits` (shown to the backup and the coordinator)
//!   and changes nothing else.
//! - **Surges shorten the thresholds.** Once a surge that targets the elder has begun (its start
//!   ≤ `today`) and overlaps the period, every offset from the period's start is scaled by
//!   [`EscalationPolicy::surge_percent`] (50 % by default: everything happens twice as early).
//!   Using "has begun" rather than "is active" keeps the step monotone in `today` within a
//!   period: the ladder never climbs down when a surge ends. A surge's own requirement (its
//!   period clipped to the surge's dates) is always shortened.
//! - **The previous period.** For each requirement whose previous period ended unmet (the tier's
//!   requirements, surges that are active or whose last period was the previous one),
//!   [`escalations`] adds an entry for that period with step `missed`, so a daily pass run on the
//!   first day(s) of a period records the miss; the worker writes each step once.
//! - **Substitute modes come from the texts.** Only 民发〔2022〕73号 §二(五) names a remote mode
//!   for when a home visit is impossible (社区封控等无法上门: 电话、楼宇视频、微信). The other
//!   four texts ask for 上门 without a substitute (平利's 电话、微信、视频 are *in addition to* the
//!   home visits; 济宁 keeps phone/online/encounter for elders in good health). A substitute is
//!   what the hand-over may say; it never makes a visit count.
//!
//! Who acts at each step follows the texts: the responsible visitor (平利 探访关爱责任人, 江门
//! 联系人 结对), a backup visitor of the same community team, then the 村（居）民委员会 staff who
//! run the community's team (平利 §二(一)3, 天津 三, 江门 §二(二)2).

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::classify::Classification;
use crate::date::Per;
use crate::elder::FieldError;
use crate::policy::{PolicyId, RequiredMode, VisitMode};
use crate::schedule::{
    non_qualifying, period_bounds, requirement_status, RequirementStatus, Surge, VisitFact,
};

/// A step of the ladder, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Met, or unmet but no threshold reached yet.
    OnTrack,
    /// The responsible visitor is reminded.
    Reminded,
    /// The backup visitor sees the elder on their Today list, marked as a hand-over.
    HandedToBackup,
    /// On the community coordinator's list.
    CommunityStaff,
    /// The period ended unmet; the coordinator records a reason.
    Missed,
}

impl Step {
    pub const ALL: [Step; 5] = [
        Step::OnTrack,
        Step::Reminded,
        Step::HandedToBackup,
        Step::CommunityStaff,
        Step::Missed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Step::OnTrack => "on_track",
            Step::Reminded => "reminded",
            Step::HandedToBackup => "handed_to_backup",
            Step::CommunityStaff => "community_staff",
            Step::Missed => "missed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Step::OnTrack => "正常",
            Step::Reminded => "已提醒",
            Step::HandedToBackup => "已转备岗",
            Step::CommunityStaff => "社区跟进",
            Step::Missed => "未完成",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Step::OnTrack => "on track",
            Step::Reminded => "reminded",
            Step::HandedToBackup => "handed to backup",
            Step::CommunityStaff => "community staff",
            Step::Missed => "missed",
        }
    }

    /// The wire name back to a step.
    pub fn parse(text: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The thresholds of one period length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Thresholds {
    /// Remind the responsible visitor once this share of the period has passed (0–99).
    pub remind_percent: u32,
    /// Hand to the backup visitor this many days before the period's last day.
    pub handover_days_before_end: u32,
    /// Put on the community staff's list this many days before the period's last day
    /// (≤ `handover_days_before_end`).
    pub staff_days_before_end: u32,
}

impl Thresholds {
    pub const fn new(remind_percent: u32, handover: u32, staff: u32) -> Thresholds {
        Thresholds {
            remind_percent,
            handover_days_before_end: handover,
            staff_days_before_end: staff,
        }
    }
}

/// Per-period thresholds, part of the policy profile (`PolicyProfile.escalation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct EscalationPolicy {
    pub week: Thresholds,
    pub month: Thresholds,
    pub quarter: Thresholds,
    pub half_year: Thresholds,
    pub year: Thresholds,
    /// While a surge that targets the elder has begun in the period, each step's offset from the
    /// period's start is scaled to this percentage (1–100; 100 = surges change nothing).
    pub surge_percent: u32,
}

impl Default for EscalationPolicy {
    /// Week (平利 2×上门/周): remind Wednesday, backup Thursday, community staff Saturday.
    /// Month: remind at mid-month, backup 7 days and staff 3 days before the end. Quarter,
    /// half-year, year: remind at the half, backup 21/30/60 days and staff 10/14/30 days before
    /// the end. Surges halve the offsets.
    fn default() -> Self {
        EscalationPolicy {
            week: Thresholds::new(40, 3, 1),
            month: Thresholds::new(50, 7, 3),
            quarter: Thresholds::new(50, 21, 10),
            half_year: Thresholds::new(50, 30, 14),
            year: Thresholds::new(50, 60, 30),
            surge_percent: 50,
        }
    }
}

/// The shortest period of each length, in days (validation must hold for all of them).
fn shortest_days(per: Per) -> u32 {
    match per {
        Per::Week => 7,
        Per::Month => 28,
        Per::Quarter => 90,
        Per::HalfYear => 181,
        Per::Year => 365,
    }
}

/// The dates on which each step is reached in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StepDates {
    pub reminded_on: NaiveDate,
    pub handed_on: NaiveDate,
    pub staff_on: NaiveDate,
    pub missed_on: NaiveDate,
}

impl StepDates {
    /// The last step whose date is ≤ `today` (for an unmet requirement).
    pub fn step_on(&self, today: NaiveDate) -> Step {
        if today >= self.missed_on {
            Step::Missed
        } else if today >= self.staff_on {
            Step::CommunityStaff
        } else if today >= self.handed_on {
            Step::HandedToBackup
        } else if today >= self.reminded_on {
            Step::Reminded
        } else {
            Step::OnTrack
        }
    }

    /// The date on which `step` is reached (`start` for `on_track`).
    pub fn date_of(&self, step: Step, start: NaiveDate) -> NaiveDate {
        match step {
            Step::OnTrack => start,
            Step::Reminded => self.reminded_on,
            Step::HandedToBackup => self.handed_on,
            Step::CommunityStaff => self.staff_on,
            Step::Missed => self.missed_on,
        }
    }
}

impl EscalationPolicy {
    pub fn thresholds(&self, per: Per) -> &Thresholds {
        match per {
            Per::Week => &self.week,
            Per::Month => &self.month,
            Per::Quarter => &self.quarter,
            Per::HalfYear => &self.half_year,
            Per::Year => &self.year,
        }
    }

    /// Checks that every step lies inside even the shortest period of its length and that the
    /// steps come in order (remind ≤ hand-over ≤ staff); every bad field is named
    /// (`escalation.month.handover_days_before_end`).
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        for per in Per::ALL {
            let t = self.thresholds(per);
            let field = |name: &str| format!("escalation.{}.{name}", per.as_str());
            let days = shortest_days(per);
            if t.remind_percent >= 100 {
                errors.push(FieldError::new(
                    field("remind_percent"),
                    format!(
                        "提醒比例应在0–99之间: {} (remind_percent must be 0–99)",
                        t.remind_percent
                    ),
                ));
                continue;
            }
            if t.handover_days_before_end >= days {
                errors.push(FieldError::new(
                    field("handover_days_before_end"),
                    format!(
                        "转备岗天数 {} 超出{}的最短长度 {days} 天 (hand-over must fall inside the period)",
                        t.handover_days_before_end,
                        per.label_zh()
                    ),
                ));
                continue;
            }
            let remind_offset = days * t.remind_percent / 100;
            let handover_offset = days - 1 - t.handover_days_before_end;
            if remind_offset > handover_offset {
                errors.push(FieldError::new(
                    field("handover_days_before_end"),
                    format!(
                        "转备岗（期末前{}天）早于提醒（{}%）(hand-over must not come before the reminder in a {days}-day period)",
                        t.handover_days_before_end, t.remind_percent
                    ),
                ));
            }
            if t.staff_days_before_end > t.handover_days_before_end {
                errors.push(FieldError::new(
                    field("staff_days_before_end"),
                    format!(
                        "社区跟进（期末前{}天）早于转备岗（期末前{}天）(community staff must not come before the hand-over)",
                        t.staff_days_before_end, t.handover_days_before_end
                    ),
                ));
            }
        }
        if !(1..=100).contains(&self.surge_percent) {
            errors.push(FieldError::new(
                "escalation.surge_percent",
                format!(
                    "加密期间比例应在1–100之间: {} (surge_percent must be 1–100)",
                    self.surge_percent
                ),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The step dates of a period `start..=end` of length `per` (a surge's period may be
    /// clipped); `shortened` when a surge shortens the thresholds. Always
    /// `start ≤ reminded_on ≤ handed_on ≤ staff_on ≤ end < missed_on`, whatever the thresholds.
    pub fn step_dates(
        &self,
        per: Per,
        start: NaiveDate,
        end: NaiveDate,
        shortened: bool,
    ) -> StepDates {
        let t = self.thresholds(per);
        let last = (end - start).num_days().max(0) as u64; // offset of `end`
        let days = last + 1;
        let remind = (days * u64::from(t.remind_percent.min(100)) / 100).min(last);
        let handover = last
            .saturating_sub(u64::from(t.handover_days_before_end))
            .max(remind);
        let staff = last
            .saturating_sub(u64::from(t.staff_days_before_end))
            .max(handover);
        let (remind, handover, staff) = if shortened {
            let scale = |offset: u64| offset * u64::from(self.surge_percent.clamp(1, 100)) / 100;
            (scale(remind), scale(handover), scale(staff))
        } else {
            (remind, handover, staff)
        };
        StepDates {
            reminded_on: start + Days::new(remind),
            handed_on: start + Days::new(handover),
            staff_on: start + Days::new(staff),
            missed_on: end + Days::new(1),
        }
    }
}

/// A mode the hand-over may mention when a `home` visit cannot be made, and the clause that
/// allows it. It never makes a visit count: the requirement's mode decides that.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Substitute {
    pub modes: Vec<VisitMode>,
    /// The clause of the text (`全国 §二(五)`).
    pub clause: String,
    /// What the hand-over says (Chinese).
    pub note_zh: String,
    pub note_en: String,
}

impl Substitute {
    /// The modes as the hand-over names them: `电话问候、互联网音（视）频探访`.
    pub fn modes_zh(&self) -> String {
        self.modes
            .iter()
            .map(|m| m.label_zh())
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The modes' wire names: `phone,video`.
    pub fn modes_text(&self) -> String {
        self.modes
            .iter()
            .map(|m| m.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The substitute a policy's text allows for a requirement of mode `mode`, if any (see the
    /// module doc: only the national text names one, for when a home visit is impossible).
    pub fn for_requirement(policy: PolicyId, mode: RequiredMode) -> Option<Substitute> {
        match (policy, mode) {
            (PolicyId::National, RequiredMode::Home) => Some(Substitute {
                modes: vec![VisitMode::Phone, VisitMode::Video],
                clause: "全国 §二(五)".to_string(),
                note_zh: "社区封控等无法上门时，加大电话、楼宇视频、微信等远程探访频次（仍须补上门）"
                    .to_string(),
                note_en: "when a home visit is impossible (e.g. lockdown), call or video more often; the home visit is still owed"
                    .to_string(),
            }),
            _ => None,
        }
    }
}

/// Where one requirement stands on the ladder in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementEscalation {
    /// The period this entry is about (the current one, or the one just ended for `missed`).
    pub status: RequirementStatus,
    pub step: Step,
    /// When each step is (or would be) reached in this period.
    #[serde(with = "crate::date::fast_date")]
    pub reminded_on: NaiveDate,
    #[serde(with = "crate::date::fast_date")]
    pub handed_on: NaiveDate,
    #[serde(with = "crate::date::fast_date")]
    pub staff_on: NaiveDate,
    /// The day after the period's end.
    #[serde(with = "crate::date::fast_date")]
    pub missed_on: NaiveDate,
    /// Visits in the period (up to `today`) of the requirement's kind whose mode cannot satisfy
    /// it (a phone call for a `home` requirement).
    pub non_qualifying_visits: u32,
    /// Where the policy allows a substitute mode for this requirement, what the hand-over may
    /// say; `None` otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitute: Option<Substitute>,
}

/// The ladder as the worker stores it (`due_elders.ladder`) and its daily pass reads it back:
/// each entry one JSON array of its fields in a fixed order, not an object with named fields.
/// The text is about 40 % of the named form, and every byte of it is paid several times on a
/// month's first day — serialised by the worker, escaped into the write's parameter, sent
/// through the D1 binding, parsed by SQLite, and the same again on the way back for the pass
/// (100,000 elders, 94,689 ladders on the bench). Dates go through [`crate::date::fast_date`].
/// Only the worker's table uses this form; the phones never see it.
pub mod stored_ladder {
    use super::*;
    use crate::date::fast_date;
    use crate::policy::{Kind, Requirement};
    use crate::schedule::State;

    /// One entry: requirement (kind, mode, count, per), period start and end, done, state,
    /// previous period met, next due by, overdue, surge, step, the four step dates,
    /// non-qualifying visits, substitute. Written with borrowed texts (`Entry<&str,
    /// &Substitute>`), read into owned ones (`Entry<String, Substitute>`).
    #[derive(Serialize, Deserialize)]
    struct Entry<Text, Sub>(
        Kind,
        RequiredMode,
        u32,
        Per,
        #[serde(with = "fast_date")] NaiveDate,
        #[serde(with = "fast_date")] NaiveDate,
        u32,
        State,
        bool,
        #[serde(with = "fast_date")] NaiveDate,
        bool,
        Option<Text>,
        Step,
        #[serde(with = "fast_date")] NaiveDate,
        #[serde(with = "fast_date")] NaiveDate,
        #[serde(with = "fast_date")] NaiveDate,
        #[serde(with = "fast_date")] NaiveDate,
        u32,
        Option<Sub>,
    );

    pub fn serialize<S: serde::Serializer>(
        ladder: &[RequirementEscalation],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(ladder.iter().map(|e| {
            let t = &e.status;
            let r = &t.requirement;
            Entry(
                r.kind,
                r.mode,
                r.count,
                r.per,
                t.period_start,
                t.period_end,
                t.done,
                t.state,
                t.previous_period_met,
                t.next_due_by,
                t.overdue,
                t.surge.as_deref(),
                e.step,
                e.reminded_on,
                e.handed_on,
                e.staff_on,
                e.missed_on,
                e.non_qualifying_visits,
                e.substitute.as_ref(),
            )
        }))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<RequirementEscalation>, D::Error> {
        let entries = Vec::<Entry<String, Substitute>>::deserialize(d)?;
        Ok(entries
            .into_iter()
            .map(|e| RequirementEscalation {
                status: RequirementStatus {
                    requirement: Requirement::new(e.0, e.1, e.2, e.3),
                    period_start: e.4,
                    period_end: e.5,
                    done: e.6,
                    state: e.7,
                    previous_period_met: e.8,
                    next_due_by: e.9,
                    overdue: e.10,
                    surge: e.11,
                },
                step: e.12,
                reminded_on: e.13,
                handed_on: e.14,
                staff_on: e.15,
                missed_on: e.16,
                non_qualifying_visits: e.17,
                substitute: e.18,
            })
            .collect())
    }

    /// A ladder that serialises in the stored form (as a value inside a larger JSON text).
    pub struct Stored<'a>(pub &'a [RequirementEscalation]);

    impl Serialize for Stored<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize(self.0, s)
        }
    }

    /// The stored text of a ladder.
    pub fn to_text(ladder: &[RequirementEscalation]) -> serde_json::Result<String> {
        serde_json::to_string(&Stored(ladder))
    }

    /// A ladder from its stored text.
    pub fn from_text(text: &str) -> serde_json::Result<Vec<RequirementEscalation>> {
        #[derive(Deserialize)]
        struct Stored(
            #[serde(with = "crate::escalation::stored_ladder")] Vec<RequirementEscalation>,
        );
        serde_json::from_str::<Stored>(text).map(|stored| stored.0)
    }
}

impl RequirementEscalation {
    pub fn dates(&self) -> StepDates {
        StepDates {
            reminded_on: self.reminded_on,
            handed_on: self.handed_on,
            staff_on: self.staff_on,
            missed_on: self.missed_on,
        }
    }

    /// True for an entry about a period that has ended (step `missed`).
    pub fn is_previous_period(&self) -> bool {
        self.step == Step::Missed
    }
}

/// The ladder for one requirement in one period, given its status in that period (from
/// [`requirement_status`], counted up to `today`). `shortened`: a surge shortens the thresholds.
pub fn escalate(
    status: RequirementStatus,
    visits: &[VisitFact],
    policy: &EscalationPolicy,
    profile_policy: PolicyId,
    shortened: bool,
    today: NaiveDate,
) -> RequirementEscalation {
    let requirement = status.requirement;
    let dates = policy.step_dates(
        requirement.per,
        status.period_start,
        status.period_end,
        shortened,
    );
    let met = status.done >= requirement.count;
    let step = if met {
        Step::OnTrack
    } else {
        dates.step_on(today)
    };
    let counted_until = today.min(status.period_end);
    let non_qualifying_visits = visits
        .iter()
        .filter(|v| {
            status.period_start <= v.date
                && v.date <= counted_until
                && non_qualifying(&requirement, v)
        })
        .count() as u32;
    RequirementEscalation {
        substitute: Substitute::for_requirement(profile_policy, requirement.mode),
        status,
        step,
        reminded_on: dates.reminded_on,
        handed_on: dates.handed_on,
        staff_on: dates.staff_on,
        missed_on: dates.missed_on,
        non_qualifying_visits,
    }
}

/// True when a surge targeting the elder has begun by `today` and overlaps `start..=end`.
fn surge_shortens(
    classification: &Classification,
    surges: &[Surge],
    start: NaiveDate,
    end: NaiveDate,
    today: NaiveDate,
) -> bool {
    surges.iter().any(|surge| {
        surge.start <= today
            && surge.start <= end
            && surge.end >= start
            && surge.targets(classification)
    })
}

/// The ladder for every requirement of one elder (the tier's, then the surges'), for the period
/// containing `today`, plus — for each requirement whose previous period ended unmet — an entry
/// for that previous period with step `missed`. Order: for each requirement, the previous
/// period's `missed` entry (if any) then the current one; tier requirements first, then
/// surges in the order given.
///
/// ```
/// use tanfang_domain::classify::classify;
/// use tanfang_domain::date::parse_date;
/// use tanfang_domain::elder::{Capability, Category, ElderFacts};
/// use tanfang_domain::escalation::{escalations, Step};
/// use tanfang_domain::policy::{PolicyId, PolicyProfile, VisitMode};
/// use tanfang_domain::schedule::VisitFact;
///
/// let d = |s: &str| parse_date(s).unwrap();
/// let profile = PolicyProfile::builtin(PolicyId::Tianjin);
/// let facts = ElderFacts {
///     id: "e1".into(),
///     birth_date: Some(d("1950-06-01")),
///     categories: vec![Category::EmptyNest],
///     capability: Capability::Severe, // 失能: home ≥1/month, community help ≥1/quarter
///     ..ElderFacts::default()
/// };
/// let elder = classify(&facts, &profile, d("2025-03-24")).unwrap();
/// // Only a phone call this month: it cannot satisfy the home requirement.
/// let visits = [VisitFact { date: d("2025-03-05"), mode: VisitMode::Phone, kind: Default::default() }];
/// let ladder = escalations(&elder, &visits, &[], &profile.escalation, d("2025-03-24"));
/// let home = ladder.iter().find(|e| e.status.period_start == d("2025-03-01")).unwrap();
/// assert_eq!(home.step, Step::HandedToBackup); // reminded on the 16th, handed over on the 24th
/// assert_eq!(home.non_qualifying_visits, 1);
/// assert_eq!(home.staff_on, d("2025-03-28"));
/// ```
pub fn escalations(
    classification: &Classification,
    visits: &[VisitFact],
    surges: &[Surge],
    policy: &EscalationPolicy,
    today: NaiveDate,
) -> Vec<RequirementEscalation> {
    let profile_policy = classification.policy;
    let mut out = Vec::with_capacity(classification.requirements.len() * 2);
    for requirement in &classification.requirements {
        let (start, end) = period_bounds(requirement, None, today);
        let previous = requirement.per.period_containing(start).previous();
        let previous_status = requirement_status(
            *requirement,
            visits,
            None,
            previous.start,
            previous.end,
            previous.end,
        );
        if previous_status.done < requirement.count {
            let shortened =
                surge_shortens(classification, surges, previous.start, previous.end, today);
            out.push(escalate(
                previous_status,
                visits,
                policy,
                profile_policy,
                shortened,
                today,
            ));
        }
        let status = requirement_status(*requirement, visits, None, start, end, today);
        let shortened = surge_shortens(classification, surges, start, end, today);
        out.push(escalate(
            status,
            visits,
            policy,
            profile_policy,
            shortened,
            today,
        ));
    }
    for surge in surges {
        if surge.start > today || !surge.targets(classification) {
            continue;
        }
        let requirement = surge.requirement;
        // The period just ended: while the surge lasts, the clipped period before the current
        // one (if the surge had begun by then); once it is over, its last clipped period, until
        // the calendar period after that one ends.
        let just_ended = if surge.is_active(today) {
            let (start, _) = period_bounds(&requirement, Some(surge), today);
            (start > surge.start).then(|| start.pred_opt().unwrap())
        } else {
            let last = requirement.per.period_containing(surge.end);
            (today <= last.next().end).then_some(surge.end)
        };
        if let Some(day) = just_ended {
            let (start, end) = period_bounds(&requirement, Some(surge), day);
            let previous_status =
                requirement_status(requirement, visits, Some(surge), start, end, end);
            if previous_status.done < requirement.count {
                out.push(escalate(
                    previous_status,
                    visits,
                    policy,
                    profile_policy,
                    true,
                    today,
                ));
            }
        }
        if surge.is_active(today) {
            let (start, end) = period_bounds(&requirement, Some(surge), today);
            let status = requirement_status(requirement, visits, Some(surge), start, end, today);
            out.push(escalate(
                status,
                visits,
                policy,
                profile_policy,
                true,
                today,
            ));
        }
    }
    out
}
