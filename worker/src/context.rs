//! Per-request context: storage, clock, client address, configuration.

use crate::error::AppResult;
use crate::store::{Db, Statement};
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use worker::Env;

pub struct Ctx {
    pub db: Db,
    pub env: Env,
    /// Server clock, Unix milliseconds.
    pub now_ms: i64,
    /// Client address (see [`crate::http::client_ip`]).
    pub ip: String,
}

impl Ctx {
    /// Today in China Standard Time (UTC+8, no daylight saving).
    pub fn today(&self) -> NaiveDate {
        let cst = FixedOffset::east_opt(8 * 3600).expect("valid offset");
        DateTime::<Utc>::from_timestamp_millis(self.now_ms)
            .unwrap_or_default()
            .with_timezone(&cst)
            .date_naive()
    }

    /// A plain-text variable from wrangler.toml / `--var`.
    pub fn var(&self, name: &str) -> Option<String> {
        self.env.var(name).ok().map(|v| v.to_string())
    }

    /// An audit-log row, to be put in the same batch as the action it records.
    pub fn audit(
        &self,
        actor_id: Option<&str>,
        action: &str,
        target: Option<&str>,
        detail: serde_json::Value,
    ) -> AppResult<Statement> {
        self.db.statement(
            "INSERT INTO audit_log (at, actor_id, action, target, detail, ip) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            crate::args![self.now_ms, actor_id, action, target, detail.to_string(), self.ip.as_str()],
        )
    }

    /// The policy family in force today (the deployment's policy timeline, see
    /// [`Ctx::profile_on`]; settings key `policy` alone when no change was ever made).
    pub async fn policy(&self) -> AppResult<tanfang_domain::policy::PolicyId> {
        Ok(self.profile_on(self.today()).await?.policy)
    }

    /// The deployment's policy timeline: settings key `policy` (default national) from the
    /// start, then every adopted version of `policy_versions` from its effective date
    /// (`handlers::months`).
    pub async fn policy_timeline(&self) -> AppResult<tanfang_domain::month_close::PolicyTimeline> {
        let results = self
            .db
            .batch(crate::handlers::months::timeline_statements(&self.db)?)
            .await?;
        crate::handlers::months::timeline_from(&results)
    }

    /// The profile in force on `date` (every computation for a date uses this one).
    pub async fn profile_on(
        &self,
        date: NaiveDate,
    ) -> AppResult<tanfang_domain::policy::PolicyProfile> {
        Ok(crate::handlers::months::profile_in_force(
            &self.policy_timeline().await?,
            date,
        ))
    }
}
