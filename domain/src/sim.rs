//! The seeded district-month simulation of the escalation ladder (issue 15):
//! `cargo xtask simulate [--seed N]` prints [`markdown`] of [`run`].
//!
//! # Design decisions
//! - **Pure and deterministic.** The population is [`crate::demo::scaled`] (its own fixed
//!   seed); every behaviour below draws from a SplitMix64 seeded with `seed`, in a fixed
//!   order, so the same seed gives the same table on every machine. The plans (what visitors would do anyway) are
//!   drawn first and shared by both runs; the ladder's reactions draw from a second stream, so
//!   "with" and "without the ladder" differ only by the ladder.
//! - **The ladder is the real one.** Each simulated day runs [`escalations`] for every elder
//!   with the visits the server *has received* by that day (an offline phone's visits count on
//!   their dates but arrive when it pushes), exactly as the worker's daily pass would.
//! - **The figures use the real rules**: the month's rate is [`elder_month_status`] (月探访率,
//!   any `visit` in the month), requirements are counted with [`done_between`].
//!
//! # Model (the assumptions, also printed with the table)
//! - Elders are assigned round-robin to the visitors of their community (visitors are spread
//!   evenly over communities); each elder's backup visitor is the next visitor of the team;
//!   each community has its staff (村/居委会).
//! - Plans: for every requirement period overlapping the month, the responsible visitor plans
//!   `count` visits on uniformly random days of the period. Planned days before the month are
//!   history (done, qualifying). In the month, a planned visit is forgotten with
//!   `forget_percent`; for a `home` requirement it is made by phone instead (not qualifying)
//!   with `wrong_mode_percent`; an `any` visit is at home or by phone, half each.
//! - `idle_percent` of visitors do nothing for `idle_days` from a random day in the first
//!   half of the month (no planned visits, no reaction to the ladder).
//! - `offline_percent` of the others are offline for `offline_days` from a random day: they
//!   make their planned visits, which reach the server on the day after the window; they get no
//!   reminders or hand-overs while offline.
//! - A surge (寒潮) on the first town from the 14th to the 20th adds `visit any ≥1/week`
//!   (clipped weeks) for its elders, planned like the rest; it is declared on its first day.
//! - With the ladder, when a requirement first reaches a step: `reminded` → the responsible
//!   visitor (if reachable) visits within 0–2 days with `remind_act_percent`; `handed_to_backup`
//!   → the backup visitor (if reachable) within 0–2 days with `backup_take_percent`;
//!   `community_staff` → the community's staff within 0–1 day with `staff_catch_percent`. A
//!   visit made because of the ladder qualifies (home for a `home` requirement). No further step
//!   acts while a promised visit is pending.
//! - "Saved by a step": an elder not visited in the month without the ladder whose first
//!   visit of the month with the ladder came from that step (elders); likewise for requirement
//!   periods ending in the month (requirements). "Needless": a ladder action on a requirement
//!   already met by visits still sitting on an offline phone.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};

use crate::classify::{classify, Classification};
use crate::date::{month_day, Month, Per};
use crate::demo::{scaled, Rng};
use crate::elder::{Consent, ElderFacts};
use crate::escalation::{escalations, Step};
use crate::policy::{Kind, PolicyId, PolicyProfile, RequiredMode, Requirement, VisitMode};
use crate::rate::elder_month_status;
use crate::schedule::{done_between, period_bounds, Surge, VisitFact};

/// The simulation's knobs (see the module doc).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimConfig {
    pub seed: u64,
    pub elders: usize,
    pub visitors: usize,
    pub month: Month,
    pub idle_percent: u64,
    pub idle_days: u64,
    pub offline_percent: u64,
    pub offline_days: u64,
    pub forget_percent: u64,
    pub wrong_mode_percent: u64,
    pub remind_act_percent: u64,
    pub backup_take_percent: u64,
    pub staff_catch_percent: u64,
    pub surge: bool,
}

impl SimConfig {
    /// The district month: 20,000 elders, 400 visitors, March 2026 (the month that
    /// closes Q1, so quarterly requirements end in it too).
    pub fn district(seed: u64) -> SimConfig {
        SimConfig {
            seed,
            elders: 20_000,
            visitors: 400,
            month: Month::new(2026, 3).unwrap(),
            idle_percent: 10,
            idle_days: 14,
            offline_percent: 5,
            offline_days: 7,
            forget_percent: 10,
            wrong_mode_percent: 10,
            remind_act_percent: 60,
            backup_take_percent: 70,
            staff_catch_percent: 85,
            surge: true,
        }
    }

