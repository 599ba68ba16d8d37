//! The escalation ladder (issue 15) on the server: the daily ladder pass, the at-risk list and
//! the coordinator's reason for a missed requirement.
//!
//! - The pass ([`run_pass`]) reads one scope (a community: the elders whose `region_code` is
//!   its code) from the incremental due state (`crate::due_state`: each elder's ladder entries
//!   with their step dates, from `tanfang_domain::escalation::escalations`; the worker decides
//!   no ladder rule), a page of elders at a time, and writes every step reached that
//!   is not in `escalation_steps` yet, with the in-app notice (and, where the deployment setting
//!   `escalation_sms` is `1`, an SMS through the outbox) to the person the step concerns:
//!   `reminded` → the responsible visitor, `handed_to_backup` → the backup visitor (a
//!   hand-over, naming the substitute mode the policy allows), `community_staff` → the
//!   community's coordinators (with the last reason known for the elder); `missed` waits for its
//!   reason on the at-risk page. Rows and notices
//!   have deterministic keys and are written with `INSERT OR IGNORE`, so a second pass on the
//!   same day — or two passes racing — writes nothing new. Elders with a new step get a new
//!   cursor, so the phones of their visitors pull the step with the elder.
//! - What the pass handled is kept per elder (`due_elders.passed_version` / `passed_computed` /
//!   `next_step_on`, migration 0180): the row's version and computation day it saw, and the
//!   first day a step not written yet is reached (`tanfang_domain::due_state::next_step_after`).
//!   A pass reads only the elders whose row differs (a visit, which may clear a step; a new
//!   period; a surge; a new elder) or whose next step has come, and only their steps (a join),
//!   [`PASS_PAGE`] elders a page; each page's steps, notices, cursors and pass state are one
//!   batch of bulk statements (`INSERT … SELECT … FROM json_each`).
//! - The scheduled trigger ([`scheduled`]) runs every minute and passes the scopes whose last
//!   pass (`ladder_passes`) is older than today, a few scopes and at most [`SCHEDULED_BUDGET`]
//!   rows (recomputed or read) a minute, so each scope is passed once a day; a scope cut short
//!   is not in `ladder_passes` yet and the next run goes on with it (the elders handled have
//!   dropped out of the selection: the pass state is the cursor).
//! - `GET /api/escalations` (coordinators, own subtree): the requirements at each step — the
//!   console's at-risk page and the dashboard's counts. `POST /api/escalations/reason`: the
//!   coordinator's reason for a missed requirement.
//! - `POST /api/dev/ladder {"today", "region"?, "elder_ids"?, "page_size"?}` (only with
//!   `DEV_SEED=1`): runs the pass as of `today` for tests.

use crate::args;
use crate::auth::{require, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, query_param};
use crate::store::{packed_rows, rows, subtree_range, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tanfang_domain::escalation::{Step, Substitute};
use tanfang_domain::missed::MissedReason;
use tanfang_domain::schedule::{RequirementStatus, State};
use worker::{Method, Request, Response};

/// Scopes the scheduled trigger passes per run (it runs every minute).
pub const SCOPES_PER_RUN: i64 = 20;

/// How far back a pass reads visits and steps (the longest period is a year).
const HORIZON_DAYS: i64 = 400;

/// The worker's key of a requirement in `escalation_steps.requirement`.
pub fn requirement_key(status: &RequirementStatus) -> String {
    let r = &status.requirement;
    let base = format!(
        "{}.{}.{}/{}",
        r.kind.as_str(),
        match r.mode {
            tanfang_domain::policy::RequiredMode::Home => "home",
            tanfang_domain::policy::RequiredMode::Any => "any",
        },
        r.count,
        r.per.as_str()
    );
    match &status.surge {
        Some(surge) => format!("{base}@{surge}"),
        None => base,
    }
}

/// The Chinese label of a stored reason code ("" when unknown).
pub fn reason_label(reason: &str) -> &'static str {
    MissedReason::parse(reason).map_or("", MissedReason::label_zh)
}

/// An elder of a page, read from a JSON array in this field order.
#[derive(Deserialize)]
struct PassElderRow {
    id: String,
    name: String,
    responsible_id: Option<String>,
    backup_id: Option<String>,
    responsible_phone: Option<String>,
    backup_phone: Option<String>,
    /// `due_elders.version` / `computed_on` / `valid_until` as read (the pass state records
    /// the first two; a row stale on the pass's day is handled but not recorded).
    version: i64,
    computed_on: String,
    valid_until: String,
    /// `due_elders.ladder`: the ladder's entries as of the row's computation (stored form).
    #[serde(with = "tanfang_domain::escalation::stored_ladder")]
    ladder: Vec<tanfang_domain::escalation::RequirementEscalation>,
}

/// The steps written for one requirement period of a page's elder, read from a JSON array in
/// this field order: which steps (bits of [`step_bit`]) and whether any is not cleared.
#[derive(Deserialize)]
struct ExistingPeriod {
    elder_id: String,
    requirement: String,
    period_start: String,
    steps: u8,
    uncleared: u8,
}

/// A reason recorded for a missed requirement of a page's elder (JSON array, this order).
#[derive(Deserialize)]
struct ReasonRow {
    elder_id: String,
    reason: String,
    reason_text: String,
    reason_at: i64,
}

