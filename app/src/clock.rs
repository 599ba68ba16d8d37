//! The device clock, read in ONE place and turned into China Standard Time (UTC+8, no DST):
//! the domain takes dates as parameters, the app passes these.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike, Utc};

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

pub fn now_utc() -> DateTime<Utc> {
    let millis = js_sys::Date::now() as i64;
    DateTime::from_timestamp_millis(millis).unwrap_or_default()
}

pub fn now_china() -> DateTime<FixedOffset> {
    now_utc().with_timezone(&china())
}

/// Today's date in China Standard Time.
pub fn today() -> NaiveDate {
    now_china().date_naive()
}

/// RFC 3339 timestamp with the +08:00 offset (for "last sync" and draft times).
pub fn now_rfc3339() -> String {
    now_china().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// `MM-DD HH:MM` for the sync bar.
pub fn short_time(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|time| {
            // Plain `format!`, not a chrono format string (see `tanfang_domain::date::parse_date`).
            let time = time.with_timezone(&china());
            format!(
                "{:02}-{:02} {:02}:{:02}",
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            )
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// A random id with a prefix (`v-…` for visits, `c-…` for client ids), from the browser's
/// cryptographic random UUID.
pub fn new_id(prefix: &str) -> String {
    let uuid = web_sys::window()
        .and_then(|window| window.crypto().ok())
        .map(|crypto| crypto.random_uuid())
        .unwrap_or_else(|| {
            format!(
                "{:x}{:x}",
                js_sys::Date::now() as u64,
                (js_sys::Math::random() * 1e12) as u64
            )
        });
    format!("{prefix}-{uuid}")
}

/// Adds a mark to the browser's performance timeline (`performance.mark`), so benchmarks can
/// time app events from the page (`e2e/bench/app-bench.mjs` reads `tanfang:visit-saved`).
pub fn performance_mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|window| window.performance()) {
        let _ = performance.mark(name);
    }
}
