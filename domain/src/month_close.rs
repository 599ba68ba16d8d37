//! 月报: closing a month, and recomputing it later under the policy version then in force.
//!
//! Design decisions:
//! - A close stores a [`MonthSnapshot`] (rate by community and tier, counts, the policy
//!   `id@version` in force on the month's last day) computed from [`MonthInputs`]: the facts of
//!   every elder of the subtree and the visits of the month that fed it. The worker keeps those
//!   inputs next to the snapshot; "recompute" runs [`snapshot`] over them again and
//!   [`differences`] must be empty. The invariant: **a closed month's snapshot never changes;
//!   recompute under the version then in force equals it.**
//! - [`MonthInputs::canonical_json`] is the one canonical form of the inputs (elders sorted by
//!   id, categories sorted and deduplicated, visits sorted by date then id, duplicates dropped,
//!   fields in declaration order, no floats), and [`MonthInputs::digest`] its SHA-256 in hex, so
//!   the same inputs give the same digest on any machine and in any row order.
//! - The deployment's policy is a [`PolicyTimeline`]: each adopted profile with the date it
//!   takes effect, resolved with [`ProfileHistory::in_force_on`]. A change whose effective date
//!   falls in or before a closed month would alter that month and is refused
//!   ([`check_policy_change`], the error names the field `effective_from`).
//! - Corrections (a late or corrected visit in a closed month, with a reason) never touch the
//!   snapshot: [`with_corrections`] is the month's figure with them added, shown next to it.
//!
//! Pure: no IO, no clock.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::date::Month;
use crate::elder::ElderFacts;
use crate::policy::{Kind, PolicyProfile, ProfileHistory, VisitMode};
use crate::rate::{monthly_report, TierCount};
use crate::schedule::VisitFact;

/// Version tag of the canonical form (part of what is hashed).
pub const CANONICAL_FORMAT: &str = "tanfang-month-inputs/1";

/// One visit that fed a month.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MonthVisit {
    #[serde(with = "crate::date::strict_date")]
    pub date: NaiveDate,
    pub id: String,
    pub mode: VisitMode,
    #[serde(default)]
    pub kind: Kind,
}

impl MonthVisit {
    pub fn fact(&self) -> VisitFact {
        VisitFact {
            date: self.date,
            mode: self.mode,
            kind: self.kind,
        }
    }
}

/// One elder's part of a month's inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthElder {
    pub facts: ElderFacts,
    pub visits: Vec<MonthVisit>,
}

/// Everything a month's figure is computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonthInputs {
    pub month: Month,
    /// The subtree closed (a region code; "" = the whole deployment).
    pub region: String,
    pub elders: Vec<MonthElder>,
}

#[derive(Serialize)]
struct Canonical<'a> {
    format: &'static str,
    month: Month,
    region: &'a str,
    elders: &'a [MonthElder],
}

impl MonthInputs {
    /// Builds the inputs in canonical order: elders by id, each elder's categories sorted and
    /// deduplicated, the ID number dropped (never an input of the rate), visits outside the
    /// month dropped, the rest sorted by (date, id) and deduplicated by id.
    pub fn new(month: Month, region: &str, elders: Vec<MonthElder>) -> MonthInputs {
        let mut elders: Vec<MonthElder> = elders
            .into_iter()
            .map(|mut elder| {
                elder.facts.id_number = None;
                elder.facts.categories.sort();
                elder.facts.categories.dedup();
                elder.visits.retain(|v| month.contains(v.date));
                elder.visits.sort();
                let mut seen = std::collections::BTreeSet::new();
                elder.visits.retain(|v| seen.insert(v.id.clone()));
                elder
            })
            .collect();
        elders.sort_by(|a, b| a.facts.id.cmp(&b.facts.id));
        elders.dedup_by(|a, b| a.facts.id == b.facts.id);
        MonthInputs {
            month,
            region: region.to_string(),
            elders,
        }
    }

    /// The canonical JSON text of the inputs (what [`MonthInputs::digest`] hashes).
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(&Canonical {
            format: CANONICAL_FORMAT,
            month: self.month,
            region: &self.region,
            elders: &self.elders,
        })
        .expect("month inputs serialise")
    }

    /// SHA-256 of [`MonthInputs::canonical_json`], lowercase hex.
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.canonical_json().as_bytes());
        hash.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Number of visits that fed the month.
    pub fn visit_count(&self) -> u32 {
        self.elders.iter().map(|e| e.visits.len() as u32).sum()
    }
}

