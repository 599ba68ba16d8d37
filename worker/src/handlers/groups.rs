//! Volunteer groups (issue 7): enterprise/school/social-organisation groups register, are
//! reviewed, pair (结对) with communities, invite members by code, and see their members' visits
//! and service hours — never an elder's personal data.
//!
//! Routes (all under `/api/`, dispatched by [`route`]):
//! - `POST groups` — public self-registration. Creates the group (pending), its
//!   `group_admin` account (login = the contact's mobile number, password from the form) and a
//!   session. Public because a group has no account before it registers; a coordinator then
//!   reviews it, and until approval the group can do nothing but look at its status.
//! - `GET groups[?status=pending]` — group admin: its own group and members; coordinator: groups
//!   whose registration area or any pairing lies in their subtree; admin: all. A superset of the
//!   earlier `admin::groups` answer (`groups[].paired_region`, `members`).
//! - `POST groups/:id/approve`, `POST groups/:id/decline {reason}` — a coordinator governing the
//!   registration area.
//! - `POST groups/:id/pairings {community_codes, start_date?, end_date?}` — the group admin (side
//!   group) or a coordinator governing the communities (side community) requests pairings.
//! - `POST pairings/:id/accept|decline {reason}|end` — the other side accepts/declines; either
//!   side ends. Ending unassigns the group's members from that community's elders (removals).
//! - `POST groups/:id/invites {days?}` → a single-use code; `GET invites/:code` (public preview);
//!   `POST invites/:code/signup {name, phone, password, student?}` → a volunteer account in the
//!   group, logged in. Listing invites, their QR codes and joining by SMS code (no password):
//!   `handlers::invites`.
//! - `DELETE groups/:id/members/:account` — the member leaves the group; their elders in the
//!   group's communities are unassigned, so the next pull on their phone removes them.
//! - `POST groups/:id/assignments {elder_ids, member_id, role?}` — a coordinator assigns elders of
//!   a community paired (in force today) with the group to one of its members.
//! - `GET groups/:id/dashboard`, `GET groups/:id/hours.csv?term=2024-2025-1`.
//!
//! Design decisions:
//! - Unassignment writes the worker's own `removals` / `assignments` / `elders` columns, so the
//!   existing pull emits removals without knowing about groups.
//! - Business rules (credit code, state machines, invites, terms, hours, CSV) are in
//!   `tanfang_domain::group`; this file checks who may do what and stores the result.
//! - Seeded groups (no `group_profiles` row) count as approved; their legacy
//!   `volunteer_groups.paired_region_code` becomes an active pairing row the first time any group
//!   route runs ([`legacy_pairings`]).

use crate::args;
use crate::auth::{require, Principal, Role, SESSION_LIFETIME_MS};
use crate::context::Ctx;
use crate::crypto;
use crate::error::{AppError, AppResult};
use crate::http::{self, query_param, read_json};
use crate::store::{changes, rows, Db, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::views;
use chrono::{Months, NaiveDate};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use tanfang_domain::date::Month;
use tanfang_domain::group::{
    hours_by_member_in_term, hours_by_member_month, invite_code_from_bytes, normalize_invite_code,
    term_hours_csv, validate_person_name, FieldError, GroupKind, GroupRegistration, HoursTotal,
    Invite, InviteError, MemberHoursRow, Pairing, PairingEvent, PairingStatus, RegistrationEvent,
    RegistrationStatus, Side, StudentDetails, Term, TransitionError, VisitFact,
    INVITE_DEFAULT_DAYS,
};
use tanfang_domain::phone::Phone;
use worker::{Method, Request, Response};

/// Passwords chosen at registration/sign-up: 8–128 characters.
pub const MIN_PASSWORD_CHARS: usize = 8;
/// Most communities one pairing request names.
pub const MAX_PAIRING_COMMUNITIES: usize = 50;
/// Most elders one assignment names.
pub const MAX_GROUP_ASSIGN: usize = 500;

/// Dispatches `/api/groups…`, `/api/pairings…`, `/api/invites…`.
pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    use Method::{Delete, Get, Post};
    match (req.method(), segments) {
        (Get, ["api", "groups"]) => list(req, ctx).await,
        (Post, ["api", "groups"]) => register(req, ctx).await,
        (Post, ["api", "groups", id, "approve"]) => decide(req, ctx, id, true).await,
        (Post, ["api", "groups", id, "decline"]) => decide(req, ctx, id, false).await,
        (Post, ["api", "groups", id, "pairings"]) => request_pairings(req, ctx, id).await,
        (Post, ["api", "groups", id, "invites"]) => create_invite(req, ctx, id).await,
        (Post, ["api", "groups", id, "assignments"]) => assign(req, ctx, id).await,
        (Get, ["api", "groups", id, "dashboard"]) => dashboard(req, ctx, id).await,
        (Get, ["api", "groups", id, "hours.csv"]) => hours_csv(req, ctx, id).await,
        (Delete, ["api", "groups", id, "members", account]) => {
            remove_member(req, ctx, id, account).await
        }
        (Post, ["api", "pairings", id, action @ ("accept" | "decline" | "end")]) => {
            pairing_action(req, ctx, id, action).await
        }
        (Get, ["api", "groups", id, "invites"]) => super::invites::list_group(req, ctx, id).await,
        (Get, ["api", "invites", code]) => super::invites::preview(ctx, code).await,
        (Get, ["api", "invites", code, "qr.svg"]) => super::invites::qr_svg(req, ctx, code).await,
        (Post, ["api", "invites", code, "join"]) => super::invites::join(req, ctx, code).await,
        (Post, ["api", "invites", code, "signup"]) => signup(req, ctx, code).await,
        (
            _,
            ["api", "groups"]
            | ["api", "groups", _, "approve" | "decline" | "pairings" | "invites" | "assignments" | "dashboard"
            | "hours.csv"]
            | ["api", "groups", _, "members", _]
            | ["api", "pairings", _, "accept" | "decline" | "end"]
            | ["api", "invites", _]
            | ["api", "invites", _, "signup" | "join" | "qr.svg"],
        ) => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound),
    }
}

// ---------------------------------------------------------------------------------------------
// Storage helpers
// ---------------------------------------------------------------------------------------------

/// Turns seeded groups' `paired_region_code` into an active pairing row (idempotent).
fn legacy_pairings(db: &Db) -> AppResult<Statement> {
    db.statement(
        "INSERT OR IGNORE INTO group_pairings (id, group_id, community_code, status, requested_by, requested_on, \
           start_date, created_at, updated_at) \
         SELECT 'pair-' || g.id, g.id, g.paired_region_code, 'active', 'community', \
           date(g.created_at / 1000 + 8 * 3600, 'unixepoch'), date(g.created_at / 1000 + 8 * 3600, 'unixepoch'), \
           g.created_at, g.created_at \
         FROM volunteer_groups g WHERE g.paired_region_code IS NOT NULL \
           AND NOT EXISTS (SELECT 1 FROM group_pairings p WHERE p.group_id = g.id)",
        vec![],
    )
}

