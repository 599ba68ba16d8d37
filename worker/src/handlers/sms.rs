//! Sign-in by SMS code: `POST /api/auth/sms/request`, `POST /api/auth/sms/verify`, the
//! password log-in's second factor, and the dev-only routes the tests use.
//!
//! Design decisions:
//! - The rules (expiry, windows, counts, code format, mobile numbers) are
//!   [`tanfang_domain::sms_code`]; this module stores and enforces them.
//! - No account probing: a request never reads `accounts`. Every accepted request does the same
//!   work — one read batch (the number's codes of the last day, the address's requests), one
//!   write batch (the code, the address's request, the SMS in the outbox) — and answers the same
//!   JSON, whether or not an account has the number. The code is sent to any valid mobile; only
//!   its owner can learn, by typing it, that no account has the number.
//! - The text message goes through the notification outbox (`notify`); `lib.rs` delivers due
//!   messages after the answer is sent (`waitUntil`), so the provider's latency is not visible
//!   in the answer either. With `SMS_CHANNEL=log` the code appears in the dev server's output.
//! - Codes are stored as SHA-256 of `<row id>:<code>` and compared in constant time.

use crate::auth::{Principal, PRINCIPAL_COLUMNS};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, read_json};
use crate::store::rows;
use crate::{args, crypto};
use serde::Deserialize;
use serde_json::json;
use tanfang_domain::sms_code::{self, Check, IssuedCode, SendRefusal, SmsCodeError};
use worker::{Request, Response};

/// The outbox subject of sign-in codes (the dev route reads the newest one).
pub const SUBJECT: &str = "login_code";

#[derive(Deserialize)]
struct CodeRequest {
    mobile: String,
}

#[derive(Deserialize)]
struct VerifyRequest {
    mobile: String,
    code: String,
}

#[derive(Deserialize)]
struct At {
    at: i64,
}

#[derive(Deserialize)]
struct CodeRow {
    id: String,
    code_hash: String,
    sent_at: i64,
    used_at: Option<i64>,
    wrong_attempts: i64,
}

fn mobile_error(error: SmsCodeError) -> AppError {
    AppError::invalid("mobile", format!("{error}"))
}

fn rate_limited(refusal: SendRefusal) -> AppError {
    AppError::RateLimited {
        retry_after_secs: (refusal.retry_after_ms() as u64).div_ceil(1000),
    }
}

/// Parses the mobile number field.
pub fn mobile_field(text: &str) -> AppResult<String> {
    sms_code::parse_mobile(text).map_err(mobile_error)
}

/// Sends a new code to `mobile` if the limits allow: the same work for every number.
/// Returns when the code was sent (for the resend countdown).
pub async fn send_code(ctx: &Ctx, mobile: &str) -> AppResult<i64> {
    let db = &ctx.db;
    let request_key = format!("req:{}", ctx.ip);
    let read = db
        .batch(vec![
            db.statement(
                "SELECT sent_at AS at FROM sms_codes WHERE mobile = ?1 AND sent_at > ?2",
                args![mobile, ctx.now_ms - sms_code::DAY_MS],
            )?,
            db.statement(
                "SELECT at FROM sms_attempts WHERE key = ?1 AND at > ?2",
                args![request_key.as_str(), ctx.now_ms - sms_code::IP_WINDOW_MS],
            )?,
        ])
        .await?;
    let sent: Vec<i64> = rows::<At>(&read[0])?.into_iter().map(|r| r.at).collect();
    let requested: Vec<i64> = rows::<At>(&read[1])?.into_iter().map(|r| r.at).collect();
    sms_code::may_send(ctx.now_ms, &sent, &requested).map_err(rate_limited)?;
    let random: [u8; 8] = crypto::random_bytes(8)?
        .try_into()
        .map_err(|_| AppError::Internal("random bytes".into()))?;
    let code = sms_code::code_from_random(random);
    let id = crypto::random_id("sms")?;
    let text = format!(
        "【探访】验证码 {code}，5分钟内有效，请勿告诉他人。Tanfang sign-in code {code}, valid 5 minutes."
    );
    db.batch(vec![
        db.statement(
            "INSERT INTO sms_codes (id, mobile, code_hash, sent_at, ip) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![id.as_str(), mobile, code_hash(&id, &code), ctx.now_ms, ctx.ip.as_str()],
        )?,
        db.statement(
            "INSERT INTO sms_attempts (key, at) VALUES (?1, ?2)",
            args![request_key.as_str(), ctx.now_ms],
        )?,
        crate::notify::sms_notification(ctx, mobile, "", SUBJECT, &text)?,
    ])
    .await?;
    Ok(ctx.now_ms)
}