/// The figures of one community (or of the whole subtree).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RegionCount {
    pub in_scope: u32,
    pub declined: u32,
    pub visited: u32,
    pub rate: f64,
    pub by_tier: BTreeMap<String, TierCount>,
}

/// What a close stores, and what recompute must reproduce.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthSnapshot {
    pub month: Month,
    pub region: String,
    /// `id@version` of the profile in force on the month's last day.
    pub policy: String,
    /// The date that version took effect in this deployment.
    pub policy_effective_from: NaiveDate,
    /// Elder files read (in scope or not).
    pub elders: u32,
    /// Visits of the month read.
    pub visits: u32,
    pub in_scope: u32,
    pub declined: u32,
    pub visited: u32,
    pub rate: f64,
    /// Files the domain could not classify (invalid facts), counted not dropped silently.
    pub errors: u32,
    pub by_tier: BTreeMap<String, TierCount>,
    /// Community code → its figures.
    pub by_community: BTreeMap<String, RegionCount>,
    /// [`MonthInputs::digest`] of the inputs.
    pub digest: String,
}

/// `id@version` of a profile.
pub fn profile_label(profile: &PolicyProfile) -> String {
    format!("{}@{}", profile.id, profile.version)
}

/// Computes a month's snapshot from its inputs under `profile` (the version in force on the
/// month's last day; see [`PolicyTimeline::in_force_for`]).
pub fn snapshot(profile: &PolicyProfile, inputs: &MonthInputs) -> MonthSnapshot {
    let month = inputs.month;
    let facts: Vec<(&ElderFacts, Vec<VisitFact>)> = inputs
        .elders
        .iter()
        .map(|e| (&e.facts, e.visits.iter().map(MonthVisit::fact).collect()))
        .collect();
    let total = monthly_report(
        profile,
        month,
        facts.iter().map(|(f, v)| (*f, v.as_slice())),
    );
    let mut communities: BTreeMap<String, Vec<(&ElderFacts, &[VisitFact])>> = BTreeMap::new();
    for (f, v) in &facts {
        communities
            .entry(f.region_code.clone().unwrap_or_default())
            .or_default()
            .push((*f, v.as_slice()));
    }
    let by_community = communities
        .into_iter()
        .map(|(code, elders)| {
            let r = monthly_report(profile, month, elders);
            (
                code,
                RegionCount {
                    in_scope: r.in_scope,
                    declined: r.declined,
                    visited: r.visited,
                    rate: r.rate,
                    by_tier: r.by_tier,
                },
            )
        })
        .filter(|(_, c)| c.in_scope + c.declined > 0)
        .collect();
    MonthSnapshot {
        month,
        region: inputs.region.clone(),
        policy: profile_label(profile),
        policy_effective_from: profile.effective_from,
        elders: inputs.elders.len() as u32,
        visits: inputs.visit_count(),
        in_scope: total.in_scope,
        declined: total.declined,
        visited: total.visited,
        rate: total.rate,
        errors: total.errors,
        by_tier: total.by_tier,
        by_community,
        digest: inputs.digest(),
    }
}

/// The inputs with correction visits added (each `(elder id, visit)`; a correction for an
/// elder not in the inputs is ignored: it was not part of the closed subtree).
pub fn with_corrections(inputs: &MonthInputs, corrections: &[(String, MonthVisit)]) -> MonthInputs {
    let mut elders = inputs.elders.clone();
    for (elder_id, visit) in corrections {
        if let Some(elder) = elders.iter_mut().find(|e| &e.facts.id == elder_id) {
            elder.visits.push(visit.clone());
        }
    }
    MonthInputs::new(inputs.month, &inputs.region, elders)
}

/// One field on which a recomputation differs from the stored snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Difference {
    /// JSON path, e.g. `by_community.120101001001.visited`.
    pub field: String,
    pub snapshot: Value,
    pub recomputed: Value,
}

/// Every leaf on which `recomputed` differs from `stored` (empty = 一致, matches).
pub fn differences(stored: &MonthSnapshot, recomputed: &MonthSnapshot) -> Vec<Difference> {
    let a = serde_json::to_value(stored).expect("snapshot serialises");
    let b = serde_json::to_value(recomputed).expect("snapshot serialises");
    let mut out = Vec::new();
    diff_values("", &a, &b, &mut out);
    out
}