/// A step's bit in [`ExistingPeriod::steps`]: bit n for the n-th of [`STEPS`] (0 for
/// `on_track`, never written). The pass's read sums the same bits ([`steps_bits_sql`]).
fn step_bit(step: Step) -> u8 {
    STEPS.iter().position(|s| *s == step).map_or(0, |n| 1 << n)
}

/// The SQL summing [`step_bit`] over the `step` column of `escalation_steps`, made from the same
/// bits so that the read and the check of what is written cannot disagree.
fn steps_bits_sql() -> String {
    let arms: String = STEPS
        .iter()
        .map(|step| format!("WHEN '{}' THEN {} ", step.as_str(), step_bit(*step)))
        .collect();
    format!("sum(CASE step {arms}ELSE 0 END)")
}

#[derive(Deserialize)]
struct CoordinatorRow {
    id: String,
    region_code: Option<String>,
    phone: Option<String>,
}

#[derive(Deserialize)]
struct ScopeRow {
    scope: String,
}

#[derive(Deserialize)]
struct Setting {
    key: String,
    value: String,
}

/// What a pass did.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct PassOutcome {
    pub scopes: usize,
    pub elders: usize,
    /// Step rows newly written.
    pub steps: usize,
    /// Requirements found met after a step (rows marked cleared).
    pub cleared: usize,
    /// In-app notices written.
    pub notices: usize,
    /// SMS messages put in the outbox.
    pub sms: usize,
}

/// Everything a pass needs that is the same for every scope (the profile and surges are the
/// due state's: `crate::due_state`).
struct PassSetting {
    coordinators: Vec<CoordinatorRow>,
    sms: bool,
}

async fn pass_setting(ctx: &Ctx, _today: NaiveDate) -> AppResult<PassSetting> {
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT key, value FROM settings WHERE key = 'escalation_sms'",
                vec![],
            )?,
            db.statement(
                "SELECT id, region_code, phone FROM accounts WHERE role = 'coordinator' AND disabled = 0",
                vec![],
            )?,
        ])
        .await?;
    let settings = rows::<Setting>(&results[0])?;
    Ok(PassSetting {
        coordinators: rows::<CoordinatorRow>(&results[1])?,
        sms: settings
            .iter()
            .any(|s| s.key == "escalation_sms" && s.value == "1"),
    })
}

/// The coordinators of a community: those governing it from the nearest level that has any.
fn community_coordinators<'a>(
    coordinators: &'a [CoordinatorRow],
    community: &str,
) -> Vec<&'a CoordinatorRow> {
    let mut best: Vec<(&CoordinatorRow, usize)> = coordinators
        .iter()
        .filter_map(|c| {
            let code = c.region_code.as_deref()?;
            let prefix = tanfang_domain::region::RegionCode::parse(code)
                .ok()?
                .prefix()
                .to_string();
            community.starts_with(&prefix).then_some((c, prefix.len()))
        })
        .collect();
    let deepest = best.iter().map(|(_, len)| *len).max().unwrap_or(0);
    best.retain(|(_, len)| *len == deepest);
    best.into_iter().map(|(c, _)| c).collect()
}

/// Runs the pass as of `today` over the given scopes (community codes) to the end; `only_elders`
/// limits it to some elders (tests).
/// `page`: elders per page (tests page a few elders as a district's pass pages thousands).
pub async fn run_pass(
    ctx: &Ctx,
    scopes: &[String],
    today: NaiveDate,
    only_elders: Option<&[String]>,
    page: usize,
) -> AppResult<PassOutcome> {
    let setting = pass_setting(ctx, today).await?;
    let mut outcome = PassOutcome::default();
    let mut budget = usize::MAX;
    for scope in scopes {
        let limits = PassLimits {
            page,
            budget: &mut budget,
        };
        pass_scope(
            ctx,
            &setting,
            scope,
            today,
            only_elders,
            limits,
            &mut outcome,
        )
        .await?;
        outcome.scopes += 1;
    }
    Ok(outcome)
}

/// A step's notice: who gets it, subject and body.
struct Notice {
    recipients: Vec<(String, Option<String>)>,
    subject: String,
    body: String,
}

#[allow(clippy::too_many_arguments)]
fn notice_for(
    step: Step,
    elder: &PassElderRow,
    status: &RequirementStatus,
    substitute: Option<&Substitute>,
    last_reason: Option<(&str, &str)>,
    coordinators: &[&CoordinatorRow],
) -> Option<Notice> {
    let due = tanfang_domain::date::month_day(status.period_end);
    let what = if status.requirement.mode == tanfang_domain::policy::RequiredMode::Home {
        "上门探访"
    } else {
        "探访"
    };
    let staff = || {
        coordinators
            .iter()
            .map(|c| (c.id.clone(), c.phone.clone()))
            .collect::<Vec<_>>()
    };
    match step {
        Step::OnTrack => None,
        Step::Reminded => Some(Notice {
            recipients: elder
                .responsible_id
                .clone()
                .map(|id| vec![(id, elder.responsible_phone.clone())])
                .unwrap_or_default(),
            subject: format!("探访提醒 {}", elder.name),
            body: format!(
                "{}本期尚未{what}，请在{due}前完成 (reminder: not yet visited this period)",
                elder.name
            ),
        }),
        Step::HandedToBackup => {
            let substitute = substitute
                .map(|s| format!("；{}（可用{}）", s.note_zh, s.modes_zh()))
                .unwrap_or_default();
            Some(Notice {
                recipients: elder
                    .backup_id
                    .clone()
                    .map(|id| vec![(id, elder.backup_phone.clone())])
                    .unwrap_or_default(),
                subject: format!("交接 {}", elder.name),
                body: format!(
                    "交接：{}的责任人本期尚未{what}，请您在{due}前代为{what}{substitute} (hand-over to you as backup)",
                    elder.name
                ),
            })
        }
        Step::CommunityStaff => {
            let reason = last_reason
                .and_then(|(code, text)| Some(MissedReason::parse(code)?.describe_zh(text)))
                .map(|reason| format!("；最近原因：{reason}"))
                .unwrap_or_else(|| "；最近原因：无记录".into());
            Some(Notice {
                recipients: staff(),
                subject: format!("转社区 {}", elder.name),
                body: format!(
                    "{}本期{what}仍未完成，已转社区工作人员，截止{due}{reason} (escalated to community staff)",
                    elder.name
                ),
            })
        }
        // A missed requirement is on the coordinators' at-risk page, waiting for its reason;
        // no notice per elder (a first pass would send one per elder unvisited last period).
        Step::Missed => None,
    }
}

