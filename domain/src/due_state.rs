//! The per-elder due state (issue 15): everything the due board and the daily ladder pass need
//! about one elder, as one pure function of (elder facts, visits, profile in force, surges,
//! date), together with the first date on which it may change without any write.
//!
//! The worker keeps one row per elder from [`due_state`] (`worker/src/due_state.rs`) and
//! recomputes a row only when one of its inputs was written or when `today` reaches the row's
//! [`DueState::valid_until`]. That is exact because, for `computed_on ≤ today < valid_until`,
//! `due_state(.., computed_on).on(today) == due_state(.., today)`
//! (`domain/tests/due_state_properties.rs`): the only thing that moves inside that window is the
//! ladder step, which [`DueState::on`] re-derives from the stored step dates.
//!
//! `valid_until` is the earliest of: the day after the current period of every requirement (the
//! tier's and the active surges', clipped), the start of a surge not begun yet that targets the
//! elder, the day after the period following an ended surge's last period (its `missed` entry
//! goes), the elder's next birthday (a tier can change with age), the next policy version's
//! effective date, and the date of a visit dated in the future (a wrong phone clock: it starts
//! counting that day).

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::classify::classify;
use crate::date::{age_on, date_turning};
use crate::elder::ElderFacts;
use crate::escalation::{escalations, RequirementEscalation, Step};
use crate::policy::{PolicyProfile, Requirement};
use crate::schedule::{period_bounds, schedule, RequirementStatus, State, Surge, VisitFact};

/// The last date there is: a row that nothing but a write can change.
pub const FOREVER: NaiveDate = NaiveDate::MAX;

/// One elder's due state on the date it was computed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueState {
    /// The tier under the profile in force; `None` when the elder is not on the board (declined,
    /// out of scope, or the file does not classify).
    pub tier: Option<String>,
    /// The tier's index in the profile (0 = most urgent).
    pub tier_rank: usize,
    /// The tier's requirements (the elder's stored `requirements`).
    pub requirements: Vec<Requirement>,
    /// The requirements due now, in the board's order within one elder: overdue first, then
    /// the due date, then the requirement.
    pub due: Vec<RequirementStatus>,
    /// The ladder's entries (`escalation::escalations`), steps as of the computation date.
    pub ladder: Vec<RequirementEscalation>,
    /// The latest visit's date (any visit passed in, also one dated in the future).
    pub last_visit: Option<NaiveDate>,
    /// The first date on which this state may differ with the same inputs (> the computation
    /// date; [`FOREVER`] when none).
    pub valid_until: NaiveDate,
}

impl DueState {
    /// The state on `today` (computation date ≤ `today` < `valid_until`): the ladder's steps
    /// re-derived from their dates, everything else as stored.
    pub fn on(&self, today: NaiveDate) -> DueState {
        let mut state = self.clone();
        for entry in &mut state.ladder {
            entry.step = step_on(entry, today);
        }
        state
    }

    /// The first date on which an unmet requirement of the ladder reaches a step (`None` when
    /// every requirement is met): the daily pass need not look at the elder before that day.
    pub fn attention_on(&self) -> Option<NaiveDate> {
        self.ladder
            .iter()
            .filter(|e| e.status.done < e.status.requirement.count)
            .map(|e| e.reminded_on)
            .min()
    }

    /// The first day after `today` on which an unmet requirement of the ladder reaches a step
    /// it has not reached on `today` (see [`next_step_after`]).
    pub fn next_step_after(&self, today: NaiveDate) -> Option<NaiveDate> {
        next_step_after(&self.ladder, today)
    }
}

/// The first day after `today` on which an unmet entry of `ladder` reaches a step it has not
/// reached on `today`; `None` when no entry has a step ahead (all met, or all `missed`).
///
/// The daily pass writes every step reached by its day; until this date no step of the same
/// entries is new, so the pass need not read the elder again (unless its row changes: a visit,
/// a new period — `valid_until`). For `today < d < next_step_after(today)`,
/// `step_on(e, d) == step_on(e, today)` for every entry `e`, and on the date itself some entry
/// climbs (`domain/tests/due_state_properties.rs`).
pub fn next_step_after(ladder: &[RequirementEscalation], today: NaiveDate) -> Option<NaiveDate> {
    ladder
        .iter()
        .filter(|e| e.status.done < e.status.requirement.count)
        .filter_map(|e| {
            [e.reminded_on, e.handed_on, e.staff_on, e.missed_on]
                .into_iter()
                .find(|date| *date > today)
        })
        .min()
}