const GROUP_SELECT: &str = "SELECT g.id, g.name, COALESCE(p.kind, g.kind) AS kind, g.paired_region_code, \
    pr.name AS paired_region_name, p.credit_code, p.region_code, rr.name AS region_name, p.contact_name, \
    p.contact_phone, COALESCE(p.status, 'approved') AS status, p.decline_reason, p.created_at, \
    (SELECT COUNT(*) FROM accounts a WHERE a.group_id = g.id AND a.role = 'volunteer') AS member_count, \
    (SELECT COUNT(DISTINCT e.id) FROM elders e WHERE e.responsible_id IN (SELECT a.id FROM accounts a WHERE a.group_id = g.id AND a.role = 'volunteer') \
       OR e.backup_id IN (SELECT a.id FROM accounts a WHERE a.group_id = g.id AND a.role = 'volunteer')) AS elders_paired, \
    (SELECT COUNT(*) FROM visits v JOIN accounts a ON a.id = v.visitor_id WHERE a.group_id = g.id AND v.date >= ?9) AS visits_this_month \
    FROM volunteer_groups g LEFT JOIN group_profiles p ON p.group_id = g.id \
    LEFT JOIN regions pr ON pr.code = g.paired_region_code LEFT JOIN regions rr ON rr.code = p.region_code";

/// Groups a coordinator reaches: registration area, legacy pairing or any pairing in ?1..?2.
const COORDINATOR_REACH: &str = "(p.region_code BETWEEN ?1 AND ?2 OR g.paired_region_code BETWEEN ?1 AND ?2 \
    OR EXISTS (SELECT 1 FROM group_pairings x WHERE x.group_id = g.id AND x.community_code BETWEEN ?1 AND ?2))";

#[derive(Deserialize, Clone)]
pub(crate) struct GroupRow {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) paired_region_code: Option<String>,
    pub(crate) paired_region_name: Option<String>,
    pub(crate) credit_code: Option<String>,
    pub(crate) region_code: Option<String>,
    pub(crate) region_name: Option<String>,
    pub(crate) contact_name: Option<String>,
    pub(crate) contact_phone: Option<String>,
    pub(crate) status: String,
    pub(crate) decline_reason: Option<String>,
    pub(crate) created_at: Option<i64>,
    pub(crate) member_count: i64,
    pub(crate) elders_paired: i64,
    pub(crate) visits_this_month: i64,
}

impl GroupRow {
    pub(crate) fn registration(&self) -> RegistrationStatus {
        RegistrationStatus::from_stored(&self.status, self.decline_reason.as_deref())
            .unwrap_or(RegistrationStatus::Pending)
    }

    fn kind(&self) -> GroupKind {
        GroupKind::parse(&self.kind).unwrap_or(GroupKind::Other)
    }
}

#[derive(Deserialize, Clone)]
pub(crate) struct PairingRow {
    pub(crate) id: String,
    pub(crate) group_id: String,
    pub(crate) community_code: String,
    pub(crate) community_name: Option<String>,
    pub(crate) status: String,
    pub(crate) requested_by: String,
    pub(crate) requested_on: String,
    pub(crate) start_date: String,
    pub(crate) end_date: Option<String>,
    pub(crate) ended_by: Option<String>,
    pub(crate) decline_reason: Option<String>,
}

const PAIRING_SELECT: &str =
    "SELECT x.id, x.group_id, x.community_code, r.name AS community_name, x.status, \
    x.requested_by, x.requested_on, x.start_date, x.end_date, x.ended_by, x.decline_reason \
    FROM group_pairings x LEFT JOIN regions r ON r.code = x.community_code";

fn parse_date(field: &str, text: &str) -> AppResult<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)"))
}

impl PairingRow {
    fn to_domain(&self) -> AppResult<Pairing> {
        let bad = || AppError::Internal(format!("stored pairing {} unreadable", self.id));
        Ok(Pairing {
            status: PairingStatus::parse(&self.status).ok_or_else(bad)?,
            requested_by: Side::parse(&self.requested_by).ok_or_else(bad)?,
            requested_on: parse_date("requested_on", &self.requested_on).map_err(|_| bad())?,
            start_date: parse_date("start_date", &self.start_date).map_err(|_| bad())?,
            end_date: match &self.end_date {
                Some(text) => Some(parse_date("end_date", text).map_err(|_| bad())?),
                None => None,
            },
            ended_by: self.ended_by.as_deref().and_then(Side::parse),
            decline_reason: self.decline_reason.clone(),
        })
    }

    fn json(&self) -> Value {
        let status = PairingStatus::parse(&self.status);
        json!({
            "id": self.id, "group_id": self.group_id,
            "community": {"code": self.community_code, "name": self.community_name},
            "status": self.status, "status_zh": status.map(|s| s.label_zh()),
            "requested_by": self.requested_by, "requested_on": self.requested_on,
            "start_date": self.start_date, "end_date": self.end_date, "ended_by": self.ended_by,
            "decline_reason": self.decline_reason,
        })
    }
}

fn group_json(group: &GroupRow, pairings: &[PairingRow]) -> Value {
    let registration = group.registration();
    json!({
        "id": group.id, "name": group.name, "kind": group.kind, "kind_zh": group.kind().label_zh(),
        "status": registration.name(), "status_zh": registration.label_zh(),
        "decline_reason": group.decline_reason,
        "credit_code": group.credit_code,
        "region": group.region_code.as_ref().map(|c| json!({"code": c, "name": group.region_name})),
        "contact_name": group.contact_name, "contact_phone": group.contact_phone,
        "registered_at": group.created_at,
        "paired_region": group.paired_region_code.as_ref().map(|c| json!({"code": c, "name": group.paired_region_name})),
        "pairings": pairings.iter().filter(|p| p.group_id == group.id).map(PairingRow::json).collect::<Vec<_>>(),
        "member_count": group.member_count, "elders_paired": group.elders_paired,
        "visits_this_month": group.visits_this_month,
    })
}

fn month_start(ctx: &Ctx) -> String {
    format!("{}-01", ctx.today().format("%Y-%m"))
}

/// The group with its pairings (after the legacy backfill), or 404.
pub(crate) async fn load_group(ctx: &Ctx, id: &str) -> AppResult<(GroupRow, Vec<PairingRow>)> {
    let db = &ctx.db;
    let results = db
        .batch(vec![
            legacy_pairings(db)?,
            db.statement(
                &format!("{GROUP_SELECT} WHERE g.id = ?1 AND ?2 = ?2 AND ?3 = ?3 AND ?4 = ?4 AND ?5 = ?5 AND ?6 = ?6 AND ?7 = ?7 AND ?8 = ?8"),
                args![id, 0i64, 0i64, 0i64, 0i64, 0i64, 0i64, 0i64, month_start(ctx)],
            )?,
            db.statement(
                &format!("{PAIRING_SELECT} WHERE x.group_id = ?1 ORDER BY x.created_at, x.id"),
                args![id],
            )?,
        ])
        .await?;
    let group = rows::<GroupRow>(&results[1])?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    Ok((group, rows::<PairingRow>(&results[2])?))
}

/// Does this coordinator/admin reach the group (registration area or any pairing)?
pub(crate) fn coordinator_reaches(
    principal: &Principal,
    group: &GroupRow,
    pairings: &[PairingRow],
) -> bool {
    if principal.role == Role::Admin {
        return true;
    }
    group
        .region_code
        .iter()
        .chain(group.paired_region_code.iter())
        .chain(pairings.iter().map(|p| &p.community_code))
        .any(|code| principal.governs(code))
}

pub(crate) fn is_group_admin_of(principal: &Principal, group_id: &str) -> bool {
    principal.role == Role::GroupAdmin && principal.group_id.as_deref() == Some(group_id)
}

/// The group admin of the group, or a coordinator/admin reaching it; else 404 (a group outside
/// one's reach is not even confirmed to exist).
fn may_view(principal: &Principal, group: &GroupRow, pairings: &[PairingRow]) -> AppResult<()> {
    if is_group_admin_of(principal, &group.id) {
        return Ok(());
    }
    match principal.role {
        Role::Coordinator | Role::Admin if coordinator_reaches(principal, group, pairings) => {
            Ok(())
        }
        Role::Coordinator | Role::Admin | Role::GroupAdmin => Err(AppError::NotFound),
        Role::Volunteer => Err(AppError::Forbidden),
    }
}

