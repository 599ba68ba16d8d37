//! The care loop (issue 9): hazards, referrals and the provider directory, emergencies,
//! family duty, smart-device alerts and the notification outbox. Every rule comes from
//! `tanfang_domain::care`; this module reads, checks scope, applies the domain transition and
//! writes the result.
//!
//! Scope: coordinators see and act on items of elders inside their region subtree (404 outside
//! it, like the elders API); a volunteer starts and records emergencies only for elders assigned
//! to them. Devices authenticate with an HMAC-SHA256 of the raw body under their own secret.

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, parse_json, query_param, read_json};
use crate::notify::{self, FailingChannel, HttpSmsChannel, LogChannel};
use crate::store::{rows, subtree_range, Db, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::{args, crypto};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use tanfang_domain::care::{
    call_order, decide_device_message, hazards_after_visit, AlertDecision, CallAttempt,
    CallOutcome, ClosingRecord, DeviceBinding, DeviceKind, DeviceMessage, DutyReminder,
    DutyReminderMethod, Emergency, EmergencyEvent, EmergencyState, FamilyDuty, FamilyDutyEvent,
    Hazard, HazardChange, HazardDeadlines, HazardEvent, HazardState, NeedCategory, ProviderKind,
    Referral, ReferralEvent, Reminder, ReminderTarget, RetryPolicy, TransitionError,
};
use tanfang_domain::care::{
    catalogue as service_catalogue, AdviceOutcome, Benefit, PolicyAdvice, Satisfaction,
    ServiceDelivery,
};
use tanfang_domain::elder::EmergencyContact;
use tanfang_domain::visit::VisitRecord;
use wasm_bindgen::JsCast;
use worker::{D1Result, Method, Request, Response};

/// Closed items stay on the board this long (so a coordinator sees what was just resolved).
const RECENT_MS: i64 = 7 * 24 * 3600 * 1000;
/// Largest device message body.
const MAX_DEVICE_BODY: usize = 16 * 1024;

/// A path segment with `%XX` escapes decoded (ids such as `{visit_id}:gas` arrive as
/// `…%3Agas`); invalid escapes are kept as they are.
fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_string())
}

pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    use Method::{Get, Post};
    let decoded: Vec<String> = segments.iter().map(|s| decode_segment(s)).collect();
    let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
    match (req.method(), segments.as_slice()) {
        (Get, ["api", "care", "board"]) => board(req, ctx).await,
        (Post, ["api", "care", "hazards", id, action @ ("remind" | "close")]) => {
            hazard_action(req, ctx, id, action).await
        }
        (Get, ["api", "care", "providers"]) => list_providers(req, ctx).await,
        (Post, ["api", "care", "providers"]) => create_provider(req, ctx).await,
        (Post, ["api", "care", "referrals"]) => create_referral(req, ctx).await,
        (
            Post,
            ["api", "care", "referrals", id, action @ ("refer" | "accept" | "complete" | "decline")],
        ) => referral_action(req, ctx, id, action).await,
        (Post, ["api", "care", "emergencies"]) => start_emergency(req, ctx).await,
        (Get, ["api", "care", "emergencies", id]) => get_emergency(req, ctx, id).await,
        (Post, ["api", "care", "emergencies", id, action @ ("calls" | "close")]) => {
            emergency_action(req, ctx, id, action).await
        }
        (Post, ["api", "care", "family-duty", id, action @ ("remind" | "resolve")]) => {
            family_duty_action(req, ctx, id, action).await
        }
        (Get, ["api", "care", "devices"]) => list_devices(req, ctx).await,
        (Post, ["api", "care", "devices"]) => register_device(req, ctx).await,
        (Post, ["api", "care", "devices", "webhook"]) => device_webhook(req, ctx).await,
        (Get, ["api", "care", "catalogue"]) => catalogue(req, ctx).await,
        (Get, ["api", "care", "services"]) => list_services(req, ctx).await,
        (Post, ["api", "care", "services"]) => record_service(req, ctx).await,
        (Get, ["api", "care", "advice"]) => list_advice(req, ctx).await,
        (Post, ["api", "care", "advice"]) => record_advice(req, ctx).await,
        (Get, ["api", "care", "notifications"]) => my_notifications(req, ctx).await,
        (Get, ["api", "care", "outbox"]) => outbox(req, ctx).await,
        (Post, ["api", "care", "outbox", "deliver"]) => deliver(req, ctx).await,
        (
            _,
            ["api", "care", "board" | "providers" | "referrals" | "emergencies" | "devices" | "notifications"
            | "outbox" | "catalogue" | "services" | "advice"]
            | ["api", "care", "hazards", _, "remind" | "close"]
            | ["api", "care", "referrals", _, "refer" | "accept" | "complete" | "decline"]
            | ["api", "care", "emergencies", _]
            | ["api", "care", "emergencies", _, "calls" | "close"]
            | ["api", "care", "family-duty", _, "remind" | "resolve"]
            | ["api", "care", "devices", "webhook"]
            | ["api", "care", "outbox", "deliver"],
        ) => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound),
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

fn refused(error: TransitionError) -> AppError {
    match error.field {
        Some(field) => AppError::invalid(field, error.message),
        None => AppError::Conflict {
            code: "illegal_transition",
            message: error.message,
            expected_seq: None,
        },
    }
}

/// The elder facts this module needs.
#[derive(Deserialize, Clone)]
struct ElderRow {
    id: String,
    name: String,
    region_code: String,
    responsible_id: Option<String>,
    backup_id: Option<String>,
    emergency_contacts: Option<String>,
}

const ELDER_SELECT: &str = "SELECT e.id, e.name, e.region_code, e.responsible_id, e.backup_id, \
    json_extract(e.file, '$.emergency_contacts') AS emergency_contacts FROM elders e";

impl ElderRow {
    fn contacts(&self) -> Vec<EmergencyContact> {
        self.emergency_contacts
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default()
    }

    fn is_assigned(&self, principal: &Principal) -> bool {
        self.responsible_id.as_deref() == Some(principal.id.as_str())
            || self.backup_id.as_deref() == Some(principal.id.as_str())
    }
}

async fn elder(ctx: &Ctx, id: &str) -> AppResult<Option<ElderRow>> {
    ctx.db
        .first::<ElderRow>(&format!("{ELDER_SELECT} WHERE e.id = ?1"), args![id])
        .await
}

/// The elder if the coordinator governs it, else 404.
async fn governed_elder(ctx: &Ctx, principal: &Principal, id: &str) -> AppResult<ElderRow> {
    principal.require_coordinator()?;
    match elder(ctx, id).await? {
        Some(row) if principal.governs(&row.region_code) => Ok(row),
        _ => Err(AppError::NotFound),
    }
}

/// The elder if the caller is assigned to it (volunteer) or governs it (coordinator).
async fn visitable_elder(ctx: &Ctx, principal: &Principal, id: &str) -> AppResult<ElderRow> {
    let row = elder(ctx, id).await?.ok_or(AppError::NotFound)?;
    let allowed = match principal.role {
        Role::Volunteer => row.is_assigned(principal),
        Role::Coordinator | Role::Admin => principal.governs(&row.region_code),
        Role::GroupAdmin => false,
    };
    if allowed {
        Ok(row)
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Deserialize)]
struct DataRow {
    elder_id: String,
    data: String,
}

