//! Property tests of the monthly close (native only: proptest needs OS randomness): the digest
//! and the snapshot do not depend on the order the rows were read in, and the snapshot's counts
//! equal `rate::monthly_report` over the same elders under the same profile.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use tanfang_domain::date::{Month, NaiveDate};
use tanfang_domain::elder::{Capability, Category, Consent, ElderFacts};
use tanfang_domain::month_close::{differences, snapshot, MonthElder, MonthInputs, MonthVisit};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, VisitMode};
use tanfang_domain::rate::monthly_report;

fn any_elder(index: usize) -> impl Strategy<Value = MonthElder> {
    (
        0u32..365 * 50,
        proptest::sample::subsequence(Category::ALL.to_vec(), 0..=3),
        proptest::sample::select(Capability::ALL.to_vec()),
        proptest::sample::select(vec![Consent::Accepted, Consent::Declined, Consent::Pending]),
        0u32..3,
        proptest::collection::vec(
            (0u32..40, proptest::sample::select(VisitMode::ALL.to_vec())),
            0..4,
        ),
    )
        .prop_map(
            move |(days, categories, capability, consent, community, visits)| MonthElder {
                facts: ElderFacts {
                    id: format!("e{index:03}"),
                    birth_date: Some(
                        NaiveDate::from_ymd_opt(1920, 1, 1).unwrap()
                            + chrono::Days::new(days as u64),
                    ),
                    categories,
                    capability,
                    consent,
                    region_code: Some(format!("12010100100{community}")),
                    ..ElderFacts::default()
                },
                visits: visits
                    .into_iter()
                    .enumerate()
                    .map(|(n, (day, mode))| MonthVisit {
                        // 2026-02-20 + 0..40 days: some fall outside March and are dropped.
                        date: NaiveDate::from_ymd_opt(2026, 2, 20).unwrap()
                            + chrono::Days::new(day as u64),
                        id: format!("v{index:03}-{n}"),
                        mode,
                        kind: Kind::Visit,
                    })
                    .collect(),
            },
        )
}

fn any_elders() -> impl Strategy<Value = Vec<MonthElder>> {
    (1usize..12).prop_flat_map(|n| (0..n).map(any_elder).collect::<Vec<_>>())
}

proptest! {
    #[test]
    fn digest_and_snapshot_ignore_row_order(elders in any_elders(), seed in any::<u64>()) {
        let march: Month = "2026-03".parse().unwrap();
        let profile = PolicyProfile::builtin(PolicyId::Jiangmen);
        let mut shuffled = elders.clone();
        // A deterministic shuffle of elders and of each elder's visits.
        let len = shuffled.len();
        shuffled.rotate_left((seed as usize) % len);
        for elder in &mut shuffled {
            elder.visits.reverse();
        }
        let a = MonthInputs::new(march, "120101000000", elders.clone());
        let b = MonthInputs::new(march, "120101000000", shuffled);
        prop_assert_eq!(a.digest(), b.digest());
        let snap = snapshot(&profile, &a);
        prop_assert!(differences(&snap, &snapshot(&profile, &b)).is_empty());

        let facts: Vec<(ElderFacts, Vec<_>)> = elders
            .iter()
            .map(|e| (e.facts.clone(), e.visits.iter().map(MonthVisit::fact).collect()))
            .collect();
        let report = monthly_report(&profile, march, facts.iter().map(|(f, v)| (f, v.as_slice())));
        prop_assert_eq!((snap.in_scope, snap.visited, snap.declined, snap.rate), (report.in_scope, report.visited, report.declined, report.rate));
        prop_assert_eq!(snap.by_tier, report.by_tier);
    }
}
