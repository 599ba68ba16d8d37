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
use tanfang_domain::due_state::{due_state, DueInputs};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::policy::{PolicyId, PolicyProfile};

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn a_stored_state_is_the_recomputed_one_until_valid_until(
        facts in any_facts(),
        visits in proptest::collection::vec(any_visit(400, 900), 0..12),
        surges in proptest::collection::vec(any_surge(60), 0..3),
        policy in proptest::sample::select(PolicyId::ALL.to_vec()),
        next_change in proptest::option::of(date_between(base_day(), 500)),
        computed_on in date_between(base_day(), 400),
        later in 0u64..120,
        on_board in proptest::bool::weighted(0.9),
    ) {
        let profile = PolicyProfile::builtin(policy);
        // A policy version only counts as "next" after the computation date.
        let next_profile_change = next_change.filter(|d| *d > computed_on);
        let inputs = DueInputs {
            facts: &facts,
            on_board,
            visits: &visits,
            surges: &surges,
            profile: &profile,
            next_profile_change,
        };
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
}