const STEPS: [Step; 4] = [
    Step::Reminded,
    Step::HandedToBackup,
    Step::CommunityStaff,
    Step::Missed,
];

/// Elders one page of the pass reads (with their steps): bounds what one read holds.
const PASS_PAGE: usize = 1000;

/// Step rows per bulk insert (one JSON parameter each), notices per bulk insert.
const STEP_CHUNK: usize = 500;
const NOTICE_CHUNK: usize = 200;

/// Rows (recomputed by the roll-over, or read by the pass) one scheduled run handles at most;
/// a scope left unfinished is continued by the next run (it is not in `ladder_passes` yet).
pub const SCHEDULED_BUDGET: usize = 10_000;

/// The elders a page of the pass reads: `?1` the scope, `?2` the last elder id of the previous
/// page, `?3` today, `?4` the elders a test limits the pass to (or NULL), `?5` the page size.
/// An elder is read when a step of its ladder is reached by today that the pass has not written
/// yet (`next_step_on`), or when its row is not the one the pass last handled (a visit, a new
/// period, a surge, a new elder: `passed_version` / `passed_computed`, migration 0180).
const PAGE_IDS_SQL: &str = "SELECT d.elder_id FROM due_elders d \
     WHERE d.region_code = ?1 AND d.elder_id > ?2 AND d.tier IS NOT NULL \
     AND (d.next_step_on <= ?3 OR d.passed_version IS NOT d.version OR d.passed_computed IS NOT d.computed_on) \
     AND (?4 IS NULL OR d.elder_id IN (SELECT value FROM json_each(?4))) \
     ORDER BY d.elder_id LIMIT ?5";

/// How a pass pages: elders per page, and the rows it may still handle (decremented).
struct PassLimits<'a> {
    page: usize,
    budget: &'a mut usize,
}

/// Passes one scope as of `today`, page by page, within the budget; true when the scope is
/// done (and then recorded in `ladder_passes`, unless limited to some elders).
async fn pass_scope(
    ctx: &Ctx,
    setting: &PassSetting,
    scope: &str,
    today: NaiveDate,
    only_elders: Option<&[String]>,
    limits: PassLimits<'_>,
    outcome: &mut PassOutcome,
) -> AppResult<bool> {
    let PassLimits { page, budget } = limits;
    let db = &ctx.db;
    // Issue 15: the pass reads the incremental due state; the scope's rows that are stale on
    // the pass's day are recomputed first (crate::due_state), within the budget.
    let (rolled, rolled_all) =
        crate::due_state::roll_over_within(ctx, scope, scope, today, *budget).await?;
    *budget = budget.saturating_sub(rolled);
    if !rolled_all {
        return Ok(false);
    }
    let since = (today - chrono::Duration::days(HORIZON_DAYS)).to_string();
    let only = only_elders.map(serde_json::to_string).transpose()?;
    let coordinators = community_coordinators(&setting.coordinators, scope);
    let today_text = today.to_string();
    let steps_bits = steps_bits_sql();
    let mut after = String::new();
    loop {
        if *budget == 0 {
            return Ok(false);
        }
        let page_size = page.max(1).min(*budget);
        let page_args = || {
            args![
                scope,
                after.as_str(),
                today_text.as_str(),
                only.clone(),
                page_size as i64
            ]
        };
        let with_since = |mut values: Vec<crate::store::Arg>| {
            values.push(crate::store::Arg::from(since.as_str()));
            values
        };
        // The page's elders, the steps written for their requirement periods (one row per
        // period) and their reasons: only theirs (the join), not the community's.
        let results = db
            .batch(vec![
                db.statement(
                    &format!(
                        "SELECT json_group_array(json_array(e.id, e.name, e.responsible_id, e.backup_id, ra.phone, \
                           ba.phone, d.version, d.computed_on, d.valid_until, json(d.ladder))) AS rows \
                         FROM due_elders d JOIN elders e ON e.id = d.elder_id \
                         LEFT JOIN accounts ra ON ra.id = e.responsible_id LEFT JOIN accounts ba ON ba.id = e.backup_id \
                         WHERE d.elder_id IN ({PAGE_IDS_SQL})"
                    ),
                    page_args(),
                )?,
                db.statement(
                    &format!(
                        "SELECT json_group_array(json_array(elder_id, requirement, period_start, steps, uncleared)) AS rows \
                         FROM (SELECT elder_id, requirement, period_start, \
                           {steps_bits} AS steps, \
                           max(cleared_on IS NULL) AS uncleared \
                         FROM escalation_steps WHERE elder_id IN ({PAGE_IDS_SQL}) AND period_end >= ?6 \
                         GROUP BY elder_id, requirement, period_start)"
                    ),
                    with_since(page_args()),
                )?,
                db.statement(
                    &format!(
                        "SELECT json_group_array(json_array(elder_id, reason, reason_text, reason_at)) AS rows \
                         FROM escalation_steps WHERE elder_id IN ({PAGE_IDS_SQL}) AND period_end >= ?6 \
                         AND reason IS NOT NULL AND reason_at IS NOT NULL"
                    ),
                    with_since(page_args()),
                )?,
            ])
            .await?;
        // Each read is packed (one JSON text: crate::store::packed_rows).
        let mut elders: Vec<PassElderRow> = packed_rows(&results[0])?;
        elders.sort_by(|a, b| a.id.cmp(&b.id));
        // The step of each entry on the pass's day, from its stored dates.
        for elder in &mut elders {
            for entry in &mut elder.ladder {
                entry.step = tanfang_domain::due_state::step_on(entry, today);
            }
        }
        let existing: Vec<ExistingPeriod> = packed_rows(&results[1])?;
        let reasons: Vec<ReasonRow> = packed_rows(&results[2])?;
        *budget = budget.saturating_sub(elders.len());
        let Some(last) = elders.last() else { break };
        after = last.id.clone();
        let full_page = elders.len() >= page_size;
        let writes = pass_page(
            ctx,
            setting,
            scope,
            today,
            &coordinators,
            &elders,
            &existing,
            &reasons,
            outcome,
        )?;
        // One batch per page: its steps, notices, cursors and the pass state land together.
        db.batch(writes).await?;
        if !full_page {
            break;
        }
    }
    if only_elders.is_none() {
        db.batch(vec![db.statement(
            "INSERT INTO ladder_passes (scope, last_date, at) VALUES (?1, ?2, ?3) \
             ON CONFLICT(scope) DO UPDATE SET last_date = MAX(last_date, excluded.last_date), at = excluded.at",
            args![scope, today_text.as_str(), ctx.now_ms],
        )?])
        .await?;
    }
    Ok(true)
}