pub(crate) fn field_error(error: FieldError) -> AppError {
    AppError::invalid(error.field, error.message)
}

fn transition_error(error: TransitionError) -> AppError {
    match error {
        TransitionError::Field(error) => field_error(error),
        other => AppError::Conflict {
            code: "invalid_transition",
            message: other.to_string(),
            expected_seq: None,
        },
    }
}

pub(crate) fn invite_error(error: InviteError) -> AppError {
    let code = match error {
        InviteError::Malformed => "invalid_field",
        InviteError::Used => "invite_used",
        InviteError::Expired => "invite_expired",
        InviteError::GroupNotApproved => "group_not_approved",
    };
    AppError::Invalid {
        code,
        field: "code".into(),
        message: error.to_string(),
    }
}

fn check_password(password: &str) -> AppResult<()> {
    let count = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=128).contains(&count) {
        return Err(AppError::invalid(
            "password",
            format!("密码须为{MIN_PASSWORD_CHARS}–128个字符 (password must be {MIN_PASSWORD_CHARS}–128 characters)"),
        ));
    }
    Ok(())
}

/// A mobile number as login.
fn mobile_login(field: &str, text: &str) -> AppResult<String> {
    match Phone::parse(text) {
        Ok(phone) if phone.is_mobile() => Ok(phone.to_string()),
        Ok(_) => Err(AppError::invalid(
            field,
            "请填写手机号码（用作登录账号）(a mobile number is required: it is the login)",
        )),
        Err(error) => Err(AppError::invalid(field, error.to_string())),
    }
}

/// New session statement + cookie value.
fn new_session(ctx: &Ctx, account_id: &str) -> AppResult<(Statement, String)> {
    let token = hex::encode(crypto::random_bytes(32)?);
    let statement = ctx.db.statement(
        "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, last_seen_at) \
         SELECT ?1, ?2, ?3, ?4, ?3 WHERE EXISTS (SELECT 1 FROM accounts WHERE id = ?2)",
        args![
            crypto::sha256_hex(&token),
            account_id,
            ctx.now_ms,
            ctx.now_ms + SESSION_LIFETIME_MS
        ],
    )?;
    Ok((
        statement,
        http::session_cookie(&token, (SESSION_LIFETIME_MS / 1000) as u64),
    ))
}

/// Statements that take `members` off the elders of `communities` (both JSON arrays): a removal
/// for each (so their phones drop the elder), the assignment history closed, the columns
/// cleared. The batch must start with [`NEW_CURSOR_SQL`].
fn unassign_statements(
    db: &Db,
    members_json: &str,
    communities_json: &str,
    now_ms: i64,
) -> AppResult<Vec<Statement>> {
    let mut statements = Vec::new();
    for column in ["responsible_id", "backup_id"] {
        statements.push(db.statement(
            &format!(
                "INSERT INTO removals (account_id, elder_id, cursor) SELECT e.{column}, e.id, {CURRENT_CURSOR} FROM elders e \
                 WHERE e.{column} IN (SELECT value FROM json_each(?1)) AND e.region_code IN (SELECT value FROM json_each(?2))"
            ),
            args![members_json, communities_json],
        )?);
    }
    statements.push(db.statement(
        "UPDATE assignments SET ended_at = ?3 WHERE ended_at IS NULL AND account_id IN (SELECT value FROM json_each(?1)) \
         AND elder_id IN (SELECT id FROM elders WHERE region_code IN (SELECT value FROM json_each(?2)))",
        args![members_json, communities_json, now_ms],
    )?);
    statements.push(db.statement(
        &format!(
            "UPDATE elders SET \
               responsible_id = CASE WHEN responsible_id IN (SELECT value FROM json_each(?1)) THEN NULL ELSE responsible_id END, \
               backup_id = CASE WHEN backup_id IN (SELECT value FROM json_each(?1)) THEN NULL ELSE backup_id END, \
               cursor = {CURRENT_CURSOR}, updated_at = ?3 \
             WHERE region_code IN (SELECT value FROM json_each(?2)) AND \
               (responsible_id IN (SELECT value FROM json_each(?1)) OR backup_id IN (SELECT value FROM json_each(?1)))"
        ),
        args![members_json, communities_json, now_ms],
    )?);
    Ok(statements)
}

#[derive(Deserialize)]
struct MemberRow {
    id: String,
    login: String,
    name: String,
    volunteer_kind: Option<String>,
    school: Option<String>,
    class_name: Option<String>,
    student_number: Option<String>,
    phone: Option<String>,
    disabled: i64,
}

const MEMBER_SELECT: &str = "SELECT a.id, a.login, a.name, a.volunteer_kind, a.school, a.class_name, \
    a.student_number, a.phone, a.disabled FROM accounts a WHERE a.group_id = ?1 AND a.role = 'volunteer'";

fn member_json(member: &MemberRow) -> Value {
    json!({
        "id": member.id, "login": member.login, "name": member.name,
        "volunteer_kind": member.volunteer_kind, "school": member.school,
        "class_name": member.class_name, "student_number": member.student_number,
        "phone": member.phone.as_deref().and_then(|p| Phone::parse(p).ok()).map(|p| p.masked()),
        "disabled": member.disabled != 0,
    })
}

// ---------------------------------------------------------------------------------------------
// Registration and review
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct RegisterRequest {
    #[serde(flatten)]
    registration: GroupRegistration,
    password: String,
}

#[derive(Deserialize)]
struct Exists {
    n: i64,
}