    /// The assumptions as Markdown bullet points.
    pub fn assumptions(&self) -> String {
        format!(
            "- {elders} elders (`demo::scaled`), {visitors} visitors spread evenly over the communities, elders round-robin within a community; backup = the next visitor of the team; each community has its staff.\n\
             - Month {month}; plans: `count` visits per requirement period on random days; a planned visit is forgotten {forget} %, made by phone for a home requirement {wrong} %.\n\
             - {idle} % of visitors do nothing for {idle_days} days (start in the first half of the month); {offline} % are offline for {offline_days} days (visits made, pushed the day after; no notices meanwhile).\n\
             - Surge: {surge}.\n\
             - Ladder reactions: reminded visitor acts {remind} % (within 0–2 days), backup takes the hand-over {backup} % (0–2 days), community staff catch up {staff} % (0–1 day); ladder visits qualify. Thresholds: the built-in defaults (`EscalationPolicy::default`).",
            elders = self.elders,
            visitors = self.visitors,
            month = self.month,
            forget = self.forget_percent,
            wrong = self.wrong_mode_percent,
            idle = self.idle_percent,
            idle_days = self.idle_days,
            offline = self.offline_percent,
            offline_days = self.offline_days,
            surge = if self.surge {
                "寒潮 on the first town, 14th–20th, `visit any ≥1/week` (clipped weeks), declared on its first day"
            } else {
                "none"
            },
            remind = self.remind_act_percent,
            backup = self.backup_take_percent,
            staff = self.staff_catch_percent,
        )
    }
}

/// Rate figures of one group (community or visitor).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupRate {
    pub name: String,
    pub in_scope: u32,
    pub visited_without: u32,
    pub visited_with: u32,
}

/// The outcome of one policy's month.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyOutcome {
    pub policy: PolicyId,
    /// Elders in scope (special-needs, 60+, not declined).
    pub in_scope: u32,
    pub visited_without: u32,
    pub visited_with: u32,
    /// Elders saved by `reminded`, `handed_to_backup`, `community_staff`.
    pub saved_elders: [u32; 3],
    /// Requirement periods ending in the month.
    pub periods: u32,
    pub met_without: u32,
    pub met_with: u32,
    /// Requirement periods saved by each step.
    pub saved_periods: [u32; 3],
    /// Highest step each requirement period ending in the month reached (index = step order);
    /// `missed` = unmet at its end with the ladder.
    pub reached: [u32; 5],
    /// Ladder actions that produced a visit.
    pub ladder_visits: u32,
    /// Ladder actions on requirements already met by visits still on an offline phone.
    pub needless: u32,
    pub worst_community: GroupRate,
    pub worst_visitor: GroupRate,
}

impl PolicyOutcome {
    pub fn rate_without(&self) -> f64 {
        ratio(self.visited_without, self.in_scope)
    }
    pub fn rate_with(&self) -> f64 {
        ratio(self.visited_with, self.in_scope)
    }
}

fn ratio(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        f64::from(a) / f64::from(b)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Plan,
    Ladder(Step),
}

#[derive(Debug, Clone, Copy)]
struct SimVisit {
    fact: VisitFact,
    arrives: NaiveDate,
    source: Source,
}

struct Visitor {
    idle: Option<(NaiveDate, NaiveDate)>,
    offline: Option<(NaiveDate, NaiveDate)>,
}

impl Visitor {
    fn idle_on(&self, day: NaiveDate) -> bool {
        self.idle.is_some_and(|(a, b)| a <= day && day <= b)
    }
    fn offline_on(&self, day: NaiveDate) -> bool {
        self.offline.is_some_and(|(a, b)| a <= day && day <= b)
    }
    /// Gets notices and acts on them.
    fn reachable(&self, day: NaiveDate) -> bool {
        !self.idle_on(day) && !self.offline_on(day)
    }
}

struct SimElder {
    facts: ElderFacts,
    classification: Classification,
    community: usize,
    visitor: usize,
    backup: usize,
    visits: Vec<SimVisit>,
}

/// Ladder state of one requirement period of one elder.
struct LadderState {
    key: (Requirement, bool, NaiveDate),
    reached: Step,
    pending_until: Option<NaiveDate>,
}

fn add_days(day: NaiveDate, n: u64) -> NaiveDate {
    day + Days::new(n)
}

