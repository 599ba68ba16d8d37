//! Invites as QR codes (issue 17): group invites, a community's volunteer invites and pairing
//! invitations, each a single-use, expiring code whose link `/join/<code>` is printed as a QR
//! code on an A6 card; the phone that opens the link signs in by SMS code and joins.
//!
//! Routes:
//! - `POST /api/communities/:code/invites {kind: "volunteer"|"pairing", days?}` — a coordinator
//!   governing the community (a community-level region); `GET /api/communities/:code/invites`
//!   lists them. `GET /api/groups/:id/invites` lists a group's invites (its admin or a
//!   coordinator reaching the group; creating one is `handlers::groups::create_invite`).
//! - `GET /api/invites/:code` — public preview of any kind (what the code joins, if it works).
//! - `GET /api/invites/:code/qr.svg` — the invite's link as a QR code, for the people who may
//!   create or list that invite (the card); a used or expired invite has no QR code.
//! - `POST /api/invites/:code/join {mobile, sms_code, name?, student?}` — public: checks the SMS
//!   code exactly as `POST /api/auth/sms/verify` does (`handlers::sms::check_code`: the same
//!   expiry, single use, wrong-try lock and per-address limits; the code itself is requested
//!   with the ordinary `POST /api/auth/sms/request`, which never reads `accounts`), then joins
//!   and signs in: a group invite makes the number's volunteer a member of the group (a new
//!   volunteer account when the number has none — no password: it signs in by SMS code); a
//!   volunteer invite puts a new volunteer into the community; a pairing invitation pairs the
//!   number's group admin's group with the community (active at once: the coordinator asked by
//!   creating the invitation, the group accepts by redeeming it).
//!
//! Design decisions:
//! - **The QR code is drawn by the worker** ([`qr_svg_for`], crate `qrcode` with only its
//!   `svg` feature), not in the browser: the phone bundle has a hard 400,000 B budget and is
//!   already near it, and the office bundle would carry an encoder for one card. The server
//!   already knows the origin the link must point at, the SVG is a few kilobytes of text, and
//!   the card shows it with a plain `<img>`, which prints crisply at any size.
//! - **No account probing.** What a join answer says about the number (that it already belongs
//!   to another group, that it is not a group admin) comes only after the right SMS code, i.e.
//!   only to the phone's owner — the rule of `handlers::sms`. The account lookup runs in the
//!   code check's own batch, so the work is the same whatever it finds.
//! - **Single use under races.** The first statement of the join batch claims the invite
//!   (`used_at IS NULL AND expires_at > now`); every other write of the batch — account,
//!   membership, pairing, session, audit — is conditional on that claim, so two phones racing
//!   for one code cannot both join.
//! - Invite rules (code format, 1–30 days, used/expired) are `tanfang_domain::group::Invite`.

use super::groups::{
    self, coordinator_reaches, field_error, invite_error, is_group_admin_of, load_group,
    load_invite, optional_json, GroupRow, InviteRow, PairingRow,
};
use super::sms;
use crate::args;
use crate::auth::{require, Principal, Role, PRINCIPAL_COLUMNS, SESSION_LIFETIME_MS};
use crate::context::Ctx;
use crate::crypto;
use crate::error::{AppError, AppResult};
use crate::http::{self, read_json};
use crate::store::{changes, rows, Statement};
use crate::views;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::group::{
    invite_code_from_bytes, normalize_invite_code, validate_person_name, GroupKind, Invite,
    InviteError, Pairing, PairingEvent, RegistrationStatus, Side, StudentDetails,
    INVITE_DEFAULT_DAYS,
};
use worker::{Method, Request, Response};

/// Dispatches `/api/communities/:code/invites`.
pub async fn route_communities(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    match (req.method(), segments) {
        (Method::Post, ["api", "communities", code, "invites"]) => {
            create_community_invite(req, ctx, code).await
        }
        (Method::Get, ["api", "communities", code, "invites"]) => {
            list_community(req, ctx, code).await
        }
        (_, ["api", "communities", _, "invites"]) => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound),
    }
}

