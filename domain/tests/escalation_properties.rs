//! Property tests of the escalation ladder (native only: proptest needs OS randomness).
//!
//! - a requirement never reaches `missed` without having passed every earlier step: the step
//!   dates are non-decreasing inside the period, `missed_on` is the day after the period, and
//!   the step on `today` is exactly the last step whose date is ≤ `today` — for any thresholds,
//!   valid or not, surges or not;
//! - a met requirement (checked by an independent count here) never escalates;
//! - adding a visit whose mode cannot satisfy a requirement never lowers its step;
//! - within a period, the step of an unmet requirement is monotone in `today`;
//! - every requirement whose previous period ended unmet has a `missed` entry for it.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::HashMap;

use chrono::Days;
use proptest::prelude::*;
use tanfang_domain::classify::{classify, Classification};
use tanfang_domain::date::NaiveDate;
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::escalation::{
    escalations, EscalationPolicy, RequirementEscalation, Step, Thresholds,
};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, RequiredMode, Requirement, VisitMode};
use tanfang_domain::schedule::{Surge, VisitFact};

mod strategies;
use strategies::{any_requirement, any_surge, any_visit, base_day, date_between};

/// Special-needs elders aged 60–99 of every shape (so every tier of every policy is reached).
fn any_facts() -> impl Strategy<Value = ElderFacts> {
    (
        60u32..100,
        proptest::sample::subsequence(Category::ALL.to_vec(), 1..=3),
        proptest::sample::select(Capability::ALL.to_vec()),
        proptest::collection::vec(any::<bool>(), 5),
        proptest::option::of(1u8..=4),
    )
        .prop_map(|(age, categories, capability, flags, grade)| ElderFacts {
            id: "p".into(),
            birth_date: NaiveDate::from_ymd_opt(2024 - age as i32, 6, 15),
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
        })
}