fn random_day(rng: &mut Rng, start: NaiveDate, end: NaiveDate) -> NaiveDate {
    let span = (end - start).num_days().max(0) as u64;
    add_days(start, rng.between(0, span))
}

fn qualifying_mode(requirement: &Requirement, home: bool) -> VisitMode {
    match (requirement.kind, requirement.mode) {
        (Kind::CommunityHelp, _) => VisitMode::Other,
        (Kind::Visit, RequiredMode::Home) => VisitMode::Home,
        (Kind::Visit, RequiredMode::Any) if home => VisitMode::Home,
        (Kind::Visit, RequiredMode::Any) => VisitMode::Phone,
    }
}

/// Every period of `requirement` (clipped to `surge`) overlapping `from..=to`.
fn periods(
    requirement: &Requirement,
    surge: Option<&Surge>,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let (from, to) = match surge {
        Some(s) => (from.max(s.start), to.min(s.end)),
        None => (from, to),
    };
    let mut out = Vec::new();
    let mut day = from;
    while day <= to {
        let (start, end) = period_bounds(requirement, surge, day);
        out.push((start, end));
        day = add_days(end, 1);
    }
    out
}

/// Runs the month under each of the five built-in policies.
pub fn run(config: &SimConfig) -> Vec<PolicyOutcome> {
    let first = config.month.first_day();
    let last = config.month.last_day();
    let data = scaled(config.elders, 0, last);
    let names: HashMap<String, String> = data
        .regions
        .iter()
        .map(|r| (r.code.as_str().to_string(), r.name.clone()))
        .collect();
    PolicyId::ALL
        .into_iter()
        .map(|policy| run_policy(config, &data.elders, &names, policy, first, last))
        .collect()
}

