//! The incremental per-elder due state (issue 15; migration 0170): the one module that writes
//! `due_elders` / `due_items`.
//!
//! A row is `tanfang_domain::due_state::due_state` of the elder's facts, visits, the profile in
//! force, the surges and the date. Writes never recompute rows themselves: triggers of migration
//! 0170 mark an elder's row stale when any input is written (elder file / consent / scope /
//! community, visits, surges, policy versions, the policy setting), whichever handler writes
//! it. Every reader — the due board, the ladder pass (and so the scheduled trigger), the dev
//! check — first calls [`roll_over`] for its scope and day, which recomputes the rows that are
//! stale on that day (marked, or `valid_until` reached: a new period, a birthday, a surge
//! beginning, a policy version taking effect) and nothing else. A recomputed row is written
//! only if its `version` is the one read, so a write racing the recomputation leaves it stale.
//!
//! Invariant (checked by `POST /api/dev/due/check` and `worker/tests/due-state.test.mjs`):
//! after the roll-over, the table equals a full recomputation of every elder of the scope.
//!
//! Issue 16: a recomputed row that puts an elder in another tier (a policy version in force,
//! an age boundary) also rewrites `elders.tier` / `requirements` and moves the elder's cursor,
//! so the registry and the phones follow the profile in force from its effective date.