/// A stored care object of `table` and its elder, if the caller may act on it.
async fn load<T: DeserializeOwned>(
    ctx: &Ctx,
    principal: &Principal,
    table: &str,
    id: &str,
    coordinator_only: bool,
) -> AppResult<(T, ElderRow)> {
    let row = ctx
        .db
        .first::<DataRow>(
            &format!("SELECT elder_id, data FROM {table} WHERE id = ?1"),
            args![id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let elder = if coordinator_only {
        governed_elder(ctx, principal, &row.elder_id).await?
    } else {
        visitable_elder(ctx, principal, &row.elder_id).await?
    };
    Ok((serde_json::from_str(&row.data)?, elder))
}

#[derive(Deserialize)]
struct AccountRegion {
    id: String,
    region_code: Option<String>,
}

/// Coordinators whose subtree holds `region_code` (they are told at once).
async fn coordinators_of(ctx: &Ctx, region_code: &str) -> AppResult<Vec<String>> {
    let all = ctx
        .db
        .all::<AccountRegion>(
            "SELECT id, region_code FROM accounts WHERE role = 'coordinator' AND disabled = 0",
            vec![],
        )
        .await?;
    Ok(all
        .into_iter()
        .filter(|a| {
            a.region_code.as_deref().is_some_and(|code| {
                let (lo, hi) = subtree_range(code);
                region_code >= lo.as_str() && region_code <= hi.as_str()
            })
        })
        .map(|a| a.id)
        .collect())
}

fn short_text(field: &str, text: &str, max: usize) -> AppResult<String> {
    let text = text.trim();
    if text.is_empty() {
        return Err(AppError::invalid(field, "不能为空 (required)"));
    }
    if text.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("过长 (longer than {max} characters)"),
        ));
    }
    Ok(text.to_string())
}

// ---------------------------------------------------------------------------------------------
// Visits → hazards, referrals, family duty (called from sync::push, same round trips)
// ---------------------------------------------------------------------------------------------

/// Reads the push needs for the care loop of `elder_ids_json` (a JSON array): open hazards,
/// each elder's latest stored visit, open referral categories, open family-duty flags.
pub fn visit_reads(db: &Db, elder_ids_json: &str) -> AppResult<Vec<Statement>> {
    Ok(vec![
        db.statement(
            "SELECT elder_id, data FROM hazards WHERE state != 'closed' AND elder_id IN (SELECT value FROM json_each(?1))",
            args![elder_ids_json],
        )?,
        db.statement(
            "SELECT elder_id, record AS data FROM (SELECT elder_id, record, ROW_NUMBER() OVER \
               (PARTITION BY elder_id ORDER BY date DESC, server_time DESC) AS rn FROM visits \
               WHERE elder_id IN (SELECT value FROM json_each(?1))) WHERE rn = 1",
            args![elder_ids_json],
        )?,
        db.statement(
            "SELECT elder_id, category AS data FROM referrals WHERE state IN ('open', 'referred', 'accepted') \
             AND elder_id IN (SELECT value FROM json_each(?1))",
            args![elder_ids_json],
        )?,
        db.statement(
            "SELECT elder_id, id AS data FROM family_duty WHERE state != 'resolved' \
             AND elder_id IN (SELECT value FROM json_each(?1))",
            args![elder_ids_json],
        )?,
    ])
}

/// Number of statements [`visit_reads`] returns.
pub const VISIT_READS: usize = 4;

/// The writes that newly applied `visits` cause, given the results of [`visit_reads`]:
/// hazards opened or re-checked (and closed) by the domain rules, needs opened as referrals
/// (one open referral per elder and category), family-duty flags.
pub fn visit_writes(
    ctx: &Ctx,
    reads: &[D1Result],
    visits: &[&VisitRecord],
) -> AppResult<Vec<Statement>> {
    let db = &ctx.db;
    let mut open: HashMap<String, Vec<Hazard>> = HashMap::new();
    for row in rows::<DataRow>(&reads[0])? {
        if let Ok(hazard) = serde_json::from_str::<Hazard>(&row.data) {
            open.entry(row.elder_id).or_default().push(hazard);
        }
    }
    let mut latest: HashMap<String, VisitRecord> = HashMap::new();
    for row in rows::<DataRow>(&reads[1])? {
        if let Ok(record) = serde_json::from_str::<VisitRecord>(&row.data) {
            latest.insert(row.elder_id, record);
        }
    }
    let mut open_categories: BTreeSet<(String, String)> = rows::<DataRow>(&reads[2])?
        .into_iter()
        .map(|r| (r.elder_id, r.data))
        .collect();
    let mut open_duty: BTreeSet<String> = rows::<DataRow>(&reads[3])?
        .into_iter()
        .map(|r| r.elder_id)
        .collect();

    let mut ordered: Vec<&&VisitRecord> = visits.iter().collect();
    ordered.sort_by_key(|visit| visit.date);
    let deadlines = HazardDeadlines::default();
    let mut hazards: BTreeMap<String, Hazard> = BTreeMap::new();
    let mut writes = Vec::new();
    for visit in ordered {
        let previous = latest.get(&visit.elder_id).filter(|p| p.date <= visit.date);
        let elder_open = open.entry(visit.elder_id.clone()).or_default();
        for change in hazards_after_visit(visit, previous, elder_open, &deadlines) {
            let hazard = match change {
                HazardChange::Opened(hazard) | HazardChange::Rechecked(hazard) => hazard,
            };
            elder_open.retain(|h| h.id != hazard.id);
            if hazard.state != HazardState::Closed {
                elder_open.push(hazard.clone());
            }
            hazards.insert(hazard.id.clone(), hazard);
        }
        for (index, need) in visit.needs.iter().enumerate() {
            let key = (visit.elder_id.clone(), need.category.as_str().to_string());
            if open_categories.contains(&key) {
                continue;
            }
            open_categories.insert(key);
            let referral = Referral::open(
                format!("{}:need{index}", visit.id),
                visit.elder_id.clone(),
                need.category,
                need.text.trim(),
                Some(visit.id.clone()),
                visit.date,
            );
            writes.push(referral_upsert(db, &referral, ctx.now_ms)?);
        }
        if let Some(duty) = FamilyDuty::from_visit(visit) {
            if open_duty.insert(visit.elder_id.clone()) {
                writes.push(db.statement(
                    "INSERT OR IGNORE INTO family_duty (id, elder_id, state, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
                    args![visit.id.as_str(), visit.elder_id.as_str(), duty.state.as_str(), serde_json::to_string(&duty)?, ctx.now_ms],
                )?);
            }
        }
        if previous.is_none_or(|p| p.date <= visit.date) {
            latest.insert(visit.elder_id.clone(), (*visit).clone());
        }
    }
    for hazard in hazards.values() {
        writes.push(hazard_upsert(db, hazard, ctx.now_ms)?);
    }
    Ok(writes)
}