/// `POST /api/groups` — public self-registration (see the module docs).
pub async fn register(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let body: RegisterRequest = read_json(&mut req).await?;
    let valid = body
        .registration
        .validate()
        .map_err(|errors| field_error(errors.into_iter().next().unwrap()))?;
    let login = mobile_login("contact_phone", &body.registration.contact_phone)?;
    check_password(&body.password)?;
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT COUNT(*) AS n FROM regions WHERE code = ?1",
                args![valid.region_code.as_str()],
            )?,
            db.statement(
                "SELECT COUNT(*) AS n FROM group_profiles p JOIN volunteer_groups g ON g.id = p.group_id WHERE p.credit_code = ?1",
                args![valid.credit_code.as_str()],
            )?,
            db.statement(
                "SELECT COUNT(*) AS n FROM accounts WHERE login = ?1",
                args![login.as_str()],
            )?,
        ])
        .await?;
    let count = |i: usize| -> AppResult<i64> {
        Ok(rows::<Exists>(&results[i])?
            .first()
            .map(|r| r.n)
            .unwrap_or(0))
    };
    if count(0)? == 0 {
        return Err(AppError::invalid(
            "region_code",
            "没有这个区划 (no such region)",
        ));
    }
    if count(1)? > 0 {
        return Err(AppError::Invalid {
            code: "duplicate",
            field: "credit_code".into(),
            message: "该统一社会信用代码已注册 (a group with this credit code is registered)"
                .into(),
        });
    }
    if count(2)? > 0 {
        return Err(AppError::Invalid {
            code: "duplicate",
            field: "contact_phone".into(),
            message: "该手机号已有账号 (this mobile number already has an account)".into(),
        });
    }
    let group_id = crypto::random_id("grp")?;
    let admin_id = crypto::random_id("acc")?;
    let coarse_kind = match valid.kind {
        GroupKind::Enterprise => "enterprise",
        GroupKind::School => "school",
        GroupKind::SocialOrganisation | GroupKind::Other => "other",
    };
    let (hash, salt, iterations) = crypto::hash_password(&body.password).await?;
    let (session, cookie) = new_session(ctx, &admin_id)?;
    // The orphan profile of a group wiped by a dev reset would hold the credit code: drop it.
    let statements = vec![
        db.statement(
            "DELETE FROM group_profiles WHERE credit_code = ?1 AND group_id NOT IN (SELECT id FROM volunteer_groups)",
            args![valid.credit_code.as_str()],
        )?,
        db.statement(
            "INSERT INTO volunteer_groups (id, name, kind, paired_region_code, created_at) VALUES (?1, ?2, ?3, NULL, ?4)",
            args![group_id.as_str(), valid.name.as_str(), coarse_kind, ctx.now_ms],
        )?,
        db.statement(
            "INSERT INTO group_profiles (group_id, kind, credit_code, region_code, contact_name, contact_phone, admin_id, status, created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?8)",
            args![
                group_id.as_str(),
                valid.kind.as_str(),
                valid.credit_code.as_str(),
                valid.region_code.as_str(),
                valid.contact_name.as_str(),
                valid.contact_phone.to_string(),
                admin_id.as_str(),
                ctx.now_ms
            ],
        )?,
        db.statement(
            "INSERT INTO accounts (id, login, name, role, volunteer_kind, region_code, group_id, phone, password_hash, \
               password_salt, password_iterations, created_at) VALUES (?1, ?2, ?3, 'group_admin', NULL, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            args![
                admin_id.as_str(),
                login.as_str(),
                valid.contact_name.as_str(),
                valid.region_code.as_str(),
                group_id.as_str(),
                login.as_str(),
                hash,
                salt,
                iterations,
                ctx.now_ms
            ],
        )?,
        session,
        ctx.audit(
            Some(&admin_id),
            "groups.register",
            Some(&group_id),
            json!({"name": valid.name, "kind": valid.kind.as_str(), "region_code": valid.region_code.as_str()}),
        )?,
    ];
    db.batch(statements).await?;
    let (group, pairings) = load_group(ctx, &group_id).await?;
    let mut response = http::json_status(
        &json!({"group": group_json(&group, &pairings), "login": login, "user_id": admin_id}),
        201,
    )?;
    response.headers_mut().set("set-cookie", &cookie)?;
    Ok(response)
}

/// `GET /api/groups[?status=pending|approved|declined]`.
pub async fn list(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let status = query_param(&req, "status").unwrap_or_default();
    if !status.is_empty() && RegistrationStatus::from_stored(&status, None).is_none() {
        return Err(AppError::invalid(
            "status",
            "须为 pending、approved 或 declined",
        ));
    }
    let (filter, filter_args) = match principal.role {
        Role::GroupAdmin => {
            let group = principal.group_id.clone().ok_or(AppError::Forbidden)?;
            (
                "g.id = ?3 AND ?1 = ?1 AND ?2 = ?2".to_string(),
                args!["", "", group],
            )
        }
        Role::Coordinator | Role::Admin => {
            let (lo, hi) = principal.require_coordinator()?;
            (
                format!("{COORDINATOR_REACH} AND ?3 = ?3"),
                args![lo, hi, ""],
            )
        }
        Role::Volunteer => return Err(AppError::Forbidden),
    };
    let filter = format!("{filter} AND (?4 = '' OR COALESCE(p.status, 'approved') = ?4)");
    let mut all_args = filter_args.clone();
    all_args.extend(args![
        status.as_str(),
        0i64,
        0i64,
        0i64,
        0i64,
        month_start(ctx)
    ]);
    let db = &ctx.db;
    let mut statements = vec![
        legacy_pairings(db)?,
        db.statement(
            &format!("{GROUP_SELECT} WHERE {filter} AND ?5 = ?5 AND ?6 = ?6 AND ?7 = ?7 AND ?8 = ?8 ORDER BY (COALESCE(p.status, 'approved') = 'pending') DESC, g.name, g.id"),
            all_args.clone(),
        )?,
        db.statement(
            &format!(
                "{PAIRING_SELECT} WHERE x.group_id IN (SELECT g.id FROM volunteer_groups g LEFT JOIN group_profiles p ON p.group_id = g.id \
                 WHERE {filter}) ORDER BY x.created_at, x.id"
            ),
            {
                let mut a = filter_args.clone();
                a.extend(args![status.as_str()]);
                a
            },
        )?,
    ];
    if principal.role == Role::GroupAdmin {
        statements.push(db.statement(
            &format!("{MEMBER_SELECT} ORDER BY a.login"),
            args![principal.group_id.clone()],
        )?);
    }
    let results = db.batch(statements).await?;
    let groups = rows::<GroupRow>(&results[1])?;
    let pairings = rows::<PairingRow>(&results[2])?;
    let members = if principal.role == Role::GroupAdmin {
        rows::<MemberRow>(&results[3])?
    } else {
        Vec::new()
    };
    http::json(&json!({
        "groups": groups.iter().map(|g| group_json(g, &pairings)).collect::<Vec<_>>(),
        "members": members.iter().map(member_json).collect::<Vec<_>>(),
    }))
}

#[derive(Deserialize, Default)]
struct ReasonRequest {
    #[serde(default)]
    reason: String,
}

pub(crate) async fn optional_json<T: serde::de::DeserializeOwned + Default>(
    req: &mut Request,
) -> AppResult<T> {
    let bytes = req
        .bytes()
        .await
        .map_err(|e| AppError::bad_request(format!("unreadable body: {e}")))?;
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(T::default());
    }
    if bytes.len() > http::MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    http::parse_json(&bytes)
}

/// `POST /api/groups/:id/approve|decline`.
pub async fn decide(mut req: Request, ctx: &Ctx, id: &str, approve: bool) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: ReasonRequest = optional_json(&mut req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    let reaches = match &group.region_code {
        Some(region) => principal.governs(region),
        None => coordinator_reaches(&principal, &group, &pairings),
    };
    if !reaches {
        return Err(AppError::NotFound);
    }
    let event = if approve {
        RegistrationEvent::Approve
    } else {
        RegistrationEvent::Decline {
            reason: body.reason,
        }
    };
    let next = group
        .registration()
        .apply(&event)
        .map_err(transition_error)?;
    let reason = match &next {
        RegistrationStatus::Declined { reason } => Some(reason.clone()),
        _ => None,
    };
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "UPDATE group_profiles SET status = ?2, decline_reason = ?3, decided_by = ?4, decided_at = ?5 \
                 WHERE group_id = ?1 AND status = 'pending'",
                args![id, next.name(), reason.clone(), principal.id.as_str(), ctx.now_ms],
            )?,
            ctx.audit(
                Some(&principal.id),
                &format!("groups.{}", event.name()),
                Some(id),
                json!({"reason": reason}),
            )?,
        ])
        .await?;
    if changes(&results[0]) == 0 {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            message: "已被他人处理 (already decided)".into(),
            expected_seq: None,
        });
    }
    let (group, pairings) = load_group(ctx, id).await?;
    http::json(&json!({"group": group_json(&group, &pairings)}))
}

// ---------------------------------------------------------------------------------------------
// Pairings
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct PairingRequest {
    community_codes: Vec<String>,
    #[serde(default)]
    start_date: Option<String>,
    #[serde(default)]
    end_date: Option<String>,
}

#[derive(Deserialize)]
struct RegionRow {
    code: String,
    level: String,
}