use crate::args;
use crate::context::Ctx;
use crate::error::AppResult;
use crate::handlers::admin::{facts_from_row, parse_visits, surge_rows_to_domain, SurgeRow};
use crate::store::{packed_rows, rows, Db, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::due_state::{due_state, visit_horizon, DueInputs, DueState};
use tanfang_domain::escalation::stored_ladder;
use tanfang_domain::policy::PolicyProfile;
use tanfang_domain::schedule::Surge;

/// `valid_until` of a row only a write can change.
pub const FOREVER: &str = "9999-12-31";

/// Elders per write statement (each statement binds one JSON parameter, well under D1's limits).
const CHUNK: usize = 200;

/// What every row of a day is computed with.
pub struct DaySetting {
    pub profile: PolicyProfile,
    pub next_profile_change: Option<NaiveDate>,
    pub surges: Vec<Surge>,
}

#[derive(Deserialize)]
pub struct InputRow {
    pub id: String,
    pub region_code: String,
    pub version: i64,
    pub facts: String,
    pub consent: String,
    pub in_scope: i64,
    pub tier: Option<String>,
    pub requirements: Option<String>,
    pub visits: Option<String>,
}

/// Rows the roll-over recomputes per page (one read, one write batch).
const ROLL_PAGE: usize = 1000;

/// The read of elders' inputs; `?1..=?2` the code range, `?3` today, `?4` the visit horizon,
/// `?5` = 1 for every elder, 0 for the stale ones only; `?6`/`?7` the (region, elder) after
/// which a page starts and `?8` its size (-1: no limit), in (region, elder) order.
fn inputs_sql() -> String {
    let facts_sql = crate::handlers::admin::FACTS_SQL;
    format!(
        "SELECT e.id, e.region_code, d.version, COALESCE(e.facts, {facts_sql}) AS facts, e.consent, e.in_scope, e.tier, e.requirements, \
         (SELECT group_concat(v.date || char(31) || v.mode || char(31) || v.kind, char(30)) FROM visits v \
           WHERE v.elder_id = e.id AND (v.date >= ?4 OR v.date = (SELECT MAX(w.date) FROM visits w WHERE w.elder_id = e.id))) AS visits \
         FROM due_elders d JOIN elders e ON e.id = d.elder_id \
         WHERE d.region_code BETWEEN ?1 AND ?2 AND (?5 = 1 OR d.valid_until <= ?3 OR d.computed_on > ?3) \
         AND (d.region_code, d.elder_id) > (?6, ?7) ORDER BY d.region_code, d.elder_id LIMIT ?8"
    )
}

/// The statement reading one page of inputs (see [`inputs_sql`]); `packed`: as one JSON text
/// (one row, column `rows`: an array of [`InputRow`]s as arrays, read by [`crate::store::packed_rows`]) —
/// D1 hands the worker one string instead of a JS object per row.
#[allow(clippy::too_many_arguments)]
fn inputs_statement(
    db: &Db,
    lo: &str,
    hi: &str,
    today: NaiveDate,
    all: bool,
    after: (&str, &str),
    limit: i64,
    packed: bool,
) -> AppResult<Statement> {
    let sql = if packed {
        format!(
            "SELECT json_group_array(json_array(id, region_code, version, facts, consent, in_scope, tier, \
             requirements, visits)) AS rows FROM ({})",
            inputs_sql()
        )
    } else {
        inputs_sql()
    };
    db.statement(
        &sql,
        args![
            lo,
            hi,
            today.to_string(),
            visit_horizon(today).to_string(),
            all as i64,
            after.0,
            after.1,
            limit
        ],
    )
}

/// The statements reading the inputs of a scope and the day's setting (surges not ended, the
/// policy timeline); [`setting_from`] and [`rows`] read their results.
pub fn read_statements(
    db: &Db,
    lo: &str,
    hi: &str,
    today: NaiveDate,
    all: bool,
    limit: i64,
    packed: bool,
) -> AppResult<Vec<Statement>> {
    Ok(vec![
        inputs_statement(db, lo, hi, today, all, ("", ""), limit, packed)?,
        db.statement(
            "SELECT id, region_code, title, start_date, end_date, tiers, categories, requirement FROM surges \
             WHERE end_date >= ?1",
            args![today.to_string()],
        )?,
    ]
    .into_iter()
    .chain(crate::handlers::months::timeline_statements(db)?)
    .collect())
}

/// The day's setting from `results[1..]` of [`read_statements`].
pub fn setting_from(results: &[worker::D1Result], today: NaiveDate) -> AppResult<DaySetting> {
    let timeline = crate::handlers::months::timeline_from(&results[2..])?;
    Ok(DaySetting {
        profile: crate::handlers::months::profile_in_force(&timeline, today),
        next_profile_change: timeline.next_change_after(today),
        surges: surge_rows_to_domain(&rows::<SurgeRow>(&results[1])?),
    })
}

/// The row of one elder on `today` (the domain's function of the inputs read).
pub fn compute(row: &InputRow, setting: &DaySetting, today: NaiveDate) -> DueState {
    let visits = row.visits.as_deref().map(parse_visits).unwrap_or_default();
    let facts = facts_from_row(&row.id, &row.region_code, &row.facts);
    let on_board = row.in_scope == 1 && row.consent != "declined" && facts.is_some();
    let facts = facts.unwrap_or_else(|| tanfang_domain::elder::ElderFacts {
        id: row.id.clone(),
        ..Default::default()
    });
    due_state(
        &DueInputs {
            facts: &facts,
            on_board,
            visits: &visits,
            surges: &setting.surges,
            profile: &setting.profile,
            next_profile_change: setting.next_profile_change,
        },
        today,
    )
}

pub fn date_text(date: NaiveDate) -> String {
    if date >= NaiveDate::from_ymd_opt(9999, 12, 31).unwrap() {
        FOREVER.to_string()
    } else {
        date.to_string()
    }
}

/// One row of `due_items` as the JSON array the write statement reads (written straight to
/// JSON: no `Value` per item): the columns, the row's `version` (the write joins on it), and
/// the parts of the requirement's status the columns lack (period start and end, state,
/// previous period met). SQLite writes the `status` column from them ([`ITEM_STATUS_SQL`]), so
/// the status's text is not serialised, escaped into the parameter and sent for every item
/// (half the roll-over's bytes before).
#[derive(serde::Serialize)]
pub struct ItemOut<'a>(
    &'a str,
    usize,
    &'a str,
    u8,
    &'a str,
    usize,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    tanfang_domain::policy::Kind,
    tanfang_domain::policy::RequiredMode,
    u32,
    tanfang_domain::date::Per,
    u32,
    Option<&'a str>,
    i64,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    #[serde(with = "tanfang_domain::date::fast_date")] NaiveDate,
    tanfang_domain::schedule::State,
    u8,
);