fn hazard_upsert(db: &Db, hazard: &Hazard, now_ms: i64) -> AppResult<Statement> {
    db.statement(
        "INSERT INTO hazards (id, elder_id, item, state, due, data, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) \
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, due = excluded.due, data = excluded.data, updated_at = excluded.updated_at",
        args![
            hazard.id.as_str(),
            hazard.elder_id.as_str(),
            hazard.item.as_str(),
            hazard.state.as_str(),
            hazard.due.to_string(),
            serde_json::to_string(hazard)?,
            now_ms
        ],
    )
}

fn referral_upsert(db: &Db, referral: &Referral, now_ms: i64) -> AppResult<Statement> {
    db.statement(
        "INSERT INTO referrals (id, elder_id, category, state, deadline, provider_id, data, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) \
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, deadline = excluded.deadline, provider_id = excluded.provider_id, \
         data = excluded.data, updated_at = excluded.updated_at",
        args![
            referral.id.as_str(),
            referral.elder_id.as_str(),
            referral.category.as_str(),
            referral.state.as_str(),
            referral.deadline.to_string(),
            referral.provider_id.clone(),
            serde_json::to_string(referral)?,
            now_ms
        ],
    )
}

// ---------------------------------------------------------------------------------------------
// The coordinator's board
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct BoardRow {
    id: String,
    elder_id: String,
    elder_name: String,
    data: String,
}

#[derive(Deserialize)]
struct AlertRow {
    id: String,
    elder_id: String,
    elder_name: String,
    kind: String,
    event: String,
    value: Option<f64>,
    urgent: i64,
    label: String,
    created_at: i64,
}

/// `GET /api/care/board`: open (and recently closed) hazards, referrals, emergencies,
/// family-duty flags and device alerts of the elders in the coordinator's subtree, each with
/// `overdue` computed for today.
async fn board(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let since = ctx.now_ms - RECENT_MS;
    let db = &ctx.db;
    let scoped = |table: &str, open: &str| {
        format!(
            "SELECT t.id, t.elder_id, e.name AS elder_name, t.data FROM {table} t JOIN elders e ON e.id = t.elder_id \
             WHERE e.region_code BETWEEN ?1 AND ?2 AND ({open} OR t.updated_at >= ?3) ORDER BY t.created_at"
        )
    };
    let results = db
        .batch(vec![
            db.statement(&scoped("hazards", "t.state != 'closed'"), args![lo.as_str(), hi.as_str(), since])?,
            db.statement(
                &scoped("referrals", "t.state IN ('open', 'referred', 'accepted')"),
                args![lo.as_str(), hi.as_str(), since],
            )?,
            db.statement(&scoped("emergencies", "t.state = 'open'"), args![lo.as_str(), hi.as_str(), since])?,
            db.statement(&scoped("family_duty", "t.state != 'resolved'"), args![lo.as_str(), hi.as_str(), since])?,
            db.statement(
                "SELECT a.id, a.elder_id, e.name AS elder_name, a.kind, a.event, a.value, a.urgent, a.label, a.created_at \
                 FROM alerts a JOIN elders e ON e.id = a.elder_id WHERE e.region_code BETWEEN ?1 AND ?2 AND a.created_at >= ?3 \
                 ORDER BY a.created_at DESC LIMIT 200",
                args![lo.as_str(), hi.as_str(), since],
            )?,
        ])
        .await?;
    let today = ctx.today();
    let with_elder = |row: &BoardRow, mut value: Value| {
        value["elder_name"] = json!(row.elder_name);
        value["elder_id"] = json!(row.elder_id);
        value["id"] = json!(row.id);
        value
    };
    let mut hazards = Vec::new();
    for row in rows::<BoardRow>(&results[0])? {
        let hazard: Hazard = serde_json::from_str(&row.data)?;
        let mut value = with_elder(&row, serde_json::to_value(&hazard)?);
        value["overdue"] = json!(hazard.is_overdue(today));
        value["item_label"] = json!(hazard.item.label_zh());
        value["level_label"] = json!(hazard.level.label_zh());
        value["state_label"] = json!(hazard.state.label_zh());
        hazards.push(value);
    }
    let mut referrals = Vec::new();
    for row in rows::<BoardRow>(&results[1])? {
        let referral: Referral = serde_json::from_str(&row.data)?;
        let mut value = with_elder(&row, serde_json::to_value(&referral)?);
        value["overdue"] = json!(referral.is_overdue(today));
        value["category_label"] = json!(referral.category.label_zh());
        value["state_label"] = json!(referral.state.label_zh());
        referrals.push(value);
    }
    let mut emergencies = Vec::new();
    for row in rows::<BoardRow>(&results[2])? {
        let emergency: Emergency = serde_json::from_str(&row.data)?;
        emergencies.push(with_elder(&row, serde_json::to_value(&emergency)?));
    }
    let mut family_duty = Vec::new();
    for row in rows::<BoardRow>(&results[3])? {
        let duty: FamilyDuty = serde_json::from_str(&row.data)?;
        family_duty.push(with_elder(&row, serde_json::to_value(&duty)?));
    }
    let alerts: Vec<Value> = rows::<AlertRow>(&results[4])?
        .into_iter()
        .map(|a| {
            json!({"id": a.id, "elder_id": a.elder_id, "elder_name": a.elder_name, "kind": a.kind,
                   "event": a.event, "value": a.value, "urgent": a.urgent != 0, "label": a.label,
                   "created_at": a.created_at})
        })
        .collect();
    http::json(&json!({
        "today": today.to_string(),
        "hazards": hazards,
        "referrals": referrals,
        "emergencies": emergencies,
        "family_duty": family_duty,
        "alerts": alerts,
    }))
}

// ---------------------------------------------------------------------------------------------
// Hazards
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct HazardActionBody {
    #[serde(default)]
    to: Option<ReminderTarget>,
    #[serde(default)]
    note: String,
}

/// `POST /api/care/hazards/{id}/remind` `{to, note}` and `.../close` `{note}` (coordinator).
async fn hazard_action(mut req: Request, ctx: &Ctx, id: &str, action: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: HazardActionBody = read_json(&mut req).await?;
    let (hazard, _elder) = load::<Hazard>(ctx, &principal, "hazards", id, true).await?;
    let event = if action == "remind" {
        HazardEvent::Remind(Reminder {
            date: ctx.today(),
            to: body
                .to
                .ok_or_else(|| AppError::invalid("to", "须选择提醒对象 (whom was reminded)"))?,
            note: body.note.trim().to_string(),
            by: principal.id.clone(),
        })
    } else {
        HazardEvent::CoordinatorClose {
            user_id: principal.id.clone(),
            date: ctx.today(),
            note: body.note,
        }
    };
    let next = hazard.apply(&event).map_err(refused)?;
    let db = &ctx.db;
    db.batch(vec![
        // The elder moves to a new cursor, so the assignees' phones get the hazard's state.
        db.statement(
            NEW_CURSOR_SQL,
            args![
                principal.id.as_str(),
                format!("hazard.{action}"),
                ctx.now_ms
            ],
        )?,
        db.statement(
            &format!("UPDATE elders SET cursor = {CURRENT_CURSOR} WHERE id = ?1"),
            args![next.elder_id.as_str()],
        )?,
        hazard_upsert(&ctx.db, &next, ctx.now_ms)?,
        ctx.audit(
            Some(&principal.id),
            &format!("hazard.{action}"),
            Some(id),
            json!({}),
        )?,
    ])
    .await?;
    http::json(&next)
}