/// `POST /api/groups/:id/pairings`.
pub async fn request_pairings(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: PairingRequest = read_json(&mut req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    let side = if is_group_admin_of(&principal, id) {
        Side::Group
    } else {
        may_view(&principal, &group, &pairings)?;
        Side::Community
    };
    if group.registration() != RegistrationStatus::Approved {
        return Err(AppError::Conflict {
            code: "group_not_approved",
            message: "团体尚未通过审核 (the group is not approved)".into(),
            expected_seq: None,
        });
    }
    if body.community_codes.is_empty() || body.community_codes.len() > MAX_PAIRING_COMMUNITIES {
        return Err(AppError::invalid(
            "community_codes",
            format!(
                "请选择1–{MAX_PAIRING_COMMUNITIES}个社区 (1–{MAX_PAIRING_COMMUNITIES} communities)"
            ),
        ));
    }
    let start = body
        .start_date
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_date("start_date", s))
        .transpose()?;
    let end = body
        .end_date
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| parse_date("end_date", s))
        .transpose()?;
    let today = ctx.today();
    let pairing = Pairing::request(side, today, start, end).map_err(field_error)?;
    let db = &ctx.db;
    let regions = db
        .all::<RegionRow>(
            "SELECT code, level FROM regions WHERE code IN (SELECT value FROM json_each(?1))",
            args![serde_json::to_string(&body.community_codes)?],
        )
        .await?;
    let mut statements = Vec::new();
    let mut created = Vec::new();
    for (index, code) in body.community_codes.iter().enumerate() {
        let field = format!("community_codes[{index}]");
        if !regions
            .iter()
            .any(|r| &r.code == code && r.level == "community")
        {
            return Err(AppError::invalid(
                field,
                "不是社区（村）区划代码 (not a community code)",
            ));
        }
        if side == Side::Community && !principal.governs(code) {
            return Err(AppError::invalid(
                field,
                "不在您的辖区 (not in your region)",
            ));
        }
        let open = pairings.iter().any(|p| {
            &p.community_code == code && (p.status == "requested" || p.status == "active")
        }) || body.community_codes[..index].contains(code);
        if open {
            return Err(AppError::Invalid {
                code: "duplicate",
                field,
                message: "已与该社区结对或申请中 (already paired or requested)".into(),
            });
        }
        let pairing_id = crypto::random_id("pair")?;
        statements.push(db.statement(
            "INSERT INTO group_pairings (id, group_id, community_code, status, requested_by, requested_on, start_date, end_date, \
               created_by, created_at, updated_at) VALUES (?1, ?2, ?3, 'requested', ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            args![
                pairing_id.as_str(),
                id,
                code.as_str(),
                side.as_str(),
                pairing.requested_on.to_string(),
                pairing.start_date.to_string(),
                pairing.end_date.map(|d| d.to_string()),
                principal.id.as_str(),
                ctx.now_ms
            ],
        )?);
        created.push(pairing_id);
    }
    statements.push(ctx.audit(
        Some(&principal.id),
        "groups.pairing_request",
        Some(id),
        json!({"communities": body.community_codes, "side": side.as_str()}),
    )?);
    db.batch(statements).await?;
    let (_, pairings) = load_group(ctx, id).await?;
    http::json_status(
        &json!({"pairings": pairings.iter().filter(|p| created.contains(&p.id)).map(PairingRow::json).collect::<Vec<_>>()}),
        201,
    )
}

/// `POST /api/pairings/:id/accept|decline|end`.
pub async fn pairing_action(
    mut req: Request,
    ctx: &Ctx,
    pairing_id: &str,
    action: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: ReasonRequest = optional_json(&mut req).await?;
    let db = &ctx.db;
    let row = db
        .all::<PairingRow>(
            &format!("{PAIRING_SELECT} WHERE x.id = ?1"),
            args![pairing_id],
        )
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)?;
    let side = if is_group_admin_of(&principal, &row.group_id) {
        Side::Group
    } else if matches!(principal.role, Role::Coordinator | Role::Admin)
        && principal.governs(&row.community_code)
    {
        Side::Community
    } else if principal.role == Role::Volunteer {
        return Err(AppError::Forbidden);
    } else {
        return Err(AppError::NotFound);
    };
    let today = ctx.today();
    let event = match action {
        "accept" => PairingEvent::Accept { by: side },
        "decline" => PairingEvent::Decline {
            by: side,
            reason: body.reason,
        },
        _ => PairingEvent::End {
            by: side,
            on: today,
        },
    };
    let current = row.to_domain()?;
    let next = current.apply(&event).map_err(transition_error)?;
    let mut statements = vec![db.statement(
        NEW_CURSOR_SQL,
        args![principal.id.as_str(), "groups.pairing", ctx.now_ms],
    )?];
    statements.push(db.statement(
        "UPDATE group_pairings SET status = ?2, end_date = ?3, ended_by = ?4, decline_reason = ?5, decided_by = ?6, updated_at = ?7 \
         WHERE id = ?1 AND status = ?8",
        args![
            pairing_id,
            next.status.as_str(),
            next.end_date.map(|d| d.to_string()),
            next.ended_by.map(|s| s.as_str()),
            next.decline_reason.clone(),
            principal.id.as_str(),
            ctx.now_ms,
            current.status.as_str()
        ],
    )?);
    match next.status {
        PairingStatus::Active => statements.push(db.statement(
            "UPDATE volunteer_groups SET paired_region_code = ?2 WHERE id = ?1 AND paired_region_code IS NULL",
            args![row.group_id.as_str(), row.community_code.as_str()],
        )?),
        PairingStatus::Ended => {
            // Members lose this community's elders; the legacy column points at another active
            // pairing, or none.
            let members = db
                .all::<IdRow>(
                    "SELECT id FROM accounts WHERE group_id = ?1 AND role = 'volunteer'",
                    args![row.group_id.as_str()],
                )
                .await?;
            let members_json =
                serde_json::to_string(&members.iter().map(|m| &m.id).collect::<Vec<_>>())?;
            let communities_json = serde_json::to_string(&[&row.community_code])?;
            statements.extend(unassign_statements(
                db,
                &members_json,
                &communities_json,
                ctx.now_ms,
            )?);
            statements.push(db.statement(
                "UPDATE volunteer_groups SET paired_region_code = (SELECT x.community_code FROM group_pairings x \
                   WHERE x.group_id = ?1 AND x.status = 'active' AND x.id != ?3 ORDER BY x.created_at LIMIT 1) \
                 WHERE id = ?1 AND paired_region_code = ?2",
                args![row.group_id.as_str(), row.community_code.as_str(), pairing_id],
            )?);
        }
        _ => {}
    }
    statements.push(ctx.audit(
        Some(&principal.id),
        &format!("groups.pairing_{action}"),
        Some(pairing_id),
        json!({"group_id": row.group_id, "community": row.community_code, "side": side.as_str()}),
    )?);
    let results = db.batch(statements).await?;
    if changes(&results[1]) == 0 {
        return Err(AppError::Conflict {
            code: "invalid_transition",
            message: "已被他人处理 (already changed)".into(),
            expected_seq: None,
        });
    }
    let updated = db
        .all::<PairingRow>(
            &format!("{PAIRING_SELECT} WHERE x.id = ?1"),
            args![pairing_id],
        )
        .await?;
    http::json(&json!({"pairing": updated.first().map(PairingRow::json)}))
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

// ---------------------------------------------------------------------------------------------
// Invites and sign-up
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct InviteRequest {
    #[serde(default)]
    days: Option<u32>,
}