/// A step row to write, as the JSON array the bulk insert reads: elder, requirement, period
/// start and end, step, day reached, responsible, backup, substitute, non-qualifying visits.
/// Dates through the domain's fast date path (a month's first pass writes ~575,000 steps).
#[derive(serde::Serialize)]
struct StepOut<'a>(
    &'a str,
    String,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    &'static str,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    Option<&'a str>,
    Option<&'a str>,
    Option<String>,
    u32,
);

/// The writes of one page of elders: the steps reached and not written yet (in ladder order),
/// the requirements met after a step (cleared), the notices, the cursors of the elders touched
/// and, last, what the pass handled for each elder (migration 0180).
#[allow(clippy::too_many_arguments)]
fn pass_page(
    ctx: &Ctx,
    setting: &PassSetting,
    scope: &str,
    today: NaiveDate,
    coordinators: &[&CoordinatorRow],
    elders: &[PassElderRow],
    existing: &[ExistingPeriod],
    reasons: &[ReasonRow],
    outcome: &mut PassOutcome,
) -> AppResult<Vec<Statement>> {
    let db = &ctx.db;
    // (elder, requirement, period start) → (steps written, any not cleared).
    let have: HashMap<(&str, &str, &str), (u8, bool)> = existing
        .iter()
        .map(|p| {
            (
                (
                    p.elder_id.as_str(),
                    p.requirement.as_str(),
                    p.period_start.as_str(),
                ),
                (p.steps, p.uncleared != 0),
            )
        })
        .collect();
    // The last reason recorded for each elder (for the community staff's notice).
    let mut last_reason: HashMap<&str, (i64, &str, &str)> = HashMap::new();
    for row in reasons {
        let entry = last_reason.entry(&row.elder_id).or_insert((
            row.reason_at,
            &row.reason,
            &row.reason_text,
        ));
        if row.reason_at > entry.0 {
            *entry = (row.reason_at, &row.reason, &row.reason_text);
        }
    }
    let today_text = today.to_string();
    let mut steps: Vec<StepOut<'_>> = Vec::new();
    let mut cleared: Vec<Value> = Vec::new();
    let mut app: Vec<Value> = Vec::new();
    let mut sms: Vec<Value> = Vec::new();
    let mut passed: Vec<Value> = Vec::with_capacity(elders.len());
    let mut touched: BTreeSet<&str> = BTreeSet::new();
    for elder in elders {
        outcome.elders += 1;
        let entries = &elder.ladder;
        // A row stale on the pass's day (written since the roll-over) is handled as it is, but
        // not recorded: the next pass reads it again, recomputed.
        let fresh = elder.valid_until.as_str() > today_text.as_str()
            && elder.computed_on.as_str() <= today_text.as_str();
        if fresh {
            passed.push(json!([
                elder.id,
                elder.version,
                elder.computed_on,
                tanfang_domain::due_state::next_step_after(entries, today).map(|d| d.to_string()),
            ]));
        }
        for entry in entries {
            let status = &entry.status;
            // Unmet and no step reached yet: nothing to write or clear.
            if status.state != State::Met && entry.step == Step::OnTrack {
                continue;
            }
            let key = requirement_key(status);
            let period_start = status.period_start.to_string();
            if status.state == State::Met {
                if have
                    .get(&(elder.id.as_str(), key.as_str(), period_start.as_str()))
                    .is_some_and(|(_, uncleared)| *uncleared)
                {
                    cleared.push(json!([elder.id, key, period_start]));
                    outcome.cleared += 1;
                    touched.insert(&elder.id);
                }
                continue;
            }
            let ended = status.period_end < today;
            let written = have
                .get(&(elder.id.as_str(), key.as_str(), period_start.as_str()))
                .map_or(0, |(steps, _)| *steps);
            for step in STEPS {
                // Steps are ordered (domain's `Step` is `Ord`): only those reached by today.
                if step > entry.step {
                    continue;
                }
                let reached = match step {
                    Step::Reminded => entry.reminded_on,
                    Step::HandedToBackup => entry.handed_on,
                    Step::CommunityStaff => entry.staff_on,
                    Step::Missed | Step::OnTrack => entry.missed_on,
                };
                if written & step_bit(step) != 0 {
                    continue;
                }
                steps.push(StepOut(
                    &elder.id,
                    key.clone(),
                    status.period_start,
                    status.period_end,
                    step.as_str(),
                    reached,
                    elder.responsible_id.as_deref(),
                    elder.backup_id.as_deref(),
                    entry.substitute.as_ref().map(|s| s.modes_text()),
                    entry.non_qualifying_visits,
                ));
                outcome.steps += 1;
                touched.insert(&elder.id);
                // A period that has ended gets only its `missed` notice, not the earlier steps'
                // (a pass that did not run then does not remind anyone afterwards).
                if ended && step != Step::Missed {
                    continue;
                }
                let reason = last_reason.get(elder.id.as_str()).map(|(_, r, t)| (*r, *t));
                let Some(notice) = notice_for(
                    step,
                    elder,
                    status,
                    entry.substitute.as_ref(),
                    reason,
                    coordinators,
                ) else {
                    continue;
                };
                for (recipient, phone) in &notice.recipients {
                    let id = format!(
                        "esc:{}:{}:{}:{}:{}",
                        elder.id,
                        key,
                        period_start,
                        step.as_str(),
                        recipient
                    );
                    outcome.notices += 1;
                    if setting.sms {
                        if let Some(phone) = phone.as_deref().filter(|p| !p.is_empty()) {
                            sms.push(json!([
                                format!("{id}:sms"),
                                phone,
                                elder.id,
                                notice.subject,
                                notice.body
                            ]));
                            outcome.sms += 1;
                        }
                    }
                    app.push(json!([
                        id,
                        recipient,
                        elder.id,
                        notice.subject,
                        notice.body
                    ]));
                }
            }
        }
    }
    let mut writes: Vec<Statement> = Vec::new();
    // In ladder order: json_each reads each array in order.
    for chunk in steps.chunks(STEP_CHUNK) {
        writes.push(db.statement(
            "INSERT OR IGNORE INTO escalation_steps (elder_id, requirement, period_start, period_end, step, \
             reached_on, community_code, responsible_id, backup_id, substitute, non_qualifying, created_at) \
             SELECT json_extract(j.value, '$[0]'), json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), \
               json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), json_extract(j.value, '$[5]'), ?2, \
               json_extract(j.value, '$[6]'), json_extract(j.value, '$[7]'), json_extract(j.value, '$[8]'), \
               json_extract(j.value, '$[9]'), ?3 \
             FROM json_each(?1) j",
            args![serde_json::to_string(chunk)?, scope, ctx.now_ms],
        )?);
    }
    for chunk in cleared.chunks(STEP_CHUNK) {
        writes.push(db.statement(
            "UPDATE escalation_steps SET cleared_on = ?2 FROM json_each(?1) j \
             WHERE escalation_steps.elder_id = json_extract(j.value, '$[0]') \
               AND escalation_steps.requirement = json_extract(j.value, '$[1]') \
               AND escalation_steps.period_start = json_extract(j.value, '$[2]') \
               AND escalation_steps.cleared_on IS NULL",
            args![serde_json::to_string(chunk)?, today_text.as_str()],
        )?);
    }
    for chunk in app.chunks(NOTICE_CHUNK) {
        writes.push(crate::notify::app_notifications_once(ctx, chunk)?);
    }
    for chunk in sms.chunks(NOTICE_CHUNK) {
        writes.push(crate::notify::sms_notifications_once(ctx, chunk)?);
    }
    // Phones pull an elder again when its cursor moves: the visitors see the new step.
    if !touched.is_empty() {
        let ids: Vec<&str> = touched.into_iter().collect();
        writes.push(db.statement(NEW_CURSOR_SQL, args![None::<String>, "ladder", ctx.now_ms])?);
        writes.push(db.statement(
            &format!(
                "UPDATE elders SET cursor = {CURRENT_CURSOR} WHERE id IN (SELECT value FROM json_each(?1))"
            ),
            args![serde_json::to_string(&ids)?],
        )?);
    }
    // What the pass handled, only where the row is still the one read (a write since then
    // leaves the elder to the next pass).
    for chunk in passed.chunks(STEP_CHUNK) {
        writes.push(db.statement(
            "UPDATE due_elders SET passed_version = json_extract(j.value, '$[1]'), \
               passed_computed = json_extract(j.value, '$[2]'), next_step_on = json_extract(j.value, '$[3]') \
             FROM json_each(?1) j \
             WHERE due_elders.elder_id = json_extract(j.value, '$[0]') AND due_elders.version = json_extract(j.value, '$[1]')",
            args![serde_json::to_string(chunk)?],
        )?);
    }
    Ok(writes)
}

