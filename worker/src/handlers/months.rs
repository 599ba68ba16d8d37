//! Policy versions and monthly close (月报), issue 16.
//!
//! - `GET /api/policy`: the deployment's policy timeline (each version with its effective
//!   date), the version in force today and the closed months. `POST /api/policy` (admin):
//!   adopt a built-in profile (`policy`) or a stricter local one (`profile`, checked with
//!   `PolicyProfile::check_not_weaker_than` against its built-in base) from `effective_from`;
//!   refused, naming `effective_from`, when that date falls in or before a closed month.
//! - `POST /api/months/:yyyy-mm/close` (a city or district coordinator, or the admin): copies
//!   the subtree's elder facts and the month's visits into `month_close_inputs` together with
//!   the close row (one D1 transaction, so every later visit for that month is a correction),
//!   then stores the domain's snapshot of those inputs under the version in force on the
//!   month's last day. `GET|POST /api/months/:m/recompute` reruns the domain over the stored
//!   inputs and compares with the snapshot. `GET /api/months/:m` is the month's view: closes
//!   in the caller's scope with their corrections and the figure with corrections.
//! - `POST /api/months/:m/corrections` (coordinator): a late visit for a closed month entered
//!   from the console, with its reason. Phones send theirs through the push
//!   (`handlers::sync`, payload field `correction_reason`).
//! - Held late visits: a visit pushed for a closed month *without* a reason is kept and
//!   acknowledged (a phone's outbox must never stick on it) but held out of the month in
//!   `held_late_visits`, listed as 待补充原因 (awaiting a reason) and not counted in "with
//!   corrections". `POST /api/months/:m/held/:visit_id/reason` (a coordinator governing the
//!   elder's community) gives the reason: the visit becomes a correction (row + audit).
//!
//! The rules (timeline, snapshot, digest, differences, refusals) are `domain::month_close`.

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::handlers::admin::{facts_from_row, FACTS_SQL};
use crate::http::{self, query_param, read_json};
use crate::store::{rows, subtree_range, Db, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::{args, tally};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::date::Month;
use tanfang_domain::month_close::{
    self, check_can_close, check_correction_reason, check_policy_change, differences,
    profile_label, snapshot, with_corrections, MonthCloseError, MonthElder, MonthInputs,
    MonthSnapshot, MonthVisit, PolicyTimeline,
};
use tanfang_domain::policy::{Kind, PolicyId, PolicyProfile, VisitMode};
use worker::{D1Result, Request, Response};

/// The date the `settings` policy is in force from: the start of the deployment's records.
pub fn timeline_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date")
}

/// The two reads of the policy timeline (for a handler's own batch): the settings policy and
/// the adopted versions in the order they were made.
pub fn timeline_statements(db: &Db) -> AppResult<Vec<Statement>> {
    Ok(vec![
        db.statement("SELECT value FROM settings WHERE key = 'policy'", vec![])?,
        db.statement(
            "SELECT effective_from, profile FROM policy_versions ORDER BY seq",
            vec![],
        )?,
    ])
}

#[derive(Deserialize)]
struct SettingRow {
    value: String,
}

#[derive(Deserialize)]
struct VersionRow {
    effective_from: String,
    profile: String,
}

/// The timeline from the results of [`timeline_statements`] (the first two of `results`).
pub fn timeline_from(results: &[D1Result]) -> AppResult<PolicyTimeline> {
    let base = rows::<SettingRow>(&results[0])?
        .first()
        .and_then(|s| s.value.parse::<PolicyId>().ok())
        .unwrap_or(PolicyId::National);
    let mut adoptions = vec![(timeline_start(), PolicyProfile::builtin(base))];
    for row in rows::<VersionRow>(&results[1])? {
        let date = row.effective_from.parse().map_err(|_| {
            AppError::Internal(format!(
                "policy_versions: bad date {row:?}",
                row = row.effective_from
            ))
        })?;
        let profile: PolicyProfile = serde_json::from_str(&row.profile)?;
        adoptions.push((date, profile));
    }
    Ok(PolicyTimeline::new(adoptions))
}

/// The profile in force on `date` (the settings policy before the timeline's start).
pub fn profile_in_force(timeline: &PolicyTimeline, date: NaiveDate) -> PolicyProfile {
    timeline
        .in_force_on(date)
        .or_else(|| timeline.versions().first())
        .cloned()
        .unwrap_or_else(|| PolicyProfile::builtin(PolicyId::National))
}

fn domain_error(error: MonthCloseError) -> AppError {
    let code = match error {
        MonthCloseError::PolicyChangeInClosedMonth { .. } => "month_closed",
        MonthCloseError::MonthNotOver { .. } => "month_not_over",
        MonthCloseError::ReasonRequired { .. } => "reason_required",
        MonthCloseError::BadReason => "invalid_field",
    };
    AppError::Invalid {
        code,
        field: error.field().to_string(),
        message: error.to_string(),
    }
}