fn code_hash(id: &str, code: &str) -> String {
    crypto::sha256_hex(&format!("{id}:{code}"))
}

/// Checks `code` against the newest code sent to `mobile`, records the outcome (used, or one
/// more wrong try for the code and the address), and errors unless it is accepted.
/// `extra` statements are read in the same batch (the caller's account lookup), so the work is
/// the same whatever they find; their results are returned.
pub async fn check_code(
    ctx: &Ctx,
    mobile: &str,
    code: &str,
    extra: Vec<crate::store::Statement>,
) -> AppResult<Vec<worker::D1Result>> {
    let code = sms_code::parse_code(code).map_err(|e| AppError::invalid("code", e.to_string()))?;
    let db = &ctx.db;
    let failure_key = format!("fail:{}", ctx.ip);
    let mut statements = vec![
        db.statement(
            "SELECT id, code_hash, sent_at, used_at, wrong_attempts FROM sms_codes \
             WHERE mobile = ?1 AND sent_at > ?2 ORDER BY sent_at DESC LIMIT 1",
            args![mobile, ctx.now_ms - sms_code::DAY_MS],
        )?,
        db.statement(
            "SELECT at FROM sms_attempts WHERE key = ?1 AND at > ?2",
            args![failure_key.as_str(), ctx.now_ms - sms_code::IP_WINDOW_MS],
        )?,
    ];
    statements.extend(extra);
    let mut results = db.batch(statements).await?;
    let failures: Vec<i64> = rows::<At>(&results[1])?.into_iter().map(|r| r.at).collect();
    sms_code::may_verify_from_address(ctx.now_ms, &failures).map_err(rate_limited)?;
    let stored = rows::<CodeRow>(&results[0])?.into_iter().next();
    let matches = stored.as_ref().is_some_and(|row| {
        crypto::constant_time_eq_hex(&code_hash(&row.id, &code), &row.code_hash)
    });
    let issued = stored.as_ref().map(|row| IssuedCode {
        sent_at_ms: row.sent_at,
        used_at_ms: row.used_at,
        wrong_attempts: row.wrong_attempts.max(0) as u32,
    });
    let outcome = sms_code::check(issued.as_ref(), ctx.now_ms, matches);
    let id = stored.map(|row| row.id).unwrap_or_default();
    if outcome == Check::Accept {
        let marked = db
            .batch(vec![db.statement(
                "UPDATE sms_codes SET used_at = ?2 WHERE id = ?1 AND used_at IS NULL",
                args![id.as_str(), ctx.now_ms],
            )?])
            .await?;
        if crate::store::changes(&marked[0]) == 1 {
            return Ok(results.split_off(2));
        }
        // Used by a concurrent request a moment ago.
        return Err(code_error(Check::AlreadyUsed));
    }
    let mut writes = vec![db.statement(
        "INSERT INTO sms_attempts (key, at) VALUES (?1, ?2)",
        args![failure_key.as_str(), ctx.now_ms],
    )?];
    if matches!(outcome, Check::Wrong { .. } | Check::Locked) && !matches {
        writes.push(db.statement(
            "UPDATE sms_codes SET wrong_attempts = wrong_attempts + 1 WHERE id = ?1",
            args![id.as_str()],
        )?);
    }
    db.batch(writes).await?;
    Err(code_error(outcome))
}

fn code_error(outcome: Check) -> AppError {
    AppError::Invalid {
        code: outcome.code(),
        field: "code".into(),
        message: outcome.message(),
    }
}

