//! Outbound notifications: the `notifications` outbox and the channels that deliver it.
//!
//! Design decisions:
//! - Messages are written to the outbox in the same D1 batch as the event that causes them
//!   (an alert, an emergency), so nothing is announced that did not happen and nothing that
//!   happened goes unannounced.
//! - `app` rows are delivered by being written: the recipient's app reads them
//!   (`GET /api/care/notifications`). `sms` rows go out through an [`SmsChannel`] with the
//!   retry bookkeeping of [`tanfang_domain::care::Delivery`].
//! - The channel is chosen by the `SMS_CHANNEL` variable: `log` (the default, and what local
//!   development uses) writes the message to the worker log; `http` posts it to the provider
//!   adapter at `SMS_ENDPOINT` with the bearer token `SMS_TOKEN` (a secret).

use crate::context::Ctx;
use crate::error::AppResult;
use crate::store::{rows, Statement};
use crate::{args, crypto};
use serde::Deserialize;
use tanfang_domain::care::{Delivery, DeliveryState, RetryPolicy};

/// A way to send a text message to a phone.
pub trait SmsChannel {
    fn name(&self) -> &'static str;
    /// Sends `body` to `phone`; `Err` carries the reason, and the message will be retried.
    #[allow(async_fn_in_trait)]
    async fn send(&self, phone: &str, body: &str) -> Result<(), String>;
}

/// Writes messages to the worker log (local development, tests).
pub struct LogChannel;

impl SmsChannel for LogChannel {
    fn name(&self) -> &'static str {
        "log"
    }

    async fn send(&self, phone: &str, body: &str) -> Result<(), String> {
        if !tanfang_domain::phone::Phone::parse(phone).is_ok_and(|p| p.is_mobile()) {
            return Err(format!("not a mobile number: {phone}"));
        }
        worker::console_log!("[sms:log] to {phone}: {body}");
        Ok(())
    }
}

/// Posts `{to, text}` as JSON to an SMS provider adapter.
pub struct HttpSmsChannel {
    pub endpoint: String,
    pub token: String,
}

impl SmsChannel for HttpSmsChannel {
    fn name(&self) -> &'static str {
        "http"
    }

    async fn send(&self, phone: &str, body: &str) -> Result<(), String> {
        let headers = worker::Headers::new();
        headers
            .set("content-type", "application/json")
            .map_err(|e| e.to_string())?;
        headers
            .set("authorization", &format!("Bearer {}", self.token))
            .map_err(|e| e.to_string())?;
        let payload = serde_json::json!({"to": phone, "text": body}).to_string();
        let mut init = worker::RequestInit::new();
        init.with_method(worker::Method::Post)
            .with_headers(headers)
            .with_body(Some(payload.into()));
        let request =
            worker::Request::new_with_init(&self.endpoint, &init).map_err(|e| e.to_string())?;
        let response = worker::Fetch::Request(request)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if (200..300).contains(&response.status_code()) {
            Ok(())
        } else {
            Err(format!("provider answered {}", response.status_code()))
        }
    }
}

/// Refuses everything: fault injection for the retry path (dev seed only).
pub struct FailingChannel;

impl SmsChannel for FailingChannel {
    fn name(&self) -> &'static str {
        "failing"
    }

    async fn send(&self, _phone: &str, _body: &str) -> Result<(), String> {
        Err("injected failure".into())
    }
}

/// An `app` notification for an account (delivered when written).
pub fn app_notification(
    ctx: &Ctx,
    account_id: &str,
    elder_id: &str,
    subject: &str,
    body: &str,
) -> AppResult<Statement> {
    ctx.db.statement(
        "INSERT INTO notifications (id, channel, recipient, elder_id, subject, body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?1, 'app', ?2, ?3, ?4, ?5, 'sent', 1, ?6, ?6, ?6)",
        args![crypto::random_id("ntf")?, account_id, elder_id, subject, body, ctx.now_ms],
    )
}

/// An `sms` message to a phone, pending delivery.
pub fn sms_notification(
    ctx: &Ctx,
    phone: &str,
    elder_id: &str,
    subject: &str,
    body: &str,
) -> AppResult<Statement> {
    ctx.db.statement(
        "INSERT INTO notifications (id, channel, recipient, elder_id, subject, body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?1, 'sms', ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6, ?6)",
        args![crypto::random_id("ntf")?, phone, elder_id, subject, body, ctx.now_ms],
    )
}

#[derive(Deserialize)]
struct PendingRow {
    id: String,
    recipient: String,
    body: String,
    attempts: i64,
    next_attempt_at: i64,
}

/// Most messages one delivery run attempts.
pub const DELIVERY_BATCH: usize = 50;