/// The scheduled trigger's part: passes the scopes not yet passed today, up to
/// [`SCOPES_PER_RUN`] of them and [`SCHEDULED_BUDGET`] rows per run; a scope the budget cuts
/// short is continued by the next run (the pass state makes the elders already handled drop
/// out of its selection).
pub async fn scheduled(ctx: &Ctx) -> AppResult<PassOutcome> {
    let today = ctx.today();
    let scopes: Vec<String> = ctx
        .db
        .all::<ScopeRow>(
            "SELECT DISTINCT e.region_code AS scope FROM elders e \
             WHERE e.in_scope = 1 AND NOT EXISTS \
               (SELECT 1 FROM ladder_passes p WHERE p.scope = e.region_code AND p.last_date >= ?1) \
             ORDER BY e.region_code LIMIT ?2",
            args![today.to_string(), SCOPES_PER_RUN],
        )
        .await?
        .into_iter()
        .map(|r| r.scope)
        .collect();
    if scopes.is_empty() {
        return Ok(PassOutcome::default());
    }
    let setting = pass_setting(ctx, today).await?;
    let mut outcome = PassOutcome::default();
    let mut budget = SCHEDULED_BUDGET;
    for scope in &scopes {
        let limits = PassLimits {
            page: PASS_PAGE,
            budget: &mut budget,
        };
        let done = pass_scope(ctx, &setting, scope, today, None, limits, &mut outcome).await?;
        if !done {
            break;
        }
        outcome.scopes += 1;
    }
    Ok(outcome)
}