// ---------------------------------------------------------------------------------------------
// Providers and referrals
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Serialize)]
struct ProviderRow {
    id: String,
    region_code: String,
    name: String,
    kind: String,
    phone: String,
}

/// Providers a coordinator may use: registered inside their subtree, or above it (a
/// district's family-doctor team serves its communities).
async fn providers_for(ctx: &Ctx, principal: &Principal) -> AppResult<Vec<ProviderRow>> {
    principal.require_coordinator()?;
    let all = ctx
        .db
        .all::<ProviderRow>(
            "SELECT id, region_code, name, kind, phone FROM providers ORDER BY region_code, name",
            vec![],
        )
        .await?;
    let own = principal.region_code.clone().unwrap_or_default();
    Ok(all
        .into_iter()
        .filter(|p| {
            principal.role == Role::Admin || principal.governs(&p.region_code) || {
                let (lo, hi) = subtree_range(&p.region_code);
                own >= lo && own <= hi
            }
        })
        .collect())
}

/// `GET /api/care/providers`: the directory for the caller's region.
async fn list_providers(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let providers: Vec<Value> = providers_for(ctx, &principal)
        .await?
        .into_iter()
        .map(|p| {
            let label = ProviderKind::parse(&p.kind)
                .map(|k| k.label_zh())
                .unwrap_or("其他");
            json!({"id": p.id, "region_code": p.region_code, "name": p.name, "kind": p.kind,
                   "kind_label": label, "phone": p.phone})
        })
        .collect();
    http::json(&json!({ "providers": providers }))
}

#[derive(Deserialize)]
struct NewProvider {
    name: String,
    kind: String,
    region_code: String,
    #[serde(default)]
    phone: String,
}

/// `POST /api/care/providers` `{name, kind, region_code, phone}` (coordinator, own subtree).
async fn create_provider(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: NewProvider = read_json(&mut req).await?;
    let name = short_text("name", &body.name, 100)?;
    let kind = ProviderKind::parse(&body.kind)
        .ok_or_else(|| AppError::invalid("kind", "未知的机构类别 (unknown provider kind)"))?;
    if !principal.governs(&body.region_code) {
        return Err(AppError::invalid(
            "region_code",
            "不在您管辖的区域内 (outside your region)",
        ));
    }
    let phone = body.phone.trim().to_string();
    if !phone.is_empty() && tanfang_domain::phone::Phone::parse(&phone).is_err() {
        return Err(AppError::invalid(
            "phone",
            "电话号码无效 (invalid phone number)",
        ));
    }
    let id = crypto::random_id("prv")?;
    ctx.db
        .run(
            "INSERT INTO providers (id, region_code, name, kind, phone, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![id.as_str(), body.region_code.as_str(), name.as_str(), kind.as_str(), phone.as_str(), principal.id.as_str(), ctx.now_ms],
        )
        .await?;
    http::json_status(
        &json!({"id": id, "region_code": body.region_code, "name": name, "kind": kind.as_str(), "phone": phone}),
        201,
    )
}

#[derive(Deserialize)]
struct NewReferral {
    elder_id: String,
    category: NeedCategory,
    #[serde(default)]
    text: String,
}

/// `POST /api/care/referrals` `{elder_id, category, text}` (coordinator).
async fn create_referral(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: NewReferral = read_json(&mut req).await?;
    let elder = governed_elder(ctx, &principal, &body.elder_id).await?;
    if body.category == NeedCategory::Other && body.text.trim().is_empty() {
        return Err(AppError::invalid(
            "text",
            "“其他”需求须说明 (describe the need)",
        ));
    }
    if body.text.chars().count() > 2000 {
        return Err(AppError::invalid(
            "text",
            "过长 (longer than 2000 characters)",
        ));
    }
    let referral = Referral::open(
        crypto::random_id("ref")?,
        elder.id,
        body.category,
        body.text.trim(),
        None,
        ctx.today(),
    );
    ctx.db
        .batch(vec![referral_upsert(&ctx.db, &referral, ctx.now_ms)?])
        .await?;
    http::json_status(&referral, 201)
}

#[derive(Deserialize)]
struct ReferralActionBody {
    #[serde(default)]
    provider_id: Option<String>,
    #[serde(default)]
    deadline: Option<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    reason: String,
}

/// `POST /api/care/referrals/{id}/refer|accept|complete|decline` (coordinator).
async fn referral_action(
    mut req: Request,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: ReferralActionBody = read_json(&mut req).await?;
    let (referral, elder) = load::<Referral>(ctx, &principal, "referrals", id, true).await?;
    let today = ctx.today();
    let event = match action {
        "refer" => {
            let provider_id = body.provider_id.ok_or_else(|| {
                AppError::invalid("provider_id", "须选择服务机构 (choose a provider)")
            })?;
            let provider = providers_for(ctx, &principal)
                .await?
                .into_iter()
                .find(|p| p.id == provider_id)
                .ok_or_else(|| {
                    AppError::invalid("provider_id", "未知的服务机构 (unknown provider)")
                })?;
            let (lo, hi) = subtree_range(&provider.region_code);
            if elder.region_code < lo || elder.region_code > hi {
                return Err(AppError::invalid(
                    "provider_id",
                    "该机构不服务老人所在区域 (the provider does not serve the elder's area)",
                ));
            }
            let deadline = body.deadline.as_deref().ok_or_else(|| {
                AppError::invalid("deadline", "须填写办结期限 (deadline required)")
            })?;
            let deadline = NaiveDate::parse_from_str(deadline, "%Y-%m-%d").map_err(|_| {
                AppError::invalid("deadline", "日期格式应为 YYYY-MM-DD (date expected)")
            })?;
            ReferralEvent::Refer {
                provider_id,
                date: today,
                deadline,
            }
        }
        "accept" => ReferralEvent::Accept { date: today },
        "complete" => ReferralEvent::Complete {
            date: today,
            note: body.note,
        },
        _ => ReferralEvent::Decline {
            date: today,
            reason: body.reason,
        },
    };
    let next = referral.apply(&event).map_err(refused)?;
    ctx.db
        .batch(vec![
            referral_upsert(&ctx.db, &next, ctx.now_ms)?,
            ctx.audit(
                Some(&principal.id),
                &format!("referral.{action}"),
                Some(id),
                json!({}),
            )?,
        ])
        .await?;
    http::json(&next)
}

// ---------------------------------------------------------------------------------------------
// Emergencies
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct NewEmergency {
    elder_id: String,
    /// A client-generated id makes a retried start idempotent.
    #[serde(default)]
    id: Option<String>,
}

fn emergency_json(emergency: &Emergency, elder: &ElderRow) -> AppResult<Value> {
    let mut value = serde_json::to_value(emergency)?;
    let order: Vec<Value> = call_order(&elder.contacts())
        .iter()
        .map(|t| json!({"number": t.number(), "label": t.label_zh()}))
        .collect();
    value["call_order"] = json!(order);
    value["elder_name"] = json!(elder.name);
    Ok(value)
}