/// The kinds of a community's own invites.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CommunityInviteKind {
    Volunteer,
    Pairing,
}

impl CommunityInviteKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "volunteer" => Some(Self::Volunteer),
            "pairing" => Some(Self::Pairing),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Volunteer => "volunteer",
            Self::Pairing => "pairing",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Volunteer => "志愿者邀请",
            Self::Pairing => "结对邀请",
        }
    }
}

#[derive(Deserialize, Clone)]
pub(crate) struct CommunityInviteRow {
    code: String,
    kind: String,
    community_code: String,
    community_name: Option<String>,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

impl CommunityInviteRow {
    fn invite(&self) -> Invite {
        Invite {
            code: self.code.clone(),
            created_at_ms: self.created_at,
            expires_at_ms: self.expires_at,
            used_at_ms: self.used_at,
        }
    }

    fn kind(&self) -> AppResult<CommunityInviteKind> {
        CommunityInviteKind::parse(&self.kind)
            .ok_or_else(|| AppError::Internal(format!("stored invite {} unreadable", self.code)))
    }
}

const COMMUNITY_INVITE_SELECT: &str = "SELECT i.code, i.kind, i.community_code, r.name AS community_name, \
    i.created_at, i.expires_at, i.used_at FROM community_invites i LEFT JOIN regions r ON r.code = i.community_code";

/// Any invite, found by its code in either table.
enum Found {
    Group(InviteRow),
    Community(CommunityInviteRow),
}

async fn load_any(ctx: &Ctx, typed: &str) -> AppResult<Found> {
    let code = normalize_invite_code(typed).map_err(invite_error)?;
    match load_invite(ctx, &code).await {
        Ok(row) => return Ok(Found::Group(row)),
        Err(AppError::NotFound) => {}
        Err(other) => return Err(other),
    }
    ctx.db
        .first::<CommunityInviteRow>(
            &format!("{COMMUNITY_INVITE_SELECT} WHERE i.code = ?1"),
            args![code],
        )
        .await?
        .map(Found::Community)
        .ok_or(AppError::NotFound)
}

impl Found {
    fn check_usable(&self, now_ms: i64) -> AppResult<()> {
        match self {
            Found::Group(row) => row.invite().check_usable(now_ms, &row.status()),
            Found::Community(row) => row
                .invite()
                .check_usable(now_ms, &RegistrationStatus::Approved),
        }
        .map_err(invite_error)
    }

    fn code(&self) -> &str {
        match self {
            Found::Group(row) => &row.code,
            Found::Community(row) => &row.code,
        }
    }

    fn table(&self) -> &'static str {
        match self {
            Found::Group(_) => "group_invites",
            Found::Community(_) => "community_invites",
        }
    }
}

/// The group's admin, or a coordinator/admin reaching the group: may create, list and print
/// the group's invites.
pub(crate) fn may_manage_group(
    principal: &Principal,
    group: &GroupRow,
    pairings: &[PairingRow],
) -> bool {
    is_group_admin_of(principal, &group.id)
        || (matches!(principal.role, Role::Coordinator | Role::Admin)
            && coordinator_reaches(principal, group, pairings))
}

/// A coordinator/admin governing the community.
fn may_manage_community(principal: &Principal, community_code: &str) -> bool {
    matches!(principal.role, Role::Coordinator | Role::Admin) && principal.governs(community_code)
}

/// Out of scope: 403 for volunteers (they never manage invites), else 404 (an invite or group
/// outside one's reach is not even confirmed to exist).
fn out_of_scope(principal: &Principal) -> AppError {
    if principal.role == Role::Volunteer {
        AppError::Forbidden
    } else {
        AppError::NotFound
    }
}

fn status_of(invite: &Invite, now_ms: i64) -> &'static str {
    match invite.check_usable(now_ms, &RegistrationStatus::Approved) {
        Ok(()) => "open",
        Err(InviteError::Used) => "used",
        Err(InviteError::Expired) => "expired",
        Err(_) => "closed",
    }
}