/// `/api/policy` and `/api/months/*`.
pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    use worker::Method::{Get, Post};
    match (req.method(), segments) {
        (Get, ["api", "policy"]) => get_policy(req, ctx).await,
        (Post, ["api", "policy"]) => change_policy(req, ctx).await,
        (Get, ["api", "months"]) => list_closes(req, ctx).await,
        (Get, ["api", "months", month]) => month_view(req, ctx, month, false).await,
        (Post, ["api", "months", month, "close"]) => close(req, ctx, month).await,
        (Get | Post, ["api", "months", month, "recompute"]) => {
            month_view(req, ctx, month, true).await
        }
        (Post, ["api", "months", month, "corrections"]) => add_correction(req, ctx, month).await,
        (Post, ["api", "months", month, "held", visit_id, "reason"]) => {
            give_held_reason(req, ctx, month, visit_id).await
        }
        (_, ["api", "policy"])
        | (_, ["api", "months"])
        | (_, ["api", "months", _])
        | (_, ["api", "months", _, "close" | "recompute" | "corrections"])
        | (_, ["api", "months", _, "held", _, "reason"]) => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound),
    }
}

fn parse_month(text: &str) -> AppResult<Month> {
    text.parse()
        .map_err(|_| AppError::invalid("month", "须为 YYYY-MM (must be YYYY-MM)"))
}

#[derive(Deserialize)]
struct MonthRow {
    month: String,
}

async fn closed_months(ctx: &Ctx) -> AppResult<Vec<Month>> {
    Ok(ctx
        .db
        .all::<MonthRow>("SELECT DISTINCT month FROM month_closes", vec![])
        .await?
        .iter()
        .filter_map(|r| r.month.parse().ok())
        .collect())
}

fn version_json(profile: &PolicyProfile) -> Value {
    json!({
        "id": profile.id,
        "policy": profile.policy,
        "version": profile.version,
        "label": profile_label(profile),
        "name_zh": profile.name_zh,
        "document": profile.document,
        "effective_from": profile.effective_from,
        "local": profile.base.is_some(),
    })
}

/// `GET /api/policy` (coordinators and admin).
async fn get_policy(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let timeline = ctx.policy_timeline().await?;
    let closed = closed_months(ctx).await?;
    let today = ctx.today();
    let current = profile_in_force(&timeline, today);
    let versions: Vec<Value> = timeline.versions().iter().map(version_json).collect();
    let builtins: Vec<Value> = PolicyId::ALL
        .iter()
        .map(|p| json!({"id": p.as_str(), "name_zh": p.label_zh()}))
        .collect();
    http::json(&json!({
        "today": today,
        "current": version_json(&current),
        "versions": versions,
        "closed_months": closed.iter().map(|m| m.to_string()).collect::<Vec<_>>(),
        "latest_closed": closed.iter().max().map(|m| m.to_string()),
        "builtins": builtins,
    }))
}

