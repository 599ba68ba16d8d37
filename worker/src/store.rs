//! Storage access: a thin wrapper over D1 that counts round trips and statements (reported in
//! the `x-d1-round-trips` / `x-d1-statements` response headers for the benchmarks).
//!
//! Design decision: every handler does a bounded number of round trips — reads it needs
//! together go in one `batch`, writes go in one `batch` (a D1 batch is one transaction, so a
//! request's writes land together or not at all).

use crate::error::AppResult;
use serde::de::DeserializeOwned;
use std::cell::Cell;
use wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement, D1Result};

/// One bound value.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    Int(i64),
    Null,
}

impl From<&str> for Arg {
    fn from(value: &str) -> Self {
        Arg::Text(value.to_string())
    }
}
impl From<String> for Arg {
    fn from(value: String) -> Self {
        Arg::Text(value)
    }
}
impl From<&String> for Arg {
    fn from(value: &String) -> Self {
        Arg::Text(value.clone())
    }
}
impl From<i64> for Arg {
    fn from(value: i64) -> Self {
        Arg::Int(value)
    }
}
impl From<u64> for Arg {
    fn from(value: u64) -> Self {
        Arg::Int(value as i64)
    }
}
impl From<i32> for Arg {
    fn from(value: i32) -> Self {
        Arg::Int(value as i64)
    }
}
impl From<u32> for Arg {
    fn from(value: u32) -> Self {
        Arg::Int(value as i64)
    }
}
impl From<bool> for Arg {
    fn from(value: bool) -> Self {
        Arg::Int(value as i64)
    }
}
impl<T: Into<Arg>> From<Option<T>> for Arg {
    fn from(value: Option<T>) -> Self {
        value.map(Into::into).unwrap_or(Arg::Null)
    }
}

impl Arg {
    fn to_js(&self) -> JsValue {
        match self {
            Arg::Text(text) => JsValue::from_str(text),
            // D1 binds JS numbers; BigInt is refused. Our integers are < 2^53.
            Arg::Int(number) => JsValue::from_f64(*number as f64),
            Arg::Null => JsValue::NULL,
        }
    }
}

/// Builds an argument list: `args![a, b, c]`.
#[macro_export]
macro_rules! args {
    ($($value:expr),* $(,)?) => { vec![$($crate::store::Arg::from($value)),*] };
}

/// A prepared statement that has not run yet.
pub struct Statement {
    inner: D1PreparedStatement,
}

pub struct Db {
    database: D1Database,
    round_trips: Cell<u32>,
    statements: Cell<u32>,
    waited_ms: Cell<u64>,
}

/// Milliseconds on the worker's clock (which moves only across I/O, so the difference around
/// an `await` on D1 is the time spent waiting for it).
fn clock_ms() -> u64 {
    worker::Date::now().as_millis()
}

impl Db {
    pub fn new(database: D1Database) -> Self {
        Db {
            database,
            round_trips: Cell::new(0),
            statements: Cell::new(0),
            waited_ms: Cell::new(0),
        }
    }

    pub fn round_trips(&self) -> u32 {
        self.round_trips.get()
    }

    pub fn statements(&self) -> u32 {
        self.statements.get()
    }

    /// Time spent waiting for D1 (reported in `x-d1-ms`): the rest of a request's wall time is
    /// the worker's own work (turning rows into Rust values, domain calls, writing JSON).
    pub fn waited_ms(&self) -> u64 {
        self.waited_ms.get()
    }

    /// Prepares `sql` with `args` (`?1`, `?2`… or `?`).
    pub fn statement(&self, sql: &str, args: Vec<Arg>) -> AppResult<Statement> {
        let values: Vec<JsValue> = args.iter().map(Arg::to_js).collect();
        let inner = self.database.prepare(sql).bind(&values)?;
        Ok(Statement { inner })
    }

    /// Runs statements as one batch (one round trip, one transaction).
    pub async fn batch(&self, statements: Vec<Statement>) -> AppResult<Vec<D1Result>> {
        if statements.is_empty() {
            return Ok(Vec::new());
        }
        self.round_trips.set(self.round_trips.get() + 1);
        self.statements
            .set(self.statements.get() + statements.len() as u32);
        // A failing statement rejects the whole batch (and rolls it back).
        let start = clock_ms();
        let results = self
            .database
            .batch(statements.into_iter().map(|s| s.inner).collect())
            .await;
        self.waited_ms
            .set(self.waited_ms.get() + clock_ms().saturating_sub(start));
        Ok(results?)
    }