/// `POST /api/groups/:id/invites` — the group's admin or a coordinator reaching the group,
/// approved groups only.
pub async fn create_invite(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if principal.role == Role::Volunteer {
        return Err(AppError::Forbidden);
    }
    let body: InviteRequest = optional_json(&mut req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    // The group's admin, or a coordinator reaching the group (its area or a pairing).
    if !super::invites::may_manage_group(&principal, &group, &pairings) {
        return Err(AppError::NotFound);
    }
    let code = invite_code_from_bytes(&crypto::random_bytes(8)?);
    let invite = Invite::new(code, ctx.now_ms, body.days.unwrap_or(INVITE_DEFAULT_DAYS))
        .map_err(field_error)?;
    if group.registration() != RegistrationStatus::Approved {
        return Err(AppError::Conflict {
            code: "group_not_approved",
            message: InviteError::GroupNotApproved.to_string(),
            expected_seq: None,
        });
    }
    ctx.db
        .batch(vec![
            ctx.db.statement(
                "INSERT INTO group_invites (code, group_id, created_by, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                args![invite.code.as_str(), id, principal.id.as_str(), invite.created_at_ms, invite.expires_at_ms],
            )?,
            ctx.audit(Some(&principal.id), "groups.invite", Some(id), json!({"expires_at": invite.expires_at_ms}))?,
        ])
        .await?;
    http::json_status(
        &json!({"code": invite.code, "expires_at": invite.expires_at_ms, "link": format!("/join/{}", invite.code)}),
        201,
    )
}

#[derive(Deserialize)]
pub(crate) struct InviteRow {
    pub(crate) code: String,
    pub(crate) group_id: String,
    pub(crate) created_at: i64,
    pub(crate) expires_at: i64,
    pub(crate) used_at: Option<i64>,
    pub(crate) group_name: String,
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) decline_reason: Option<String>,
    pub(crate) community_code: Option<String>,
    pub(crate) region_code: Option<String>,
}

impl InviteRow {
    pub(crate) fn invite(&self) -> Invite {
        Invite {
            code: self.code.clone(),
            created_at_ms: self.created_at,
            expires_at_ms: self.expires_at,
            used_at_ms: self.used_at,
        }
    }

    pub(crate) fn status(&self) -> RegistrationStatus {
        RegistrationStatus::from_stored(&self.status, self.decline_reason.as_deref())
            .unwrap_or(RegistrationStatus::Pending)
    }

    pub(crate) fn kind(&self) -> GroupKind {
        GroupKind::parse(&self.kind).unwrap_or(GroupKind::Other)
    }
}

pub(crate) async fn load_invite(ctx: &Ctx, typed: &str) -> AppResult<InviteRow> {
    let code = normalize_invite_code(typed).map_err(invite_error)?;
    ctx.db
        .all::<InviteRow>(
            "SELECT i.code, i.group_id, i.created_at, i.expires_at, i.used_at, g.name AS group_name, \
               COALESCE(p.kind, g.kind) AS kind, COALESCE(p.status, 'approved') AS status, p.decline_reason, \
               (SELECT x.community_code FROM group_pairings x WHERE x.group_id = g.id AND x.status = 'active' \
                  ORDER BY x.created_at LIMIT 1) AS community_code, \
               COALESCE(p.region_code, g.paired_region_code) AS region_code \
             FROM group_invites i JOIN volunteer_groups g ON g.id = i.group_id \
             LEFT JOIN group_profiles p ON p.group_id = g.id WHERE i.code = ?1",
            args![code],
        )
        .await?
        .into_iter()
        .next()
        .ok_or(AppError::NotFound)
}

/// The public preview of a group invite (`GET /api/invites/:code`, see `handlers::invites`):
/// which group the code joins, once checked that it still works.
pub(crate) fn invite_preview_json(ctx: &Ctx, row: &InviteRow) -> AppResult<Value> {
    row.invite()
        .check_usable(ctx.now_ms, &row.status())
        .map_err(invite_error)?;
    Ok(json!({
        "code": row.code, "kind": "group", "expires_at": row.expires_at,
        "group": {"name": row.group_name, "kind": row.kind().as_str(), "kind_zh": row.kind().label_zh()},
        "student_details_required": row.kind().counts_terms(),
    }))
}

#[derive(Deserialize)]
struct SignupRequest {
    name: String,
    phone: String,
    password: String,
    #[serde(default)]
    student: Option<StudentDetails>,
}

/// `POST /api/invites/:code/signup` — public: a volunteer account in the group, logged in.
pub async fn signup(mut req: Request, ctx: &Ctx, code: &str) -> AppResult<Response> {
    let body: SignupRequest = read_json(&mut req).await?;
    let row = load_invite(ctx, code).await?;
    let group_status = row.status();
    row.invite()
        .check_usable(ctx.now_ms, &group_status)
        .map_err(invite_error)?;
    let name = validate_person_name("name", &body.name).map_err(field_error)?;
    let login = mobile_login("phone", &body.phone)?;
    check_password(&body.password)?;
    let kind = row.kind();
    let student = match (&body.student, kind.counts_terms()) {
        (Some(details), _) => Some(details.validate().map_err(field_error)?),
        (None, true) => return Err(AppError::invalid(
            "student",
            "学校团体成员请填写学校、班级和学号 (school, class and student number are required)",
        )),
        (None, false) => None,
    };
    let volunteer_kind = match (kind, &student) {
        (_, Some(_)) => "student",
        (GroupKind::Enterprise, None) => "enterprise",
        _ => "volunteer",
    };
    let db = &ctx.db;
    let taken = db
        .first::<Exists>(
            "SELECT COUNT(*) AS n FROM accounts WHERE login = ?1",
            args![login.as_str()],
        )
        .await?
        .map(|r| r.n)
        .unwrap_or(0);
    if taken > 0 {
        return Err(AppError::Invalid {
            code: "duplicate",
            field: "phone".into(),
            message: "该手机号已有账号，请直接登录 (this mobile number already has an account)"
                .into(),
        });
    }
    let account_id = crypto::random_id("acc")?;
    let (hash, salt, iterations) = crypto::hash_password(&body.password).await?;
    let (session, cookie) = new_session(ctx, &account_id)?;
    let region = row.community_code.clone().or(row.region_code.clone());
    // The account exists only if the invite is still unused and unexpired at write time: two
    // sign-ups racing for one code cannot both succeed.
    let results = db
        .batch(vec![
            db.statement(
                "INSERT INTO accounts (id, login, name, role, volunteer_kind, region_code, group_id, phone, school, class_name, \
                   student_number, password_hash, password_salt, password_iterations, created_at) \
                 SELECT ?1, ?2, ?3, 'volunteer', ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14 \
                 WHERE EXISTS (SELECT 1 FROM group_invites WHERE code = ?15 AND used_at IS NULL AND expires_at > ?14)",
                args![
                    account_id.as_str(),
                    login.as_str(),
                    name.as_str(),
                    volunteer_kind,
                    region,
                    row.group_id.as_str(),
                    login.as_str(),
                    student.as_ref().map(|s| s.school.clone()),
                    student.as_ref().map(|s| s.class_name.clone()),
                    student.as_ref().map(|s| s.student_number.clone()),
                    hash,
                    salt,
                    iterations,
                    ctx.now_ms,
                    row.code.as_str()
                ],
            )?,
            db.statement(
                "UPDATE group_invites SET used_at = ?2, used_by = ?3 WHERE code = ?1 AND used_at IS NULL \
                 AND EXISTS (SELECT 1 FROM accounts WHERE id = ?3)",
                args![row.code.as_str(), ctx.now_ms, account_id.as_str()],
            )?,
            session,
            ctx.audit(
                Some(&account_id),
                "groups.signup",
                Some(&row.group_id),
                json!({}),
            )?,
        ])
        .await?;
    if changes(&results[0]) == 0 {
        return Err(invite_error(InviteError::Used));
    }
    let user = require_after_signup(ctx, &account_id).await?;
    let mut response = http::json_status(&json!({"user": views::user(&user)}), 201)?;
    response.headers_mut().set("set-cookie", &cookie)?;
    Ok(response)
}