/// `POST /api/care/emergencies` `{elder_id, id?}`: a volunteer assigned to the elder (or a
/// coordinator governing it) starts an emergency; the coordinators are notified at once.
async fn start_emergency(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: NewEmergency = read_json(&mut req).await?;
    let elder = visitable_elder(ctx, &principal, &body.elder_id).await?;
    let id = match body.id {
        Some(id) if tanfang_domain::visit::is_client_id(&id) => id,
        Some(_) => {
            return Err(AppError::invalid(
                "id",
                "须为 8–64 个字母、数字、- 或 _ (8–64 of A–Z a–z 0–9 - _)",
            ))
        }
        None => crypto::random_id("em")?,
    };
    if let Some(existing) = ctx
        .db
        .first::<DataRow>(
            "SELECT elder_id, data FROM emergencies WHERE id = ?1",
            args![id.as_str()],
        )
        .await?
    {
        if existing.elder_id != elder.id {
            return Err(AppError::invalid("id", "该编号已被使用 (id already used)"));
        }
        let emergency: Emergency = serde_json::from_str(&existing.data)?;
        return http::json(&emergency_json(&emergency, &elder)?);
    }
    let emergency = Emergency::start(
        id.as_str(),
        elder.id.as_str(),
        principal.id.as_str(),
        ctx.now_ms,
    );
    let subject = format!("应急处置：{}", elder.name);
    let text = format!(
        "{} 为 {} 启动了应急处置，请立即关注。",
        principal.name, elder.name
    );
    let mut batch = vec![
        ctx.db.statement(
            "INSERT INTO emergencies (id, elder_id, state, started_by, data, created_at, updated_at) VALUES (?1, ?2, 'open', ?3, ?4, ?5, ?5)",
            args![id.as_str(), elder.id.as_str(), principal.id.as_str(), serde_json::to_string(&emergency)?, ctx.now_ms],
        )?,
        ctx.audit(Some(&principal.id), "emergency.start", Some(&id), json!({"elder_id": elder.id}))?,
    ];
    for coordinator in coordinators_of(ctx, &elder.region_code).await? {
        batch.push(notify::app_notification(
            ctx,
            &coordinator,
            &elder.id,
            &subject,
            &text,
        )?);
    }
    ctx.db.batch(batch).await?;
    http::json_status(&emergency_json(&emergency, &elder)?, 201)
}

/// `GET /api/care/emergencies/{id}`.
async fn get_emergency(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (emergency, elder) = load::<Emergency>(ctx, &principal, "emergencies", id, false).await?;
    http::json(&emergency_json(&emergency, &elder)?)
}

#[derive(Deserialize)]
struct EmergencyActionBody {
    #[serde(default)]
    number: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default)]
    what_happened: String,
    #[serde(default)]
    actions_taken: String,
}

/// `POST /api/care/emergencies/{id}/calls` `{number, label, outcome}` and `.../close`
/// `{what_happened, actions_taken}`.
async fn emergency_action(
    mut req: Request,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: EmergencyActionBody = read_json(&mut req).await?;
    let (emergency, elder) = load::<Emergency>(ctx, &principal, "emergencies", id, false).await?;
    let event = if action == "calls" {
        let outcome = body
            .outcome
            .as_deref()
            .and_then(CallOutcome::parse)
            .ok_or_else(|| {
                AppError::invalid("outcome", "须选择通话结果 (choose the call's outcome)")
            })?;
        if body.number.trim().is_empty() || body.number.chars().count() > 20 {
            return Err(AppError::invalid("number", "号码无效 (invalid number)"));
        }
        EmergencyEvent::LogCall(CallAttempt {
            number: body.number.trim().to_string(),
            label: body.label.trim().chars().take(64).collect(),
            outcome,
            at_ms: ctx.now_ms,
        })
    } else {
        EmergencyEvent::Close {
            record: ClosingRecord {
                what_happened: body.what_happened,
                actions_taken: body.actions_taken,
            },
            at_ms: ctx.now_ms,
        }
    };
    let next = emergency.apply(&event).map_err(refused)?;
    let mut batch = vec![ctx.db.statement(
        "UPDATE emergencies SET state = ?2, data = ?3, updated_at = ?4 WHERE id = ?1",
        args![
            id,
            next.state.as_str(),
            serde_json::to_string(&next)?,
            ctx.now_ms
        ],
    )?];
    if next.state == EmergencyState::Closed {
        batch.push(ctx.audit(Some(&principal.id), "emergency.close", Some(id), json!({}))?);
        let subject = format!("应急处置已归档：{}", elder.name);
        for coordinator in coordinators_of(ctx, &elder.region_code).await? {
            batch.push(notify::app_notification(
                ctx,
                &coordinator,
                &elder.id,
                &subject,
                &subject,
            )?);
        }
    }
    ctx.db.batch(batch).await?;
    http::json(&emergency_json(&next, &elder)?)
}

// ---------------------------------------------------------------------------------------------
// Family duty
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct FamilyDutyBody {
    #[serde(default)]
    method: Option<DutyReminderMethod>,
    #[serde(default)]
    note: String,
}

/// `POST /api/care/family-duty/{id}/remind` `{method, note}` and `.../resolve` `{note}`.
async fn family_duty_action(
    mut req: Request,
    ctx: &Ctx,
    id: &str,
    action: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: FamilyDutyBody = read_json(&mut req).await?;
    let (duty, _elder) = load::<FamilyDuty>(ctx, &principal, "family_duty", id, true).await?;
    let event = if action == "remind" {
        FamilyDutyEvent::Remind(DutyReminder {
            date: ctx.today(),
            method: body
                .method
                .ok_or_else(|| AppError::invalid("method", "须选择提醒方式 (choose how)"))?,
            note: body.note,
            by: principal.id.clone(),
        })
    } else {
        FamilyDutyEvent::Resolve {
            date: ctx.today(),
            note: body.note,
        }
    };
    let next = duty.apply(&event).map_err(refused)?;
    ctx.db
        .batch(vec![ctx.db.statement(
            "UPDATE family_duty SET state = ?2, data = ?3, updated_at = ?4 WHERE id = ?1",
            args![
                id,
                next.state.as_str(),
                serde_json::to_string(&next)?,
                ctx.now_ms
            ],
        )?])
        .await?;
    http::json(&next)
}

// ---------------------------------------------------------------------------------------------
// Devices
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct NewDevice {
    elder_id: String,
    kind: DeviceKind,
    /// The device's own identifier (serial number); generated when absent.
    #[serde(default)]
    id: Option<String>,
}