    /// All rows of one query.
    pub async fn all<T: DeserializeOwned>(&self, sql: &str, args: Vec<Arg>) -> AppResult<Vec<T>> {
        let statement = self.statement(sql, args)?;
        self.round_trips.set(self.round_trips.get() + 1);
        self.statements.set(self.statements.get() + 1);
        let start = clock_ms();
        let result = statement.inner.all().await;
        self.waited_ms
            .set(self.waited_ms.get() + clock_ms().saturating_sub(start));
        let result = result?;
        Ok(result.results::<T>()?)
    }

    /// The first row of one query.
    pub async fn first<T: DeserializeOwned>(
        &self,
        sql: &str,
        args: Vec<Arg>,
    ) -> AppResult<Option<T>> {
        Ok(self.all::<T>(sql, args).await?.into_iter().next())
    }

    /// Runs one write.
    pub async fn run(&self, sql: &str, args: Vec<Arg>) -> AppResult<()> {
        self.batch(vec![self.statement(sql, args)?]).await?;
        Ok(())
    }
}

/// Rows of a batch result.
pub fn rows<T: DeserializeOwned>(result: &D1Result) -> AppResult<Vec<T>> {
    Ok(result.results::<T>()?)
}

/// The rows of a packed read: a statement answering one row whose column `rows` is a JSON array
/// of the rows (`SELECT json_group_array(json_array(…)) AS rows …`), so that D1 hands the worker
/// one string instead of a JS object per row. No row, or `rows` NULL, is no rows.
pub fn packed_rows<T: DeserializeOwned>(result: &D1Result) -> AppResult<Vec<T>> {
    #[derive(serde::Deserialize)]
    struct Packed {
        rows: Option<String>,
    }
    match rows::<Packed>(result)?.pop().and_then(|p| p.rows) {
        Some(text) => Ok(serde_json::from_str(&text)?),
        None => Ok(Vec::new()),
    }
}

/// Number of rows a write changed.
pub fn changes(result: &D1Result) -> u64 {
    result
        .meta()
        .ok()
        .flatten()
        .and_then(|meta| meta.changes)
        .map(|n| n as u64)
        .unwrap_or(0)
}

/// The code range of a region subtree: (lowest, highest) 12-digit code starting with the
/// region's significant prefix. `region_code BETWEEN lo AND hi` uses the index.
pub fn subtree_range(region_code: &str) -> (String, String) {
    let prefix = match tanfang_domain::region::RegionCode::parse(region_code) {
        Ok(code) => code.prefix().to_string(),
        Err(_) => region_code.to_string(),
    };
    (format!("{prefix:0<12}"), format!("{prefix:9<12}"))
}

/// The condition on `region_code` for the code range `lo..=hi` of [`subtree_range`], as `?1` /
/// `?2`: an equality when the range is one community (an index on `(region_code, …)` then
/// seeks on its next column too, where a range would walk the community's entries).
pub fn region_scope_sql(lo: &str, hi: &str) -> &'static str {
    if lo == hi {
        "region_code = ?1"
    } else {
        "region_code BETWEEN ?1 AND ?2"
    }
}

/// The arguments of a statement whose only parameters are those of [`region_scope_sql`]: D1
/// refuses a binding past the last parameter a statement uses, so `?2` only for a range.
pub fn region_scope_args(lo: &str, hi: &str) -> Vec<Arg> {
    if lo == hi {
        crate::args![lo]
    } else {
        crate::args![lo, hi]
    }
}

/// SQL of the feed entry every write request starts its batch with; later statements use
/// [`CURRENT_CURSOR`] to stamp rows.
pub const NEW_CURSOR_SQL: &str = "INSERT INTO feed (actor_id, what, at) VALUES (?1, ?2, ?3)";
pub const CURRENT_CURSOR: &str = "(SELECT MAX(cursor) FROM feed)";
