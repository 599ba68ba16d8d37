//! Proptest strategies shared by the property tests of the ladder and the due state: the same
//! dates, requirements, visits and surges, so both are tested over the same shapes of input.

use chrono::Days;
use proptest::prelude::*;
use tanfang_domain::date::{NaiveDate, Per};
use tanfang_domain::policy::{Kind, RequiredMode, Requirement, VisitMode};
use tanfang_domain::schedule::{Surge, VisitFact};

/// The day the generated histories are built around.
pub fn base_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()
}

/// A day among the `days` days from `from`.
pub fn date_between(from: NaiveDate, days: u32) -> impl Strategy<Value = NaiveDate> {
    (0..days).prop_map(move |n| from + Days::new(n as u64))
}

/// A visit or community help of any mode on a day among `span` days from `days_back` before
/// [`base_day`].
pub fn any_visit(days_back: u64, span: u32) -> impl Strategy<Value = VisitFact> {
    (
        date_between(base_day() - Days::new(days_back), span),
        proptest::sample::select(VisitMode::ALL.to_vec()),
        proptest::sample::select(vec![Kind::Visit, Kind::Visit, Kind::CommunityHelp]),
    )
        .prop_map(|(date, mode, kind)| VisitFact { date, mode, kind })
}

pub fn any_requirement() -> impl Strategy<Value = Requirement> {
    (
        proptest::sample::select(vec![Kind::Visit, Kind::CommunityHelp]),
        proptest::sample::select(vec![RequiredMode::Home, RequiredMode::Any]),
        1u32..=3,
        proptest::sample::select(Per::ALL.to_vec()),
    )
        .prop_map(|(kind, mode, count, per)| Requirement::new(kind, mode, count, per))
}

/// A surge starting within 400 days of [`base_day`], lasting up to `max_length` days, on every
/// region or a prefix.
pub fn any_surge(max_length: u64) -> impl Strategy<Value = Surge> {
    (
        date_between(base_day(), 400),
        0u64..max_length,
        any_requirement(),
        proptest::sample::select(vec!["", "610926", "4407"]),
    )
        .prop_map(|(start, length, requirement, region)| {
            surge(
                format!("s{start}+{length}"),
                region,
                start,
                length,
                requirement,
                "寒潮",
            )
        })
}

/// A surge over every tier and category of `region` (a code prefix), `length` days from
/// `start`.
pub fn surge(
    id: String,
    region: &str,
    start: NaiveDate,
    length: u64,
    requirement: Requirement,
    reason: &str,
) -> Surge {
    Surge {
        id,
        region_prefix: region.to_string(),
        start,
        end: start + Days::new(length),
        tiers: vec![],
        categories: vec![],
        requirement,
        reason: reason.into(),
    }
}
