//! Signed-in devices: `GET /api/auth/sessions`, `POST /api/auth/sessions/:id/end`,
//! `POST /api/auth/sessions/end-others`, and a coordinator's
//! `POST /api/people/:id/sessions/end` (a lost phone).
//!
//! A session's public id is the first 16 hex digits of its token's SHA-256 (never the token).
//! Ending sessions sets `revoked_at` and `ended_by`; a session ended by a coordinator answers
//! 401 `session_ended_remotely` on its next use, which tells the phone to erase its local files
//! while keeping the visits still in its outbox (`app/src/sync.rs`).

use crate::auth::{require, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::store::changes;
use crate::{args, crypto, http};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

/// Hex digits of the token hash used as a session's public id.
const ID_DIGITS: usize = 16;

fn current_hash(req: &Request) -> String {
    http::session_token(req)
        .map(|token| crypto::sha256_hex(&token))
        .unwrap_or_default()
}

#[derive(Deserialize)]
struct SessionRow {
    token_hash: String,
    created_at: i64,
    last_seen_at: Option<i64>,
    user_agent: String,
    method: String,
}

/// `GET /api/auth/sessions` → `{sessions: [{id, device, method, created_at, last_seen_at,
/// current}]}`, newest use first.
pub async fn list(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let current = current_hash(&req);
    let sessions = ctx
        .db
        .all::<SessionRow>(
            "SELECT token_hash, created_at, last_seen_at, user_agent, method FROM sessions \
             WHERE account_id = ?1 AND revoked_at IS NULL AND expires_at > ?2 \
             ORDER BY COALESCE(last_seen_at, created_at) DESC",
            args![principal.id.as_str(), ctx.now_ms],
        )
        .await?;
    let list: Vec<_> = sessions
        .iter()
        .map(|s| {
            json!({
                "id": &s.token_hash[..ID_DIGITS.min(s.token_hash.len())],
                "device": s.user_agent,
                "method": s.method,
                "created_at": s.created_at,
                "last_seen_at": s.last_seen_at.unwrap_or(s.created_at),
                "current": s.token_hash == current,
            })
        })
        .collect();
    http::json(&json!({ "sessions": list }))
}

/// `POST /api/auth/sessions/:id/end`: signs out one of my devices.
pub async fn end_one(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if id.len() != ID_DIGITS || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let pattern = format!("{}%", id.to_ascii_lowercase());
    let results = ctx
        .db
        .batch(vec![
            ctx.db.statement(
                "UPDATE sessions SET revoked_at = ?3, ended_by = 'self' \
                 WHERE account_id = ?1 AND token_hash LIKE ?2 AND revoked_at IS NULL",
                args![principal.id.as_str(), pattern, ctx.now_ms],
            )?,
            ctx.audit(
                Some(&principal.id),
                "session_ended",
                Some(&principal.id),
                json!({ "session": id }),
            )?,
        ])
        .await?;
    if changes(&results[0]) == 0 {
        return Err(AppError::NotFound);
    }
    http::json(&json!({ "ended": changes(&results[0]) }))
}

/// `POST /api/auth/sessions/end-others`: signs out every device but this one.
pub async fn end_others(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let results = ctx
        .db
        .batch(vec![
            ctx.db.statement(
                "UPDATE sessions SET revoked_at = ?3, ended_by = 'self' \
                 WHERE account_id = ?1 AND token_hash <> ?2 AND revoked_at IS NULL",
                args![principal.id.as_str(), current_hash(&req), ctx.now_ms],
            )?,
            ctx.audit(
                Some(&principal.id),
                "sessions_ended_others",
                Some(&principal.id),
                json!({}),
            )?,
        ])
        .await?;
    http::json(&json!({ "ended": changes(&results[0]) }))
}

#[derive(Deserialize)]
struct Target {
    role: Role,
    region_code: Option<String>,
}

/// `POST /api/people/:id/sessions/end`: a coordinator (in scope) or an admin ends every
/// session of a volunteer — a lost phone. Audited. The phone erases its local files on its
/// next contact and keeps its unsent visits until that person signs in again.
pub async fn end_for_person(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let target = ctx
        .db
        .first::<Target>(
            "SELECT role, region_code FROM accounts WHERE id = ?1",
            args![id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let in_scope = target
        .region_code
        .as_deref()
        .is_some_and(|code| principal.governs(code));
    if !in_scope {
        return Err(AppError::NotFound);
    }
    let allowed = match principal.role {
        Role::Admin => true,
        _ => matches!(target.role, Role::Volunteer | Role::GroupAdmin),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let results = ctx
        .db
        .batch(vec![
            ctx.db.statement(
                "UPDATE sessions SET revoked_at = ?2, ended_by = 'coordinator' \
                 WHERE account_id = ?1 AND revoked_at IS NULL",
                args![id, ctx.now_ms],
            )?,
            ctx.audit(
                Some(&principal.id),
                "sessions_ended_by_coordinator",
                Some(id),
                json!({}),
            )?,
        ])
        .await?;
    let ended = changes(&results[0]);
    http::json(&json!({ "ended": ended }))
}