/// `POST /api/dev/ladder {"today": "YYYY-MM-DD", "region"?: code, "elder_ids"?: [...],
/// "page_size"?: n}` (only with `DEV_SEED=1`): the pass as of `today` over every scope (inside
/// `region`), to the end, `page_size` elders a page (default [`PASS_PAGE`]).
pub async fn dev_ladder(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let body: Value = http::read_json(&mut req).await?;
    let today = match body.get("today") {
        None | Some(Value::Null) => ctx.today(),
        Some(value) => value
            .as_str()
            .and_then(|t| tanfang_domain::date::parse_date(t).ok())
            .ok_or_else(|| AppError::invalid("today", "须为 YYYY-MM-DD (must be YYYY-MM-DD)"))?,
    };
    let region = body.get("region").and_then(Value::as_str).unwrap_or("");
    let (lo, hi) = if region.is_empty() {
        ("000000000000".to_string(), "999999999999".to_string())
    } else {
        subtree_range(region)
    };
    let only: Option<Vec<String>> = match body.get("elder_ids") {
        None | Some(Value::Null) => None,
        Some(value) => Some(serde_json::from_value(value.clone()).map_err(|_| {
            AppError::invalid("elder_ids", "须为字符串数组 (must be a list of ids)")
        })?),
    };
    let scopes: Vec<String> = ctx
        .db
        .all::<ScopeRow>(
            "SELECT DISTINCT region_code AS scope FROM elders WHERE region_code BETWEEN ?1 AND ?2 \
             AND (?3 IS NULL OR id IN (SELECT value FROM json_each(?3))) ORDER BY region_code",
            args![
                lo,
                hi,
                only.as_ref().map(serde_json::to_string).transpose()?
            ],
        )
        .await?
        .into_iter()
        .map(|r| r.scope)
        .collect();
    let page = match body.get("page_size") {
        None | Some(Value::Null) => PASS_PAGE,
        Some(value) => value.as_u64().filter(|n| *n >= 1).ok_or_else(|| {
            AppError::invalid("page_size", "须为正整数 (must be a positive integer)")
        })? as usize,
    };
    let outcome = run_pass(ctx, &scopes, today, only.as_deref(), page).await?;
    http::json(&json!({"today": today.to_string(), "outcome": outcome}))
}

pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    match (req.method(), segments) {
        (Method::Get, ["api", "escalations"]) => list(req, ctx).await,
        (Method::Post, ["api", "escalations", "reason"]) => record_reason(req, ctx).await,
        (_, ["api", "escalations"] | ["api", "escalations", "reason"]) => {
            Err(AppError::MethodNotAllowed)
        }
        _ => Err(AppError::NotFound),
    }
}

#[derive(Deserialize)]
struct ListRow {
    elder_id: String,
    elder_name: String,
    community_code: String,
    community: Option<String>,
    requirement: String,
    period_start: String,
    period_end: String,
    step: String,
    reached_on: String,
    responsible_id: Option<String>,
    responsible_name: Option<String>,
    backup_id: Option<String>,
    backup_name: Option<String>,
    substitute: Option<String>,
    non_qualifying: i64,
    reason: Option<String>,
    reason_text: String,
    reason_by_name: Option<String>,
}

/// How far back the at-risk list shows missed requirements (so their reasons can be entered).
const MISSED_SHOWN_DAYS: i64 = 120;