/// The `status` column from the item's columns and parts (alias `i`): the text
/// `serde_json::to_string(&RequirementStatus)` gives, key for key — `surge` last and only when
/// there is one (`json_patch` drops a null member). The dev check compares it, byte for byte,
/// with the domain's serialisation (`item_values`).
const ITEM_STATUS_SQL: &str = "json_patch(json_object(     'requirement', json_object('kind', i.kind, 'mode', i.mode, 'count', i.count, 'per', i.per),      'period_start', i.period_start, 'period_end', i.period_end, 'done', i.done, 'state', i.state,      'previous_period_met', json(CASE WHEN i.previous_met THEN 'true' ELSE 'false' END),      'next_due_by', i.next_due_by, 'overdue', json(CASE WHEN i.overdue THEN 'true' ELSE 'false' END)),      json_object('surge', i.surge))";

/// The item rows of `due_items` for a state read at `version`.
pub fn item_rows<'a>(
    id: &'a str,
    region: &'a str,
    version: i64,
    state: &'a DueState,
) -> Vec<ItemOut<'a>> {
    let Some(tier) = &state.tier else {
        return Vec::new();
    };
    state
        .due
        .iter()
        .enumerate()
        .map(|(rank, s)| {
            ItemOut(
                id,
                rank,
                region,
                s.overdue as u8,
                tier,
                state.tier_rank,
                s.next_due_by,
                s.requirement.kind,
                s.requirement.mode,
                s.requirement.count,
                s.requirement.per,
                s.done,
                s.surge.as_deref(),
                version,
                s.period_start,
                s.period_end,
                s.state,
                s.previous_period_met as u8,
            )
        })
        .collect()
}

/// The columns of `due_items` for a state, as JSON values in the dev check's order: the item
/// rows' columns, and the status as the domain serialises it (an independent account of what
/// the write's [`ITEM_STATUS_SQL`] builds).
pub fn item_values(id: &str, region: &str, state: &DueState) -> AppResult<Vec<Value>> {
    item_rows(id, region, 0, state)
        .iter()
        .zip(&state.due)
        .map(|(item, status)| {
            let Value::Array(mut columns) = serde_json::to_value(item)? else {
                unreachable!("a tuple struct serialises as an array")
            };
            // elder … surge; the version and the status's parts are the write's, not columns.
            columns.truncate(13);
            columns.push(Value::String(serde_json::to_string(status)?));
            Ok(Value::Array(columns))
        })
        .collect()
}

/// One row of `due_elders` as the JSON array the write statement reads; the ladder in the
/// stored form as a JSON value, not a string of JSON (the write's `json_extract` gives back its
/// text), so it is not escaped into the parameter.
#[derive(serde::Serialize)]
struct ElderOut<'a>(
    &'a str,
    i64,
    String,
    Option<&'a str>,
    usize,
    Option<String>,
    Option<String>,
    stored_ladder::Stored<'a>,
);

/// Whether any row of `lo..=hi` is stale on `today`: one row (`stale`) if so. Two index range
/// reads (`due_elders_region` for `valid_until <= today`, `due_elders_computed` of migration
/// 0178 for `computed_on > today`, a clock set back) that stop at the first hit, not a walk of
/// the scope's rows: the due board sends it in its own batch on every request and calls
/// [`roll_over`] only when it answers.
pub fn stale_check_statement(
    db: &Db,
    lo: &str,
    hi: &str,
    today: NaiveDate,
) -> AppResult<Statement> {
    let scope = crate::store::region_scope_sql(lo, hi);
    db.statement(
        &format!(
            "SELECT 1 AS stale FROM (SELECT elder_id FROM due_elders INDEXED BY due_elders_region \
               WHERE {scope} AND valid_until <= ?3 \
             UNION ALL SELECT elder_id FROM due_elders INDEXED BY due_elders_computed \
               WHERE {scope} AND computed_on > ?3) LIMIT 1"
        ),
        args![lo, hi, today.to_string()],
    )
}

