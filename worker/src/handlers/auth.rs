//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`.

use crate::auth::{require, Principal, PRINCIPAL_COLUMNS, SESSION_LIFETIME_MS};
use crate::context::Ctx;
use crate::crypto;
use crate::error::{AppError, AppResult};
use crate::http::{self, read_json};
use crate::store::rows;
use crate::{args, views};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

/// Failed log-ins counted over this window.
pub const LOGIN_WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed log-ins per login name in the window before 429.
pub const MAX_FAILURES_PER_ACCOUNT: i64 = 5;
/// Failed log-ins per client address in the window before 429.
pub const MAX_FAILURES_PER_CLIENT: i64 = 20;

#[derive(Deserialize)]
struct LoginRequest {
    login: String,
    password: String,
}

#[derive(Deserialize)]
struct AccountSecret {
    #[serde(flatten)]
    principal: Principal,
    password_hash: String,
    password_salt: String,
    password_iterations: u32,
    disabled: i64,
}

#[derive(Deserialize)]
struct FailureWindow {
    failures: i64,
    oldest: Option<i64>,
}

pub async fn login(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let body: LoginRequest = read_json(&mut req).await?;
    let login = body.login.trim().to_lowercase();
    if login.is_empty() {
        return Err(AppError::invalid("login", "请输入账号 Login is required"));
    }
    if body.password.is_empty() {
        return Err(AppError::invalid(
            "password",
            "请输入密码 Password is required",
        ));
    }
    let account_key = format!("login:{login}");
    let client_key = format!("ip:{}", ctx.ip);
    let since = ctx.now_ms - LOGIN_WINDOW_MS;
    let failures_sql =
        "SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM login_attempts WHERE key = ?1 AND at > ?2";
    let results = ctx
        .db
        .batch(vec![
            ctx.db.statement(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS}, a.password_hash, a.password_salt, a.password_iterations, a.disabled \
                     FROM accounts a LEFT JOIN regions r ON r.code = a.region_code WHERE a.login = ?1"
                ),
                args![login.as_str()],
            )?,
            ctx.db.statement(failures_sql, args![account_key.as_str(), since])?,
            ctx.db.statement(failures_sql, args![client_key.as_str(), since])?,
        ])
        .await?;
    let account = rows::<AccountSecret>(&results[0])?.into_iter().next();
    for (index, limit) in [(1, MAX_FAILURES_PER_ACCOUNT), (2, MAX_FAILURES_PER_CLIENT)] {
        let window = rows::<FailureWindow>(&results[index])?.into_iter().next();
        if let Some(FailureWindow {
            failures,
            oldest: Some(oldest),
        }) = window
        {
            if failures >= limit {
                let retry_after_ms = (oldest + LOGIN_WINDOW_MS - ctx.now_ms).max(1000);
                return Err(AppError::RateLimited {
                    retry_after_secs: (retry_after_ms as u64).div_ceil(1000),
                });
            }
        }
    }
    let verified = match &account {
        Some(account) if account.disabled == 0 => {
            crypto::verify_password(
                &body.password,
                &account.password_hash,
                &account.password_salt,
                account.password_iterations,
            )
            .await?
        }
        _ => {
            // Same work for unknown or disabled accounts, so timing does not reveal which.
            crypto::pbkdf2(
                &body.password,
                b"tanfang-no-such-account",
                crypto::PBKDF2_ITERATIONS,
            )
            .await?;
            false
        }
    };
    let Some(account) = account.filter(|_| verified) else {
        ctx.db
            .batch(vec![
                ctx.db.statement(
                    "INSERT INTO login_attempts (key, at) VALUES (?1, ?3), (?2, ?3)",
                    args![account_key.as_str(), client_key.as_str(), ctx.now_ms],
                )?,
                ctx.audit(None, "login_failed", Some(&login), json!({}))?,
            ])
            .await?;
        return Err(AppError::BadCredentials);
    };
    let token = hex::encode(crypto::random_bytes(32)?);
    let token_hash = crypto::sha256_hex(&token);
    let principal = account.principal;
    ctx.db
        .batch(vec![
            ctx.db.statement(
                "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                args![token_hash, principal.id.as_str(), ctx.now_ms, ctx.now_ms + SESSION_LIFETIME_MS],
            )?,
            ctx.db.statement("DELETE FROM login_attempts WHERE key = ?1", args![account_key.as_str()])?,
            ctx.audit(Some(&principal.id), "login", Some(&principal.id), json!({}))?,
        ])
        .await?;
    let mut response = http::json(&json!({ "user": views::user(&principal) }))?;
    response.headers_mut().set(
        "set-cookie",
        &http::session_cookie(&token, (SESSION_LIFETIME_MS / 1000) as u64),
    )?;
    Ok(response)
}

pub async fn logout(req: Request, ctx: &Ctx) -> AppResult<Response> {
    if let Some(token) = http::session_token(&req) {
        ctx.db
            .run(
                "UPDATE sessions SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL",
                args![crypto::sha256_hex(&token), ctx.now_ms],
            )
            .await?;
    }
    let mut response = http::json(&json!({ "ok": true }))?;
    response
        .headers_mut()
        .set("set-cookie", &http::cleared_session_cookie())?;
    Ok(response)
}

pub async fn me(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    http::json(&json!({ "user": views::user(&principal) }))
}