#[derive(Deserialize)]
struct PolicyChange {
    #[serde(default)]
    policy: Option<String>,
    #[serde(default)]
    profile: Option<Value>,
    #[serde(default)]
    effective_from: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// `POST /api/policy` (admin): adopt a profile from a date.
async fn change_policy(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_admin()?;
    let body: PolicyChange = read_json(&mut req).await?;
    let effective_from: NaiveDate = body
        .effective_from
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            AppError::invalid("effective_from", "缺少生效日期 (effective date required)")
        })?
        .parse()
        .map_err(|_| AppError::invalid("effective_from", "须为 YYYY-MM-DD (must be YYYY-MM-DD)"))?;
    let profile = match (&body.policy, &body.profile) {
        (Some(id), None) => PolicyProfile::builtin(
            id.parse::<PolicyId>()
                .map_err(|message| AppError::invalid("policy", message))?,
        ),
        (None, Some(value)) => {
            let local: PolicyProfile =
                serde_path_to_error::deserialize(value.clone()).map_err(|e| {
                    AppError::invalid(
                        format!("profile.{}", e.path()),
                        format!("政策配置格式错误 (bad profile): {}", e.inner()),
                    )
                })?;
            if PolicyId::ALL.iter().any(|p| p.as_str() == local.id) {
                return Err(AppError::invalid(
                    "profile.id",
                    "本地配置须有自己的编号，如 tianjin/heping (a local profile needs its own id)",
                ));
            }
            let base = PolicyProfile::builtin(local.policy);
            if local.base.is_none() {
                return Err(AppError::invalid(
                    "profile.base",
                    format!(
                        "本地配置须写明基础配置 {} (a local profile names its base)",
                        profile_label(&base)
                    ),
                ));
            }
            local.check_not_weaker_than(&base).map_err(|errors| {
                AppError::invalid(
                    "profile",
                    errors
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("；"),
                )
            })?;
            local
        }
        _ => return Err(AppError::invalid(
            "policy",
            "须给出 policy（内置政策）或 profile（本地配置）之一 (give either policy or profile)",
        )),
    };
    let reason = body.reason.as_deref().map(str::trim).unwrap_or_default();
    if reason.chars().count() > 500 {
        return Err(AppError::invalid(
            "reason",
            "最多 500 字 (at most 500 characters)",
        ));
    }
    check_policy_change(effective_from, &closed_months(ctx).await?).map_err(domain_error)?;
    let db = &ctx.db;
    let label = profile_label(&profile);
    db.batch(vec![
        db.statement(
            "INSERT INTO policy_versions (profile_id, version, effective_from, profile, reason, created_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                profile.id.as_str(),
                profile.version as i64,
                effective_from.to_string(),
                serde_json::to_string(&profile)?,
                reason,
                principal.id.as_str(),
                ctx.now_ms
            ],
        )?,
        ctx.audit(
            Some(&principal.id),
            "policy.change",
            Some(&label),
            json!({"profile": label, "effective_from": effective_from, "reason": reason}),
        )?,
    ])
    .await?;
    let timeline = ctx.policy_timeline().await?;
    http::json(&json!({
        "adopted": label,
        "effective_from": effective_from,
        "current": version_json(&profile_in_force(&timeline, ctx.today())),
        "versions": timeline.versions().iter().map(version_json).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize)]
struct RegionLevelRow {
    code: String,
    level: String,
}

/// Who may close a month for `region`: the admin, or a coordinator whose own node is a city or
/// district (or province) and whose subtree holds `region`.
async fn check_may_close(ctx: &Ctx, principal: &Principal, region: &str) -> AppResult<()> {
    principal.require_coordinator()?;
    if !principal.governs(&subtree_range(region).0) {
        return Err(AppError::Forbidden);
    }
    if principal.role == Role::Admin {
        return Ok(());
    }
    let own = principal.region_code.clone().unwrap_or_default();
    let level = ctx
        .db
        .first::<RegionLevelRow>(
            "SELECT code, level FROM regions WHERE code = ?1",
            args![own.as_str()],
        )
        .await?
        .filter(|r| r.code == own)
        .map(|r| r.level)
        .unwrap_or_default();
    if matches!(level.as_str(), "province" | "city" | "district") {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

fn region_param(req: &Request, principal: &Principal, body: Option<&str>) -> AppResult<String> {
    let region = body
        .map(str::to_string)
        .or_else(|| query_param(req, "region"))
        .filter(|r| !r.is_empty())
        .or_else(|| principal.region_code.clone())
        .unwrap_or_else(|| "000000000000".into());
    if tanfang_domain::region::RegionCode::parse(&region).is_err() && region != "000000000000" {
        return Err(AppError::invalid(
            "region",
            "区划代码无效 (bad region code)",
        ));
    }
    Ok(region)
}

#[derive(Deserialize, Default)]
struct CloseRequest {
    #[serde(default)]
    region_code: Option<String>,
}

#[derive(Deserialize)]
struct InputRow {
    elder_id: String,
    region_code: String,
    facts: String,
    visits: String,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// The stored inputs of a close as the domain's [`MonthInputs`].
fn inputs_from_rows(month: Month, region: &str, input_rows: &[InputRow]) -> MonthInputs {
    let elders =
        input_rows
            .iter()
            .map(|row| {
                let facts = facts_from_row(&row.elder_id, &row.region_code, &row.facts)
                    .unwrap_or_else(|| tanfang_domain::elder::ElderFacts {
                        id: row.elder_id.clone(),
                        region_code: Some(row.region_code.clone()),
                        ..Default::default()
                    });
                let visits =
                    serde_json::from_str::<Vec<(String, String, VisitMode, Kind)>>(&row.visits)
                        .unwrap_or_default()
                        .into_iter()
                        .filter_map(|(id, date, mode, kind)| {
                            Some(MonthVisit {
                                date: date.parse().ok()?,
                                id,
                                mode,
                                kind,
                            })
                        })
                        .collect();
                MonthElder { facts, visits }
            })
            .collect();
    MonthInputs::new(month, region, elders)
}

/// `POST /api/months/:m/close`.
async fn close(mut req: Request, ctx: &Ctx, month_text: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let month = parse_month(month_text)?;
    let text = req
        .text()
        .await
        .map_err(|e| AppError::bad_request(format!("unreadable body: {e}")))?;
    let body: CloseRequest = if text.trim().is_empty() {
        CloseRequest::default()
    } else {
        serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(&text)).map_err(
            |e| {
                AppError::invalid(
                    e.path().to_string(),
                    format!("字段无效 Invalid value: {}", e.inner()),
                )
            },
        )?
    };
    let region = region_param(&req, &principal, body.region_code.as_deref())?;
    check_may_close(ctx, &principal, &region).await?;
    check_can_close(month, ctx.today()).map_err(domain_error)?;
    let timeline = ctx.policy_timeline().await?;
    let profile = profile_in_force(&timeline, month.last_day());
    let (lo, hi) = if region == "000000000000" {
        ("000000000000".to_string(), "999999999999".to_string())
    } else {
        subtree_range(&region)
    };
    let id = crate::crypto::random_id("close")?;
    let month_string = month.to_string();
    let db = &ctx.db;
    // One transaction: the close row and a copy of its inputs. From here on every visit pushed
    // for this month in this subtree is a correction.
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO month_closes (id, month, region_code, region_lo, region_hi, policy, closed_by, closed_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(month, region_code) DO NOTHING",
                args![
                    id.as_str(),
                    month_string.as_str(),
                    region.as_str(),
                    lo.as_str(),
                    hi.as_str(),
                    profile_label(&profile),
                    principal.id.as_str(),
                    ctx.now_ms
                ],
            )?,
            db.statement(
                &format!(
                    "INSERT INTO month_close_inputs (close_id, elder_id, region_code, facts, visits) \
                     SELECT ?1, e.id, e.region_code, COALESCE(e.facts, {FACTS_SQL}), \
                       (SELECT json_group_array(json_array(v.id, v.date, v.mode, v.kind)) FROM visits v \
                        WHERE v.elder_id = e.id AND v.date BETWEEN ?4 AND ?5) \
                     FROM elders e WHERE e.region_code BETWEEN ?2 AND ?3 \
                       AND EXISTS (SELECT 1 FROM month_closes c WHERE c.id = ?1)"
                ),
                args![
                    id.as_str(),
                    lo.as_str(),
                    hi.as_str(),
                    month.first_day().to_string(),
                    month.last_day().to_string()
                ],
            )?,
            db.statement("SELECT id FROM month_closes WHERE id = ?1", args![id.as_str()])?,
            db.statement(
                "SELECT elder_id, region_code, facts, visits FROM month_close_inputs WHERE close_id = ?1",
                args![id.as_str()],
            )?,
        ])
        .await?;
    if !rows::<IdRow>(&results[2])?.iter().any(|r| r.id == id) {
        return Err(AppError::Conflict {
            code: "month_closed",
            message: format!(
                "{month} 月已为该区域关账 (month {month} is already closed for {region})"
            ),
            expected_seq: None,
        });
    }
    let inputs = inputs_from_rows(month, &region, &rows::<InputRow>(&results[3])?);
    let snap = snapshot(&profile, &inputs);
    db.batch(vec![
        db.statement(
            "UPDATE month_closes SET snapshot = ?2, digest = ?3 WHERE id = ?1 AND snapshot IS NULL",
            args![id.as_str(), serde_json::to_string(&snap)?, snap.digest.as_str()],
        )?,
        ctx.audit(
            Some(&principal.id),
            "month.close",
            Some(&format!("{month}/{region}")),
            json!({"close_id": id, "policy": snap.policy, "rate": snap.rate, "in_scope": snap.in_scope,
                   "visited": snap.visited, "digest": snap.digest}),
        )?,
    ])
    .await?;
    http::json(&json!({"id": id, "month": month, "region_code": region, "snapshot": snap}))
}

#[derive(Deserialize)]
struct CloseRow {
    id: String,
    month: String,
    region_code: String,
    region_name: Option<String>,
    policy: String,
    snapshot: Option<String>,
    digest: Option<String>,
    closed_by_name: Option<String>,
    closed_at: i64,
}

const CLOSE_COLUMNS: &str =
    "c.id, c.month, c.region_code, r.name AS region_name, c.policy, c.snapshot, c.digest, \
     a.name AS closed_by_name, c.closed_at";

/// `GET /api/months?month=`: the closes in the caller's scope (newest first).
async fn list_closes(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let month = query_param(&req, "month").unwrap_or_default();
    let list = ctx
        .db
        .all::<CloseRow>(
            &format!(
                "SELECT {CLOSE_COLUMNS} FROM month_closes c LEFT JOIN regions r ON r.code = c.region_code \
                 LEFT JOIN accounts a ON a.id = c.closed_by \
                 WHERE (?3 = '' OR c.month = ?3) AND ((c.region_lo <= ?2 AND c.region_hi >= ?1)) \
                 ORDER BY c.month DESC, c.region_code"
            ),
            args![lo.as_str(), hi.as_str(), month],
        )
        .await?;
    let closes: Vec<Value> = list.iter().map(close_summary).collect();
    http::json(&json!({"closes": closes}))
}

fn close_summary(row: &CloseRow) -> Value {
    let snap: Option<MonthSnapshot> = row
        .snapshot
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    json!({
        "id": row.id,
        "month": row.month,
        "region_code": row.region_code,
        "region_name": row.region_name,
        "policy": row.policy,
        "digest": row.digest,
        "closed_by": row.closed_by_name,
        "closed_at": row.closed_at,
        "rate": snap.as_ref().map(|s| s.rate),
        "in_scope": snap.as_ref().map(|s| s.in_scope),
        "visited": snap.as_ref().map(|s| s.visited),
    })
}

#[derive(Deserialize)]
struct CorrectionRow {
    id: String,
    elder_id: String,
    elder_name: Option<String>,
    visit_id: String,
    date: String,
    mode: String,
    kind: String,
    reason: String,
    entered_by_name: Option<String>,
    created_at: i64,
    #[serde(default)]
    reason_by_name: Option<String>,
}

#[derive(Deserialize)]
struct HeldRow {
    visit_id: String,
    elder_id: String,
    elder_name: Option<String>,
    date: String,
    mode: String,
    kind: String,
    entered_by_name: Option<String>,
    created_at: i64,
}

/// `GET /api/months/:m[?region=]` and `GET|POST /api/months/:m/recompute`: the close of the
/// caller's region (or `region`) for the month, with its corrections; `recompute` also reruns
/// the domain over the stored inputs under the version in force then and lists differences.
async fn month_view(
    req: Request,
    ctx: &Ctx,
    month_text: &str,
    recompute: bool,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let month = parse_month(month_text)?;
    principal.require_coordinator()?;
    let region = region_param(&req, &principal, None)?;
    if !principal.governs(&subtree_range(&region).0) {
        return Err(AppError::Forbidden);
    }
    let db = &ctx.db;
    let month_string = month.to_string();
    let mut statements = vec![
        db.statement(
            &format!(
                "SELECT {CLOSE_COLUMNS} FROM month_closes c LEFT JOIN regions r ON r.code = c.region_code \
                 LEFT JOIN accounts a ON a.id = c.closed_by WHERE c.month = ?1 AND c.region_code = ?2"
            ),
            args![month_string.as_str(), region.as_str()],
        )?,
        db.statement(
            "SELECT k.id, k.elder_id, e.name AS elder_name, k.visit_id, k.date, k.mode, k.kind, k.reason, \
               a.name AS entered_by_name, k.created_at, rb.name AS reason_by_name \
             FROM month_corrections k JOIN month_closes c ON c.month = k.month AND c.region_code = ?2 \
               AND k.region_code BETWEEN c.region_lo AND c.region_hi \
             LEFT JOIN elders e ON e.id = k.elder_id LEFT JOIN accounts a ON a.id = k.entered_by \
             LEFT JOIN held_late_visits h ON h.visit_id = k.visit_id LEFT JOIN accounts rb ON rb.id = h.resolved_by \
             WHERE k.month = ?1 ORDER BY k.created_at, k.id",
            args![month_string.as_str(), region.as_str()],
        )?,
        db.statement(
            "SELECT i.elder_id, i.region_code, i.facts, i.visits FROM month_close_inputs i \
             JOIN month_closes c ON c.id = i.close_id WHERE c.month = ?1 AND c.region_code = ?2",
            args![month_string.as_str(), region.as_str()],
        )?,
    ];
    statements.extend(timeline_statements(db)?);
    // results[5]: late visits held out of the month, awaiting a reason.
    statements.push(db.statement(
        "SELECT h.visit_id, h.elder_id, e.name AS elder_name, h.date, h.mode, h.kind, \
           a.name AS entered_by_name, h.created_at \
         FROM held_late_visits h JOIN month_closes c ON c.month = h.month AND c.region_code = ?2 \
           AND h.region_code BETWEEN c.region_lo AND c.region_hi \
         LEFT JOIN elders e ON e.id = h.elder_id LEFT JOIN accounts a ON a.id = h.entered_by \
         WHERE h.month = ?1 AND h.resolved_at IS NULL ORDER BY h.created_at, h.visit_id",
        args![month_string.as_str(), region.as_str()],
    )?);
    let results = db.batch(statements).await?;
    let Some(close_row) = rows::<CloseRow>(&results[0])?.into_iter().next() else {
        return http::json(&json!({
            "month": month, "region_code": region, "closed": false,
            "policy": profile_label(&profile_in_force(&timeline_from(&results[3..])?, month.last_day())),
        }));
    };
    let stored: Option<MonthSnapshot> = close_row
        .snapshot
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok());
    let corrections = rows::<CorrectionRow>(&results[1])?;
    let timeline = timeline_from(&results[3..])?;
    let profile = profile_in_force(&timeline, month.last_day());
    let inputs = inputs_from_rows(month, &region, &rows::<InputRow>(&results[2])?);
    let correction_visits: Vec<(String, MonthVisit)> = corrections
        .iter()
        .filter_map(|c| {
            Some((
                c.elder_id.clone(),
                MonthVisit {
                    date: c.date.parse().ok()?,
                    id: c.visit_id.clone(),
                    mode: serde_json::from_value(json!(c.mode)).ok()?,
                    kind: serde_json::from_value(json!(c.kind)).ok()?,
                },
            ))
        })
        .collect();
    let corrected = snapshot(&profile, &with_corrections(&inputs, &correction_visits));
    let mut answer = json!({
        "month": month,
        "region_code": region,
        "closed": true,
        "close": close_summary(&close_row),
        "snapshot": stored,
        "corrections": corrections.iter().map(|c| json!({
            "id": c.id, "elder_id": c.elder_id, "elder_name": c.elder_name, "visit_id": c.visit_id,
            "date": c.date, "mode": c.mode, "kind": c.kind, "reason": c.reason,
            "entered_by": c.entered_by_name, "created_at": c.created_at, "reason_by": c.reason_by_name,
        })).collect::<Vec<_>>(),
        "held": rows::<HeldRow>(&results[5])?.iter().map(|h| json!({
            "visit_id": h.visit_id, "elder_id": h.elder_id, "elder_name": h.elder_name, "date": h.date,
            "mode": h.mode, "kind": h.kind, "entered_by": h.entered_by_name, "created_at": h.created_at,
        })).collect::<Vec<_>>(),
        "with_corrections": {"rate": corrected.rate, "in_scope": corrected.in_scope, "visited": corrected.visited,
                             "declined": corrected.declined},
    });
    if recompute {
        let recomputed = snapshot(&profile, &inputs);
        let diffs = match &stored {
            Some(stored) => differences(stored, &recomputed),
            None => vec![month_close::Difference {
                field: "snapshot".into(),
                snapshot: Value::Null,
                recomputed: serde_json::to_value(&recomputed)?,
            }],
        };
        answer["recompute"] = json!({
            "matches": diffs.is_empty(),
            "policy": recomputed.policy,
            "digest": recomputed.digest,
            "differences": diffs,
        });
        db.batch(vec![ctx.audit(
            Some(&principal.id),
            "month.recompute",
            Some(&format!("{month}/{region}")),
            json!({"close_id": close_row.id, "matches": diffs.is_empty(), "differences": diffs.len()}),
        )?])
        .await?;
    }
    let _ = close_row.month;
    http::json(&answer)
}

