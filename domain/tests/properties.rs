//! Property tests (native only: proptest needs OS randomness).
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tanfang_domain::classify::classify;
use tanfang_domain::date::{age_on, Month, NaiveDate, Per};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::id_number::{make_id_number, IdNumber};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, VisitMode};
use tanfang_domain::rate::{elder_month_status, monthly_report, MonthlyTally};
use tanfang_domain::schedule::{schedule, State, VisitFact};

fn date_between(from: NaiveDate, days: u32) -> impl Strategy<Value = NaiveDate> {
    (0..days).prop_map(move |n| from + chrono::Days::new(n as u64))
}

fn any_facts() -> impl Strategy<Value = ElderFacts> {
    (
        date_between(NaiveDate::from_ymd_opt(1915, 1, 1).unwrap(), 365 * 60),
        proptest::sample::subsequence(Category::ALL.to_vec(), 0..=5),
        proptest::sample::select(Capability::ALL.to_vec()),
        proptest::collection::vec(any::<bool>(), 7),
        proptest::option::of(1u8..=4),
        proptest::sample::select(vec![Consent::Accepted, Consent::Declined, Consent::Pending]),
    )
        .prop_map(
            |(birth, categories, capability, flags, grade, consent)| ElderFacts {
                id: "p".into(),
                birth_date: Some(birth),
                categories,
                capability,
                bedridden: flags[0],
                mobility_impaired: flags[1],
                dementia: flags[2],
                serious_illness: flags[3],
                low_income: flags[4],
                cohabits_with_impaired_elder: flags[5],
                cares_for_impaired_child: flags[6],
                disability_grade: grade,
                consent,
                ..ElderFacts::default()
            },
        )
}

fn any_visit(around: NaiveDate) -> impl Strategy<Value = VisitFact> {
    (
        date_between(around - chrono::Days::new(400), 500),
        proptest::sample::select(VisitMode::ALL.to_vec()),
        proptest::sample::select(vec![Kind::Visit, Kind::CommunityHelp]),
    )
        .prop_map(|(date, mode, kind)| VisitFact { date, mode, kind })
}

fn today() -> impl Strategy<Value = NaiveDate> {
    date_between(NaiveDate::from_ymd_opt(2024, 1, 1).unwrap(), 365 * 3)
}

proptest! {
    /// Every valid special-needs elder aged 60+ gets exactly one tier of the profile, with at
    /// least one requirement, sorted; everyone else gets not_elderly / not_special_needs.
    #[test]
    fn classification_is_total(facts in any_facts(), on in today()) {
        for policy in PolicyId::ALL {
            let profile = PolicyProfile::builtin(policy);
            let age = age_on(facts.birth_date.unwrap(), on);
            match classify(&facts, &profile, on) {
                Ok(c) => {
                    prop_assert!(age >= 60 && facts.special_needs());
                    prop_assert_eq!(profile.tiers.iter().filter(|t| t.id == c.tier).count(), 1);
                    prop_assert!(!c.requirements.is_empty());
                    prop_assert!(c.requirements.windows(2).all(|w| w[0] < w[1]));
                    prop_assert_eq!(c.age, age);
                }
                Err(e) => {
                    prop_assert!(e.code.is_out_of_scope(), "{:?}", e);
                    prop_assert!(age < 60 || !facts.special_needs());
                }
            }
        }
    }

    /// Adding a visit never turns a met requirement into a due one, nor lowers `done`.
    #[test]
    fn adding_a_visit_never_unmeets(
        facts in any_facts(),
        now in today(),
        visits in proptest::collection::vec(any_visit(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()), 0..12),
        extra in any_visit(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()),
    ) {
        for policy in PolicyId::ALL {
            let Ok(c) = classify(&facts, &PolicyProfile::builtin(policy), now) else { continue };
            let before = schedule(&c, &visits, &[], now);
            let mut more = visits.clone();
            more.push(extra);
            let after = schedule(&c, &more, &[], now);
            for (b, a) in before.iter().zip(&after) {
                prop_assert!(a.done >= b.done);
                prop_assert!(!(b.state == State::Met && a.state == State::Due));
                prop_assert!(a.previous_period_met || !b.previous_period_met);
            }
        }
    }

    /// Periods contain their date, chain without gaps, and have the expected lengths.
    #[test]
    fn periods_tile_the_calendar(date in today()) {
        for per in Per::ALL {
            let p = per.period_containing(date);
            prop_assert!(p.contains(date));
            prop_assert_eq!(p.next().start, p.end.succ_opt().unwrap());
            prop_assert_eq!(p.previous().end, p.start.pred_opt().unwrap());
            let days = p.days();
            let ok = match per {
                Per::Week => days == 7,
                Per::Month => (28..=31).contains(&days),
                Per::Quarter => (90..=92).contains(&days),
                Per::HalfYear => (181..=184).contains(&days),
                Per::Year => (365..=366).contains(&days),
            };
            prop_assert!(ok, "{:?} {}", per, days);
        }
    }

    /// Age never decreases and grows by exactly one on each birthday.
    #[test]
    fn age_is_monotonic(birth in date_between(NaiveDate::from_ymd_opt(1920, 1, 1).unwrap(), 365 * 80), on in today()) {
        let next = on.succ_opt().unwrap();
        let (a, b) = (age_on(birth, on), age_on(birth, next));
        prop_assert!(b == a || b == a + 1);
    }

    /// Generated ID numbers parse back; any single-digit change is caught (MOD 11-2).
    #[test]
    fn id_numbers_detect_single_substitutions(
        birth in date_between(NaiveDate::from_ymd_opt(1920, 1, 1).unwrap(), 365 * 80),
        sequence in 0u32..1000,
        position in 0usize..17,
        delta in 1u8..10,
    ) {
        let id = make_id_number("440703", birth, sequence);
        let parsed = IdNumber::parse(id.as_str()).unwrap();
        prop_assert_eq!(parsed.birth_date(), birth);
        let mut bytes = id.as_str().as_bytes().to_vec();
        bytes[position] = b'0' + (bytes[position] - b'0' + delta) % 10;
        let changed = String::from_utf8(bytes).unwrap();
        prop_assert!(IdNumber::parse(&changed).is_err(), "{}", changed);
    }

    /// The incremental tally equals the report computed from scratch.
    #[test]
    fn tally_matches_report(
        elders in proptest::collection::vec((any_facts(), proptest::collection::vec(any_visit(NaiveDate::from_ymd_opt(2025, 3, 15).unwrap()), 0..4)), 0..20),
    ) {
        let month: Month = "2025-03".parse().unwrap();
        let profile = PolicyProfile::builtin(PolicyId::Jiangmen);
        let report = monthly_report(&profile, month, elders.iter().map(|(f, v)| (f, v.as_slice())));
        let mut tally = MonthlyTally::default();
        for (facts, visits) in &elders {
            // Visits arrive one by one.
            let mut seen = Vec::new();
            let mut current = elder_month_status(facts, &seen, &profile, month).unwrap();
            tally.update(None, current.as_ref());
            for visit in visits {
                seen.push(*visit);
                let next = elder_month_status(facts, &seen, &profile, month).unwrap();
                tally.update(current.as_ref(), next.as_ref());
                current = next;
            }
        }
        prop_assert_eq!(tally.report(month, ""), report);
    }
}