/// Surges placed around `today` (begun up to 40 days before, lasting up to 20 days), so that
/// a surge often begins and ends inside the period being looked at.
type SurgeShape = (u64, u64, Requirement, &'static str);

fn any_surge_shape() -> impl Strategy<Value = SurgeShape> {
    (
        0u64..40,
        0u64..20,
        any_requirement(),
        proptest::sample::select(vec!["", "610926", "4407"]),
    )
}

fn surges_near(today: NaiveDate, shapes: &[SurgeShape]) -> Vec<Surge> {
    shapes
        .iter()
        .enumerate()
        .map(|(i, &(before, length, requirement, region))| {
            let start = today - Days::new(before);
            strategies::surge(
                format!("near{i}"),
                region,
                start,
                length,
                requirement,
                "节日",
            )
        })
        .collect()
}

/// Any thresholds at all, valid or not: the ladder's order must hold whatever is configured.
fn any_thresholds() -> impl Strategy<Value = Thresholds> {
    (0u32..150, 0u32..400, 0u32..400).prop_map(|(r, h, s)| Thresholds::new(r, h, s))
}

fn any_policy() -> impl Strategy<Value = EscalationPolicy> {
    prop_oneof![
        Just(EscalationPolicy::default()),
        (proptest::collection::vec(any_thresholds(), 5), 0u32..150).prop_map(
            |(t, surge_percent)| EscalationPolicy {
                week: t[0],
                month: t[1],
                quarter: t[2],
                half_year: t[3],
                year: t[4],
                surge_percent,
            }
        ),
    ]
}

fn classified(facts: &ElderFacts, policy: PolicyId) -> Classification {
    classify(facts, &PolicyProfile::builtin(policy), base_day()).unwrap()
}

/// The independent oracle: visits of the requirement's kind, in an accepted mode, dated in the
/// entry's period and not after `today`.
fn counted(entry: &RequirementEscalation, visits: &[VisitFact], today: NaiveDate) -> u32 {
    let r = entry.status.requirement;
    visits
        .iter()
        .filter(|v| {
            v.kind == r.kind
                && (r.mode == RequiredMode::Any || v.mode == VisitMode::Home)
                && entry.status.period_start <= v.date
                && v.date <= entry.status.period_end
                && v.date <= today
        })
        .count() as u32
}

type Key = (Requirement, Option<String>, NaiveDate);

fn key(entry: &RequirementEscalation) -> Key {
    (
        entry.status.requirement,
        entry.status.surge.clone(),
        entry.status.period_start,
    )
}

fn by_key(entries: Vec<RequirementEscalation>) -> HashMap<Key, RequirementEscalation> {
    entries.into_iter().map(|e| (key(&e), e)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Steps come in order: dates non-decreasing inside the period, `missed_on` the day after
    /// it, and the step is the last one whose date has come. Met entries are `on_track`.
    #[test]
    fn steps_in_order_and_met_never_escalates(
        facts in any_facts(),
        policy_id in proptest::sample::select(PolicyId::ALL.to_vec()),
        visits in proptest::collection::vec(any_visit(200, 800), 0..40),
        surges in proptest::collection::vec(any_surge(40), 0..2),
        near in proptest::collection::vec(any_surge_shape(), 0..3),
        policy in any_policy(),
        today in date_between(base_day(), 400),
    ) {
        let c = classified(&facts, policy_id);
        let mut surges = surges;
        surges.extend(surges_near(today, &near));
        for e in escalations(&c, &visits, &surges, &policy, today) {
            let s = &e.status;
            prop_assert!(s.period_start <= e.reminded_on);
            prop_assert!(e.reminded_on <= e.handed_on);
            prop_assert!(e.handed_on <= e.staff_on);
            prop_assert!(e.staff_on <= s.period_end);
            prop_assert_eq!(e.missed_on, s.period_end + Days::new(1));
            let done = counted(&e, &visits, today);
            prop_assert_eq!(done, s.done);
            if done >= s.requirement.count {
                prop_assert_eq!(e.step, Step::OnTrack, "met requirement escalated: {:?}", e);
            } else {
                let reached = Step::ALL
                    .into_iter()
                    .filter(|&step| e.dates().date_of(step, s.period_start) <= today)
                    .max()
                    .unwrap();
                prop_assert_eq!(e.step, reached, "{:?}", e);
            }
            if e.step == Step::Missed {
                prop_assert!(e.staff_on < today && e.handed_on < today && e.reminded_on < today);
                prop_assert!(today >= e.missed_on);
            } else {
                prop_assert!(s.period_start <= today && today <= s.period_end, "{:?}", e);
            }
        }
    }

    /// A visit whose mode cannot satisfy a requirement (a phone call for `home`, or another
    /// kind) never lowers any step, and is counted as non-qualifying where its kind matches.
    #[test]
    fn non_qualifying_visit_never_lowers_the_step(
        facts in any_facts(),
        policy_id in proptest::sample::select(PolicyId::ALL.to_vec()),
        visits in proptest::collection::vec(any_visit(200, 800), 0..30),
        surges in proptest::collection::vec(any_surge(40), 0..3),
        extra_day in 0u64..60,
        extra_mode in proptest::sample::select(vec![VisitMode::Phone, VisitMode::Video, VisitMode::Encounter, VisitMode::Other]),
        today in date_between(base_day(), 400),
    ) {
        let c = classified(&facts, policy_id);
        let policy = EscalationPolicy::default();
        let before = by_key(escalations(&c, &visits, &surges, &policy, today));
        let mut more = visits.clone();
        let extra = VisitFact { date: today - Days::new(extra_day), mode: extra_mode, kind: Kind::Visit };
        more.push(extra);
        let after = escalations(&c, &more, &surges, &policy, today);
        for e in after {
            let r = e.status.requirement;
            // (An `any` visit requirement may be met by the extra visit: not this property.)
            if r.mode == RequiredMode::Home || r.kind != Kind::Visit {
                let old = before.get(&key(&e));
                prop_assert!(old.is_some(), "entry appeared: {:?}", e);
                let old = old.unwrap();
                prop_assert!(e.step >= old.step, "{:?} lowered to {:?}", old.step, e.step);
                let in_period = e.status.period_start <= extra.date && extra.date <= e.status.period_end;
                let expected = old.non_qualifying_visits + u32::from(in_period && r.mode == RequiredMode::Home && r.kind == Kind::Visit);
                prop_assert_eq!(e.non_qualifying_visits, expected);
            }
        }
    }

    /// Within a period, an unmet requirement's step never goes down as days pass.
    #[test]
    fn step_is_monotone_in_today(
        facts in any_facts(),
        policy_id in proptest::sample::select(PolicyId::ALL.to_vec()),
        visits in proptest::collection::vec(any_visit(200, 800), 0..30),
        surges in proptest::collection::vec(any_surge(40), 0..2),
        near in proptest::collection::vec(any_surge_shape(), 0..3),
        policy in any_policy(),
        today in date_between(base_day(), 400),
        later in 0u64..100,
    ) {
        let c = classified(&facts, policy_id);
        let mut surges = surges;
        surges.extend(surges_near(today, &near));
        let t2 = today + Days::new(later);
        let first = escalations(&c, &visits, &surges, &policy, today);
        let second = by_key(escalations(&c, &visits, &surges, &policy, t2));
        for e in first {
            let Some(other) = second.get(&key(&e)) else { continue };
            if other.status.done >= other.status.requirement.count {
                prop_assert_eq!(other.step, Step::OnTrack);
            } else {
                prop_assert!(other.step >= e.step, "{:?} on {} then {:?} on {}", e.step, today, other.step, t2);
            }
        }
    }

    /// On any day, every tier requirement whose previous period ended unmet has a `missed`
    /// entry for that period.
    #[test]
    fn unmet_previous_period_is_reported_missed(
        facts in any_facts(),
        policy_id in proptest::sample::select(PolicyId::ALL.to_vec()),
        visits in proptest::collection::vec(any_visit(200, 800), 0..30),
        today in date_between(base_day(), 400),
    ) {
        let c = classified(&facts, policy_id);
        let entries = escalations(&c, &visits, &[], &EscalationPolicy::default(), today);
        for r in &c.requirements {
            let previous = r.per.period_containing(today).previous();
            let done = visits
                .iter()
                .filter(|v| v.kind == r.kind && r.mode.accepts(v.mode) && previous.contains(v.date))
                .count() as u32;
            let missed = entries.iter().any(|e| {
                e.status.requirement == *r && e.status.period_start == previous.start && e.step == Step::Missed
            });
            prop_assert_eq!(missed, done < r.count, "{:?} previous {:?}", r, previous);
        }
    }
}