/// `POST /api/care/devices` `{elder_id, kind, id?}` (coordinator): binds a device to an elder
/// and returns its secret — once; only the device keeps it afterwards.
async fn register_device(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: NewDevice = read_json(&mut req).await?;
    let elder = governed_elder(ctx, &principal, &body.elder_id).await?;
    let id = match body.id {
        Some(id)
            if (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') =>
        {
            id
        }
        Some(_) => {
            return Err(AppError::invalid(
                "id",
                "须为 1–64 个字母、数字、- 或 _ (1–64 of A–Z a–z 0–9 - _)",
            ))
        }
        None => crypto::random_id("dev")?,
    };
    let secret = hex::encode(crypto::random_bytes(32)?);
    let inserted = ctx
        .db
        .batch(vec![
            ctx.db.statement(
                "INSERT OR IGNORE INTO devices (id, elder_id, kind, secret, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![id.as_str(), elder.id.as_str(), body.kind.as_str(), secret.as_str(), principal.id.as_str(), ctx.now_ms],
            )?,
            ctx.audit(Some(&principal.id), "device.register", Some(&id), json!({"elder_id": elder.id, "kind": body.kind.as_str()}))?,
        ])
        .await?;
    if crate::store::changes(&inserted[0]) == 0 {
        return Err(AppError::invalid(
            "id",
            "该设备已登记 (device already registered)",
        ));
    }
    http::json_status(
        &json!({"id": id, "elder_id": elder.id, "kind": body.kind.as_str(), "secret": secret}),
        201,
    )
}

#[derive(Deserialize)]
struct DeviceListRow {
    id: String,
    kind: String,
    created_at: i64,
    #[serde(default)]
    created_by_name: Option<String>,
    #[serde(default)]
    last_message_at: Option<i64>,
}

/// `GET /api/care/devices?elder_id=` (coordinator, own subtree): the devices bound to one
/// elder, newest first, with when each last sent an accepted message. Never the secret.
async fn list_devices(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let elder_id = query_param(&req, "elder_id")
        .ok_or_else(|| AppError::invalid("elder_id", "缺少 elder_id (elder_id required)"))?;
    let elder = governed_elder(ctx, &principal, &elder_id).await?;
    let rows = ctx
        .db
        .all::<DeviceListRow>(
            "SELECT d.id, d.kind, d.created_at, a.name AS created_by_name, \
             (SELECT MAX(m.received_at) FROM device_messages m WHERE m.device_id = d.id) AS last_message_at \
             FROM devices d LEFT JOIN accounts a ON a.id = d.created_by \
             WHERE d.elder_id = ?1 ORDER BY d.created_at DESC, d.id LIMIT 100",
            args![elder.id.as_str()],
        )
        .await?;
    let devices: Vec<Value> = rows
        .into_iter()
        .map(|row| {
            let label = DeviceKind::parse(&row.kind).map(DeviceKind::label_zh);
            json!({
                "id": row.id,
                "kind": row.kind,
                "kind_label": label,
                "created_at": row.created_at,
                "created_by_name": row.created_by_name,
                "last_message_at": row.last_message_at,
            })
        })
        .collect();
    http::json(&json!({ "devices": devices }))
}

/// HMAC-SHA256 of `data` under `key`, through WebCrypto.
async fn hmac_sha256(key: &[u8], data: &[u8]) -> AppResult<Vec<u8>> {
    let fail = |what: &str, e: wasm_bindgen::JsValue| AppError::Internal(format!("{what}: {e:?}"));
    let global: web_sys::WorkerGlobalScope = js_sys::global().unchecked_into();
    let subtle = global.crypto().map_err(|e| fail("crypto", e))?.subtle();
    let algorithm = js_sys::Object::new();
    js_sys::Reflect::set(&algorithm, &"name".into(), &"HMAC".into()).map_err(|e| fail("alg", e))?;
    js_sys::Reflect::set(&algorithm, &"hash".into(), &"SHA-256".into())
        .map_err(|e| fail("alg", e))?;
    let usages = js_sys::Array::of1(&"sign".into());
    let key = wasm_bindgen_futures::JsFuture::from(
        subtle
            .import_key_with_object(
                "raw",
                &js_sys::Uint8Array::from(key),
                &algorithm,
                false,
                &usages,
            )
            .map_err(|e| fail("importKey", e))?,
    )
    .await
    .map_err(|e| fail("importKey", e))?;
    let signature = wasm_bindgen_futures::JsFuture::from(
        subtle
            .sign_with_str_and_u8_array("HMAC", &key.unchecked_into(), data)
            .map_err(|e| fail("sign", e))?,
    )
    .await
    .map_err(|e| fail("sign", e))?;
    Ok(js_sys::Uint8Array::new(&signature).to_vec())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[derive(Deserialize)]
struct DeviceRow {
    id: String,
    elder_id: String,
    kind: String,
    secret: String,
}

#[derive(Deserialize)]
struct SeenRow {
    alert_id: String,
}

/// `POST /api/care/devices/webhook`: headers `x-device-id` and `x-signature` (hex
/// HMAC-SHA256 of the raw body under the device's secret; `sha256=` prefix allowed); body a
/// [`DeviceMessage`]. Unknown device or bad signature → 401; message for an elder the device
/// is not bound to → 403; outside the ±5-minute window → 422 `sent_at_ms`; a message id seen
/// before → 200 `duplicate` with the first alert's id, nothing written.
async fn device_webhook(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let device_id = req
        .headers()
        .get("x-device-id")
        .ok()
        .flatten()
        .unwrap_or_default();
    let signature = req
        .headers()
        .get("x-signature")
        .ok()
        .flatten()
        .unwrap_or_default();
    let bytes = req
        .bytes()
        .await
        .map_err(|e| AppError::bad_request(format!("unreadable body: {e}")))?;
    if bytes.len() > MAX_DEVICE_BODY {
        return Err(AppError::PayloadTooLarge);
    }
    let db = &ctx.db;
    let device = db
        .first::<DeviceRow>(
            "SELECT id, elder_id, kind, secret FROM devices WHERE id = ?1",
            args![device_id.as_str()],
        )
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let given = hex::decode(signature.trim().trim_start_matches("sha256="))
        .map_err(|_| AppError::Unauthenticated)?;
    let secret =
        hex::decode(&device.secret).map_err(|e| AppError::Internal(format!("secret: {e}")))?;
    let expected = hmac_sha256(&secret, &bytes).await?;
    if !constant_time_eq(&expected, &given) {
        return Err(AppError::Unauthenticated);
    }
    let message: DeviceMessage = parse_json(&bytes)?;
    if message.device_id != device.id {
        return Err(AppError::invalid(
            "device_id",
            "与签名设备不符 (not the signing device)",
        ));
    }
    let kind =
        DeviceKind::parse(&device.kind).ok_or_else(|| AppError::Internal("device kind".into()))?;
    let binding = DeviceBinding {
        device_id: device.id.clone(),
        elder_id: device.elder_id.clone(),
        kind,
    };
    let seen = db
        .first::<SeenRow>(
            "SELECT alert_id FROM device_messages WHERE device_id = ?1 AND message_id = ?2",
            args![device.id.as_str(), message.message_id.as_str()],
        )
        .await?;
    let (urgent, label) =
        match decide_device_message(&message, Some(&binding), seen.is_some(), ctx.now_ms) {
            AlertDecision::Raise { urgent, label_zh } => (urgent, label_zh),
            AlertDecision::Duplicate => {
                let alert_id = seen.map(|s| s.alert_id).unwrap_or_default();
                return http::json(&json!({"status": "duplicate", "alert_id": alert_id}));
            }
            AlertDecision::UnknownDevice => return Err(AppError::Unauthenticated),
            AlertDecision::NotBound => return Err(AppError::Forbidden),
            AlertDecision::Stale => {
                return Err(AppError::invalid(
                    "sent_at_ms",
                    "消息时间超出允许范围（±5 分钟）(outside the ±5 minute window)",
                ))
            }
            AlertDecision::Invalid(field) => {
                return Err(AppError::invalid(field, "字段无效 (invalid value)"))
            }
        };
    let elder = elder(ctx, &device.elder_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let alert_id = crypto::random_id("alert")?;
    let subject = format!(
        "{}：{}",
        if urgent {
            "紧急报警"
        } else {
            "设备提醒"
        },
        elder.name
    );
    let text = format!("{} 的{}，请尽快联系或上门查看。", elder.name, label);
    let mut batch = vec![
        // The primary key makes a concurrent duplicate fail the whole batch.
        db.statement(
            "INSERT INTO device_messages (device_id, message_id, received_at, alert_id) VALUES (?1, ?2, ?3, ?4)",
            args![device.id.as_str(), message.message_id.as_str(), ctx.now_ms, alert_id.as_str()],
        )?,
        db.statement(
            "INSERT INTO alerts (id, elder_id, device_id, kind, event, value, urgent, label, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            vec![
                alert_id.as_str().into(),
                elder.id.as_str().into(),
                device.id.as_str().into(),
                kind.as_str().into(),
                message.event.as_str().into(),
                message.value.map(|v| v.to_string()).into(),
                urgent.into(),
                label.as_str().into(),
                ctx.now_ms.into(),
            ],
        )?,
    ];
    let mut recipients: BTreeSet<String> = coordinators_of(ctx, &elder.region_code)
        .await?
        .into_iter()
        .collect();
    recipients.extend(elder.responsible_id.clone());
    for account in &recipients {
        batch.push(notify::app_notification(
            ctx, account, &elder.id, &subject, &text,
        )?);
    }
    // Text messages go to the contacts' mobile numbers (a community landline gets none).
    let mobile =
        |phone: &str| tanfang_domain::phone::Phone::parse(phone).is_ok_and(|p| p.is_mobile());
    for contact in elder.contacts().into_iter().filter(|c| mobile(&c.phone)) {
        batch.push(notify::sms_notification(
            ctx,
            &contact.phone,
            &elder.id,
            &subject,
            &text,
        )?);
    }
    match db.batch(batch).await {
        Ok(_) => {}
        Err(AppError::Internal(text)) if text.contains("UNIQUE") => {
            return http::json(&json!({"status": "duplicate"}));
        }
        Err(error) => return Err(error),
    }
    http::json_status(
        &json!({"status": "raised", "alert_id": alert_id, "urgent": urgent}),
        201,
    )
}

// ---------------------------------------------------------------------------------------------
// Notifications and the outbox
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Serialize)]
struct NotificationRow {
    id: String,
    elder_id: String,
    subject: String,
    body: String,
    created_at: i64,
    read_at: Option<i64>,
}