fn run_policy(
    config: &SimConfig,
    files: &[crate::elder::ElderFile],
    names: &HashMap<String, String>,
    policy: PolicyId,
    first: NaiveDate,
    last: NaiveDate,
) -> PolicyOutcome {
    let profile = PolicyProfile::builtin(policy);
    let ladder_policy = profile.escalation;
    // "SIMULATE"
    let mut rng = Rng(config.seed ^ 0x5349_4D55_4C41_5445);
    // In-scope elders and their communities.
    let mut communities: Vec<String> = Vec::new();
    let mut community_of: HashMap<String, usize> = HashMap::new();
    let mut candidates = Vec::new();
    for file in files {
        let facts = file.facts();
        if facts.consent == Consent::Declined {
            continue;
        }
        let Ok(classification) = classify(&facts, &profile, last) else {
            continue;
        };
        let code = facts.region_code.clone().unwrap_or_default();
        let community = *community_of.entry(code.clone()).or_insert_with(|| {
            communities.push(code);
            communities.len() - 1
        });
        candidates.push((facts, classification, community));
    }
    // Visitors, evenly over communities.
    let n_visitors = config.visitors.max(communities.len()).max(1);
    let mut teams: Vec<Vec<usize>> = vec![Vec::new(); communities.len()];
    for v in 0..n_visitors {
        if !teams.is_empty() {
            let n = teams.len();
            teams[v % n].push(v);
        }
    }
    let month_days = (last - first).num_days() as u64;
    let visitors: Vec<Visitor> = (0..n_visitors)
        .map(|_| {
            let roll = rng.below(100);
            if roll < config.idle_percent {
                let start = add_days(first, rng.between(0, month_days / 2));
                Visitor {
                    idle: Some((start, add_days(start, config.idle_days.max(1) - 1))),
                    offline: None,
                }
            } else if roll < config.idle_percent + config.offline_percent {
                let start = add_days(first, rng.between(0, month_days.saturating_sub(7)));
                Visitor {
                    idle: None,
                    offline: Some((start, add_days(start, config.offline_days.max(1) - 1))),
                }
            } else {
                Visitor {
                    idle: None,
                    offline: None,
                }
            }
        })
        .collect();
    let surge = config.surge.then(|| Surge {
        id: "cold-wave".into(),
        region_prefix: communities
            .first()
            .map(|c| c.chars().take(9).collect())
            .unwrap_or_default(),
        start: add_days(first, 13),
        end: add_days(first, 19),
        tiers: vec![],
        categories: vec![],
        requirement: Requirement::new(Kind::Visit, RequiredMode::Any, 1, Per::Week),
        reason: "寒潮 (cold wave)".into(),
    });
    // Plans: what the visitors do without the ladder.
    let mut in_community = vec![0usize; communities.len()];
    let mut elders: Vec<SimElder> = Vec::with_capacity(candidates.len());
    for (facts, classification, community) in candidates {
        let team = &teams[community];
        let k = in_community[community];
        in_community[community] += 1;
        let visitor = team[k % team.len()];
        let backup = team[(k + 1) % team.len()];
        let mut requirements: Vec<(Requirement, Option<&Surge>)> = classification
            .requirements
            .iter()
            .map(|r| (*r, None))
            .collect();
        if let Some(s) = surge.as_ref().filter(|s| s.targets(&classification)) {
            requirements.push((s.requirement, Some(s)));
        }
        let mut visits = Vec::new();
        for (requirement, surge) in requirements {
            let from = requirement.per.period_containing(first).start;
            for (start, end) in periods(&requirement, surge, from, last) {
                for _ in 0..requirement.count {
                    let day = random_day(&mut rng, start, end);
                    let forgotten = rng.chance(config.forget_percent);
                    let wrong_mode = rng.chance(config.wrong_mode_percent);
                    let home = rng.chance(50);
                    if day > last {
                        continue;
                    }
                    if day < first {
                        visits.push(SimVisit {
                            fact: VisitFact {
                                date: day,
                                mode: qualifying_mode(&requirement, home),
                                kind: requirement.kind,
                            },
                            arrives: day,
                            source: Source::Plan,
                        });
                        continue;
                    }
                    let v = &visitors[visitor];
                    if forgotten || v.idle_on(day) {
                        continue;
                    }
                    let mode = if requirement.mode == RequiredMode::Home && wrong_mode {
                        VisitMode::Phone
                    } else {
                        qualifying_mode(&requirement, home)
                    };
                    let arrives = match v.offline {
                        Some((a, b)) if a <= day && day <= b => add_days(b, 1),
                        _ => day,
                    };
                    visits.push(SimVisit {
                        fact: VisitFact {
                            date: day,
                            mode,
                            kind: requirement.kind,
                        },
                        arrives,
                        source: Source::Plan,
                    });
                }
            }
        }
        elders.push(SimElder {
            facts,
            classification,
            community,
            visitor,
            backup,
            visits,
        });
    }
    let baseline: Vec<Vec<VisitFact>> = elders
        .iter()
        .map(|e| e.visits.iter().map(|v| v.fact).collect())
        .collect();
    // The ladder: one daily pass per day of the month.
    let mut ladder_rng = Rng(config.seed ^ 0x4C41_4444_4552); // "LADDER"
    let mut states: Vec<Vec<LadderState>> = elders.iter().map(|_| Vec::new()).collect();
    let mut ladder_visits = 0u32;
    let mut needless = 0u32;
    let mut received: Vec<VisitFact> = Vec::new();
    let mut day = first;
    while day <= last {
        let known: &[Surge] = match &surge {
            Some(s) if s.start <= day => std::slice::from_ref(s),
            _ => &[],
        };
        for (index, elder) in elders.iter_mut().enumerate() {
            received.clear();
            received.extend(
                elder
                    .visits
                    .iter()
                    .filter(|v| v.arrives <= day)
                    .map(|v| v.fact),
            );
            for entry in escalations(&elder.classification, &received, known, &ladder_policy, day) {
                if entry.step == Step::OnTrack || entry.step == Step::Missed {
                    continue;
                }
                let status = &entry.status;
                let key = (
                    status.requirement,
                    status.surge.is_some(),
                    status.period_start,
                );
                let position = match states[index].iter().position(|s| s.key == key) {
                    Some(p) => p,
                    None => {
                        states[index].push(LadderState {
                            key,
                            reached: Step::OnTrack,
                            pending_until: None,
                        });
                        states[index].len() - 1
                    }
                };
                let state = &mut states[index][position];
                if state.pending_until.is_some_and(|p| p >= day) {
                    continue;
                }
                for step in [Step::Reminded, Step::HandedToBackup, Step::CommunityStaff] {
                    if step > entry.step || step <= state.reached {
                        continue;
                    }
                    state.reached = step;
                    let (acts, delay) = match step {
                        Step::Reminded => (
                            visitors[elder.visitor].reachable(day)
                                && ladder_rng.chance(config.remind_act_percent),
                            ladder_rng.between(0, 2),
                        ),
                        Step::HandedToBackup => (
                            visitors[elder.backup].reachable(day)
                                && ladder_rng.chance(config.backup_take_percent),
                            ladder_rng.between(0, 2),
                        ),
                        _ => (
                            ladder_rng.chance(config.staff_catch_percent),
                            ladder_rng.between(0, 1),
                        ),
                    };
                    if !acts {
                        continue;
                    }
                    let all: Vec<VisitFact> = elder.visits.iter().map(|v| v.fact).collect();
                    if done_between(&status.requirement, &all, status.period_start, day)
                        >= status.requirement.count
                    {
                        needless += 1;
                    }
                    let date = add_days(day, delay).min(status.period_end).min(last);
                    elder.visits.push(SimVisit {
                        fact: VisitFact {
                            date,
                            mode: qualifying_mode(&status.requirement, true),
                            kind: status.requirement.kind,
                        },
                        arrives: date,
                        source: Source::Ladder(step),
                    });
                    ladder_visits += 1;
                    state.pending_until = Some(date);
                    break;
                }
            }
        }
        day = add_days(day, 1);
    }
    // Figures.
    let month = config.month;
    let step_index = |step: Step| match step {
        Step::Reminded => 0,
        Step::HandedToBackup => 1,
        _ => 2,
    };
    let mut outcome = PolicyOutcome {
        policy,
        in_scope: 0,
        visited_without: 0,
        visited_with: 0,
        saved_elders: [0; 3],
        periods: 0,
        met_without: 0,
        met_with: 0,
        saved_periods: [0; 3],
        reached: [0; 5],
        ladder_visits,
        needless,
        worst_community: GroupRate {
            name: String::new(),
            in_scope: 0,
            visited_without: 0,
            visited_with: 0,
        },
        worst_visitor: GroupRate {
            name: String::new(),
            in_scope: 0,
            visited_without: 0,
            visited_with: 0,
        },
    };
    let empty = |name: String| GroupRate {
        name,
        in_scope: 0,
        visited_without: 0,
        visited_with: 0,
    };
    let mut by_community: Vec<GroupRate> = communities
        .iter()
        .map(|code| {
            let name = names.get(code).map(String::as_str).unwrap_or("?");
            empty(format!("{name} ({code})"))
        })
        .collect();
    let mut by_visitor: Vec<GroupRate> = visitors
        .iter()
        .enumerate()
        .map(|(v, visitor)| {
            let span =
                |(a, b): (NaiveDate, NaiveDate)| format!("{}..{}", month_day(a), month_day(b));
            let note = match (visitor.idle, visitor.offline) {
                (Some(window), _) => format!(", idle {}", span(window)),
                (_, Some(window)) => format!(", offline {}", span(window)),
                _ => String::new(),
            };
            empty(format!(
                "visitor {v} (community {}{note})",
                v % communities.len().max(1)
            ))
        })
        .collect();
    for (index, elder) in elders.iter().enumerate() {
        let all: Vec<VisitFact> = elder.visits.iter().map(|v| v.fact).collect();
        let without = elder_month_status(&elder.facts, &baseline[index], &profile, month);
        let with = elder_month_status(&elder.facts, &all, &profile, month);
        let (Ok(Some(without)), Ok(Some(with))) = (without, with) else {
            continue;
        };
        if without.declined {
            continue;
        }
        outcome.in_scope += 1;
        outcome.visited_without += u32::from(without.visited);
        outcome.visited_with += u32::from(with.visited);
        for group in [
            &mut by_community[elder.community],
            &mut by_visitor[elder.visitor],
        ] {
            group.in_scope += 1;
            group.visited_without += u32::from(without.visited);
            group.visited_with += u32::from(with.visited);
        }
        if with.visited && !without.visited {
            let first_ladder = elder
                .visits
                .iter()
                .filter(|v| v.fact.kind == Kind::Visit && month.contains(v.fact.date))
                .min_by_key(|v| v.fact.date);
            if let Some(SimVisit {
                source: Source::Ladder(step),
                ..
            }) = first_ladder
            {
                outcome.saved_elders[step_index(*step)] += 1;
            }
        }
        // Requirement periods ending in the month.
        let mut requirements: Vec<(Requirement, Option<&Surge>)> = elder
            .classification
            .requirements
            .iter()
            .map(|r| (*r, None))
            .collect();
        if let Some(s) = surge.as_ref().filter(|s| s.targets(&elder.classification)) {
            requirements.push((s.requirement, Some(s)));
        }
        for (requirement, surge) in requirements {
            let from = requirement.per.period_containing(first).start;
            for (start, end) in periods(&requirement, surge, from, last) {
                if end < first || end > last {
                    continue;
                }
                outcome.periods += 1;
                let met_without =
                    done_between(&requirement, &baseline[index], start, end) >= requirement.count;
                let met_with = done_between(&requirement, &all, start, end) >= requirement.count;
                outcome.met_without += u32::from(met_without);
                outcome.met_with += u32::from(met_with);
                let reached = states[index]
                    .iter()
                    .find(|s| s.key == (requirement, surge.is_some(), start))
                    .map_or(Step::OnTrack, |s| s.reached);
                let reached = if met_with { reached } else { Step::Missed };
                outcome.reached[Step::ALL.iter().position(|s| *s == reached).unwrap()] += 1;
                if met_with && !met_without {
                    // The first ladder visit that counts for this period.
                    let first_ladder = elder
                        .visits
                        .iter()
                        .filter(|v| {
                            matches!(v.source, Source::Ladder(_))
                                && start <= v.fact.date
                                && v.fact.date <= end
                                && crate::schedule::counts(&requirement, &v.fact)
                        })
                        .min_by_key(|v| v.fact.date);
                    if let Some(SimVisit {
                        source: Source::Ladder(step),
                        ..
                    }) = first_ladder
                    {
                        outcome.saved_periods[step_index(*step)] += 1;
                    }
                }
            }
        }
    }
    let worst = |groups: Vec<GroupRate>| {
        groups
            .into_iter()
            .filter(|g| g.in_scope > 0)
            .min_by(|a, b| {
                ratio(a.visited_with, a.in_scope)
                    .total_cmp(&ratio(b.visited_with, b.in_scope))
                    .then(
                        ratio(a.visited_without, a.in_scope)
                            .total_cmp(&ratio(b.visited_without, b.in_scope)),
                    )
            })
            .unwrap_or_else(|| empty(String::new()))
    };
    outcome.worst_community = worst(by_community);
    outcome.worst_visitor = worst(by_visitor);
    outcome
}