/// `POST /api/auth/sms/request {mobile}` → `{"sent": true, "resend_after_secs": 60}` for every
/// valid mobile number (429 over a limit, 422 for a number that is not a mobile).
pub async fn request_code(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let body: CodeRequest = read_json(&mut req).await?;
    let mobile = mobile_field(&body.mobile)?;
    let sent_at = send_code(ctx, &mobile).await?;
    http::json(&json!({
        "sent": true,
        "resend_after_secs": sms_code::resend_countdown_secs(sent_at, ctx.now_ms),
        "expires_in_secs": sms_code::CODE_TTL_MS / 1000,
    }))
}

#[derive(Deserialize)]
struct SmsAccount {
    #[serde(flatten)]
    principal: Principal,
}

/// `POST /api/auth/sms/verify {mobile, code}` → the same session and answer as a password
/// log-in. Volunteers (incl. students and group members) and group admins only: coordinators
/// and admins sign in with their password (and may add the code as a second factor).
pub async fn verify(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let body: VerifyRequest = read_json(&mut req).await?;
    let mobile = mobile_field(&body.mobile)?;
    let account_lookup = ctx.db.statement(
        &format!(
            "SELECT {PRINCIPAL_COLUMNS} FROM accounts a LEFT JOIN regions r ON r.code = a.region_code \
             WHERE a.phone = ?1 AND a.disabled = 0 AND a.role IN ('volunteer', 'group_admin') \
             ORDER BY a.created_at LIMIT 2"
        ),
        args![mobile.as_str()],
    )?;
    let results = check_code(ctx, &mobile, &body.code, vec![account_lookup]).await?;
    let accounts = rows::<SmsAccount>(&results[0])?;
    let [account] = <[SmsAccount; 1]>::try_from(accounts).map_err(|_| {
        // The owner of the phone typed the right code: saying so reveals nothing to others.
        AppError::Invalid {
            code: "no_account",
            field: "mobile".into(),
            message: "此手机号未登记为志愿者账号，请联系社区协调员，或用账号密码登录 \
                      No volunteer account has this number: ask your coordinator, or sign in with a password"
                .into(),
        }
    })?;
    super::auth::start_session(&req, ctx, account.principal, "sms", vec![]).await
}

/// `GET /api/dev/sms/last?mobile=` (DEV_SEED=1 only): the newest code sent to a number, read
/// from the outbox, for tests and local development.
pub async fn dev_last_code(req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let mobile = mobile_field(&http::query_param(&req, "mobile").unwrap_or_default())?;
    #[derive(Deserialize)]
    struct Body {
        body: String,
    }
    let row = ctx
        .db
        .first::<Body>(
            "SELECT body FROM notifications WHERE channel = 'sms' AND recipient = ?1 AND subject = ?2 \
             ORDER BY created_at DESC, rowid DESC LIMIT 1",
            args![mobile.as_str(), SUBJECT],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let code: String = row
        .body
        .split(|c: char| !c.is_ascii_digit())
        .find(|part| part.len() == sms_code::CODE_DIGITS)
        .unwrap_or_default()
        .to_string();
    http::json(&json!({ "code": code }))
}

#[derive(Deserialize)]
struct AgeRequest {
    mobile: Option<String>,
    ip: Option<String>,
    ms: i64,
}

/// `POST /api/dev/sms/age {mobile?, ip?, ms}` (DEV_SEED=1 only): moves a number's codes (and/or
/// an address's requests and failures) `ms` into the past, so tests can cross the 60 s, 5 min
/// and 24 h boundaries without waiting.
pub async fn dev_age(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let body: AgeRequest = read_json(&mut req).await?;
    let mut statements = Vec::new();
    if let Some(mobile) = &body.mobile {
        let mobile = mobile_field(mobile)?;
        statements.push(ctx.db.statement(
            "UPDATE sms_codes SET sent_at = sent_at - ?2 WHERE mobile = ?1",
            args![mobile, body.ms],
        )?);
    }
    if let Some(ip) = &body.ip {
        statements.push(ctx.db.statement(
            "UPDATE sms_attempts SET at = at - ?3 WHERE key IN (?1, ?2)",
            args![format!("req:{ip}"), format!("fail:{ip}"), body.ms],
        )?);
    }
    ctx.db.batch(statements).await?;
    http::json(&json!({ "ok": true }))
}