/// Whether the result of [`stale_check_statement`] found a stale row.
pub fn any_stale(result: &worker::D1Result) -> AppResult<bool> {
    #[derive(Deserialize)]
    struct Stale {
        #[allow(dead_code)]
        stale: i64,
    }
    Ok(!rows::<Stale>(result)?.is_empty())
}

/// Recomputes the rows of `lo..=hi` that are stale on `today`; returns how many.
pub async fn roll_over(ctx: &Ctx, lo: &str, hi: &str, today: NaiveDate) -> AppResult<usize> {
    Ok(roll_over_within(ctx, lo, hi, today, usize::MAX).await?.0)
}

/// [`roll_over`], a page of [`ROLL_PAGE`] rows at a time (one read and one write batch each,
/// so no request holds a whole scope's inputs), recomputing at most `limit` rows: returns how
/// many, and whether the scope is done (false: stale rows may be left for the next call). A
/// page starts after the last row of the previous one, so a row left stale by a racing write
/// is not read again in the same call.
pub async fn roll_over_within(
    ctx: &Ctx,
    lo: &str,
    hi: &str,
    today: NaiveDate,
    limit: usize,
) -> AppResult<(usize, bool)> {
    let db = &ctx.db;
    let mut setting: Option<DaySetting> = None;
    let mut after = (String::new(), String::new());
    let mut done = 0usize;
    loop {
        if done >= limit {
            return Ok((done, false));
        }
        let page = ROLL_PAGE.min(limit - done);
        let stale = match &setting {
            None => {
                let results = db
                    .batch(read_statements(
                        db,
                        lo,
                        hi,
                        today,
                        false,
                        page as i64,
                        true,
                    )?)
                    .await?;
                let stale = packed_rows::<InputRow>(&results[0])?;
                if stale.is_empty() {
                    return Ok((done, true));
                }
                setting = Some(setting_from(&results, today)?);
                stale
            }
            Some(_) => {
                let results = db
                    .batch(vec![inputs_statement(
                        db,
                        lo,
                        hi,
                        today,
                        false,
                        (after.0.as_str(), after.1.as_str()),
                        page as i64,
                        true,
                    )?])
                    .await?;
                packed_rows::<InputRow>(&results[0])?
            }
        };
        // The page's last row in (community, elder) order.
        let Some(last) = stale
            .iter()
            .max_by(|a, b| (&a.region_code, &a.id).cmp(&(&b.region_code, &b.id)))
        else {
            return Ok((done, true));
        };
        after = (last.region_code.clone(), last.id.clone());
        done += stale.len();
        let setting = setting.as_ref().expect("read with the first page");
        write_rows(ctx, &stale, setting, today).await?;
        if stale.len() < page {
            return Ok((done, true));
        }
    }
}