#[derive(Deserialize)]
struct CorrectionRequest {
    elder_id: String,
    date: String,
    #[serde(default)]
    mode: Option<VisitMode>,
    #[serde(default)]
    kind: Option<Kind>,
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct ElderRegionRow {
    region_code: String,
    closed: i64,
}

/// `POST /api/months/:m/corrections`: a coordinator records a late visit for a closed month
/// with its reason (the snapshot does not change; the month lists it as a correction).
async fn add_correction(mut req: Request, ctx: &Ctx, month_text: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let month = parse_month(month_text)?;
    let body: CorrectionRequest = read_json(&mut req).await?;
    let date: NaiveDate = body
        .date
        .parse()
        .map_err(|_| AppError::invalid("date", "须为 YYYY-MM-DD (must be YYYY-MM-DD)"))?;
    if !month.contains(date) {
        return Err(AppError::invalid(
            "date",
            format!("日期须在 {month} 月内 (date must be inside {month})"),
        ));
    }
    if date > ctx.today() {
        return Err(AppError::invalid(
            "date",
            "不能晚于今天 (cannot be in the future)",
        ));
    }
    let reason = check_correction_reason(month, body.reason.as_deref()).map_err(domain_error)?;
    let db = &ctx.db;
    let month_string = month.to_string();
    let elder = db
        .first::<ElderRegionRow>(
            "SELECT e.region_code, EXISTS (SELECT 1 FROM month_closes c WHERE c.month = ?2 \
               AND e.region_code BETWEEN c.region_lo AND c.region_hi) AS closed FROM elders e WHERE e.id = ?1",
            args![body.elder_id.as_str(), month_string.as_str()],
        )
        .await?
        .filter(|e| principal.governs(&e.region_code))
        .ok_or(AppError::NotFound)?;
    if elder.closed == 0 {
        return Err(AppError::invalid(
            "date",
            format!("{month} 月未关账，请直接登记探访 (month {month} is not closed: record the visit normally)"),
        ));
    }
    let mode = body.mode.unwrap_or(VisitMode::Home);
    let kind = body.kind.unwrap_or(Kind::Visit);
    let visit_id = crate::crypto::random_id("late")?;
    let mut record = tanfang_domain::visit::VisitRecord::new(
        visit_id.as_str(),
        body.elder_id.as_str(),
        principal.id.as_str(),
        date,
        mode,
    );
    record.kind = kind;
    record.entered_by = Some(principal.id.clone());
    record.server_time_ms = Some(ctx.now_ms);
    if let Err(errors) = record.validate() {
        return Err(AppError::invalid(
            errors[0].field.clone(),
            errors[0].message.clone(),
        ));
    }
    let mode_text = serde_json::to_value(mode)?;
    let kind_text = serde_json::to_value(kind)?;
    let mut statements = vec![
        db.statement(NEW_CURSOR_SQL, args![principal.id.as_str(), "month.correction", ctx.now_ms])?,
        db.statement(
            &format!(
                "INSERT INTO visits (id, elder_id, visitor_id, date, mode, kind, record, client_id, device_time, server_time, cursor) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, NULL, NULL, ?8, {CURRENT_CURSOR})"
            ),
            args![
                visit_id.as_str(),
                body.elder_id.as_str(),
                principal.id.as_str(),
                date.to_string(),
                mode_text.as_str().unwrap_or("home"),
                kind_text.as_str().unwrap_or("visit"),
                serde_json::to_string(&record)?,
                ctx.now_ms
            ],
        )?,
        correction_statement(ctx, month, &body.elder_id, &elder.region_code, &record, &reason, &principal.id)?,
        db.statement(
            &format!("UPDATE elders SET cursor = {CURRENT_CURSOR} WHERE id = ?1"),
            args![body.elder_id.as_str()],
        )?,
        ctx.audit(
            Some(&principal.id),
            "month.correction",
            Some(&body.elder_id),
            json!({"month": month, "visit_id": visit_id, "date": date, "reason": reason}),
        )?,
    ];
    if kind == Kind::Visit {
        statements.push(db.statement(
            "INSERT OR IGNORE INTO elder_month_visits (elder_id, month) VALUES (?1, ?2)",
            args![body.elder_id.as_str(), month_string.as_str()],
        )?);
    }
    statements.extend(tally::recompute(
        db,
        &month_string,
        &elder.region_code,
        ctx.now_ms,
    )?);
    db.batch(statements).await?;
    http::json_status(
        &json!({"visit_id": visit_id, "month": month, "date": date, "reason": reason}),
        201,
    )
}

/// For the push: a visit dated in a closed month without a reason is kept but held out of the
/// month, awaiting a reason (the row of `held_late_visits` and its audit).
pub fn held_statements(
    ctx: &Ctx,
    record: &tanfang_domain::visit::VisitRecord,
    region_code: &str,
    entered_by: &str,
) -> AppResult<Vec<Statement>> {
    let month = Month::containing(record.date);
    let mode = serde_json::to_value(record.mode)?;
    let kind = serde_json::to_value(record.kind)?;
    Ok(vec![
        ctx.db.statement(
            "INSERT INTO held_late_visits (visit_id, month, elder_id, region_code, date, mode, kind, entered_by, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT(visit_id) DO NOTHING",
            args![
                record.id.as_str(),
                month.to_string(),
                record.elder_id.as_str(),
                region_code,
                record.date.to_string(),
                mode.as_str().unwrap_or("other"),
                kind.as_str().unwrap_or("visit"),
                entered_by,
                ctx.now_ms
            ],
        )?,
        ctx.audit(
            Some(entered_by),
            "month.held",
            Some(&record.elder_id),
            json!({"month": month, "visit_id": record.id, "date": record.date}),
        )?,
    ])
}

#[derive(Deserialize)]
struct ReasonRequest {
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Deserialize)]
struct HeldStateRow {
    elder_id: String,
    region_code: String,
    resolved_at: Option<i64>,
}