async fn require_after_signup(ctx: &Ctx, account_id: &str) -> AppResult<Principal> {
    ctx.db
        .first::<Principal>(
            &format!(
                "SELECT {} FROM accounts a LEFT JOIN regions r ON r.code = a.region_code WHERE a.id = ?1",
                crate::auth::PRINCIPAL_COLUMNS
            ),
            args![account_id],
        )
        .await?
        .ok_or_else(|| AppError::Internal("account vanished after sign-up".into()))
}

// ---------------------------------------------------------------------------------------------
// Members and assignments
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct AccountRow {
    id: String,
    role: String,
    group_id: Option<String>,
    disabled: i64,
}

/// `DELETE /api/groups/:id/members/:account` — the group's admin (or a coordinator reaching
/// the group). The account stays (its visits and hours remain), leaves the group, and loses the
/// elders of the group's communities.
pub async fn remove_member(
    req: Request,
    ctx: &Ctx,
    id: &str,
    account_id: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    may_view(&principal, &group, &pairings)?;
    let db = &ctx.db;
    let member = db
        .first::<AccountRow>(
            "SELECT id, role, group_id, disabled FROM accounts WHERE id = ?1",
            args![account_id],
        )
        .await?
        .filter(|a| a.role == "volunteer" && a.group_id.as_deref() == Some(id))
        .ok_or(AppError::NotFound)?;
    let mut communities: Vec<&str> = pairings.iter().map(|p| p.community_code.as_str()).collect();
    communities.extend(group.paired_region_code.as_deref());
    let members_json = serde_json::to_string(&[&member.id])?;
    let communities_json = serde_json::to_string(&communities)?;
    let mut statements = vec![db.statement(
        NEW_CURSOR_SQL,
        args![principal.id.as_str(), "groups.member_removed", ctx.now_ms],
    )?];
    statements.extend(unassign_statements(
        db,
        &members_json,
        &communities_json,
        ctx.now_ms,
    )?);
    statements.push(db.statement(
        "UPDATE accounts SET group_id = NULL WHERE id = ?1 AND group_id = ?2",
        args![member.id.as_str(), id],
    )?);
    statements.push(ctx.audit(
        Some(&principal.id),
        "groups.member_removed",
        Some(&member.id),
        json!({"group_id": id}),
    )?);
    let results = db.batch(statements).await?;
    // results: cursor, removals×2, assignments, elders, account, audit
    let unassigned = changes(&results[4]);
    http::json(&json!({"removed": member.id, "elders_unassigned": unassigned}))
}

#[derive(Deserialize)]
struct AssignRequest {
    elder_ids: Vec<String>,
    member_id: String,
    #[serde(default)]
    role: Option<String>,
}

#[derive(Deserialize)]
struct ElderRegionRow {
    id: String,
    region_code: String,
}

/// `POST /api/groups/:id/assignments` — a coordinator governing the elders assigns them to a
/// member of the group; each elder's community must be paired with the group (in force today).
pub async fn assign(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: AssignRequest = read_json(&mut req).await?;
    let (column, other, role) = match body.role.as_deref().unwrap_or("responsible") {
        "responsible" => ("responsible_id", "backup_id", "responsible"),
        "backup" => ("backup_id", "responsible_id", "backup"),
        _ => {
            return Err(AppError::invalid(
                "role",
                "须为 responsible 或 backup (must be responsible or backup)",
            ))
        }
    };
    if body.elder_ids.is_empty() || body.elder_ids.len() > MAX_GROUP_ASSIGN {
        return Err(AppError::invalid(
            "elder_ids",
            format!("请选择1–{MAX_GROUP_ASSIGN}位老人 (1–{MAX_GROUP_ASSIGN} elders)"),
        ));
    }
    let (group, pairings) = load_group(ctx, id).await?;
    may_view(&principal, &group, &pairings)?;
    let today = ctx.today();
    let mut in_force = Vec::new();
    for pairing in &pairings {
        if pairing.to_domain()?.in_force_on(today) {
            in_force.push(pairing.community_code.clone());
        }
    }
    let db = &ctx.db;
    let ids_json = serde_json::to_string(&body.elder_ids)?;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT id, role, group_id, disabled FROM accounts WHERE id = ?1",
                args![body.member_id.as_str()],
            )?,
            db.statement(
                "SELECT id, region_code FROM elders WHERE id IN (SELECT value FROM json_each(?1))",
                args![ids_json.as_str()],
            )?,
        ])
        .await?;
    let member_ok = rows::<AccountRow>(&results[0])?
        .into_iter()
        .any(|a| a.role == "volunteer" && a.disabled == 0 && a.group_id.as_deref() == Some(id));
    if !member_ok {
        return Err(AppError::Invalid {
            code: "unknown_person",
            field: "member_id".into(),
            message: "不是本团体的在册成员 (not an active member of this group)".into(),
        });
    }
    let elders = rows::<ElderRegionRow>(&results[1])?;
    for (index, elder_id) in body.elder_ids.iter().enumerate() {
        let field = format!("elder_ids[{index}]");
        let Some(elder) = elders
            .iter()
            .find(|e| &e.id == elder_id)
            .filter(|e| principal.governs(&e.region_code))
        else {
            return Err(AppError::NotFound);
        };
        if !in_force.contains(&elder.region_code) {
            return Err(AppError::Invalid {
                code: "not_paired",
                field,
                message: "该老人所在社区未与本团体结对 (the elder's community is not paired with this group)"
                    .into(),
            });
        }
    }
    let member = body.member_id.as_str();
    let statements = vec![
        db.statement(
            NEW_CURSOR_SQL,
            args![principal.id.as_str(), "groups.assignments", ctx.now_ms],
        )?,
        db.statement(
            &format!(
                "INSERT INTO removals (account_id, elder_id, cursor) SELECT e.{column}, e.id, {CURRENT_CURSOR} FROM elders e \
                 WHERE e.id IN (SELECT value FROM json_each(?1)) AND e.{column} IS NOT NULL AND e.{column} != ?2"
            ),
            args![ids_json.as_str(), member],
        )?,
        db.statement(
            "UPDATE assignments SET ended_at = ?3 WHERE ended_at IS NULL AND elder_id IN (SELECT value FROM json_each(?1)) \
             AND (role = ?2 OR account_id = ?4)",
            args![ids_json.as_str(), role, ctx.now_ms, member],
        )?,
        db.statement(
            "INSERT INTO assignments (elder_id, account_id, role, assigned_by, assigned_at) \
             SELECT value, ?2, ?3, ?4, ?5 FROM json_each(?1)",
            args![ids_json.as_str(), member, role, principal.id.as_str(), ctx.now_ms],
        )?,
        db.statement(
            &format!(
                "UPDATE elders SET {column} = ?2, {other} = CASE WHEN {other} = ?2 THEN NULL ELSE {other} END, \
                 cursor = {CURRENT_CURSOR}, updated_at = ?3 WHERE id IN (SELECT value FROM json_each(?1))"
            ),
            args![ids_json.as_str(), member, ctx.now_ms],
        )?,
        ctx.audit(
            Some(&principal.id),
            "groups.assignments",
            Some(id),
            json!({"elders": body.elder_ids.len(), "member_id": member, "role": role}),
        )?,
    ];
    db.batch(statements).await?;
    http::json(&json!({"assigned": body.elder_ids.len()}))
}

