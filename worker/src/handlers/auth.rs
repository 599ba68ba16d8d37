//! `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`, the second-factor setting
//! (`GET`/`POST /api/auth/second-factor`) and the shared start of a session.

use super::sms;
use crate::auth::{require, Principal, Role, PRINCIPAL_COLUMNS, SESSION_LIFETIME_MS};
use crate::context::Ctx;
use crate::crypto;
use crate::error::{AppError, AppResult};
use crate::http::{self, read_json};
use crate::store::rows;
use crate::{args, views};
use serde::Deserialize;
use serde_json::json;
use tanfang_domain::sms_code;
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
    /// The SMS code, for accounts with the second factor on.
    #[serde(default)]
    code: Option<String>,
}

#[derive(Deserialize)]
struct AccountSecret {
    #[serde(flatten)]
    principal: Principal,
    password_hash: String,
    password_salt: String,
    password_iterations: u32,
    disabled: i64,
    phone: Option<String>,
    sms_second_factor: i64,
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
                    "SELECT {PRINCIPAL_COLUMNS}, a.password_hash, a.password_salt, a.password_iterations, a.disabled, a.phone, a.sms_second_factor \
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
    if account.sms_second_factor != 0 {
        second_factor(ctx, &account, body.code.as_deref()).await?;
    }
    let clear = ctx.db.statement(
        "DELETE FROM login_attempts WHERE key = ?1",
        args![account_key.as_str()],
    )?;
    start_session(&req, ctx, account.principal, "password", vec![clear]).await
}

/// The SMS code after a right password: without `code`, sends one to the account's mobile
/// and answers 422 `code_required`; with it, checks it (expiry, one use, lock, as for SMS
/// sign-in).
async fn second_factor(ctx: &Ctx, account: &AccountSecret, code: Option<&str>) -> AppResult<()> {
    let mobile = account
        .phone
        .as_deref()
        .and_then(|p| sms_code::parse_mobile(p).ok())
        .ok_or_else(|| AppError::Internal("second factor without a mobile".into()))?;
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        Some(code) => {
            sms::check_code(ctx, &mobile, code, vec![]).await?;
            Ok(())
        }
        None => {
            // Within 60 s of the last code, that code is still the one to type.
            match sms::send_code(ctx, &mobile).await {
                Ok(_) | Err(AppError::RateLimited { .. }) => {}
                Err(other) => return Err(other),
            }
            Err(AppError::Invalid {
                code: "code_required",
                field: "code".into(),
                message: format!(
                    "请输入发送到{}的短信验证码 Enter the SMS code sent to {}",
                    mask(&mobile),
                    mask(&mobile)
                ),
            })
        }
    }
}

fn mask(mobile: &str) -> String {
    tanfang_domain::phone::Phone::parse(mobile)
        .map(|p| p.masked())
        .unwrap_or_default()
}

/// A short, non-identifying summary of a user agent for the devices list: browser · system.
pub fn user_agent_summary(user_agent: &str) -> String {
    let ua = user_agent.to_lowercase();
    let browser = if ua.contains("micromessenger") {
        "微信 WeChat"
    } else if ua.contains("edg/") {
        "Edge"
    } else if ua.contains("firefox/") {
        "Firefox"
    } else if ua.contains("chrome/") || ua.contains("chromium/") {
        "Chrome"
    } else if ua.contains("safari/") {
        "Safari"
    } else if ua.is_empty() {
        ""
    } else {
        "其他浏览器 Other browser"
    };
    let system = if ua.contains("android") {
        "Android"
    } else if ua.contains("iphone") || ua.contains("ipad") {
        "iOS"
    } else if ua.contains("harmonyos") {
        "HarmonyOS"
    } else if ua.contains("windows") {
        "Windows"
    } else if ua.contains("mac os") {
        "macOS"
    } else if ua.contains("linux") {
        "Linux"
    } else {
        ""
    };
    match (browser.is_empty(), system.is_empty()) {
        (true, true) => "未知设备 Unknown device".into(),
        (false, true) => browser.into(),
        (true, false) => system.into(),
        (false, false) => format!("{browser} · {system}"),
    }
}

