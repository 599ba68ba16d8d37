//! Property tests of the incremental due state (native only: proptest needs OS randomness).
//!
//! The worker stores `due_state(inputs, d)` and serves it on every later day `t` until
//! `valid_until` without recomputing: this is exact only if, for `d ≤ t < valid_until`,
//! `due_state(inputs, d).on(t) == due_state(inputs, t)`. Checked here for random elders,
//! visits (some dated in the future), surges (past, active and to come), every built-in
//! profile and a possible next policy version; and `valid_until` is always after `d`.
#![cfg(not(target_arch = "wasm32"))]

use chrono::Days;
use proptest::prelude::*;
use tanfang_domain::date::NaiveDate;
use tanfang_domain::due_state::{due_state, next_step_after, step_on, DueInputs};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::escalation::{stored_ladder, Step};
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::schedule::{Surge, VisitFact};

mod strategies;
use strategies::{any_surge, any_visit, base_day, date_between};

/// Elders aged 58–99 (some turn 60 or 80 inside the window), born on any day (29 Feb too).
fn any_facts() -> impl Strategy<Value = ElderFacts> {
    (
        58i32..100,
        date_between(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 366),
        proptest::sample::subsequence(Category::ALL.to_vec(), 1..=3),
        proptest::sample::select(Capability::ALL.to_vec()),
        proptest::collection::vec(any::<bool>(), 5),
        proptest::option::of(1u8..=4),
    )
        .prop_map(|(age, day, categories, capability, flags, grade)| {
            use chrono::Datelike;
            let birth = NaiveDate::from_ymd_opt(2024 - age, day.month(), day.day())
                .or_else(|| NaiveDate::from_ymd_opt(2024 - age, 2, 28));
            ElderFacts {
                id: "p".into(),
                birth_date: birth,
                categories,
                capability,
                bedridden: flags[0],
                dementia: flags[1],
                serious_illness: flags[2],
                low_income: flags[3],
                cares_for_impaired_child: flags[4],
                disability_grade: grade,
                consent: Consent::Accepted,
                region_code: Some("610926100001".into()),
                ..ElderFacts::default()
            }
        })
}

/// One elder's inputs as the properties draw them: a file, visits (some dated in the future),
/// surges (past, active and to come) and a built-in profile.
#[derive(Debug, Clone)]
struct Elder {
    facts: ElderFacts,
    visits: Vec<VisitFact>,
    surges: Vec<Surge>,
    profile: PolicyProfile,
}

impl Elder {
    fn inputs(&self, on_board: bool, next_profile_change: Option<NaiveDate>) -> DueInputs<'_> {
        DueInputs {
            facts: &self.facts,
            on_board,
            visits: &self.visits,
            surges: &self.surges,
            profile: &self.profile,
            next_profile_change,
        }
    }
}