fn invite_json(invite: &Invite, kind: &str, now_ms: i64) -> Value {
    json!({
        "code": invite.code, "kind": kind, "link": format!("/join/{}", invite.code),
        "created_at": invite.created_at_ms, "expires_at": invite.expires_at_ms,
        "used_at": invite.used_at_ms, "status": status_of(invite, now_ms),
    })
}

/// Most invites a list shows (newest first).
const LIST_LIMIT: i64 = 50;

#[derive(Deserialize)]
struct GroupInviteListRow {
    code: String,
    created_at: i64,
    expires_at: i64,
    used_at: Option<i64>,
}

/// `GET /api/groups/:id/invites` — the group's invites, newest first.
pub async fn list_group(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if principal.role == Role::Volunteer {
        return Err(AppError::Forbidden);
    }
    let (group, pairings) = load_group(ctx, id).await?;
    if !may_manage_group(&principal, &group, &pairings) {
        return Err(AppError::NotFound);
    }
    let invites = ctx
        .db
        .all::<GroupInviteListRow>(
            "SELECT code, created_at, expires_at, used_at FROM group_invites WHERE group_id = ?1 \
             ORDER BY created_at DESC, code LIMIT ?2",
            args![id, LIST_LIMIT],
        )
        .await?;
    let list: Vec<Value> = invites
        .into_iter()
        .map(|row| {
            let invite = Invite {
                code: row.code,
                created_at_ms: row.created_at,
                expires_at_ms: row.expires_at,
                used_at_ms: row.used_at,
            };
            invite_json(&invite, "group", ctx.now_ms)
        })
        .collect();
    http::json(&json!({"group": {"id": group.id, "name": group.name}, "invites": list}))
}

#[derive(Deserialize)]
struct RegionRow {
    name: String,
    level: String,
}