/// `GET /api/escalations?region=&step=[&counts=1]`: per requirement and period, the highest step reached
/// and not cleared — current periods (`reminded`, `handed_to_backup`, `community_staff`) and
/// the missed periods of the last months — with `counts` by step (current periods only for
/// the first three); `counts=1` answers the counts alone (the dashboard).
async fn list(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (mut lo, mut hi) = principal.require_coordinator()?;
    if let Some(region) = query_param(&req, "region").filter(|r| !r.is_empty()) {
        let (rlo, rhi) = subtree_range(&region);
        if !principal.governs(&rlo) {
            return Err(AppError::Forbidden);
        }
        (lo, hi) = (rlo, rhi);
    }
    let wanted_step = query_param(&req, "step").filter(|s| !s.is_empty());
    if let Some(step) = &wanted_step {
        if !STEPS.iter().any(|s| s.as_str() == step) {
            return Err(AppError::invalid(
                "step",
                "须为 reminded / handed_to_backup / community_staff / missed",
            ));
        }
    }
    let counts_only = query_param(&req, "counts").as_deref() == Some("1");
    let today = ctx.today();
    let since = (today - chrono::Duration::days(MISSED_SHOWN_DAYS)).to_string();
    let list = ctx
        .db
        .all::<ListRow>(
            "SELECT s.elder_id, e.name AS elder_name, s.community_code, r.name AS community, s.requirement, \
               s.period_start, s.period_end, s.step, s.reached_on, s.responsible_id, ra.name AS responsible_name, \
               s.backup_id, ba.name AS backup_name, s.substitute, s.non_qualifying, s.reason, s.reason_text, \
               rb.name AS reason_by_name \
             FROM escalation_steps s JOIN elders e ON e.id = s.elder_id \
             LEFT JOIN regions r ON r.code = s.community_code \
             LEFT JOIN accounts ra ON ra.id = s.responsible_id LEFT JOIN accounts ba ON ba.id = s.backup_id \
             LEFT JOIN accounts rb ON rb.id = s.reason_by \
             WHERE s.community_code BETWEEN ?1 AND ?2 AND s.cleared_on IS NULL AND s.period_end >= ?3 \
             ORDER BY s.community_code, s.elder_id, s.requirement, s.period_start",
            args![lo, hi, since],
        )
        .await?;
    // The highest step of each (elder, requirement, period).
    let mut top: BTreeMap<(&str, &str, &str), &ListRow> = BTreeMap::new();
    let step_rank = |s: &str| STEPS.iter().position(|x| x.as_str() == s).unwrap_or(0);
    // Every step of each, with the day it was reached.
    let mut reached: BTreeMap<(&str, &str, &str), BTreeMap<&str, &str>> = BTreeMap::new();
    for row in &list {
        let key = (
            row.elder_id.as_str(),
            row.requirement.as_str(),
            row.period_start.as_str(),
        );
        reached
            .entry(key)
            .or_default()
            .insert(row.step.as_str(), row.reached_on.as_str());
        match top.get(&key) {
            Some(have) if step_rank(&have.step) >= step_rank(&row.step) => {}
            _ => {
                top.insert(key, row);
            }
        }
    }
    let today_text = today.to_string();
    let mut counts: BTreeMap<&str, usize> = STEPS.iter().map(|s| (s.as_str(), 0)).collect();
    let mut items = Vec::new();
    for (key, row) in &top {
        // A current step of a period that has ended without `missed` yet (no pass since) is
        // not shown as current.
        if row.step != "missed" && row.period_end.as_str() < today_text.as_str() {
            continue;
        }
        *counts.entry(row.step.as_str()).or_insert(0) += 1;
        if counts_only || wanted_step.as_deref().is_some_and(|s| s != row.step) {
            continue;
        }
        items.push(json!({
            "elder_id": row.elder_id, "elder_name": row.elder_name,
            "community_code": row.community_code, "community": row.community,
            "requirement": row.requirement, "period_start": row.period_start, "period_end": row.period_end,
            "step": row.step, "reached_on": row.reached_on, "steps": reached.get(key),
            "responsible_id": row.responsible_id, "responsible_name": row.responsible_name,
            "backup_id": row.backup_id, "backup_name": row.backup_name,
            "substitute": row.substitute, "non_qualifying_visits": row.non_qualifying,
            "reason": row.reason, "reason_label": row.reason.as_deref().map(reason_label),
            "reason_text": row.reason_text, "reason_by_name": row.reason_by_name,
        }));
    }
    http::json(&json!({"today": today_text, "counts": counts, "items": items}))
}

#[derive(Deserialize)]
struct MissedTarget {
    region_code: String,
}