/// Attempts every `sms` message due at `now_ms` through `channel`; returns (sent, retrying,
/// failed) counts. Each message's new state is written in one batch at the end.
pub async fn deliver_due<C: SmsChannel>(
    ctx: &Ctx,
    channel: &C,
    now_ms: i64,
    policy: &RetryPolicy,
) -> AppResult<(u32, u32, u32)> {
    let db = &ctx.db;
    let due = db
        .batch(vec![db.statement(
            "SELECT id, recipient, body, attempts, next_attempt_at FROM notifications \
             WHERE channel = 'sms' AND state = 'pending' AND next_attempt_at <= ?1 \
             ORDER BY next_attempt_at LIMIT ?2",
            args![now_ms, DELIVERY_BATCH as i64],
        )?])
        .await?;
    let due: Vec<PendingRow> = rows(&due[0])?;
    let (mut sent, mut retrying, mut failed) = (0, 0, 0);
    let mut writes = Vec::new();
    for row in due {
        let delivery = Delivery {
            state: DeliveryState::Pending,
            attempts: row.attempts.max(0) as u32,
            next_attempt_ms: row.next_attempt_at,
            last_error: String::new(),
        };
        let result = channel.send(&row.recipient, &row.body).await;
        let Some(next) = delivery.after_attempt(result, now_ms, policy) else {
            continue;
        };
        match next.state {
            DeliveryState::Sent => sent += 1,
            DeliveryState::Pending => retrying += 1,
            DeliveryState::Failed => failed += 1,
        }
        writes.push(db.statement(
            "UPDATE notifications SET state = ?2, attempts = ?3, next_attempt_at = ?4, last_error = ?5, updated_at = ?6 \
             WHERE id = ?1 AND state = 'pending'",
            args![
                row.id,
                next.state.as_str(),
                next.attempts,
                next.next_attempt_ms,
                if next.last_error.is_empty() {
                    String::new()
                } else {
                    format!("{}: {}", channel.name(), next.last_error)
                },
                ctx.now_ms
            ],
        )?);
    }
    db.batch(writes).await?;
    Ok((sent, retrying, failed))
}

/// An `app` notification with a given id, written once: a second write with the same id
/// changes nothing (the ladder pass's notices, which a repeated pass must not repeat).
pub fn app_notification_once(
    ctx: &Ctx,
    id: &str,
    account_id: &str,
    elder_id: &str,
    subject: &str,
    body: &str,
) -> AppResult<Statement> {
    ctx.db.statement(
        "INSERT OR IGNORE INTO notifications (id, channel, recipient, elder_id, subject, body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?1, 'app', ?2, ?3, ?4, ?5, 'sent', 1, ?6, ?6, ?6)",
        args![id, account_id, elder_id, subject, body, ctx.now_ms],
    )
}

/// An `sms` message with a given id, pending delivery, written once (see
/// [`app_notification_once`]).
pub fn sms_notification_once(
    ctx: &Ctx,
    id: &str,
    phone: &str,
    elder_id: &str,
    subject: &str,
    body: &str,
) -> AppResult<Statement> {
    ctx.db.statement(
        "INSERT OR IGNORE INTO notifications (id, channel, recipient, elder_id, subject, body, state, attempts, next_attempt_at, created_at, updated_at) \
         VALUES (?1, 'sms', ?2, ?3, ?4, ?5, 'pending', 0, ?6, ?6, ?6)",
        args![id, phone, elder_id, subject, body, ctx.now_ms],
    )
}

/// Many [`app_notification_once`]s in one statement: `rows` are `[id, account_id, elder_id,
/// subject, body]` arrays, written in order (the ladder pass's notices of a page of elders).
pub fn app_notifications_once(ctx: &Ctx, rows: &[serde_json::Value]) -> AppResult<Statement> {
    notifications_once(ctx, "app", "sent", 1, rows)
}

/// Many [`sms_notification_once`]s in one statement: `rows` are `[id, phone, elder_id, subject,
/// body]` arrays.
pub fn sms_notifications_once(ctx: &Ctx, rows: &[serde_json::Value]) -> AppResult<Statement> {
    notifications_once(ctx, "sms", "pending", 0, rows)
}

/// The bulk insert of both: in-app notices are delivered by being written (`sent`, one
/// attempt), SMS wait in the outbox (`pending`).
fn notifications_once(
    ctx: &Ctx,
    channel: &str,
    state: &str,
    attempts: i64,
    rows: &[serde_json::Value],
) -> AppResult<Statement> {
    ctx.db.statement(
        "INSERT OR IGNORE INTO notifications (id, channel, recipient, elder_id, subject, body, state, attempts, next_attempt_at, created_at, updated_at) \
         SELECT json_extract(j.value, '$[0]'), ?3, json_extract(j.value, '$[1]'), json_extract(j.value, '$[2]'), \
           json_extract(j.value, '$[3]'), json_extract(j.value, '$[4]'), ?4, ?5, ?2, ?2, ?2 FROM json_each(?1) j",
        args![serde_json::to_string(rows)?, ctx.now_ms, channel, state, attempts],
    )
}