/// Starts a session for `principal` (password or SMS code): the cookie, the session row with
/// its device summary, the audit entry, and the user as the answer.
pub async fn start_session(
    req: &Request,
    ctx: &Ctx,
    principal: Principal,
    method: &str,
    extra: Vec<crate::store::Statement>,
) -> AppResult<Response> {
    let token = hex::encode(crypto::random_bytes(32)?);
    let token_hash = crypto::sha256_hex(&token);
    let user_agent = req
        .headers()
        .get("user-agent")
        .ok()
        .flatten()
        .unwrap_or_default();
    let device = user_agent_summary(&user_agent);
    let mut statements = extra;
    statements.extend([
            ctx.db.statement(
                "INSERT INTO sessions (token_hash, account_id, created_at, expires_at, method, user_agent, last_seen_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?3)",
                args![token_hash, principal.id.as_str(), ctx.now_ms, ctx.now_ms + SESSION_LIFETIME_MS, method, device],
            )?,
            ctx.audit(Some(&principal.id), "login", Some(&principal.id), json!({ "method": method }))?,
        ]);
    ctx.db.batch(statements).await?;
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
                "UPDATE sessions SET revoked_at = ?2, ended_by = 'self' WHERE token_hash = ?1 AND revoked_at IS NULL",
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

#[derive(Deserialize)]
struct SecondFactorRow {
    phone: Option<String>,
    sms_second_factor: i64,
}

/// `GET /api/auth/second-factor` → `{available, enabled, mobile}` (mobile masked).
/// Available to coordinators and admins.
pub async fn second_factor_status(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let row = ctx
        .db
        .first::<SecondFactorRow>(
            "SELECT phone, sms_second_factor FROM accounts WHERE id = ?1",
            args![principal.id.as_str()],
        )
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let available = matches!(principal.role, Role::Coordinator | Role::Admin);
    http::json(&json!({
        "available": available,
        "enabled": row.sms_second_factor != 0,
        "mobile": row.phone.as_deref().and_then(|p| sms_code::parse_mobile(p).ok()).map(|m| mask(&m)),
    }))
}

#[derive(Deserialize)]
struct SecondFactorChange {
    enabled: bool,
    /// The mobile to send codes to (else the account's own).
    #[serde(default)]
    mobile: Option<String>,
    #[serde(default)]
    code: Option<String>,
}

/// `POST /api/auth/second-factor {enabled, mobile?, code?}`: turning it on proves the number
/// first (without `code`: a code is sent and the answer is 422 `code_required`; with it: checked,
/// then the number is kept and the setting is on). Turning it off needs only the session.
pub async fn set_second_factor(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    if !matches!(principal.role, Role::Coordinator | Role::Admin) {
        return Err(AppError::Forbidden);
    }
    let body: SecondFactorChange = read_json(&mut req).await?;
    if !body.enabled {
        ctx.db
            .batch(vec![
                ctx.db.statement(
                    "UPDATE accounts SET sms_second_factor = 0 WHERE id = ?1",
                    args![principal.id.as_str()],
                )?,
                ctx.audit(
                    Some(&principal.id),
                    "second_factor_off",
                    Some(&principal.id),
                    json!({}),
                )?,
            ])
            .await?;
        return http::json(&json!({ "enabled": false }));
    }
    let own = ctx
        .db
        .first::<SecondFactorRow>(
            "SELECT phone, sms_second_factor FROM accounts WHERE id = ?1",
            args![principal.id.as_str()],
        )
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let mobile = match body.mobile.as_deref().or(own.phone.as_deref()) {
        Some(text) => sms::mobile_field(text)?,
        None => {
            return Err(AppError::invalid(
                "mobile",
                "请输入手机号码 A mobile number is required",
            ))
        }
    };
    let account = AccountSecret {
        principal: principal.clone(),
        password_hash: String::new(),
        password_salt: String::new(),
        password_iterations: 0,
        disabled: 0,
        phone: Some(mobile.clone()),
        sms_second_factor: 1,
    };
    second_factor(ctx, &account, body.code.as_deref()).await?;
    ctx.db
        .batch(vec![
            ctx.db.statement(
                "UPDATE accounts SET sms_second_factor = 1, phone = ?2 WHERE id = ?1",
                args![principal.id.as_str(), mobile.as_str()],
            )?,
            ctx.audit(
                Some(&principal.id),
                "second_factor_on",
                Some(&principal.id),
                json!({}),
            )?,
        ])
        .await?;
    http::json(&json!({ "enabled": true, "mobile": mask(&mobile) }))
}