/// The step of a ladder entry on `today` (the rule of `escalation::escalate`).
pub fn step_on(entry: &RequirementEscalation, today: NaiveDate) -> Step {
    if entry.status.done >= entry.status.requirement.count {
        Step::OnTrack
    } else {
        entry.dates().step_on(today)
    }
}

/// One elder's inputs.
#[derive(Debug, Clone, Copy)]
pub struct DueInputs<'a> {
    pub facts: &'a ElderFacts,
    /// False for an elder off the board: declined, or out of scope.
    pub on_board: bool,
    /// The elder's visits (at least those of the last two years, and the latest one).
    pub visits: &'a [VisitFact],
    /// Surges that have not ended by `today` (active ones and those still to come); others
    /// are ignored.
    pub surges: &'a [Surge],
    /// The profile in force on `today`.
    pub profile: &'a PolicyProfile,
    /// The effective date of the next policy version after `today`, if any.
    pub next_profile_change: Option<NaiveDate>,
}

fn day_after(date: NaiveDate) -> NaiveDate {
    date.checked_add_days(Days::new(1)).unwrap_or(FOREVER)
}

/// The elder's due state on `today`.
pub fn due_state(inputs: &DueInputs<'_>, today: NaiveDate) -> DueState {
    let mut valid_until = FOREVER;
    let mut bound = |date: NaiveDate| {
        if date > today && date < valid_until {
            valid_until = date;
        }
    };
    if let Some(next) = inputs.next_profile_change {
        bound(next);
    }
    if let Some(birth) = inputs.facts.birth_date {
        if birth > today {
            bound(birth);
        } else if let Some(next) = date_turning(birth, age_on(birth, today) + 1) {
            bound(next);
        }
    }
    for visit in inputs.visits {
        bound(visit.date);
    }
    let last_visit = inputs.visits.iter().map(|v| v.date).max();
    let surges: Vec<Surge> = inputs
        .surges
        .iter()
        .filter(|s| s.end >= today)
        .cloned()
        .collect();
    let classification = if inputs.on_board {
        classify(inputs.facts, inputs.profile, today).ok()
    } else {
        None
    };
    let Some(classification) = classification else {
        return DueState {
            tier: None,
            tier_rank: 0,
            requirements: Vec::new(),
            due: Vec::new(),
            ladder: Vec::new(),
            last_visit,
            valid_until,
        };
    };
    for requirement in &classification.requirements {
        bound(day_after(period_bounds(requirement, None, today).1));
    }
    for surge in &surges {
        if !surge.targets(&classification) {
            continue;
        }
        if surge.start > today {
            bound(surge.start);
        } else {
            bound(day_after(
                period_bounds(&surge.requirement, Some(surge), today).1,
            ));
        }
    }
    let mut due: Vec<RequirementStatus> = schedule(&classification, inputs.visits, &surges, today)
        .into_iter()
        .filter(|s| s.state == State::Due)
        .collect();
    due.sort_by(|a, b| {
        (!a.overdue, a.next_due_by, a.requirement).cmp(&(!b.overdue, b.next_due_by, b.requirement))
    });
    let ladder = escalations(
        &classification,
        inputs.visits,
        &surges,
        &inputs.profile.escalation,
        today,
    );
    DueState {
        tier: Some(classification.tier.clone()),
        tier_rank: classification.tier_rank,
        requirements: classification.requirements.clone(),
        due,
        ladder,
        last_visit,
        valid_until,
    }
}

/// The first day of the window of visits an elder's due state reads, as of `today`: the start
/// of the year before last (the previous period of a yearly requirement begins in it).
pub fn visit_horizon(today: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(today.year() - 2, 1, 1).unwrap_or(NaiveDate::MIN)
}
