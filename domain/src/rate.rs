//! 月探访率 (monthly visit rate) for a month and a region subtree.
//!
//! Definition (CLI contract): `in_scope` counts special-needs elders aged 60+ on the month's last
//! day whose consent is not `declined`; `declined` counts those who declined (reported apart);
//! `visited` counts in-scope elders with at least one visit of kind `visit` (any mode) inside
//! the month; `rate = visited / in_scope` rounded to 4 decimals (0 when nobody is in scope).
//!
//! Design decisions:
//! - [`monthly_report`] computes the figure from scratch (CLI, tests).
//! - [`MonthlyTally`] is the incremental form the server keeps: counts keyed by (month,
//!   community code, tier). Each elder contributes one [`ElderMonthStatus`] per month; when a
//!   visit or a file change arrives the server recomputes that elder's status and applies
//!   `update(old, new)`, so a second visit in a month changes nothing and a dashboard sums a
//!   subtree's rows instead of reading every elder.

use std::collections::btree_map::Entry;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::classify::{classify, classify_tier, ClassifyError};
use crate::date::Month;
use crate::elder::{Consent, ElderFacts};
use crate::policy::{Kind, PolicyProfile};
use crate::region::code_in_subtree;
use crate::schedule::VisitFact;

/// Counts of one tier.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TierCount {
    pub in_scope: u32,
    pub visited: u32,
}

/// The report line of `tanfang report`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonthlyReport {
    pub month: Month,
    pub in_scope: u32,
    pub declined: u32,
    pub visited: u32,
    pub rate: f64,
    pub by_tier: BTreeMap<String, TierCount>,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub errors: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// `visited / in_scope` rounded to 4 decimals, 0 when `in_scope` is 0.
pub fn rounded_rate(visited: u32, in_scope: u32) -> f64 {
    if in_scope == 0 {
        0.0
    } else {
        (visited as f64 / in_scope as f64 * 10_000.0).round() / 10_000.0
    }
}

/// One elder's contribution to a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ElderMonthStatus {
    pub month: Month,
    /// Community code ("" when unknown).
    pub community: String,
    /// Tier under the profile in force; the elder is counted only when in scope.
    pub tier: String,
    pub declined: bool,
    pub visited: bool,
}

/// Computes an elder's status for a month; `Ok(None)` when not in scope (under 60 on the last
/// day, or not special-needs); `Err` for bad data.
pub fn elder_month_status(
    facts: &ElderFacts,
    visits: &[VisitFact],
    profile: &PolicyProfile,
    month: Month,
) -> Result<Option<ElderMonthStatus>, ClassifyError> {
    let classification = match classify(facts, profile, month.last_day()) {
        Ok(c) => c,
        Err(e) if e.code.is_out_of_scope() => return Ok(None),
        Err(e) => return Err(e),
    };
    let visited = visits
        .iter()
        .any(|v| v.kind == Kind::Visit && month.contains(v.date));
    Ok(Some(ElderMonthStatus {
        month,
        community: facts.region_code.clone().unwrap_or_default(),
        tier: classification.tier,
        declined: facts.consent == Consent::Declined,
        visited,
    }))
}

/// The monthly report over any collection of elders (already restricted to a scope).
///
/// Counts straight into one slot per tier of the profile, so nothing is allocated per elder.
pub fn monthly_report<'a>(
    profile: &PolicyProfile,
    month: Month,
    elders: impl IntoIterator<Item = (&'a ElderFacts, &'a [VisitFact])>,
) -> MonthlyReport {
    let last_day = month.last_day();
    let mut per_tier = vec![TierCount::default(); profile.tiers.len()];
    let (mut declined, mut errors) = (0, 0);
    for (facts, visits) in elders {
        match classify_tier(facts, profile, last_day) {
            Ok((_, rank)) => {
                if facts.consent == Consent::Declined {
                    declined += 1;
                    continue;
                }
                per_tier[rank].in_scope += 1;
                if visits
                    .iter()
                    .any(|v| v.kind == Kind::Visit && month.contains(v.date))
                {
                    per_tier[rank].visited += 1;
                }
            }
            Err(e) if e.code.is_out_of_scope() => {}
            Err(_) => errors += 1,
        }
    }
    let in_scope = per_tier.iter().map(|c| c.in_scope).sum();
    let visited = per_tier.iter().map(|c| c.visited).sum();
    MonthlyReport {
        month,
        in_scope,
        declined,
        visited,
        rate: rounded_rate(visited, in_scope),
        by_tier: profile
            .tiers
            .iter()
            .zip(per_tier)
            .filter(|(_, count)| count.in_scope > 0)
            .map(|(tier, count)| (tier.id.clone(), count))
            .collect(),
        errors,
    }
}

