//! `POST /api/sync/push` and `GET /api/sync/pull` (protocol in `tanfang_domain::sync`).
//!
//! Push makes three D1 round trips whatever the number of mutations: the session, one batch of
//! reads (client sequence, the elders concerned, known visit ids), one batch of writes. The
//! write batch starts by moving the client's sequence from the value read to the new one; a
//! trigger aborts the whole batch if another push moved it meanwhile, so a mutation is applied
//! exactly once even when a phone retries concurrently.

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::handlers::{care, months};
use crate::http::{self, read_json};
use crate::store::{rows, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::views::{self, RecentVisitRow, VolunteerElderRow};
use crate::{args, evidence, tally};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tanfang_domain::month_close::{check_correction_reason, MonthCloseError};
use tanfang_domain::sync::{
    apply_field_edits, sequence_decisions, AckStatus, FieldVersions, MutationAck, MutationBody,
    PullResponse, PushRequest, PushResponse, SeqDecision, SurgeView, VOLUNTEER_EDITABLE_FIELDS,
};
use tanfang_domain::visit::VisitRecord;
use worker::{Request, Response};

/// Most mutations accepted in one push.
pub const MAX_MUTATIONS_PER_PUSH: usize = 500;

#[derive(Deserialize)]
struct SeqRow {
    last_seq: i64,
}

#[derive(Deserialize, Clone)]
struct ElderState {
    id: String,
    region_code: String,
    consent: String,
    responsible_id: Option<String>,
    backup_id: Option<String>,
    file: String,
    field_versions: String,
    was_assigned: i64,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// May `principal` write visits/edits for this elder?
fn may_write(principal: &Principal, elder: &ElderState) -> bool {
    match principal.role {
        Role::Volunteer => {
            elder.responsible_id.as_deref() == Some(principal.id.as_str())
                || elder.backup_id.as_deref() == Some(principal.id.as_str())
                // A visit made while assigned is still accepted after a reassignment.
                || elder.was_assigned > 0
        }
        Role::Coordinator | Role::Admin => principal.governs(&elder.region_code),
        Role::GroupAdmin => false,
    }
}

fn month_of(date: &str) -> String {
    date.chars().take(7).collect()
}

pub async fn push(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if principal.role == Role::GroupAdmin {
        return Err(AppError::Forbidden);
    }
    let request: PushRequest = read_json(&mut req).await?;
    let client_id = request.client_id.trim().to_string();
    if client_id.is_empty() || client_id.len() > 100 {
        return Err(AppError::invalid(
            "client_id",
            "须为 1–100 个字符 (1–100 characters)",
        ));
    }
    if request.mutations.len() > MAX_MUTATIONS_PER_PUSH {
        return Err(AppError::invalid(
            "mutations",
            format!(
                "一次最多 {MAX_MUTATIONS_PER_PUSH} 条 (at most {MAX_MUTATIONS_PER_PUSH} per push)"
            ),
        ));
    }
    for (index, pair) in request.mutations.windows(2).enumerate() {
        if pair[1].seq <= pair[0].seq {
            return Err(AppError::invalid(
                format!("mutations[{}].seq", index + 1),
                "须严格递增 (seqs must increase)",
            ));
        }
    }
    if let Some(index) = request.mutations.iter().position(|m| m.seq == 0) {
        return Err(AppError::invalid(
            format!("mutations[{index}].seq"),
            "从 1 开始 (seq starts at 1)",
        ));
    }

    // A phone clock that is off is flagged on every record of this push and in the answer
    // (the phone then asks its user to set the clock), never silently trusted.
    let clock_skew_ms = tanfang_domain::sync::device_clock_skew(ctx.now_ms, request.device_now_ms);

    // Parse and validate every visit before touching storage.
    let mut visits: BTreeMap<u64, VisitRecord> = BTreeMap::new();
    for (index, mutation) in request.mutations.iter().enumerate() {
        let prefix = format!("mutations[{index}].payload");
        match &mutation.body {
            MutationBody::VisitCreate(payload) => {
                let mut record: VisitRecord =
                    serde_path_to_error::deserialize(payload).map_err(|e| AppError::Invalid {
                        code: "invalid_field",
                        field: format!("{prefix}.{}", e.path()),
                        message: format!("字段无效 Invalid value: {}", e.inner()),
                    })?;
                if principal.role == Role::Volunteer || record.visitor_id.trim().is_empty() {
                    record.visitor_id = principal.id.clone();
                }
                if record.visitor_id != principal.id {
                    record.entered_by = Some(principal.id.clone());
                }
                record.server_time_ms = Some(ctx.now_ms);
                record.device_clock_skew_ms = clock_skew_ms;
                if let Err(errors) = record.validate() {
                    let first = &errors[0];
                    return Err(AppError::Invalid {
                        code: "invalid_field",
                        field: format!("{prefix}.{}", first.field),
                        message: first.message.clone(),
                    });
                }
                visits.insert(mutation.seq, record);
            }
            MutationBody::ElderEdit(edit) => {
                if edit.elder_id.trim().is_empty() {
                    return Err(AppError::invalid(
                        format!("{prefix}.elder_id"),
                        "缺少 elder_id",
                    ));
                }
                for (field, value) in &edit.fields {
                    if !VOLUNTEER_EDITABLE_FIELDS.contains(&field.as_str()) {
                        return Err(AppError::Forbidden);
                    }
                    validate_editable_field(field, value).map_err(|message| {
                        AppError::invalid(format!("{prefix}.fields.{field}"), message)
                    })?;
                }
            }
        }
    }

    // Round trip: reads.
    let elder_ids: BTreeSet<&str> = request
        .mutations
        .iter()
        .map(|m| match &m.body {
            MutationBody::VisitCreate(_) => visits[&m.seq].elder_id.as_str(),
            MutationBody::ElderEdit(edit) => edit.elder_id.as_str(),
        })
        .collect();
    let elder_ids_json = serde_json::to_string(&elder_ids)?;
    let visit_ids_json =
        serde_json::to_string(&visits.values().map(|v| v.id.as_str()).collect::<Vec<_>>())?;
    let visit_months_json = serde_json::to_string(
        &visits
            .values()
            .map(|v| month_of(&v.date.to_string()))
            .collect::<BTreeSet<_>>(),
    )?;
    let db = &ctx.db;
    let (stamp_visitors, stamp_statements) = evidence::stamp_reads(db, visits.values())?;
    let reads = db
        .batch(vec![
            db.statement(
                "INSERT OR IGNORE INTO client_seq (account_id, client_id, last_seq, expected_prev, updated_at) VALUES (?1, ?2, 0, 0, ?3)",
                args![principal.id.as_str(), client_id.as_str(), ctx.now_ms],
            )?,
            db.statement(
                "SELECT last_seq FROM client_seq WHERE account_id = ?1 AND client_id = ?2",
                args![principal.id.as_str(), client_id.as_str()],
            )?,
            db.statement(
                "SELECT e.id, e.region_code, e.consent, e.responsible_id, e.backup_id, e.file, e.field_versions, \
                   EXISTS (SELECT 1 FROM assignments a WHERE a.elder_id = e.id AND a.account_id = ?2) AS was_assigned \
                 FROM elders e WHERE e.id IN (SELECT value FROM json_each(?1))",
                args![elder_ids_json.as_str(), principal.id.as_str()],
            )?,
            db.statement(
                "SELECT id FROM visits WHERE id IN (SELECT value FROM json_each(?1))",
                args![visit_ids_json],
            )?,
        ]
        .into_iter()
        // Open hazards, latest visits, open referrals and family-duty flags (care loop).
        .chain(care::visit_reads(db, &elder_ids_json)?)
        // Closed months the visits fall in (issue 16: a late visit there needs a reason).
        .chain([months::closes_statement(db, &visit_months_json)?])
        // The visitors' visits near the new ones in phone time (evidence: bursts).
        .chain(stamp_statements)
        .collect())
        .await?;
    let closes = rows::<months::CloseRangeRow>(&reads[4 + care::VISIT_READS])?;
    let last_seq = rows::<SeqRow>(&reads[1])?
        .first()
        .map(|r| r.last_seq.max(0) as u64)
        .unwrap_or(0);
    let mut elders: HashMap<String, ElderState> = rows::<ElderState>(&reads[2])?
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect();
    let known_visits: BTreeSet<String> = rows::<IdRow>(&reads[3])?
        .into_iter()
        .map(|r| r.id)
        .collect();

    let seqs: Vec<u64> = request.mutations.iter().map(|m| m.seq).collect();
    let decisions = sequence_decisions(last_seq, &seqs);
    if let Some(SeqDecision::Gap { expected }) = decisions
        .iter()
        .find(|d| matches!(d, SeqDecision::Gap { .. }))
    {
        return Err(AppError::Conflict {
            code: "seq_gap",
            message: format!("序号不连续，应为 {expected} (sequence gap: expected seq {expected})"),
            expected_seq: Some(*expected),
        });
    }

    // Scope check of everything to apply, before writing anything.
    let mut corrections: BTreeMap<u64, Option<String>> = BTreeMap::new();
    for (index, (mutation, decision)) in request.mutations.iter().zip(&decisions).enumerate() {
        if *decision != SeqDecision::Apply {
            continue;
        }
        let elder_id = match &mutation.body {
            MutationBody::VisitCreate(_) => visits[&mutation.seq].elder_id.as_str(),
            MutationBody::ElderEdit(edit) => edit.elder_id.as_str(),
        };
        let allowed = elders
            .get(elder_id)
            .is_some_and(|e| may_write(&principal, e));
        if !allowed {
            let _ = index;
            return Err(AppError::NotFound);
        }
        // A visit dated in a closed month is a correction only with a reason. Without one it is
        // kept and acknowledged (the phone cannot add a reason: its outbox must not stick) but
        // held out of the month, awaiting a coordinator's reason (`months::held_statements`).
        if let MutationBody::VisitCreate(payload) = &mutation.body {
            let record = &visits[&mutation.seq];
            let month = month_of(&record.date.to_string());
            if !known_visits.contains(&record.id)
                && months::is_closed(&closes, &month, &elders[elder_id].region_code)
            {
                let reason = match check_correction_reason(
                    tanfang_domain::date::Month::containing(record.date),
                    payload.get("correction_reason").and_then(Value::as_str),
                ) {
                    Ok(reason) => Some(reason),
                    Err(MonthCloseError::ReasonRequired { .. }) => None,
                    Err(error) => {
                        return Err(AppError::Invalid {
                            code: "invalid_field",
                            field: format!("mutations[{index}].payload.correction_reason"),
                            message: error.to_string(),
                        })
                    }
                };
                corrections.insert(mutation.seq, reason);
            }
        }
    }

    // Evidence flags of the visits about to be applied (never blocking: computed, then kept).
    // After the care loop's reads and the closed-months read.
    let stamp_start = 4 + care::VISIT_READS + 1;
    let to_apply: Vec<&VisitRecord> = request
        .mutations
        .iter()
        .zip(&decisions)
        .filter(|(_, decision)| **decision == SeqDecision::Apply)
        .filter_map(|(mutation, _)| visits.get(&mutation.seq))
        .filter(|record| !known_visits.contains(&record.id))
        .collect();
    let homes: HashMap<String, Option<tanfang_domain::elder::GeoPoint>> = elders
        .values()
        .map(|elder| (elder.id.clone(), evidence::home_of(&elder.file)))
        .collect();
    let flagged = evidence::compute(
        &to_apply,
        &homes,
        &stamp_visitors,
        &reads[stamp_start..stamp_start + stamp_visitors.len()],
    )?;

    // Build the writes.
    let mut acks = Vec::with_capacity(request.mutations.len());
    let mut writes: Vec<Statement> = Vec::new();
    let mut new_last = last_seq;
    let mut touched_cells: BTreeSet<(String, String)> = BTreeSet::new();
    let mut edited: BTreeSet<String> = BTreeSet::new();
    let mut tail: Vec<Statement> = Vec::new();
    for (mutation, decision) in request.mutations.iter().zip(&decisions) {
        if *decision == SeqDecision::Replay {
            acks.push(MutationAck {
                seq: mutation.seq,
                status: AckStatus::Duplicate,
                conflicts: vec![],
            });
            continue;
        }
        new_last = mutation.seq;
        match &mutation.body {
            MutationBody::VisitCreate(_) => {
                let record = &visits[&mutation.seq];
                if known_visits.contains(&record.id) {
                    acks.push(MutationAck {
                        seq: mutation.seq,
                        status: AckStatus::Duplicate,
                        conflicts: vec![],
                    });
                    continue;
                }
                let date = record.date.format("%Y-%m-%d").to_string();
                let mode = serde_json::to_value(record.mode)?;
                let kind = serde_json::to_value(record.kind)?;
                writes.push(db.statement(
                    &format!(
                        "INSERT INTO visits (id, elder_id, visitor_id, date, mode, kind, record, client_id, device_time, server_time, evidence_flags, cursor) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, {CURRENT_CURSOR}) ON CONFLICT(id) DO NOTHING"
                    ),
                    args![
                        record.id.as_str(),
                        record.elder_id.as_str(),
                        record.visitor_id.as_str(),
                        date.as_str(),
                        mode.as_str().unwrap_or("other"),
                        kind.as_str().unwrap_or("visit"),
                        serde_json::to_string(record)?,
                        client_id.as_str(),
                        record.device_time_ms.map(|ms| ms.to_string()),
                        ctx.now_ms,
                        serde_json::to_string(
                            flagged.new_flags.get(&record.id).map_or(&[][..], Vec::as_slice)
                        )?
                    ],
                )?);
                if kind.as_str() == Some("visit") {
                    writes.push(db.statement(
                        "INSERT OR IGNORE INTO elder_month_visits (elder_id, month) VALUES (?1, ?2)",
                        args![record.elder_id.as_str(), month_of(&date)],
                    )?);
                }
                let community = elders[&record.elder_id].region_code.clone();
                if let Some(None) = corrections.get(&mutation.seq) {
                    tail.extend(months::held_statements(
                        ctx,
                        record,
                        &community,
                        &principal.id,
                    )?);
                }
                if let Some(Some(reason)) = corrections.get(&mutation.seq) {
                    let month = tanfang_domain::date::Month::containing(record.date);
                    tail.push(months::correction_statement(
                        ctx,
                        month,
                        &record.elder_id,
                        &community,
                        record,
                        reason,
                        &principal.id,
                    )?);
                    tail.push(ctx.audit(
                        Some(&principal.id),
                        "month.correction",
                        Some(&record.elder_id),
                        json!({"month": month, "visit_id": record.id, "date": date, "reason": reason}),
                    )?);
                }
                touched_cells.insert((month_of(&date), community));
                acks.push(MutationAck {
                    seq: mutation.seq,
                    status: AckStatus::Applied,
                    conflicts: vec![],
                });
            }
            MutationBody::ElderEdit(edit) => {
                let elder = elders.get_mut(&edit.elder_id).ok_or(AppError::NotFound)?;
                let mut file: Map<String, Value> =
                    serde_json::from_str(&elder.file).unwrap_or_default();
                let versions: FieldVersions =
                    serde_json::from_str(&elder.field_versions).unwrap_or_default();
                let outcome = apply_field_edits(&versions, &file, edit);
                for (field, value) in &outcome.applied {
                    file.insert(field.clone(), value.clone());
                    if field == "consent" {
                        elder.consent = value.as_str().unwrap_or("pending").to_string();
                        touched_cells.insert((
                            month_of(&ctx.today().to_string()),
                            elder.region_code.clone(),
                        ));
                    }
                }
                elder.file = Value::Object(file).to_string();
                elder.field_versions = serde_json::to_string(&outcome.versions)?;
                if !outcome.applied.is_empty() {
                    edited.insert(edit.elder_id.clone());
                }
                for conflict in &outcome.conflicts {
                    tail.push(db.statement(
                        "INSERT INTO conflicts (id, elder_id, field, base_version, server_version, server_value, client_value, submitted_by, created_at) \
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                        args![
                            crate::crypto::random_id("conflict")?,
                            edit.elder_id.as_str(),
                            conflict.field.as_str(),
                            conflict.base_version,
                            conflict.server_version,
                            conflict.server_value.to_string(),
                            conflict.client_value.to_string(),
                            principal.id.as_str(),
                            ctx.now_ms
                        ],
                    )?);
                }
                acks.push(MutationAck {
                    seq: mutation.seq,
                    status: if outcome.conflicts.is_empty() {
                        AckStatus::Applied
                    } else {
                        AckStatus::Conflict
                    },
                    conflicts: outcome.conflicts,
                });
            }
        }
    }
    for (visit_id, flags) in &flagged.updates {
        writes.push(db.statement(
            "UPDATE visits SET evidence_flags = ?2 WHERE id = ?1",
            args![visit_id.as_str(), flags.as_str()],
        )?);
    }
    for elder_id in &edited {
        let elder = &elders[elder_id];
        writes.push(db.statement(
            &format!(
                "UPDATE elders SET file = ?2, field_versions = ?3, consent = ?4, cursor = {CURRENT_CURSOR}, updated_at = ?5 WHERE id = ?1"
            ),
            args![elder_id.as_str(), elder.file.as_str(), elder.field_versions.as_str(), elder.consent.as_str(), ctx.now_ms],
        )?);
    }
    writes.extend(tail);
    // Elders with new visits move to this cursor too, so an incremental pull re-sends their
    // view (last visits, open hazards and needs) to everyone assigned.
    let visited: BTreeSet<&str> = acks
        .iter()
        .filter(|a| a.status == AckStatus::Applied)
        .filter_map(|a| visits.get(&a.seq).map(|v| v.elder_id.as_str()))
        .filter(|id| !edited.contains(*id))
        .collect();
    if !visited.is_empty() {
        writes.push(db.statement(
            &format!(
                "UPDATE elders SET cursor = {CURRENT_CURSOR} WHERE id IN (SELECT value FROM json_each(?1))"
            ),
            args![serde_json::to_string(&visited)?],
        )?);
    }
    // The care loop: hazards opened or re-checked, needs referred, family duty flagged.
    let applied: Vec<&VisitRecord> = acks
        .iter()
        .filter(|a| a.status == AckStatus::Applied)
        .filter_map(|a| visits.get(&a.seq))
        .collect();
    writes.extend(care::visit_writes(
        ctx,
        &reads[4..4 + care::VISIT_READS],
        &applied,
    )?);
    for (month, community) in &touched_cells {
        writes.extend(tally::recompute(db, month, community, ctx.now_ms)?);
    }
    if new_last != last_seq {
        let mut batch = vec![
            db.statement(
                "UPDATE client_seq SET last_seq = ?3, expected_prev = ?4, updated_at = ?5 WHERE account_id = ?1 AND client_id = ?2",
                args![principal.id.as_str(), client_id.as_str(), new_last, last_seq, ctx.now_ms],
            )?,
            db.statement(NEW_CURSOR_SQL, args![principal.id.as_str(), "sync.push", ctx.now_ms])?,
        ];
        batch.extend(writes);
        db.batch(batch).await?;
    }
    http::json(&PushResponse {
        acks,
        last_seq: new_last,
        clock_skew_ms,
    })
}

/// Checks the value of a phone-editable field; the message names what is wrong.
fn validate_editable_field(field: &str, value: &Value) -> Result<(), String> {
    match field {
        "phone" => match value.as_str() {
            Some(text) => tanfang_domain::phone::Phone::parse(text)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            None => Err("须为字符串 (must be a string)".into()),
        },
        "emergency_contacts" => {
            serde_json::from_value::<Vec<tanfang_domain::elder::EmergencyContact>>(value.clone())
                .map(|_| ())
                .map_err(|e| format!("紧急联系人格式错误 (bad emergency contacts): {e}"))
        }
        "consent" => serde_json::from_value::<tanfang_domain::elder::Consent>(value.clone())
            .map(|_| ())
            .map_err(|_| "须为 accepted / declined / pending".into()),
        _ => Err("不可修改 (not editable)".into()),
    }
}

#[derive(Deserialize)]
struct CursorRow {
    cursor: i64,
}

#[derive(Deserialize)]
struct VisitRow {
    record: String,
}

#[derive(Deserialize)]
struct SurgeRow {
    id: String,
    region_code: String,
    title: String,
    start_date: String,
    end_date: String,
    tiers: String,
    categories: String,
    requirement: String,
}

#[derive(Deserialize)]
struct RemovalRow {
    elder_id: String,
}

/// The elders `principal` may see, as a condition on `elders e` that uses exactly `?1` and
/// `?2`, with its two arguments.
pub fn scope_condition(principal: &Principal) -> AppResult<(String, Vec<crate::store::Arg>)> {
    Ok(match principal.role {
        Role::Volunteer => (
            "(e.responsible_id = ?1 OR e.backup_id = ?2)".to_string(),
            args![principal.id.as_str(), principal.id.as_str()],
        ),
        Role::Coordinator | Role::Admin => {
            let (lo, hi) = principal.require_coordinator()?;
            (
                "(e.region_code BETWEEN ?1 AND ?2)".to_string(),
                args![lo, hi],
            )
        }
        // Group admins never see elders.
        Role::GroupAdmin => ("(e.id = ?1 AND e.id = ?2)".to_string(), args!["", "-"]),
    })
}

#[derive(Deserialize)]
struct EscalationRow {
    elder_id: String,
    step: String,
    period_end: String,
}

/// The step the phone shows for one elder: the highest uncleared step of a current period,
/// if it concerns this user — the responsible visitor from `reminded` on, the backup visitor
/// from `handed_to_backup` on.
fn phone_escalation(my_role: &str, elder_id: &str, rows: &[EscalationRow]) -> Option<String> {
    const ORDER: [&str; 3] = ["reminded", "handed_to_backup", "community_staff"];
    let rank = |step: &str| ORDER.iter().position(|s| *s == step);
    let first_for_me = match my_role {
        "responsible" => 0,
        "backup" => 1,
        _ => return None,
    };
    rows.iter()
        .filter(|r| r.elder_id == elder_id)
        .filter_map(|r| Some((rank(&r.step)?, r)))
        .filter(|(rank, _)| *rank >= first_for_me)
        .max_by(|(a, ra), (b, rb)| (a, &rb.period_end).cmp(&(b, &ra.period_end)))
        .map(|(_, r)| r.step.clone())
}

/// How far back a full pull sends visits (schedules look at most one year back).
const FULL_PULL_VISIT_DAYS: i64 = 400;

pub async fn pull(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if principal.role == Role::GroupAdmin {
        return Err(AppError::Forbidden);
    }
    let cursor: u64 = match http::query_param(&req, "cursor") {
        None => 0,
        Some(text) if text.is_empty() => 0,
        Some(text) => text.parse().map_err(|_| {
            AppError::invalid("cursor", "须为非负整数 (must be a non-negative integer)")
        })?,
    };
    let full = cursor == 0;
    let today = ctx.today();
    let today_text = today.to_string();
    let since_date = (today - chrono::Duration::days(FULL_PULL_VISIT_DAYS)).to_string();
    // The elders this user may see: a SQL condition on `e` using exactly ?1 and ?2.
    let (scope_sql, scope_args) = scope_condition(&principal)?;
    let with = |extra: Vec<crate::store::Arg>| {
        let mut all = scope_args.clone();
        all.extend(extra);
        all
    };
    let db = &ctx.db;
    let changed = format!("{scope_sql} AND e.cursor > ?3");
    let results = db
        .batch(vec![
            db.statement("SELECT MAX(cursor) AS cursor FROM feed", vec![])?,
            db.statement(
                &format!(
                    "SELECT {} FROM elders e LEFT JOIN regions r ON r.code = e.region_code WHERE {changed} ORDER BY e.id",
                    views::VOLUNTEER_ELDER_COLUMNS
                ),
                with(args![cursor]),
            )?,
            db.statement(&views::recent_visits_sql(&changed), with(args![cursor]))?,
            db.statement(
                &format!(
                    "SELECT {} AS record FROM visits v JOIN elders e ON e.id = v.elder_id WHERE {scope_sql} AND \
                     (CASE WHEN ?3 = 0 THEN v.date >= ?4 ELSE (v.cursor > ?3 OR (e.cursor > ?3 AND v.date >= ?4)) END) \
                     ORDER BY v.cursor, v.id",
                    views::visit_for_phone_sql("v", "?5")
                ),
                with(args![cursor, since_date.as_str(), principal.id.as_str()]),
            )?,
            db.statement(
                &format!(
                    "SELECT s.id, s.region_code, s.title, s.start_date, s.end_date, s.tiers, s.categories, s.requirement FROM surges s \
                     WHERE s.start_date <= ?3 AND s.end_date >= ?3 AND EXISTS \
                       (SELECT 1 FROM elders e WHERE {scope_sql} AND e.region_code BETWEEN s.region_lo AND s.region_hi) \
                     ORDER BY s.start_date, s.id"
                ),
                with(args![today_text.as_str()]),
            )?,
            db.statement(
                &format!(
                    "SELECT DISTINCT r.elder_id FROM removals r WHERE r.account_id = ?3 AND r.cursor > ?4 AND ?5 = 0 \
                     AND r.elder_id NOT IN (SELECT e.id FROM elders e WHERE {scope_sql})"
                ),
                with(args![principal.id.as_str(), cursor, full]),
            )?,
            // Hazards still open on the changed elders (the care loop's table is the truth:
            // a coordinator may have closed one the last visit found).
            db.statement(
                &format!(
                    "SELECT h.elder_id, h.data FROM hazards h WHERE h.state != 'closed' \
                     AND h.elder_id IN (SELECT e.id FROM elders e WHERE {changed}) ORDER BY h.due, h.id"
                ),
                with(args![cursor]),
            )?,
            // The escalation steps of the changed elders' current periods (issue 15).
            db.statement(
                &format!(
                    "SELECT s.elder_id, s.step, s.period_end FROM escalation_steps s \
                     WHERE s.cleared_on IS NULL AND s.step != 'missed' AND s.period_end >= ?4 \
                     AND s.elder_id IN (SELECT e.id FROM elders e WHERE {changed}) \
                     AND NOT EXISTS (SELECT 1 FROM escalation_steps m WHERE m.elder_id = s.elder_id \
                       AND m.requirement = s.requirement AND m.period_start = s.period_start AND m.step = 'missed') \
                     ORDER BY s.elder_id, s.period_end"
                ),
                with(args![cursor, today_text.as_str()]),
            )?,
        ])
        .await?;
    let escalation_rows = rows::<EscalationRow>(&results[7])?;
    let mut hazards_by_elder: HashMap<String, Vec<tanfang_domain::care::Hazard>> = HashMap::new();
    for row in rows::<views::OpenHazardRow>(&results[6])? {
        if let Ok(hazard) = serde_json::from_str(&row.data) {
            hazards_by_elder
                .entry(row.elder_id)
                .or_default()
                .push(hazard);
        }
    }
    let new_cursor = rows::<CursorRow>(&results[0])?
        .first()
        .map(|r| r.cursor)
        .unwrap_or(0);
    let recent = rows::<RecentVisitRow>(&results[2])?;
    let mut recent_by_elder: HashMap<&str, Vec<&RecentVisitRow>> = HashMap::new();
    for row in &recent {
        recent_by_elder
            .entry(row.elder_id.as_str())
            .or_default()
            .push(row);
    }
    for list in recent_by_elder.values_mut() {
        list.sort_by_key(|r| r.rn);
    }
    let elders = rows::<VolunteerElderRow>(&results[1])?
        .into_iter()
        .map(|row| {
            let recent = recent_by_elder
                .get(row.id.as_str())
                .cloned()
                .unwrap_or_default();
            let hazards = hazards_by_elder.remove(&row.id).unwrap_or_default();
            let mut view = views::volunteer_elder(row, &principal.id, &recent, &hazards, today);
            view.escalation = phone_escalation(&view.my_role, &view.id, &escalation_rows);
            view
        })
        .collect();
    // The records as D1 gave them (signatures blanked, others' locations left out): checked to be JSON, not
    // parsed into values and written out again.
    let visits = rows::<VisitRow>(&results[3])?
        .into_iter()
        .map(|row| {
            RawValue::from_string(row.record)
                .unwrap_or_else(|_| RawValue::from_string("null".into()).unwrap())
        })
        .collect();
    let surges = rows::<SurgeRow>(&results[4])?
        .into_iter()
        .map(|s| SurgeView {
            id: s.id,
            region_code: s.region_code,
            title: s.title,
            start_date: s.start_date,
            end_date: s.end_date,
            tiers: serde_json::from_str(&s.tiers).unwrap_or_default(),
            categories: serde_json::from_str(&s.categories).unwrap_or_default(),
            requirement: serde_json::from_str(&s.requirement).unwrap_or(json!(null)),
        })
        .collect();
    let removals = rows::<RemovalRow>(&results[5])?
        .into_iter()
        .map(|r| r.elder_id)
        .collect();
    http::json(&PullResponse::<Box<RawValue>> {
        cursor: new_cursor.max(0) as u64,
        full,
        elders,
        visits,
        surges,
        removals,
    })
}