/// `POST /api/months/:m/held/:visit_id/reason {reason}`: a coordinator governing the elder's
/// community gives the reason of a held late visit; it becomes a correction of the month.
async fn give_held_reason(
    mut req: Request,
    ctx: &Ctx,
    month_text: &str,
    visit_id: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let month = parse_month(month_text)?;
    let month_string = month.to_string();
    let db = &ctx.db;
    let held = db
        .first::<HeldStateRow>(
            "SELECT elder_id, region_code, resolved_at FROM held_late_visits WHERE visit_id = ?1 AND month = ?2",
            args![visit_id, month_string.as_str()],
        )
        .await?
        .filter(|h| principal.governs(&h.region_code))
        .ok_or(AppError::NotFound)?;
    let body: ReasonRequest = read_json(&mut req).await?;
    let reason = check_correction_reason(month, body.reason.as_deref()).map_err(domain_error)?;
    if held.resolved_at.is_some() {
        return Err(AppError::Conflict {
            code: "already_corrected",
            message: "该探访已补充原因 (this visit already has its reason)".into(),
            expected_seq: None,
        });
    }
    db.batch(vec![
            db.statement(
                "INSERT INTO month_corrections (id, month, elder_id, region_code, visit_id, date, mode, kind, reason, entered_by, created_at) \
                 SELECT ?1, h.month, h.elder_id, h.region_code, h.visit_id, h.date, h.mode, h.kind, ?3, h.entered_by, ?4 \
                 FROM held_late_visits h WHERE h.visit_id = ?2 AND h.resolved_at IS NULL \
                 ON CONFLICT(visit_id) DO NOTHING",
                args![crate::crypto::random_id("corr")?, visit_id, reason.as_str(), ctx.now_ms],
            )?,
            db.statement(
                "UPDATE held_late_visits SET resolved_at = ?2, resolved_by = ?3 WHERE visit_id = ?1 AND resolved_at IS NULL",
                args![visit_id, ctx.now_ms, principal.id.as_str()],
            )?,
            ctx.audit(
                Some(&principal.id),
                "month.correction",
                Some(&held.elder_id),
                json!({"month": month, "visit_id": visit_id, "reason": reason, "held": true}),
            )?,
        ])
        .await?;
    http::json(&json!({"visit_id": visit_id, "month": month, "reason": reason}))
}