fn diff_values(path: &str, a: &Value, b: &Value, out: &mut Vec<Difference>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for key in keys {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                diff_values(
                    &sub,
                    x.get(key).unwrap_or(&Value::Null),
                    y.get(key).unwrap_or(&Value::Null),
                    out,
                );
            }
        }
        _ if a != b => out.push(Difference {
            field: path.to_string(),
            snapshot: a.clone(),
            recomputed: b.clone(),
        }),
        _ => {}
    }
}

/// The deployment's policy over time: each adopted profile with the date it takes effect here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyTimeline {
    history: ProfileHistory,
}

impl PolicyTimeline {
    /// `adoptions` are `(effective date, profile)`; the profile's own `effective_from` (the
    /// document's date) is replaced by the adoption date, which is what "in force" means for a
    /// deployment. Equal dates: the later entry wins.
    pub fn new(adoptions: Vec<(NaiveDate, PolicyProfile)>) -> PolicyTimeline {
        let versions = adoptions
            .into_iter()
            .enumerate()
            .map(|(order, (from, mut profile))| {
                profile.effective_from = from;
                (order, profile)
            })
            .collect::<Vec<_>>();
        // ProfileHistory sorts by (effective_from, version); keep insertion order for ties.
        let mut sorted = versions;
        sorted.sort_by_key(|(order, p)| (p.effective_from, *order));
        PolicyTimeline {
            history: ProfileHistory {
                versions: sorted.into_iter().map(|(_, p)| p).collect(),
            },
        }
    }

    /// The profile in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> Option<&PolicyProfile> {
        self.history.in_force_on(date)
    }

    /// The profile a month is computed under: the one in force on its last day.
    pub fn in_force_for(&self, month: Month) -> Option<&PolicyProfile> {
        self.in_force_on(month.last_day())
    }

    pub fn versions(&self) -> &[PolicyProfile] {
        &self.history.versions
    }

    /// The first effective date after `date` (when the profile in force may change next).
    pub fn next_change_after(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.history
            .versions
            .iter()
            .map(|p| p.effective_from)
            .filter(|from| *from > date)
            .min()
    }
}

/// Why a month operation is refused; [`MonthCloseError::field`] names the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum MonthCloseError {
    #[error("生效日期 {effective_from} 落在或早于已关账的 {month} 月 (effective date falls in or before closed month {month}; choose a date after it)")]
    PolicyChangeInClosedMonth {
        effective_from: NaiveDate,
        month: Month,
    },
    #[error("{month} 月尚未结束，不能关账 (month {month} has not ended yet)")]
    MonthNotOver { month: Month },
    #[error("{month} 月已关账，补录或更正探访须填写原因 (month {month} is closed: a late or corrected visit needs a reason)")]
    ReasonRequired { month: Month },
    #[error("原因须为 2–500 个字符 (reason must be 2–500 characters)")]
    BadReason,
}

impl MonthCloseError {
    /// The request field the error is about.
    pub fn field(&self) -> &'static str {
        match self {
            MonthCloseError::PolicyChangeInClosedMonth { .. } => "effective_from",
            MonthCloseError::MonthNotOver { .. } => "month",
            MonthCloseError::ReasonRequired { .. } | MonthCloseError::BadReason => "reason",
        }
    }
}

/// A policy change taking effect on `effective_from` is allowed only after every closed month:
/// the latest closed month whose last day is on or after the date is named otherwise.
pub fn check_policy_change(
    effective_from: NaiveDate,
    closed: &[Month],
) -> Result<(), MonthCloseError> {
    match closed
        .iter()
        .filter(|m| m.last_day() >= effective_from)
        .max()
    {
        Some(month) => Err(MonthCloseError::PolicyChangeInClosedMonth {
            effective_from,
            month: *month,
        }),
        None => Ok(()),
    }
}

/// A month can be closed once it is over (`today` after its last day).
pub fn check_can_close(month: Month, today: NaiveDate) -> Result<(), MonthCloseError> {
    if today > month.last_day() {
        Ok(())
    } else {
        Err(MonthCloseError::MonthNotOver { month })
    }
}