/// `GET /api/care/notifications`: the caller's in-app notifications, newest first.
async fn my_notifications(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let list = ctx
        .db
        .all::<NotificationRow>(
            "SELECT id, elder_id, subject, body, created_at, read_at FROM notifications \
             WHERE channel = 'app' AND recipient = ?1 ORDER BY created_at DESC LIMIT 100",
            args![principal.id.as_str()],
        )
        .await?;
    http::json(&json!({ "notifications": list }))
}

#[derive(Deserialize, Serialize)]
struct OutboxRow {
    id: String,
    elder_id: String,
    recipient: String,
    subject: String,
    state: String,
    attempts: i64,
    next_attempt_at: i64,
    last_error: String,
    created_at: i64,
}

/// `GET /api/care/outbox[?elder_id=]`: the SMS outbox of elders in the coordinator's subtree.
async fn outbox(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let elder_id = query_param(&req, "elder_id").unwrap_or_default();
    let list = ctx
        .db
        .all::<OutboxRow>(
            "SELECT n.id, n.elder_id, n.recipient, n.subject, n.state, n.attempts, n.next_attempt_at, n.last_error, n.created_at \
             FROM notifications n JOIN elders e ON e.id = n.elder_id \
             WHERE n.channel = 'sms' AND e.region_code BETWEEN ?1 AND ?2 AND (?3 = '' OR n.elder_id = ?3) \
             ORDER BY n.created_at DESC LIMIT 200",
            args![lo, hi, elder_id],
        )
        .await?;
    http::json(&json!({ "outbox": list }))
}

/// `POST /api/care/outbox/deliver` (admin; the cron trigger runs the same every minute): attempts the due
/// SMS messages through the configured channel. With `DEV_SEED=1` only: `?at=<ms>` runs as of
/// a later instant (to reach retry times without waiting) and `?fail=1` makes every attempt
/// fail (fault injection for the retry path).
async fn deliver(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_admin()?;
    let dev = ctx.var("DEV_SEED").as_deref() == Some("1");
    let mut now = ctx.now_ms;
    if let Some(at) = query_param(&req, "at") {
        if !dev {
            return Err(AppError::invalid("at", "仅限开发环境 (development only)"));
        }
        now = at
            .parse::<i64>()
            .ok()
            .filter(|at| *at >= ctx.now_ms)
            .ok_or_else(|| {
                AppError::invalid(
                    "at",
                    "须为不早于现在的毫秒时间戳 (unix ms, not in the past)",
                )
            })?;
    }
    let fail = query_param(&req, "fail").as_deref() == Some("1");
    if fail && !dev {
        return Err(AppError::invalid("fail", "仅限开发环境 (development only)"));
    }
    let (sent, retrying, failed) = if fail {
        notify::deliver_due(ctx, &FailingChannel, now, &RetryPolicy::default()).await?
    } else {
        deliver_through_configured_channel(ctx, now).await?
    };
    http::json(&json!({"sent": sent, "retrying": retrying, "failed": failed}))
}

/// One delivery run through the deployment's SMS channel (`SMS_CHANNEL=http` with
/// `SMS_ENDPOINT` and the `SMS_TOKEN` secret; the log channel otherwise): the admin's
/// `POST /api/care/outbox/deliver` and the cron trigger (`scheduled` in `lib.rs`) both call it.
/// Returns (sent, retrying, failed).
pub async fn deliver_through_configured_channel(
    ctx: &Ctx,
    now_ms: i64,
) -> AppResult<(u32, u32, u32)> {
    let policy = RetryPolicy::default();
    if ctx.var("SMS_CHANNEL").as_deref() == Some("http") {
        let channel = HttpSmsChannel {
            endpoint: ctx.var("SMS_ENDPOINT").unwrap_or_default(),
            token: ctx
                .env
                .secret("SMS_TOKEN")
                .map(|s| s.to_string())
                .unwrap_or_default(),
        };
        notify::deliver_due(ctx, &channel, now_ms, &policy).await
    } else {
        notify::deliver_due(ctx, &LogChannel, now_ms, &policy).await
    }
}

// ---------------------------------------------------------------------------------------------
// Care services delivered and policy advice
// ---------------------------------------------------------------------------------------------

