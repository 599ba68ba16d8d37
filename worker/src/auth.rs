//! Who is calling, and what they may see.
//!
//! Roles: `volunteer` (incl. students and enterprise members: sees only elders assigned to
//! them, through the minimal volunteer view), `group_admin` (sees its group, members and
//! pairings, never elders' personal data), `coordinator` (everything inside the subtree of
//! their region node), `admin` (everything, plus the audit log).

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::session_token;
use serde::{Deserialize, Serialize};
use worker::Request;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Volunteer,
    GroupAdmin,
    Coordinator,
    Admin,
}

/// The logged-in account, as read with its session.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Principal {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: Role,
    pub volunteer_kind: Option<String>,
    pub region_code: Option<String>,
    pub region_name: Option<String>,
    pub group_id: Option<String>,
    pub school: Option<String>,
    pub class_name: Option<String>,
    pub student_number: Option<String>,
}

/// Columns of [`Principal`] selected from `accounts a LEFT JOIN regions r`.
pub const PRINCIPAL_COLUMNS: &str = "a.id, a.login, a.name, a.role, a.volunteer_kind, a.region_code, r.name AS region_name, a.group_id, a.school, a.class_name, a.student_number";

/// Sessions last 30 days (phones work offline for long stretches).
pub const SESSION_LIFETIME_MS: i64 = 30 * 24 * 3600 * 1000;

impl Principal {
    /// The region subtree a coordinator/admin governs: `(lo, hi)` code range. Admin: all.
    pub fn region_range(&self) -> Option<(String, String)> {
        match self.role {
            Role::Admin => Some(("000000000000".into(), "999999999999".into())),
            Role::Coordinator => self.region_code.as_deref().map(crate::store::subtree_range),
            _ => None,
        }
    }

    /// Coordinator or admin; else 403.
    pub fn require_coordinator(&self) -> AppResult<(String, String)> {
        self.region_range().ok_or(AppError::Forbidden)
    }

    pub fn require_admin(&self) -> AppResult<()> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// True when `region_code` lies inside this coordinator's/admin's subtree.
    pub fn governs(&self, region_code: &str) -> bool {
        match self.region_range() {
            Some((lo, hi)) => region_code >= lo.as_str() && region_code <= hi.as_str(),
            None => false,
        }
    }
}

/// A session that has not been used for this long gets its `last_seen_at` written again (so
/// the devices list is right to within ten minutes, at one extra write per ten minutes).
pub const LAST_SEEN_GRANULARITY_MS: i64 = 10 * 60 * 1000;

#[derive(Deserialize)]
struct SessionRow {
    #[serde(flatten)]
    principal: Principal,
    revoked_at: Option<i64>,
    expires_at: i64,
    disabled: i64,
    ended_by: Option<String>,
    last_seen_at: Option<i64>,
}

/// The principal behind the request's session cookie, or 401 (`session_ended_remotely` when a
/// coordinator ended it: the phone then erases its local files but keeps its outbox).
pub async fn require(ctx: &Ctx, req: &Request) -> AppResult<Principal> {
    let token = session_token(req).ok_or(AppError::Unauthenticated)?;
    let token_hash = crate::crypto::sha256_hex(&token);
    let sql = format!(
        "SELECT {PRINCIPAL_COLUMNS}, s.revoked_at, s.expires_at, a.disabled, s.ended_by, s.last_seen_at \
         FROM sessions s JOIN accounts a ON a.id = s.account_id \
         LEFT JOIN regions r ON r.code = a.region_code WHERE s.token_hash = ?1"
    );
    let row = ctx
        .db
        .first::<SessionRow>(&sql, crate::args![token_hash.as_str()])
        .await?
        .ok_or(AppError::Unauthenticated)?;
    if row.revoked_at.is_some() {
        return Err(if row.ended_by.as_deref() == Some("coordinator") {
            AppError::SessionEndedRemotely
        } else {
            AppError::Unauthenticated
        });
    }
    if row.expires_at <= ctx.now_ms || row.disabled != 0 {
        return Err(AppError::Unauthenticated);
    }
    if row.last_seen_at.unwrap_or(0) + LAST_SEEN_GRANULARITY_MS <= ctx.now_ms {
        ctx.db
            .run(
                "UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1",
                crate::args![token_hash.as_str(), ctx.now_ms],
            )
            .await?;
    }
    Ok(row.principal)
}