/// The community region `code` if the caller governs it; else the error to answer.
async fn governed_community(ctx: &Ctx, principal: &Principal, code: &str) -> AppResult<String> {
    if !matches!(principal.role, Role::Coordinator | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let region = ctx
        .db
        .first::<RegionRow>(
            "SELECT name, level FROM regions WHERE code = ?1",
            args![code],
        )
        .await?;
    match region {
        Some(_) if !may_manage_community(principal, code) => Err(AppError::NotFound),
        Some(region) if region.level == "community" => Ok(region.name),
        Some(_) => Err(AppError::invalid(
            "community_code",
            "须为社区（村）区划代码 (must be a community code)",
        )),
        None => Err(AppError::NotFound),
    }
}

#[derive(Deserialize, Default)]
struct CommunityInviteRequest {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    days: Option<u32>,
}

/// `POST /api/communities/:code/invites {kind, days?}` — a coordinator governing the community.
pub async fn create_community_invite(
    mut req: Request,
    ctx: &Ctx,
    code: &str,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let body: CommunityInviteRequest = optional_json(&mut req).await?;
    let community_name = governed_community(ctx, &principal, code).await?;
    let kind = body
        .kind
        .as_deref()
        .and_then(CommunityInviteKind::parse)
        .ok_or_else(|| {
            AppError::invalid(
                "kind",
                "须为 volunteer（志愿者邀请）或 pairing（结对邀请）(must be volunteer or pairing)",
            )
        })?;
    let invite = Invite::new(
        invite_code_from_bytes(&crypto::random_bytes(8)?),
        ctx.now_ms,
        body.days.unwrap_or(INVITE_DEFAULT_DAYS),
    )
    .map_err(field_error)?;
    ctx.db
        .batch(vec![
            ctx.db.statement(
                "INSERT INTO community_invites (code, kind, community_code, created_by, created_at, expires_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![invite.code.as_str(), kind.as_str(), code, principal.id.as_str(), invite.created_at_ms, invite.expires_at_ms],
            )?,
            ctx.audit(
                Some(&principal.id),
                "invites.create",
                Some(code),
                json!({"kind": kind.as_str(), "expires_at": invite.expires_at_ms}),
            )?,
        ])
        .await?;
    let mut answer = invite_json(&invite, kind.as_str(), ctx.now_ms);
    answer["community"] = json!({"code": code, "name": community_name});
    http::json_status(&answer, 201)
}

/// `GET /api/communities/:code/invites` — the community's invites, newest first.
pub async fn list_community(req: Request, ctx: &Ctx, code: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let community_name = governed_community(ctx, &principal, code).await?;
    let rows = ctx
        .db
        .all::<CommunityInviteRow>(
            &format!(
                "{COMMUNITY_INVITE_SELECT} WHERE i.community_code = ?1 ORDER BY i.created_at DESC, i.code LIMIT ?2"
            ),
            args![code, LIST_LIMIT],
        )
        .await?;
    let list: Vec<Value> = rows
        .iter()
        .map(|row| invite_json(&row.invite(), &row.kind, ctx.now_ms))
        .collect();
    http::json(&json!({"community": {"code": code, "name": community_name}, "invites": list}))
}

/// `GET /api/invites/:code` — public: what the code joins, and whether it still works.
pub async fn preview(ctx: &Ctx, code: &str) -> AppResult<Response> {
    let found = load_any(ctx, code).await?;
    match &found {
        Found::Group(row) => http::json(&groups::invite_preview_json(ctx, row)?),
        Found::Community(row) => {
            found.check_usable(ctx.now_ms)?;
            let kind = row.kind()?;
            http::json(&json!({
                "code": row.code, "kind": kind.as_str(), "kind_zh": kind.label_zh(),
                "expires_at": row.expires_at,
                "community": {"code": row.community_code, "name": row.community_name},
                "student_details_required": false,
            }))
        }
    }
}

/// The origin the printed link points at: the `PUBLIC_ORIGIN` variable when set (a deployment
/// behind a proxy), else the origin the request came to.
fn public_origin(ctx: &Ctx, req: &Request) -> AppResult<String> {
    if let Some(origin) = ctx.var("PUBLIC_ORIGIN").filter(|o| !o.is_empty()) {
        return Ok(origin.trim_end_matches('/').to_string());
    }
    Ok(req.url()?.origin().ascii_serialization())
}

/// The link as a QR code in SVG: error correction M (a card survives a crease), a 4-module
/// quiet zone, black on white, at least 240 px wide; `viewBox` lets the card scale it.
pub fn qr_svg_for(link: &str) -> AppResult<String> {
    let code = QrCode::with_error_correction_level(link.as_bytes(), EcLevel::M)
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// `GET /api/invites/:code/qr.svg` — for those who may manage the invite; usable invites only.
pub async fn qr_svg(req: Request, ctx: &Ctx, code: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let found = load_any(ctx, code).await?;
    let allowed = match &found {
        Found::Group(row) => {
            let (group, pairings) = load_group(ctx, &row.group_id).await?;
            may_manage_group(&principal, &group, &pairings)
        }
        Found::Community(row) => may_manage_community(&principal, &row.community_code),
    };
    if !allowed {
        return Err(out_of_scope(&principal));
    }
    found.check_usable(ctx.now_ms)?;
    let link = format!("{}/join/{}", public_origin(ctx, &req)?, found.code());
    let mut response = Response::ok(qr_svg_for(&link)?)?;
    let headers = response.headers_mut();
    headers.set("content-type", "image/svg+xml; charset=utf-8")?;
    headers.set("cache-control", "private, no-store")?;
    headers.set("x-invite-link", &link)?;
    Ok(response)
}

#[derive(Deserialize)]
struct JoinRequest {
    mobile: String,
    sms_code: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    student: Option<StudentDetails>,
}

#[derive(Deserialize)]
struct JoinAccount {
    #[serde(flatten)]
    principal: Principal,
    disabled: i64,
}

fn conflict(code: &'static str, message: &str) -> AppError {
    AppError::Conflict {
        code,
        message: message.into(),
        expected_seq: None,
    }
}

/// The SMS check's errors name the body's field `sms_code` (the path's invite is `code`).
fn sms_field(error: AppError) -> AppError {
    match error {
        AppError::Invalid {
            code,
            field,
            message,
        } if field == "code" => AppError::Invalid {
            code,
            field: "sms_code".into(),
            message,
        },
        other => other,
    }
}

/// `POST /api/invites/:code/join {mobile, sms_code, name?, student?}` — public; see the module
/// doc. Answers like a log-in (`{user}` and the session cookie) plus what was joined.
pub async fn join(mut req: Request, ctx: &Ctx, code: &str) -> AppResult<Response> {
    let body: JoinRequest = read_json(&mut req).await?;
    let mobile = sms::mobile_field(&body.mobile)?;
    let found = load_any(ctx, code).await?;
    found.check_usable(ctx.now_ms)?;
    // What a new member must give, checked before the code is spent.
    let (kind, group_kind) = match &found {
        Found::Group(row) => ("group", Some(row.kind())),
        Found::Community(row) => (row.kind()?.as_str(), None),
    };
    let needs_person = kind != "pairing";
    let name = if needs_person {
        Some(
            validate_person_name("name", body.name.as_deref().unwrap_or_default())
                .map_err(field_error)?,
        )
    } else {
        None
    };
    let student = match (&body.student, group_kind.is_some_and(|k| k.counts_terms())) {
        (Some(details), true) => Some(details.validate().map_err(field_error)?),
        (None, true) => return Err(AppError::invalid(
            "student",
            "学校团体成员请填写学校、班级和学号 (school, class and student number are required)",
        )),
        (_, false) => None,
    };
    let lookup = ctx.db.statement(
        &format!(
            "SELECT {PRINCIPAL_COLUMNS}, a.disabled FROM accounts a LEFT JOIN regions r ON r.code = a.region_code \
             WHERE a.phone = ?1 OR a.login = ?1 ORDER BY a.created_at LIMIT 2"
        ),
        args![mobile.as_str()],
    )?;
    let results = sms::check_code(ctx, &mobile, &body.sms_code, vec![lookup])
        .await
        .map_err(sms_field)?;
    // From here on the caller has proved they hold the phone: answers may speak of its account.
    let accounts = rows::<JoinAccount>(&results[0])?;
    let existing = match accounts.len() {
        0 => None,
        1 => accounts.into_iter().next(),
        _ => {
            return Err(conflict(
                "account_not_eligible",
                "此手机号对应多个账号，请联系协调员 (several accounts have this number: ask your coordinator)",
            ))
        }
    };
    if existing.as_ref().is_some_and(|a| a.disabled != 0) {
        return Err(conflict(
            "account_not_eligible",
            "此手机号的账号已停用，请联系协调员 (the account of this number is disabled: ask your coordinator)",
        ));
    }
    let db = &ctx.db;
    let table = found.table();
    let invite_code = found.code().to_string();
    let now = ctx.now_ms;
    // Every write below runs only if this batch claimed the invite for `account_id`.
    let claimed = format!(
        "EXISTS (SELECT 1 FROM {table} WHERE code = ?{{c}} AND used_by = ?{{a}} AND used_at = ?{{n}})"
    );
    let guard = |c: u8, a: u8, n: u8| {
        claimed
            .replace("{c}", &c.to_string())
            .replace("{a}", &a.to_string())
            .replace("{n}", &n.to_string())
    };
    let mut writes: Vec<Statement> = Vec::new();
    let mut joined = json!({"kind": kind});
    let account_id: String;
    let mut principal: Principal;
    match (&found, existing) {
        (Found::Group(row), Some(account)) => {
            let p = account.principal;
            if p.role != Role::Volunteer {
                return Err(conflict(
                    "account_not_eligible",
                    "此手机号是管理账号，不能作为成员加入团体 (this number belongs to a staff account, which cannot join as a member)",
                ));
            }
            match p.group_id.as_deref() {
                Some(g) if g == row.group_id => {
                    return Err(conflict(
                        "already_member",
                        "您已是本团体成员，请直接用短信验证码登录 (you are already a member: just sign in)",
                    ))
                }
                Some(_) => {
                    return Err(conflict(
                        "member_of_other_group",
                        "您已是其他团体的成员，请先退出原团体 (you already belong to another group)",
                    ))
                }
                None => {}
            }
            account_id = p.id.clone();
            writes.push(db.statement(
                &format!(
                    "UPDATE accounts SET group_id = ?2 WHERE id = ?1 AND group_id IS NULL AND {}",
                    guard(3, 1, 4)
                ),
                args![
                    account_id.as_str(),
                    row.group_id.as_str(),
                    invite_code.as_str(),
                    now
                ],
            )?);
            principal = p;
            principal.group_id = Some(row.group_id.clone());
            joined["group"] = json!({"id": row.group_id, "name": row.group_name});
        }
        (Found::Group(row), None) => {
            account_id = crypto::random_id("acc")?;
            let volunteer_kind = match (row.kind(), &student) {
                (_, Some(_)) => "student",
                (GroupKind::Enterprise, None) => "enterprise",
                _ => "volunteer",
            };
            let region = row.community_code.clone().or(row.region_code.clone());
            writes.push(new_account(
                ctx,
                &guard(13, 1, 12),
                NewAccount {
                    id: &account_id,
                    mobile: &mobile,
                    name: name.as_deref().unwrap_or_default(),
                    volunteer_kind,
                    region: region.as_deref(),
                    group_id: Some(&row.group_id),
                    student: student.as_ref(),
                    invite_code: &invite_code,
                },
            )?);
            principal = new_principal(
                &account_id,
                &mobile,
                &name,
                volunteer_kind,
                region,
                &student,
            );
            principal.group_id = Some(row.group_id.clone());
            joined["group"] = json!({"id": row.group_id, "name": row.group_name});
        }
        (Found::Community(row), existing) if row.kind()? == CommunityInviteKind::Volunteer => {
            if let Some(account) = existing {
                let same = account.principal.region_code.as_deref() == Some(&row.community_code);
                return Err(if same && account.principal.role == Role::Volunteer {
                    conflict(
                        "already_member",
                        "您已是本社区的志愿者，请直接用短信验证码登录 (you already volunteer in this community: just sign in)",
                    )
                } else {
                    conflict(
                        "account_not_eligible",
                        "此手机号已有账号，请联系社区协调员调整 (this number already has an account: ask the coordinator)",
                    )
                });
            }
            account_id = crypto::random_id("acc")?;
            writes.push(new_account(
                ctx,
                &guard(13, 1, 12),
                NewAccount {
                    id: &account_id,
                    mobile: &mobile,
                    name: name.as_deref().unwrap_or_default(),
                    volunteer_kind: "volunteer",
                    region: Some(&row.community_code),
                    group_id: None,
                    student: None,
                    invite_code: &invite_code,
                },
            )?);
            principal = new_principal(
                &account_id,
                &mobile,
                &name,
                "volunteer",
                Some(row.community_code.clone()),
                &None,
            );
            principal.region_name = row.community_name.clone();
            joined["community"] = json!({"code": row.community_code, "name": row.community_name});
        }
        (Found::Community(row), existing) => {
            // A pairing invitation: redeemed by the admin of an approved group.
            let Some(account) = existing.filter(|a| a.principal.role == Role::GroupAdmin) else {
                return Err(conflict(
                    "not_group_admin",
                    "结对邀请须由志愿团体的管理员接受：此手机号不是团体管理员 (a pairing invitation is accepted by a group's admin; this number is not one)",
                ));
            };
            let group_id = account.principal.group_id.clone().ok_or_else(|| {
                conflict(
                    "not_group_admin",
                    "账号未关联团体 (the account has no group)",
                )
            })?;
            let (group, pairings) = load_group(ctx, &group_id).await?;
            if group.registration() != RegistrationStatus::Approved {
                return Err(conflict(
                    "group_not_approved",
                    "团体尚未通过审核 (the group is not approved)",
                ));
            }
            if pairings.iter().any(|p| {
                p.community_code == row.community_code
                    && (p.status == "requested" || p.status == "active")
            }) {
                return Err(conflict(
                    "already_paired",
                    "已与该社区结对或申请中，请在团体页处理 (already paired with or requested by this community)",
                ));
            }
            let today = ctx.today();
            let pairing = Pairing::request(Side::Community, today, None, None)
                .map_err(field_error)?
                .apply(&PairingEvent::Accept { by: Side::Group })
                .map_err(|e| AppError::Internal(format!("pairing: {e}")))?;
            account_id = account.principal.id.clone();
            let pairing_id = crypto::random_id("pair")?;
            writes.push(db.statement(
                &format!(
                    "INSERT INTO group_pairings (id, group_id, community_code, status, requested_by, requested_on, start_date, \
                       created_by, decided_by, created_at, updated_at) \
                     SELECT ?2, ?5, ?6, ?7, 'community', ?8, ?9, ?1, ?1, ?4, ?4 WHERE {}",
                    guard(3, 1, 4)
                ),
                args![
                    account_id.as_str(),
                    pairing_id.as_str(),
                    invite_code.as_str(),
                    now,
                    group_id.as_str(),
                    row.community_code.as_str(),
                    pairing.status.as_str(),
                    pairing.requested_on.to_string(),
                    pairing.start_date.to_string()
                ],
            )?);
            writes.push(db.statement(
                &format!(
                    "UPDATE volunteer_groups SET paired_region_code = ?2 WHERE id = ?5 AND paired_region_code IS NULL AND {}",
                    guard(3, 1, 4)
                ),
                args![account_id.as_str(), row.community_code.as_str(), invite_code.as_str(), now, group_id.as_str()],
            )?);
            principal = account.principal;
            joined["community"] = json!({"code": row.community_code, "name": row.community_name});
            joined["group"] = json!({"id": group_id, "name": group.name});
            joined["pairing_id"] = json!(pairing_id);
        }
    }
    // The claim first, then the writes above, the session and the audit, all under the claim.
    let token = hex::encode(crypto::random_bytes(32)?);
    let user_agent = req
        .headers()
        .get("user-agent")
        .ok()
        .flatten()
        .unwrap_or_default();
    let mut statements = vec![db.statement(
        &format!(
            "UPDATE {table} SET used_at = ?2, used_by = ?3 WHERE code = ?1 AND used_at IS NULL AND expires_at > ?2"
        ),
        args![invite_code.as_str(), now, account_id.as_str()],
    )?];
    statements.extend(writes);
    statements.push(db.statement(
        &format!(
            "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, method, user_agent, last_seen_at) \
             SELECT ?2, ?1, ?4, ?5, 'sms', ?6, ?4 WHERE {}",
            guard(3, 1, 4)
        ),
        args![
            account_id.as_str(),
            crypto::sha256_hex(&token),
            invite_code.as_str(),
            now,
            now + SESSION_LIFETIME_MS,
            super::auth::user_agent_summary(&user_agent)
        ],
    )?);
    statements.push(db.statement(
        &format!(
            "INSERT INTO audit_log (at, actor_id, action, target, detail, ip) \
             SELECT ?4, ?1, ?2, ?3, ?5, ?6 WHERE {}",
            guard(3, 1, 4)
        ),
        args![
            account_id.as_str(),
            format!("invites.join_{kind}"),
            invite_code.as_str(),
            now,
            joined.to_string(),
            ctx.ip.as_str()
        ],
    )?);
    let results = db.batch(statements).await?;
    if changes(&results[0]) == 0 {
        return Err(invite_error(InviteError::Used));
    }
    let mut response = http::json(&json!({ "user": views::user(&principal), "joined": joined }))?;
    response.headers_mut().set(
        "set-cookie",
        &http::session_cookie(&token, (SESSION_LIFETIME_MS / 1000) as u64),
    )?;
    Ok(response)
}

struct NewAccount<'a> {
    id: &'a str,
    mobile: &'a str,
    name: &'a str,
    volunteer_kind: &'a str,
    region: Option<&'a str>,
    group_id: Option<&'a str>,
    student: Option<&'a StudentDetails>,
    invite_code: &'a str,
}

/// A volunteer account that signs in by SMS code: its login and phone are the mobile number;
/// its password is random and never told (a random hash that no password derives to), so a
/// password log-in fails until a coordinator sets one.
fn new_account(ctx: &Ctx, guard: &str, account: NewAccount<'_>) -> AppResult<Statement> {
    let unknowable_hash = hex::encode(crypto::random_bytes(32)?);
    let salt = hex::encode(crypto::random_bytes(16)?);
    ctx.db.statement(
        &format!(
            "INSERT INTO accounts (id, login, name, role, volunteer_kind, region_code, group_id, phone, school, class_name, \
               student_number, password_hash, password_salt, password_iterations, created_at) \
             SELECT ?1, ?2, ?3, 'volunteer', ?4, ?5, ?6, ?2, ?7, ?8, ?9, ?10, ?11, ?14, ?12 WHERE {guard}"
        ),
        args![
            account.id,
            account.mobile,
            account.name,
            account.volunteer_kind,
            account.region,
            account.group_id,
            account.student.map(|s| s.school.clone()),
            account.student.map(|s| s.class_name.clone()),
            account.student.map(|s| s.student_number.clone()),
            unknowable_hash,
            salt,
            ctx.now_ms,
            account.invite_code,
            crypto::PBKDF2_ITERATIONS
        ],
    )
}

fn new_principal(
    id: &str,
    mobile: &str,
    name: &Option<String>,
    volunteer_kind: &str,
    region: Option<String>,
    student: &Option<StudentDetails>,
) -> Principal {
    Principal {
        id: id.to_string(),
        login: mobile.to_string(),
        name: name.clone().unwrap_or_default(),
        role: Role::Volunteer,
        volunteer_kind: Some(volunteer_kind.to_string()),
        region_code: region,
        region_name: None,
        group_id: None,
        school: student.as_ref().map(|s| s.school.clone()),
        class_name: student.as_ref().map(|s| s.class_name.clone()),
        student_number: student.as_ref().map(|s| s.student_number.clone()),
    }
}

#[derive(Deserialize)]
struct AgeRequest {
    code: String,
    ms: i64,
}

/// `POST /api/dev/invites/age {code, ms}` (DEV_SEED=1 only): moves an invite's creation and
/// expiry `ms` into the past, so tests can cross its expiry without waiting days.
pub async fn dev_age(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let body: AgeRequest = read_json(&mut req).await?;
    let code = normalize_invite_code(&body.code).map_err(invite_error)?;
    let mut statements = Vec::new();
    for table in ["group_invites", "community_invites"] {
        statements.push(ctx.db.statement(
            &format!(
                "UPDATE {table} SET created_at = created_at - ?2, expires_at = expires_at - ?2 WHERE code = ?1"
            ),
            args![code.as_str(), body.ms],
        )?);
    }
    let results = ctx.db.batch(statements).await?;
    if results.iter().map(changes).sum::<u64>() == 0 {
        return Err(AppError::NotFound);
    }
    http::json(&json!({ "ok": true }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_of_black_modules_on_white() {
        let svg = qr_svg_for("http://127.0.0.1:8787/join/ABCDEFGH").unwrap();
        assert!(svg.contains("<svg"));
        assert!(svg.contains("#000000"));
        assert!(svg.contains("#ffffff"));
        assert!(svg.contains("viewBox"));
    }

    #[test]
    fn community_invite_kinds_round_trip() {
        for kind in [CommunityInviteKind::Volunteer, CommunityInviteKind::Pairing] {
            assert_eq!(CommunityInviteKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(CommunityInviteKind::parse("group"), None);
    }
}