/// The `month_corrections` row of a visit accepted for a closed month (also used by the push).
pub fn correction_statement(
    ctx: &Ctx,
    month: Month,
    elder_id: &str,
    region_code: &str,
    record: &tanfang_domain::visit::VisitRecord,
    reason: &str,
    entered_by: &str,
) -> AppResult<Statement> {
    let mode = serde_json::to_value(record.mode)?;
    let kind = serde_json::to_value(record.kind)?;
    ctx.db.statement(
        "INSERT INTO month_corrections (id, month, elder_id, region_code, visit_id, date, mode, kind, reason, entered_by, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) ON CONFLICT(visit_id) DO NOTHING",
        args![
            crate::crypto::random_id("corr")?,
            month.to_string(),
            elder_id,
            region_code,
            record.id.as_str(),
            record.date.to_string(),
            mode.as_str().unwrap_or("other"),
            kind.as_str().unwrap_or("visit"),
            reason,
            entered_by,
            ctx.now_ms
        ],
    )
}

/// For the push: the closes of the given months, as `(month, lo, hi)`.
pub fn closes_statement(db: &Db, months_json: &str) -> AppResult<Statement> {
    db.statement(
        "SELECT month, region_lo, region_hi FROM month_closes WHERE month IN (SELECT value FROM json_each(?1))",
        args![months_json],
    )
}