/// Recomputes `stale` and writes each row still at the version read.
async fn write_rows(
    ctx: &Ctx,
    stale: &[InputRow],
    setting: &DaySetting,
    today: NaiveDate,
) -> AppResult<()> {
    let db = &ctx.db;
    let today_text = today.to_string();
    let mut writes: Vec<Statement> = Vec::new();
    let mut retiered: Vec<Value> = Vec::new();
    for chunk in stale.chunks(CHUNK) {
        let states: Vec<DueState> = chunk
            .iter()
            .map(|row| compute(row, setting, today))
            .collect();
        let mut keys: Vec<(&str, i64)> = Vec::with_capacity(chunk.len());
        let mut items: Vec<ItemOut<'_>> = Vec::new();
        let mut elders: Vec<ElderOut<'_>> = Vec::with_capacity(chunk.len());
        for (row, state) in chunk.iter().zip(&states) {
            keys.push((&row.id, row.version));
            items.extend(item_rows(&row.id, &row.region_code, row.version, state));
            if let Some(tier) = &state.tier {
                let requirements = serde_json::to_string(&state.requirements)?;
                // The stored text is usually the same text (this function wrote it); only
                // otherwise are the two compared as JSON values.
                let same = match row.requirements.as_deref() {
                    Some(stored) if stored == requirements => true,
                    Some(stored) => {
                        serde_json::from_str::<Value>(stored).ok()
                            == Some(serde_json::to_value(&state.requirements)?)
                    }
                    None => false,
                };
                if row.tier.as_deref() != Some(tier.as_str()) || !same {
                    retiered.push(json!([row.id, tier, requirements]));
                }
            }
            elders.push(ElderOut(
                &row.id,
                row.version,
                date_text(state.valid_until),
                state.tier.as_deref(),
                state.tier_rank,
                state.last_visit.map(|d| d.to_string()),
                state.attention_on().map(|d| d.to_string()),
                stored_ladder::Stored(&state.ladder),
            ));
        }
        // Only rows still at the version read: a write since then left them stale.
        writes.push(db.statement(
            "DELETE FROM due_items WHERE elder_id IN (SELECT d.elder_id FROM json_each(?1) j \
             JOIN due_elders d ON d.elder_id = json_extract(j.value, '$[0]') AND d.version = json_extract(j.value, '$[1]'))",
            args![serde_json::to_string(&keys)?],
        )?);
        if !items.is_empty() {
            writes.push(db.statement(
                &format!(
                    "INSERT INTO due_items (elder_id, rank, region_code, overdue, tier, tier_rank, next_due_by, kind, mode, \
                     count, per, done, surge, status) \
                     SELECT i.elder_id, i.rank, i.region_code, i.overdue, i.tier, i.tier_rank, i.next_due_by, i.kind, i.mode, \
                       i.count, i.per, i.done, i.surge, {ITEM_STATUS_SQL} \
                     FROM (SELECT json_extract(j.value, '$[0]') AS elder_id, json_extract(j.value, '$[1]') AS rank, \
                       json_extract(j.value, '$[2]') AS region_code, json_extract(j.value, '$[3]') AS overdue, \
                       json_extract(j.value, '$[4]') AS tier, json_extract(j.value, '$[5]') AS tier_rank, \
                       json_extract(j.value, '$[6]') AS next_due_by, json_extract(j.value, '$[7]') AS kind, \
                       json_extract(j.value, '$[8]') AS mode, json_extract(j.value, '$[9]') AS count, \
                       json_extract(j.value, '$[10]') AS per, json_extract(j.value, '$[11]') AS done, \
                       json_extract(j.value, '$[12]') AS surge, json_extract(j.value, '$[13]') AS version, \
                       json_extract(j.value, '$[14]') AS period_start, json_extract(j.value, '$[15]') AS period_end, \
                       json_extract(j.value, '$[16]') AS state, json_extract(j.value, '$[17]') AS previous_met \
                       FROM json_each(?1) j) i \
                     JOIN due_elders d ON d.elder_id = i.elder_id AND d.version = i.version"
                ),
                args![serde_json::to_string(&items)?],
            )?);
        }
        writes.push(db.statement(
            "UPDATE due_elders SET computed_on = ?2, valid_until = json_extract(j.value, '$[2]'), \
               tier = json_extract(j.value, '$[3]'), tier_rank = json_extract(j.value, '$[4]'), \
               last_visit = json_extract(j.value, '$[5]'), attention_on = json_extract(j.value, '$[6]'), \
               ladder = json_extract(j.value, '$[7]') \
             FROM json_each(?1) j \
             WHERE due_elders.elder_id = json_extract(j.value, '$[0]') AND due_elders.version = json_extract(j.value, '$[1]')",
            args![serde_json::to_string(&elders)?, today_text.as_str()],
        )?);
    }
    // Issue 16: the registry's tier and the phones' requirements follow the profile in force.
    if !retiered.is_empty() {
        writes.push(db.statement(
            NEW_CURSOR_SQL,
            args![None::<String>, "due_state", ctx.now_ms],
        )?);
        for chunk in retiered.chunks(CHUNK) {
            writes.push(db.statement(
                &format!(
                    "UPDATE elders SET tier = json_extract(j.value, '$[1]'), requirements = json_extract(j.value, '$[2]'), \
                     cursor = {CURRENT_CURSOR} FROM json_each(?1) j WHERE elders.id = json_extract(j.value, '$[0]')"
                ),
                args![serde_json::to_string(chunk)?],
            )?);
        }
    }
    while !writes.is_empty() {
        let rest = writes.split_off(writes.len().min(100));
        db.batch(writes).await?;
        writes = rest;
    }
    Ok(())
}

