//! `POST /api/setup/first-admin` — how a new deployment gets its first administrator.
//!
//! Production has no demo data. The operator sets a one-off secret
//! (`npx wrangler secret put SETUP_TOKEN`) and calls this route with it as a bearer token; it
//! creates the admin account only while no admin exists, so it cannot be used to take over a
//! running deployment. Without `SETUP_TOKEN` the route does not exist (404). Delete the secret
//! afterwards.

use crate::context::Ctx;
use crate::crypto;
use crate::error::{AppError, AppResult};
use crate::http::{self, read_json};
use serde::Deserialize;
use serde_json::json;
use worker::{Request, Response};

const MIN_PASSWORD_CHARS: usize = 12;

#[derive(Deserialize)]
struct FirstAdmin {
    login: String,
    name: String,
    password: String,
}

#[derive(Deserialize)]
struct Count {
    n: i64,
}

fn invalid(field: &str, message: &str) -> AppError {
    AppError::Invalid {
        code: "invalid",
        field: field.to_string(),
        message: message.to_string(),
    }
}

pub async fn first_admin(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let Some(expected) = ctx
        .env
        .secret("SETUP_TOKEN")
        .ok()
        .map(|s| s.to_string())
        .or_else(|| ctx.var("SETUP_TOKEN"))
        .filter(|token| !token.is_empty())
    else {
        return Err(AppError::NotFound);
    };
    let given = req
        .headers()
        .get("authorization")
        .ok()
        .flatten()
        .and_then(|value| value.strip_prefix("Bearer ").map(str::to_string))
        .unwrap_or_default();
    // Compare digests, so the comparison time says nothing about the token.
    if crypto::sha256_hex(&given) != crypto::sha256_hex(&expected) {
        return Err(AppError::Unauthenticated);
    }
    let body: FirstAdmin = read_json(&mut req).await?;
    let login = body.login.trim();
    let name = body.name.trim();
    if login.chars().count() < 3
        || login.chars().count() > 32
        || !login
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    {
        return Err(invalid(
            "login",
            "3–32 个字母、数字、_ - . (3–32 letters, digits, _ - .)",
        ));
    }
    if name.is_empty() {
        return Err(invalid("name", "必填 (required)"));
    }
    if body.password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(invalid(
            "password",
            "至少 12 个字符 (at least 12 characters)",
        ));
    }
    let admins = ctx
        .db
        .first::<Count>(
            "SELECT COUNT(*) AS n FROM accounts WHERE role = 'admin'",
            vec![],
        )
        .await?;
    if admins.map(|c| c.n).unwrap_or(0) > 0 {
        return Err(AppError::Conflict {
            code: "admin_exists",
            message: "已有管理员账号 (an admin account already exists)".to_string(),
            expected_seq: None,
        });
    }
    let (hash, salt, iterations) = crypto::hash_password(&body.password).await?;
    let id = crypto::random_id("acc")?;
    let db = &ctx.db;
    db.batch(vec![
        db.statement(
            "INSERT INTO accounts (id, login, name, role, password_hash, password_salt, \
               password_iterations, created_at) VALUES (?1, ?2, ?3, 'admin', ?4, ?5, ?6, ?7)",
            crate::args![id.as_str(), login, name, hash, salt, iterations, ctx.now_ms],
        )?,
        ctx.audit(
            Some(&id),
            "setup.first_admin",
            Some(&id),
            json!({"login": login}),
        )?,
    ])
    .await?;
    http::json_status(&json!({"id": id, "login": login, "role": "admin"}), 201)
}