/// A visit dated in a closed month needs a reason (trimmed, 2–500 characters); returns it.
pub fn check_correction_reason(
    month: Month,
    reason: Option<&str>,
) -> Result<String, MonthCloseError> {
    match reason.map(str::trim) {
        None | Some("") => Err(MonthCloseError::ReasonRequired { month }),
        Some(text) if (2..=500).contains(&text.chars().count()) => Ok(text.to_string()),
        Some(_) => Err(MonthCloseError::BadReason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::elder::{Capability, Category, Consent};
    use crate::policy::PolicyId;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn month(text: &str) -> Month {
        text.parse().unwrap()
    }

    fn elder(id: &str, community: &str, birth: &str, capability: Capability) -> ElderFacts {
        ElderFacts {
            id: id.into(),
            birth_date: Some(d(birth)),
            categories: vec![Category::LivingAlone],
            capability,
            consent: Consent::Accepted,
            region_code: Some(community.into()),
            ..ElderFacts::default()
        }
    }

    fn visit(id: &str, date: &str, mode: VisitMode) -> MonthVisit {
        MonthVisit {
            date: d(date),
            id: id.into(),
            mode,
            kind: Kind::Visit,
        }
    }

    fn sample() -> Vec<MonthElder> {
        vec![
            MonthElder {
                facts: elder("e2", "120101001002", "1940-05-01", Capability::Intact),
                visits: vec![visit("v3", "2026-03-09", VisitMode::Phone)],
            },
            MonthElder {
                facts: elder("e1", "120101001001", "1935-01-01", Capability::Severe),
                visits: vec![
                    visit("v2", "2026-03-20", VisitMode::Home),
                    visit("v1", "2026-03-02", VisitMode::Phone),
                    // outside the month: not an input
                    visit("v0", "2026-02-27", VisitMode::Home),
                ],
            },
            MonthElder {
                facts: elder("e3", "120101001001", "1950-07-07", Capability::Mild),
                visits: vec![],
            },
        ]
    }

    #[test]
    fn digest_and_snapshot_are_deterministic_whatever_the_order() {
        let m = month("2026-03");
        let profile = PolicyProfile::builtin(PolicyId::Tianjin);
        let a = MonthInputs::new(m, "120101000000", sample());
        let mut reversed = sample();
        reversed.reverse();
        for e in &mut reversed {
            e.visits.reverse();
            e.facts.categories.push(Category::LivingAlone);
        }
        let b = MonthInputs::new(m, "120101000000", reversed);
        assert_eq!(a.canonical_json(), b.canonical_json());
        assert_eq!(a.digest(), b.digest());
        assert_eq!(a.digest().len(), 64);
        assert_eq!(snapshot(&profile, &a), snapshot(&profile, &b));
        // any change of an input changes the digest
        let mut changed = sample();
        changed[2].facts.capability = Capability::Severe;
        assert_ne!(
            MonthInputs::new(m, "120101000000", changed).digest(),
            a.digest()
        );
    }

    #[test]
    fn snapshot_counts_by_community_and_tier() {
        let m = month("2026-03");
        let profile = PolicyProfile::builtin(PolicyId::Tianjin);
        let inputs = MonthInputs::new(m, "120101000000", sample());
        let snap = snapshot(&profile, &inputs);
        expect_test::expect![[r#"{"month":"2026-03","region":"120101000000","policy":"tianjin@1","policy_effective_from":"2023-12-01","elders":3,"visits":3,"in_scope":3,"declined":0,"visited":2,"rate":0.6667,"errors":0,"by_tier":{"disabled":{"in_scope":2,"visited":1},"general":{"in_scope":1,"visited":1}},"by_community":{"120101001001":{"in_scope":2,"declined":0,"visited":1,"rate":0.5,"by_tier":{"disabled":{"in_scope":2,"visited":1}}},"120101001002":{"in_scope":1,"declined":0,"visited":1,"rate":1.0,"by_tier":{"general":{"in_scope":1,"visited":1}}}},"digest":"DIGEST"}"#]]
        .assert_eq(&serde_json::to_string(&snap).unwrap().replace(&snap.digest, "DIGEST"));
        assert!(differences(&snap, &snapshot(&profile, &inputs)).is_empty());
    }

    #[test]
    fn a_mid_year_policy_change_leaves_an_earlier_closed_month_as_it_was() {
        let national = PolicyProfile::builtin(PolicyId::National);
        let jiangmen = PolicyProfile::builtin(PolicyId::Jiangmen);
        let march = month("2026-03");
        let closed = vec![march];
        // Adopt national, close March, then change to jiangmen from July.
        let before = PolicyTimeline::new(vec![(d("2020-01-01"), national.clone())]);
        let inputs = MonthInputs::new(march, "", sample());
        let stored = snapshot(before.in_force_for(march).unwrap(), &inputs);
        assert_eq!(stored.policy, "national@1");

        assert_eq!(check_policy_change(d("2026-07-01"), &closed), Ok(()));
        let after = PolicyTimeline::new(vec![
            (d("2020-01-01"), national.clone()),
            (d("2026-07-01"), jiangmen.clone()),
        ]);
        let recomputed = snapshot(after.in_force_for(march).unwrap(), &inputs);
        assert!(differences(&stored, &recomputed).is_empty());
        // A later month is computed under the new version…
        assert_eq!(after.in_force_for(month("2026-07")).unwrap().id, "jiangmen");
        // …and computing March under it would not have matched: the check is not vacuous.
        let wrong = snapshot(&jiangmen, &inputs);
        let fields: Vec<String> = differences(&stored, &wrong)
            .into_iter()
            .map(|d| d.field)
            .collect();
        assert!(fields.contains(&"policy".to_string()), "{fields:?}");
        assert!(
            fields.iter().any(|f| f.starts_with("by_tier.")),
            "{fields:?}"
        );
    }

    #[test]
    fn a_policy_change_in_or_before_a_closed_month_is_refused_naming_the_field() {
        let closed = vec![month("2026-01"), month("2026-03")];
        let check = |date: &str| check_policy_change(d(date), &closed);
        assert_eq!(check("2026-04-01"), Ok(()));
        let error = check("2026-03-31").unwrap_err();
        assert_eq!(error.field(), "effective_from");
        assert_eq!(
            error,
            MonthCloseError::PolicyChangeInClosedMonth {
                effective_from: d("2026-03-31"),
                month: month("2026-03")
            }
        );
        assert!(error.to_string().contains("2026-03"));
        assert!(matches!(
            check("2025-12-01"),
            Err(MonthCloseError::PolicyChangeInClosedMonth { month: m, .. }) if m == month("2026-03")
        ));
        assert_eq!(check_policy_change(d("2020-01-01"), &[]), Ok(()));
    }

    #[test]
    fn timeline_picks_the_version_in_force_and_the_later_entry_on_a_tie() {
        let national = PolicyProfile::builtin(PolicyId::National);
        let tianjin = PolicyProfile::builtin(PolicyId::Tianjin);
        let t = PolicyTimeline::new(vec![
            (d("2026-07-01"), tianjin.clone()),
            (d("2020-01-01"), national.clone()),
            (d("2026-07-01"), national.clone()),
        ]);
        assert_eq!(t.in_force_on(d("2019-12-31")), None);
        assert_eq!(t.in_force_on(d("2026-06-30")).unwrap().id, "national");
        assert_eq!(t.in_force_on(d("2026-07-01")).unwrap().id, "national");
        assert_eq!(
            t.in_force_on(d("2026-07-01")).unwrap().effective_from,
            d("2026-07-01")
        );
    }

    #[test]
    fn closing_and_corrections_rules() {
        let m = month("2026-03");
        assert!(check_can_close(m, d("2026-03-31")).is_err());
        assert_eq!(check_can_close(m, d("2026-04-01")), Ok(()));
        let e = check_correction_reason(m, None).unwrap_err();
        assert_eq!(e.field(), "reason");
        assert!(check_correction_reason(m, Some("  ")).is_err());
        assert_eq!(
            check_correction_reason(m, Some(" 补录 ")),
            Ok("补录".to_string())
        );
        assert_eq!(
            check_correction_reason(m, Some("x")),
            Err(MonthCloseError::BadReason)
        );
    }

    #[test]
    fn corrections_change_the_corrected_figure_not_the_snapshot() {
        let m = month("2026-03");
        let profile = PolicyProfile::builtin(PolicyId::Tianjin);
        let inputs = MonthInputs::new(m, "", sample());
        let stored = snapshot(&profile, &inputs);
        let corrected = with_corrections(
            &inputs,
            &[
                ("e3".into(), visit("late1", "2026-03-15", VisitMode::Home)),
                (
                    "nobody".into(),
                    visit("late2", "2026-03-15", VisitMode::Home),
                ),
            ],
        );
        let figure = snapshot(&profile, &corrected);
        assert_eq!((stored.visited, figure.visited), (2, 3));
        assert_eq!(figure.rate, 1.0);
        assert_ne!(figure.digest, stored.digest);
        // the stored inputs are untouched
        assert!(differences(&stored, &snapshot(&profile, &inputs)).is_empty());
    }
}