#[derive(Deserialize)]
struct StoredElder {
    elder_id: String,
    region_code: String,
    valid_until: String,
    tier: Option<String>,
    tier_rank: i64,
    last_visit: Option<String>,
    attention_on: Option<String>,
    ladder: String,
    elder_tier: Option<String>,
    elder_requirements: Option<String>,
}

#[derive(Deserialize)]
struct StoredItem {
    elder_id: String,
    rank: i64,
    region_code: String,
    overdue: i64,
    tier: String,
    tier_rank: i64,
    next_due_by: String,
    kind: String,
    mode: String,
    count: i64,
    per: String,
    done: i64,
    surge: Option<String>,
    status: String,
}

#[derive(Deserialize)]
struct MissingRow {
    id: String,
}

/// `POST /api/dev/due/check {"today"?, "region"?}` (only with `DEV_SEED=1`): rolls the scope
/// over as any reader does, then recomputes every elder of it from scratch and lists where the
/// table differs (`differences` empty = the invariant holds).
pub async fn dev_check(mut req: worker::Request, ctx: &Ctx) -> AppResult<worker::Response> {
    use crate::error::AppError;
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let body: Value = crate::http::read_json(&mut req).await?;
    let today = match body.get("today").and_then(Value::as_str) {
        None => ctx.today(),
        Some(text) => tanfang_domain::date::parse_date(text)
            .map_err(|_| AppError::invalid("today", "须为 YYYY-MM-DD (must be YYYY-MM-DD)"))?,
    };
    let region = body.get("region").and_then(Value::as_str).unwrap_or("");
    let (lo, hi) = if region.is_empty() {
        ("000000000000".to_string(), "999999999999".to_string())
    } else {
        crate::store::subtree_range(region)
    };
    let refreshed = roll_over(ctx, &lo, &hi, today).await?;
    let db = &ctx.db;
    let mut statements = read_statements(db, &lo, &hi, today, true, -1, false)?;
    statements.push(db.statement(
        "SELECT d.elder_id, d.region_code, d.valid_until, d.tier, d.tier_rank, d.last_visit, d.attention_on, d.ladder, \
           e.tier AS elder_tier, e.requirements AS elder_requirements \
         FROM due_elders d JOIN elders e ON e.id = d.elder_id WHERE d.region_code BETWEEN ?1 AND ?2",
        args![lo.as_str(), hi.as_str()],
    )?);
    statements.push(db.statement(
        "SELECT elder_id, rank, region_code, overdue, tier, tier_rank, next_due_by, kind, mode, count, per, done, surge, status \
         FROM due_items WHERE region_code BETWEEN ?1 AND ?2 ORDER BY elder_id, rank",
        args![lo.as_str(), hi.as_str()],
    )?);
    statements.push(db.statement(
        "SELECT e.id FROM elders e LEFT JOIN due_elders d ON d.elder_id = e.id \
         WHERE e.region_code BETWEEN ?1 AND ?2 AND (d.elder_id IS NULL OR d.region_code <> e.region_code)",
        args![lo.as_str(), hi.as_str()],
    )?);
    let results = db.batch(statements).await?;
    let inputs = rows::<InputRow>(&results[0])?;
    let setting = setting_from(&results, today)?;
    let stored: std::collections::HashMap<String, StoredElder> = rows::<StoredElder>(&results[4])?
        .into_iter()
        .map(|r| (r.elder_id.clone(), r))
        .collect();
    let mut stored_items: std::collections::BTreeMap<String, Vec<Value>> = Default::default();
    for i in rows::<StoredItem>(&results[5])? {
        stored_items
            .entry(i.elder_id.clone())
            .or_default()
            .push(json!([
                i.elder_id,
                i.rank,
                i.region_code,
                i.overdue,
                i.tier,
                i.tier_rank,
                i.next_due_by,
                i.kind,
                i.mode,
                i.count,
                i.per,
                i.done,
                i.surge,
                i.status
            ]));
    }
    let mut differences: Vec<Value> = rows::<MissingRow>(&results[6])?
        .into_iter()
        .map(|m| json!({"elder_id": m.id, "field": "row", "stored": null, "recomputed": "missing or in another community"}))
        .collect();
    let mut differ = |id: &str, field: &str, stored: Value, recomputed: Value| {
        if stored != recomputed {
            differences.push(
                json!({"elder_id": id, "field": field, "stored": stored, "recomputed": recomputed}),
            );
        }
    };
    for row in &inputs {
        let state = compute(row, &setting, today);
        let Some(have) = stored.get(&row.id) else {
            differ(&row.id, "row", Value::Null, json!("present"));
            continue;
        };
        differ(
            &row.id,
            "region_code",
            json!(have.region_code),
            json!(row.region_code),
        );
        // A row may be marked to expire sooner than needed (a surge's trigger lowers every row
        // of its subtree to its start, targeted or not): only a later date is wrong.
        let recomputed_until = date_text(state.valid_until);
        if have.valid_until > recomputed_until {
            differ(
                &row.id,
                "valid_until",
                json!(have.valid_until),
                json!(recomputed_until),
            );
        }
        differ(&row.id, "tier", json!(have.tier), json!(state.tier));
        differ(
            &row.id,
            "tier_rank",
            json!(have.tier_rank),
            json!(state.tier_rank),
        );
        differ(
            &row.id,
            "last_visit",
            json!(have.last_visit),
            json!(state.last_visit.map(|d| d.to_string())),
        );
        differ(
            &row.id,
            "attention_on",
            json!(have.attention_on),
            json!(state.attention_on().map(|d| d.to_string())),
        );
        let stored_ladder: Value = stored_ladder::from_text(&have.ladder)
            .map(|mut entries| {
                for e in &mut entries {
                    e.step = tanfang_domain::due_state::step_on(e, today);
                }
                serde_json::to_value(entries).unwrap_or(Value::Null)
            })
            .unwrap_or(Value::Null);
        differ(
            &row.id,
            "ladder",
            stored_ladder,
            serde_json::to_value(&state.ladder)?,
        );
        differ(
            &row.id,
            "items",
            Value::Array(stored_items.remove(&row.id).unwrap_or_default()),
            Value::Array(item_values(&row.id, &row.region_code, &state)?),
        );
        if let Some(tier) = &state.tier {
            differ(&row.id, "elders.tier", json!(have.elder_tier), json!(tier));
            let requirements: Value = have
                .elder_requirements
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or(Value::Null);
            differ(
                &row.id,
                "elders.requirements",
                requirements,
                serde_json::to_value(&state.requirements)?,
            );
        }
    }
    for (id, items) in stored_items {
        differences
            .push(json!({"elder_id": id, "field": "items", "stored": items, "recomputed": []}));
    }
    let count = differences.len();
    differences.truncate(100);
    crate::http::json(&json!({
        "today": today.to_string(),
        "elders": inputs.len(),
        "refreshed": refreshed,
        "count": count,
        "differences": differences,
    }))
}