/// `GET /api/care/catalogue`: the service catalogues of the texts (平利 附件2, 天津 附件2
/// 关爱类, 济宁 8 kinds).
async fn catalogue(req: Request, ctx: &Ctx) -> AppResult<Response> {
    require(ctx, &req).await?;
    http::json(&json!({ "entries": service_catalogue::ENTRIES }))
}

/// A date in the body (`YYYY-MM-DD`, not in the future), or today.
fn body_date(ctx: &Ctx, text: Option<&str>) -> AppResult<NaiveDate> {
    let Some(text) = text else {
        return Ok(ctx.today());
    };
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::invalid("date", "日期格式应为 YYYY-MM-DD (date expected)"))?;
    if date > ctx.today() {
        return Err(AppError::invalid(
            "date",
            "不能晚于今天 (cannot be in the future)",
        ));
    }
    Ok(date)
}

#[derive(Deserialize)]
struct NewService {
    elder_id: String,
    service_code: String,
    duration_minutes: u32,
    #[serde(default)]
    satisfaction: Option<Satisfaction>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    date: Option<String>,
}

/// `POST /api/care/services` `{elder_id, service_code, duration_minutes, satisfaction?, note?,
/// date?}`: who (the caller), when, how long and the elder's satisfaction.
async fn record_service(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: NewService = read_json(&mut req).await?;
    let elder = visitable_elder(ctx, &principal, &body.elder_id).await?;
    let delivery = ServiceDelivery {
        elder_id: elder.id.clone(),
        service_code: body.service_code.trim().to_string(),
        by: principal.id.clone(),
        date: body_date(ctx, body.date.as_deref())?,
        duration_minutes: body.duration_minutes,
        satisfaction: body.satisfaction,
        note: body.note.trim().to_string(),
    };
    if let Err(errors) = delivery.validate() {
        return Err(AppError::invalid(
            errors[0].field.clone(),
            errors[0].message.clone(),
        ));
    }
    let id = crypto::random_id("svc")?;
    let satisfaction = delivery.satisfaction.map(|s| s.as_str().to_string());
    ctx.db
        .run(
            "INSERT INTO service_deliveries (id, elder_id, service_code, delivered_by, date, duration_minutes, satisfaction, data, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            args![
                id.as_str(),
                elder.id.as_str(),
                delivery.service_code.as_str(),
                principal.id.as_str(),
                delivery.date.to_string(),
                delivery.duration_minutes,
                satisfaction,
                serde_json::to_string(&delivery)?,
                ctx.now_ms
            ],
        )
        .await?;
    let mut value = serde_json::to_value(&delivery)?;
    value["id"] = json!(id);
    http::json_status(&value, 201)
}

#[derive(Deserialize)]
struct ServiceRow {
    id: String,
    data: String,
    #[serde(default)]
    by_name: Option<String>,
}

/// `GET /api/care/services?elder_id=`: the services delivered to one elder, newest first.
async fn list_services(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let elder_id = query_param(&req, "elder_id")
        .ok_or_else(|| AppError::invalid("elder_id", "缺少 elder_id (elder_id required)"))?;
    let elder = visitable_elder(ctx, &principal, &elder_id).await?;
    let rows = ctx
        .db
        .all::<ServiceRow>(
            "SELECT s.id, s.data, a.name AS by_name FROM service_deliveries s LEFT JOIN accounts a ON a.id = s.delivered_by \
             WHERE s.elder_id = ?1 ORDER BY s.date DESC, s.created_at DESC LIMIT 200",
            args![elder.id.as_str()],
        )
        .await?;
    let mut services = Vec::new();
    for row in rows {
        let mut value: Value = serde_json::from_str(&row.data)?;
        let name = value["service_code"]
            .as_str()
            .and_then(service_catalogue::find)
            .map(|entry| entry.name_zh);
        value["id"] = json!(row.id);
        value["service_name"] = json!(name);
        value["by_name"] = json!(row.by_name);
        services.push(value);
    }
    http::json(&json!({ "services": services }))
}

#[derive(Deserialize)]
struct NewAdvice {
    elder_id: String,
    benefit: Benefit,
    #[serde(default)]
    detail: String,
    outcome: AdviceOutcome,
    #[serde(default)]
    date: Option<String>,
}

/// `POST /api/care/advice` `{elder_id, benefit, detail?, outcome, date?}` (政策宣讲).
async fn record_advice(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: NewAdvice = read_json(&mut req).await?;
    let elder = visitable_elder(ctx, &principal, &body.elder_id).await?;
    let advice = PolicyAdvice {
        elder_id: elder.id.clone(),
        date: body_date(ctx, body.date.as_deref())?,
        by: principal.id.clone(),
        benefit: body.benefit,
        detail: body.detail.trim().to_string(),
        outcome: body.outcome,
    };
    if let Err(errors) = advice.validate() {
        return Err(AppError::invalid(
            errors[0].field.clone(),
            errors[0].message.clone(),
        ));
    }
    let id = crypto::random_id("adv")?;
    let mut value = serde_json::to_value(&advice)?;
    ctx.db
        .run(
            "INSERT INTO policy_advice (id, elder_id, benefit, outcome, given_by, date, data, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            args![
                id.as_str(),
                elder.id.as_str(),
                value["benefit"].as_str().unwrap_or(""),
                value["outcome"].as_str().unwrap_or(""),
                principal.id.as_str(),
                advice.date.to_string(),
                value.to_string(),
                ctx.now_ms
            ],
        )
        .await?;
    value["id"] = json!(id);
    value["benefit_label"] = json!(advice.benefit.label_zh());
    value["outcome_label"] = json!(advice.outcome.label_zh());
    http::json_status(&value, 201)
}

#[derive(Deserialize)]
struct AdviceRow {
    id: String,
    data: String,
    #[serde(default)]
    by_name: Option<String>,
}

/// `GET /api/care/advice?elder_id=`: the policy advice given to one elder (政策宣讲), newest
/// first; scoped like the services (assigned volunteer, or a coordinator of the region).
async fn list_advice(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let elder_id = query_param(&req, "elder_id")
        .ok_or_else(|| AppError::invalid("elder_id", "缺少 elder_id (elder_id required)"))?;
    let elder = visitable_elder(ctx, &principal, &elder_id).await?;
    let rows = ctx
        .db
        .all::<AdviceRow>(
            "SELECT p.id, p.data, a.name AS by_name FROM policy_advice p LEFT JOIN accounts a ON a.id = p.given_by \
             WHERE p.elder_id = ?1 ORDER BY p.date DESC, p.created_at DESC LIMIT 200",
            args![elder.id.as_str()],
        )
        .await?;
    let mut advice = Vec::new();
    for row in rows {
        let stored: PolicyAdvice = serde_json::from_str(&row.data)?;
        let mut value = serde_json::to_value(&stored)?;
        value["id"] = json!(row.id);
        value["benefit_label"] = json!(stored.benefit.label_zh());
        value["outcome_label"] = json!(stored.outcome.label_zh());
        value["by_name"] = json!(row.by_name);
        advice.push(value);
    }
    http::json(&json!({ "advice": advice }))
}