fn any_elder() -> impl Strategy<Value = Elder> {
    (
        any_facts(),
        proptest::collection::vec(any_visit(400, 900), 0..12),
        proptest::collection::vec(any_surge(60), 0..3),
        proptest::sample::select(PolicyId::ALL.to_vec()),
    )
        .prop_map(|(facts, visits, surges, policy)| Elder {
            facts,
            visits,
            surges,
            profile: PolicyProfile::builtin(policy),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_stored_state_is_the_recomputed_one_until_valid_until(
        elder in any_elder(),
        next_change in proptest::option::of(date_between(base_day(), 500)),
        computed_on in date_between(base_day(), 400),
        later in 0u64..120,
        on_board in proptest::bool::weighted(0.9),
    ) {
        // A policy version only counts as "next" after the computation date.
        let inputs = elder.inputs(on_board, next_change.filter(|d| *d > computed_on));
        let stored = due_state(&inputs, computed_on);
        prop_assert!(stored.valid_until > computed_on);
        let today = computed_on + Days::new(later);
        if today < stored.valid_until {
            prop_assert_eq!(stored.on(today), due_state(&inputs, today), "computed {} read {}", computed_on, today);
        } else {
            // On valid_until itself something may change, and the worker recomputes: nothing
            // to check but that the new state is valid from today.
            prop_assert!(due_state(&inputs, today).valid_until > today);
        }
    }

    /// The worker stores the ladder in its compact form (`escalation::stored_ladder`): it reads
    /// back as written, surges and substitutes included, and is shorter than the named form.
    #[test]
    fn the_stored_ladder_reads_back_as_written(
        elder in any_elder(),
        today in date_between(base_day(), 400),
    ) {
        let inputs = elder.inputs(true, None);
        let ladder = due_state(&inputs, today).ladder;
        let text = stored_ladder::to_text(&ladder).unwrap();
        prop_assert_eq!(stored_ladder::from_text(&text).unwrap(), ladder.clone());
        if !ladder.is_empty() {
            prop_assert!(text.len() < serde_json::to_string(&ladder).unwrap().len(), "{}", text);
        }
    }

    /// The ladder pass skips an elder whose row has not changed until `next_step_after(p)` of
    /// its last pass day `p`: no entry may reach a new step before that date, and on the date
    /// itself (when the row is still valid) some entry climbs.
    #[test]
    fn no_step_is_reached_before_next_step_after(
        elder in any_elder(),
        computed_on in date_between(base_day(), 400),
        passed in 0u64..400,
    ) {
        let inputs = elder.inputs(true, None);
        let stored = due_state(&inputs, computed_on);
        // A pass on a day the row is valid (the worker recomputes it on valid_until).
        let valid_days = (stored.valid_until - computed_on).num_days().clamp(1, 400) as u64;
        let pass_day = computed_on + Days::new(passed % valid_days);
        let steps = |day: NaiveDate| -> Vec<Step> { stored.ladder.iter().map(|e| step_on(e, day)).collect() };
        let at_pass = steps(pass_day);
        let next = next_step_after(&stored.ladder, pass_day);
        prop_assert_eq!(next, stored.next_step_after(pass_day));
        let end = next.unwrap_or(stored.valid_until).min(stored.valid_until);
        let mut day = pass_day;
        while day < end {
            prop_assert_eq!(steps(day), at_pass.clone(), "pass {} day {} next {:?}", pass_day, day, next);
            day = day + Days::new(1);
        }
        if let Some(next) = next {
            prop_assert!(next > pass_day);
            if next < stored.valid_until {
                prop_assert_ne!(steps(next), at_pass, "pass {} next {}", pass_day, next);
            }
        }
    }
}

/// An unvisited elder under the national policy (one visit a month): the pass on the 1st has
/// nothing ahead but the reminder at mid-month; after the reminder, the hand-over; after the
/// last day's step, the day after the month (`missed`); a visit leaves nothing ahead.
#[test]
fn next_step_after_walks_the_month() {
    let facts = ElderFacts {
        id: "n".into(),
        birth_date: NaiveDate::from_ymd_opt(1940, 2, 3),
        categories: vec![Category::LivingAlone],
        capability: Capability::Intact,
        consent: Consent::Accepted,
        region_code: Some("610926100001".into()),
        ..ElderFacts::default()
    };
    let profile = PolicyProfile::builtin(PolicyId::National);
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).unwrap();
    let state = |visits: &[tanfang_domain::schedule::VisitFact], today: NaiveDate| {
        due_state(
            &DueInputs {
                facts: &facts,
                on_board: true,
                visits,
                surges: &[],
                profile: &profile,
                next_profile_change: None,
            },
            today,
        )
    };
    let unvisited = state(&[], day(1));
    let entry = unvisited
        .ladder
        .iter()
        .find(|e| e.status.period_start == day(1))
        .expect("the month's entry");
    assert_eq!(unvisited.next_step_after(day(1)), Some(entry.reminded_on));
    assert_eq!(
        unvisited.next_step_after(entry.reminded_on),
        Some(entry.handed_on)
    );
    assert_eq!(
        unvisited.next_step_after(entry.staff_on),
        Some(day(31) + Days::new(1))
    );
    assert_eq!(unvisited.next_step_after(day(31) + Days::new(1)), None);
    let visit = tanfang_domain::schedule::VisitFact {
        date: day(2),
        mode: tanfang_domain::policy::VisitMode::Home,
        kind: tanfang_domain::policy::Kind::Visit,
    };
    assert_eq!(state(&[visit], day(3)).next_step_after(day(3)), None);
}