/// `POST /api/escalations/reason {"elder_id", "requirement", "period_start", "reason",
/// "reason_text"}`: a coordinator of the elder's area records why a requirement was missed
/// (`reason_text` required for `other`). Audited.
async fn record_reason(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if !matches!(principal.role, Role::Coordinator | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    principal.require_coordinator()?;
    let body: Value = http::read_json(&mut req).await?;
    let text = |field: &str| -> AppResult<String> {
        match body.get(field) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(AppError::invalid(field, format!("缺少 {field} (required)"))),
        }
    };
    let elder_id = text("elder_id")?;
    let requirement = text("requirement")?;
    let period_start = text("period_start")?;
    if tanfang_domain::date::parse_date(&period_start).is_err() {
        return Err(AppError::invalid(
            "period_start",
            "须为 YYYY-MM-DD (must be YYYY-MM-DD)",
        ));
    }
    let reason_text = body
        .get("reason_text")
        .and_then(Value::as_str)
        .unwrap_or("");
    let (reason, reason_text) = MissedReason::check(
        body.get("reason").and_then(Value::as_str).unwrap_or(""),
        reason_text,
    )
    .map_err(|e| AppError::invalid(e.field, e.message))?;
    ctx.db
        .first::<MissedTarget>(
            "SELECT e.region_code FROM escalation_steps s JOIN elders e ON e.id = s.elder_id \
             WHERE s.elder_id = ?1 AND s.requirement = ?2 AND s.period_start = ?3 AND s.step = 'missed'",
            args![elder_id.as_str(), requirement.as_str(), period_start.as_str()],
        )
        .await?
        .filter(|t| principal.governs(&t.region_code))
        .ok_or(AppError::NotFound)?;
    let db = &ctx.db;
    db.batch(vec![
        db.statement(
            "UPDATE escalation_steps SET reason = ?4, reason_text = ?5, reason_by = ?6, reason_at = ?7 \
             WHERE elder_id = ?1 AND requirement = ?2 AND period_start = ?3 AND step = 'missed'",
            args![
                elder_id.as_str(),
                requirement.as_str(),
                period_start.as_str(),
                reason.as_str(),
                reason_text.as_str(),
                principal.id.as_str(),
                ctx.now_ms
            ],
        )?,
        ctx.audit(
            Some(&principal.id),
            "escalation.reason",
            Some(&elder_id),
            json!({"requirement": requirement, "period_start": period_start, "reason": reason.as_str()}),
        )?,
    ])
    .await?;
    http::json(&json!({
        "elder_id": elder_id, "requirement": requirement, "period_start": period_start,
        "reason": reason.as_str(), "reason_label": reason.label_zh(), "reason_text": reason_text,
    }))
}

#[derive(Deserialize)]
struct MissedExportRow {
    elder_name: String,
    community: Option<String>,
    requirement: String,
    period_start: String,
    period_end: String,
    responsible_name: Option<String>,
    backup_name: Option<String>,
    reason: Option<String>,
    reason_text: String,
    reason_by_name: Option<String>,
}

/// The ledger's sheet 未完成探访: the requirements of the subtree `lo..=hi` whose period ended
/// between `from` and `to` unmet (step `missed`), with the reason the coordinator recorded.
pub async fn missed_table(
    ctx: &Ctx,
    lo: &str,
    hi: &str,
    from: &str,
    to: &str,
    title: &str,
) -> AppResult<tanfang_roster::Table> {
    use tanfang_roster::Cell;
    let list = ctx
        .db
        .all::<MissedExportRow>(
            "SELECT e.name AS elder_name, r.name AS community, s.requirement, s.period_start, s.period_end, \
               ra.name AS responsible_name, ba.name AS backup_name, s.reason, s.reason_text, rb.name AS reason_by_name \
             FROM escalation_steps s JOIN elders e ON e.id = s.elder_id LEFT JOIN regions r ON r.code = s.community_code \
             LEFT JOIN accounts ra ON ra.id = s.responsible_id LEFT JOIN accounts ba ON ba.id = s.backup_id \
             LEFT JOIN accounts rb ON rb.id = s.reason_by \
             WHERE s.step = 'missed' AND s.cleared_on IS NULL AND s.community_code BETWEEN ?1 AND ?2 \
               AND s.period_end BETWEEN ?3 AND ?4 \
             ORDER BY s.community_code, e.name_pinyin, s.elder_id, s.period_start",
            args![lo, hi, from, to],
        )
        .await?;
    let rows = list
        .iter()
        .enumerate()
        .map(|(index, row)| {
            vec![
                Cell::from((index + 1) as i64),
                Cell::from(row.elder_name.as_str()),
                Cell::from(row.community.clone()),
                Cell::from(requirement_zh(&row.requirement)),
                Cell::from(row.period_start.as_str()),
                Cell::from(row.period_end.as_str()),
                Cell::from(row.responsible_name.clone()),
                Cell::from(row.backup_name.clone()),
                Cell::from(row.reason.as_deref().map(reason_label).unwrap_or("未登记")),
                Cell::from(row.reason_text.as_str()),
                Cell::from(row.reason_by_name.clone()),
            ]
        })
        .collect();
    Ok(tanfang_roster::Table {
        name: "未完成探访".into(),
        title: Some(title.to_string()),
        headers: [
            "序号",
            "姓名",
            "社区(村)",
            "探访要求",
            "周期开始",
            "周期结束",
            "探访责任人",
            "备用探访人",
            "未完成原因",
            "原因说明",
            "登记人",
        ]
        .iter()
        .map(|h| h.to_string())
        .collect(),
        rows,
    })
}

/// `visit.home.1/month@s` → `每月1次探访（上门）·加密`.
fn requirement_zh(key: &str) -> String {
    let (base, surge) = match key.split_once('@') {
        Some((base, _)) => (base, true),
        None => (key, false),
    };
    let mut parts = base.splitn(3, '.');
    let kind = match parts.next() {
        Some("community_help") => "社区帮扶",
        _ => "探访",
    };
    let mode = match parts.next() {
        Some("home") => "上门",
        _ => "不限方式",
    };
    let (count, per) = parts
        .next()
        .and_then(|rest| rest.split_once('/'))
        .unwrap_or(("1", "month"));
    let per = tanfang_domain::date::Per::ALL
        .into_iter()
        .find(|p| p.as_str() == per)
        .map_or("", |p| p.label_zh());
    format!(
        "{per}{count}次{kind}（{mode}）{}",
        if surge { "·加密" } else { "" }
    )
}