// ---------------------------------------------------------------------------------------------
// Dashboard and hours
// ---------------------------------------------------------------------------------------------

#[derive(Deserialize)]
struct FactRow {
    member_id: String,
    date: String,
    duration_minutes: Option<f64>,
}

fn facts(rows: Vec<FactRow>) -> Vec<VisitFact> {
    rows.into_iter()
        .filter_map(|r| {
            Some(VisitFact {
                member_id: r.member_id,
                date: NaiveDate::parse_from_str(&r.date, "%Y-%m-%d").ok()?,
                duration_minutes: r
                    .duration_minutes
                    .filter(|m| *m >= 1.0 && *m <= 1440.0)
                    .map(|m| m as u32),
            })
        })
        .collect()
}

const FACTS_SQL: &str = "SELECT v.visitor_id AS member_id, v.date, json_extract(v.record, '$.duration_minutes') AS duration_minutes \
    FROM visits v WHERE v.visitor_id IN (SELECT a.id FROM accounts a WHERE a.group_id = ?1 AND a.role = 'volunteer') \
    AND v.date BETWEEN ?2 AND ?3";

fn total_json(total: &HoursTotal) -> Value {
    json!({"visits": total.visits, "minutes": total.minutes, "hours": total.hours_text(),
           "visits_without_duration": total.visits_without_duration})
}

#[derive(Deserialize)]
struct PairedCounts {
    elders: i64,
    visited_this_month: i64,
}

/// `GET /api/groups/:id/dashboard` — members, visits and hours per member per month (last 12
/// months) and this term, and how many of the members' elders were visited this month. Counts
/// only: no elder's name, id, address or anything else about an elder.
pub async fn dashboard(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    may_view(&principal, &group, &pairings)?;
    let today = ctx.today();
    let this_month = Month::containing(today);
    let term = Term::containing(today);
    let twelve_months_ago = this_month
        .first_day()
        .checked_sub_months(Months::new(11))
        .unwrap_or(this_month.first_day());
    let since = twelve_months_ago.min(term.first_day());
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(&format!("{MEMBER_SELECT} ORDER BY a.name, a.id"), args![id])?,
            db.statement(
                FACTS_SQL,
                args![id, since.to_string(), today.to_string()],
            )?,
            db.statement(
                "SELECT COUNT(DISTINCT e.id) AS elders, COUNT(DISTINCT m.elder_id) AS visited_this_month \
                 FROM elders e LEFT JOIN elder_month_visits m ON m.elder_id = e.id AND m.month = ?2 \
                 WHERE e.region_code IN (SELECT x.community_code FROM group_pairings x WHERE x.group_id = ?1 AND x.status = 'active') \
                 AND (e.responsible_id IN (SELECT a.id FROM accounts a WHERE a.group_id = ?1 AND a.role = 'volunteer') \
                   OR e.backup_id IN (SELECT a.id FROM accounts a WHERE a.group_id = ?1 AND a.role = 'volunteer'))",
                args![id, this_month.to_string()],
            )?,
        ])
        .await?;
    let members = rows::<MemberRow>(&results[0])?;
    let facts = facts(rows::<FactRow>(&results[1])?);
    let by_month = hours_by_member_month(&facts);
    let in_term = hours_by_member_in_term(&facts, term);
    let paired = rows::<PairedCounts>(&results[2])?
        .into_iter()
        .next()
        .unwrap_or(PairedCounts {
            elders: 0,
            visited_this_month: 0,
        });
    let mut months: Vec<Month> = Vec::new();
    let mut month = Month::containing(twelve_months_ago);
    while month <= this_month {
        months.push(month);
        month = month.next();
    }
    let mut group_month: BTreeMap<Month, HoursTotal> = BTreeMap::new();
    for ((_, month), total) in &by_month {
        let entry = group_month.entry(*month).or_default();
        entry.visits += total.visits;
        entry.minutes += total.minutes;
        entry.visits_without_duration += total.visits_without_duration;
    }
    let member_list: Vec<Value> = members
        .iter()
        .map(|m| {
            let mut value = member_json(m);
            let per_month: Vec<Value> = months
                .iter()
                .map(|month| {
                    let total = by_month
                        .get(&(m.id.clone(), *month))
                        .copied()
                        .unwrap_or_default();
                    json!({"month": month.to_string(), "total": total_json(&total)})
                })
                .collect();
            value["months"] = Value::Array(per_month);
            value["this_month"] = total_json(
                &by_month
                    .get(&(m.id.clone(), this_month))
                    .copied()
                    .unwrap_or_default(),
            );
            value["this_term"] = total_json(&in_term.get(&m.id).copied().unwrap_or_default());
            value
        })
        .collect();
    http::json(&json!({
        "group": group_json(&group, &pairings),
        "month": this_month.to_string(),
        "term": {"id": term.to_string(), "label": term.label_zh(), "first_day": term.first_day().to_string(), "last_day": term.last_day().to_string()},
        "members": member_list,
        "months": months.iter().map(|month| {
            let total = group_month.get(month).copied().unwrap_or_default();
            json!({"month": month.to_string(), "total": total_json(&total)})
        }).collect::<Vec<_>>(),
        "paired_elders": {"assigned": paired.elders, "visited_this_month": paired.visited_this_month},
    }))
}

/// `GET /api/groups/:id/hours.csv?term=2024-2025-1` (default: the current term) — every
/// member's visits and hours in the term, for Excel (UTF-8 with BOM). Audited: it lists
/// students' names and numbers.
pub async fn hours_csv(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (group, pairings) = load_group(ctx, id).await?;
    may_view(&principal, &group, &pairings)?;
    let term = match query_param(&req, "term").filter(|t| !t.is_empty()) {
        Some(text) => Term::parse(&text).map_err(|e| AppError::invalid("term", e.to_string()))?,
        None => Term::containing(ctx.today()),
    };
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                &format!("{MEMBER_SELECT} ORDER BY a.class_name, a.student_number, a.name, a.id"),
                args![id],
            )?,
            db.statement(
                FACTS_SQL,
                args![
                    id,
                    term.first_day().to_string(),
                    term.last_day().to_string()
                ],
            )?,
            ctx.audit(
                Some(&principal.id),
                "groups.hours_export",
                Some(id),
                json!({"term": term.to_string()}),
            )?,
        ])
        .await?;
    let members = rows::<MemberRow>(&results[0])?;
    let totals = hours_by_member_in_term(&facts(rows::<FactRow>(&results[1])?), term);
    let lines: Vec<MemberHoursRow> = members
        .iter()
        .map(|m| MemberHoursRow {
            name: m.name.clone(),
            school: m.school.clone(),
            class_name: m.class_name.clone(),
            student_number: m.student_number.clone(),
            total: totals.get(&m.id).copied().unwrap_or_default(),
        })
        .collect();
    let csv = term_hours_csv(&group.name, term, &lines);
    let mut response = Response::ok(csv)?;
    let headers = response.headers_mut();
    headers.set("content-type", "text/csv; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    headers.set(
        "content-disposition",
        &format!("attachment; filename=\"hours-{term}.csv\""),
    )?;
    Ok(response)
}