/// Counts of one (month, community, tier) cell.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyCell {
    pub in_scope: i64,
    pub declined: i64,
    pub visited: i64,
}

/// One stored row of the tally (for a table with columns month, community, tier, counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyRow {
    pub month: Month,
    pub community: String,
    pub tier: String,
    pub in_scope: i64,
    pub declined: i64,
    pub visited: i64,
}

/// Incremental monthly counts keyed by (month, community code, tier).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyTally {
    cells: BTreeMap<(Month, String, String), TallyCell>,
}

impl MonthlyTally {
    pub fn from_rows(rows: impl IntoIterator<Item = TallyRow>) -> MonthlyTally {
        let mut tally = MonthlyTally::default();
        for row in rows {
            let cell = tally
                .cells
                .entry((row.month, row.community, row.tier))
                .or_default();
            cell.in_scope += row.in_scope;
            cell.declined += row.declined;
            cell.visited += row.visited;
        }
        tally
    }

    pub fn rows(&self) -> Vec<TallyRow> {
        self.cells
            .iter()
            .map(|((month, community, tier), cell)| TallyRow {
                month: *month,
                community: community.clone(),
                tier: tier.clone(),
                in_scope: cell.in_scope,
                declined: cell.declined,
                visited: cell.visited,
            })
            .collect()
    }

    fn apply(&mut self, status: &ElderMonthStatus, sign: i64) {
        let change = |cell: &mut TallyCell| {
            if status.declined {
                cell.declined += sign;
            } else {
                cell.in_scope += sign;
                if status.visited {
                    cell.visited += sign;
                }
            }
        };
        let key = (status.month, status.community.clone(), status.tier.clone());
        match self.cells.entry(key) {
            Entry::Occupied(mut occupied) => {
                change(occupied.get_mut());
                if *occupied.get() == TallyCell::default() {
                    occupied.remove();
                }
            }
            Entry::Vacant(vacant) => {
                let mut cell = TallyCell::default();
                change(&mut cell);
                if cell != TallyCell::default() {
                    vacant.insert(cell);
                }
            }
        }
    }

    /// Replaces an elder's old contribution by the new one (either may be absent).
    pub fn update(&mut self, old: Option<&ElderMonthStatus>, new: Option<&ElderMonthStatus>) {
        if old == new {
            return;
        }
        if let Some(old) = old {
            self.apply(old, -1);
        }
        if let Some(new) = new {
            self.apply(new, 1);
        }
    }

    /// The delta rows of an update, for a store that adds counts in place
    /// (`UPDATE … SET in_scope = in_scope + ?`).
    pub fn delta_rows(
        old: Option<&ElderMonthStatus>,
        new: Option<&ElderMonthStatus>,
    ) -> Vec<TallyRow> {
        let mut delta = MonthlyTally::default();
        delta.update(old, new);
        delta.rows()
    }

    /// The report for a month summed over the subtree `region` (a code or significant prefix;
    /// "" = everything).
    pub fn report(&self, month: Month, region: &str) -> MonthlyReport {
        let mut by_tier: BTreeMap<String, TierCount> = BTreeMap::new();
        let (mut in_scope, mut declined, mut visited) = (0i64, 0i64, 0i64);
        for ((m, community, tier), cell) in &self.cells {
            if *m != month || !(region.is_empty() || code_in_subtree(community, region)) {
                continue;
            }
            in_scope += cell.in_scope;
            declined += cell.declined;
            visited += cell.visited;
            if cell.in_scope != 0 || cell.visited != 0 {
                let entry = by_tier.entry(tier.clone()).or_default();
                entry.in_scope = (entry.in_scope as i64 + cell.in_scope) as u32;
                entry.visited = (entry.visited as i64 + cell.visited) as u32;
            }
        }
        by_tier.retain(|_, c| c.in_scope != 0 || c.visited != 0);
        let (in_scope, visited) = (in_scope.max(0) as u32, visited.max(0) as u32);
        MonthlyReport {
            month,
            in_scope,
            declined: declined.max(0) as u32,
            visited,
            rate: rounded_rate(visited, in_scope),
            by_tier,
            errors: 0,
        }
    }
}