#[derive(Deserialize)]
pub struct CloseRangeRow {
    pub month: String,
    pub region_lo: String,
    pub region_hi: String,
}

/// Is (`month`, `region_code`) inside one of `closes`?
pub fn is_closed(closes: &[CloseRangeRow], month: &str, region_code: &str) -> bool {
    closes.iter().any(|c| {
        c.month == month
            && region_code >= c.region_lo.as_str()
            && region_code <= c.region_hi.as_str()
    })
}

/// The closed-month state of a month in a subtree for the exports: `(closed, policy label)`.
pub async fn export_note(ctx: &Ctx, month: Month, lo: &str, hi: &str) -> AppResult<(bool, String)> {
    let db = &ctx.db;
    let mut statements = vec![db.statement(
        "SELECT month FROM month_closes WHERE month = ?1 AND region_lo <= ?2 AND region_hi >= ?3",
        args![month.to_string(), lo, hi],
    )?];
    statements.extend(timeline_statements(db)?);
    let results = db.batch(statements).await?;
    let closed = !rows::<MonthRow>(&results[0])?.is_empty();
    let profile = profile_in_force(&timeline_from(&results[1..])?, month.last_day());
    Ok((closed, profile_label(&profile)))
}

/// The exports' note after a title: `〔政策 tianjin@1 · 已关账〕` / `〔政策 … · 未关账〕`.
pub fn export_label(closed: bool, policy: &str) -> String {
    format!(
        "〔政策 {policy} · {}〕",
        if closed {
            "已关账 closed"
        } else {
            "未关账 open"
        }
    )
}