fn percent(a: u32, b: u32) -> String {
    format!("{:.2} %", ratio(a, b) * 100.0)
}

/// The report: assumptions, then the rates and the steps' savings per policy, then the worst
/// cases.
pub fn markdown(config: &SimConfig, outcomes: &[PolicyOutcome]) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "Seed {}; {} elders per policy, {} visitors, month {}.\n\nAssumptions:\n{}\n\n",
        config.seed,
        config.elders,
        config.visitors,
        config.month,
        config.assumptions()
    ));
    out.push_str("| policy | elders in scope | 月探访率 without ladder | with ladder | saved by reminder | by backup | by community staff | requirement periods met without | with | still missed | ladder visits | needless (offline) |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for o in outcomes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            o.policy,
            o.in_scope,
            percent(o.visited_without, o.in_scope),
            percent(o.visited_with, o.in_scope),
            o.saved_elders[0],
            o.saved_elders[1],
            o.saved_elders[2],
            percent(o.met_without, o.periods),
            percent(o.met_with, o.periods),
            o.periods - o.met_with,
            o.ladder_visits,
            o.needless,
        ));
    }
    out.push_str("\nRequirement periods ending in the month, by the highest step reached (`missed` = unmet at the period's end with the ladder); saved = met only because of the ladder:\n\n");
    out.push_str("| policy | periods | on_track | reminded | handed_to_backup | community_staff | missed | saved by reminder | by backup | by staff |\n");
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for o in outcomes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            o.policy,
            o.periods,
            o.reached[0],
            o.reached[1],
            o.reached[2],
            o.reached[3],
            o.reached[4],
            o.saved_periods[0],
            o.saved_periods[1],
            o.saved_periods[2],
        ));
    }
    out.push_str("\nWorst cases (lowest 月探访率 with the ladder):\n\n");
    out.push_str("| policy | worst community | elders | without | with | worst visitor | elders | without | with |\n");
    out.push_str("|---|---|---:|---:|---:|---|---:|---:|---:|\n");
    for o in outcomes {
        let c = &o.worst_community;
        let v = &o.worst_visitor;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            o.policy,
            c.name,
            c.in_scope,
            percent(c.visited_without, c.in_scope),
            percent(c.visited_with, c.in_scope),
            v.name,
            v.in_scope,
            percent(v.visited_without, v.in_scope),
            percent(v.visited_with, v.in_scope),
        ));
    }
    out
}
