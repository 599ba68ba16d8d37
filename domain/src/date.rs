//! Dates, ages and calendar periods in China Standard Time.
//!
//! Design decisions:
//! - Every date is a [`NaiveDate`] meaning a calendar day in China Standard Time (UTC+8 all year,
//!   no daylight saving). Instants (unix milliseconds, as the phone and the worker see them) are
//!   turned into CST dates with [`cst_date_from_unix_millis`] at the edge; nothing in the domain
//!   reads a clock.
//! - Periods are inclusive calendar periods (`start..=end`): ISO week (Monday–Sunday), month,
//!   quarter, half-year (Jan–Jun, Jul–Dec) and year. A week belongs to the ISO year of its
//!   Thursday, so 2026-12-31 lies in week 53 of 2026 while 2027-01-01 (a Friday) still lies in
//!   that same week.
//! - Age is counted in full years (周岁). Someone born on 29 February has their birthday on
//!   1 March in non-leap years.

use std::fmt;
use std::str::FromStr;

pub use chrono::NaiveDate;
use chrono::{Datelike, Days, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// China Standard Time offset from UTC, in seconds (UTC+8, no daylight saving).
pub const CHINA_STANDARD_TIME_OFFSET_SECONDS: i64 = 8 * 3600;

/// Age in full years (周岁) on the date `on`; 0 when `on` is before `birth`.
///
/// ```
/// use tanfang_domain::date::{age_on, NaiveDate};
/// let d = |s: &str| s.parse::<NaiveDate>().unwrap();
/// assert_eq!(age_on(d("1945-03-10"), d("2025-03-09")), 79);
/// assert_eq!(age_on(d("1945-03-10"), d("2025-03-10")), 80);
/// assert_eq!(age_on(d("1964-02-29"), d("2024-02-28")), 59);
/// assert_eq!(age_on(d("1964-02-29"), d("2024-02-29")), 60);
/// assert_eq!(age_on(d("1964-02-29"), d("2025-02-28")), 60);
/// assert_eq!(age_on(d("1965-02-28"), d("2025-02-28")), 60);
/// ```
pub fn age_on(birth: NaiveDate, on: NaiveDate) -> u32 {
    if on < birth {
        return 0;
    }
    let years = on.year() - birth.year();
    // The birthday in `on`'s year; 29 Feb becomes 1 Mar in a non-leap year.
    let had_birthday = (on.month(), on.day()) >= birthday_in_year_month_day(birth, on.year());
    let full = if had_birthday { years } else { years - 1 };
    full.max(0) as u32
}

fn birthday_in_year_month_day(birth: NaiveDate, year: i32) -> (u32, u32) {
    if birth.month() == 2 && birth.day() == 29 && NaiveDate::from_ymd_opt(year, 2, 29).is_none() {
        (3, 1)
    } else {
        (birth.month(), birth.day())
    }
}

/// The date on which someone born on `birth` turns `years` full years old.
pub fn date_turning(birth: NaiveDate, years: u32) -> Option<NaiveDate> {
    let year = birth.year() + years as i32;
    let (month, day) = birthday_in_year_month_day(birth, year);
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Parses a strict `YYYY-MM-DD` date (exactly ten characters, zero-padded).
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    if !shape_ok {
        return Err(DateError::Format(text.to_string()));
    }
    // The shape is checked, so the three fields are plain digits: read them without chrono's
    // format-string parser, which would otherwise be compiled into the phone bundle.
    let number = |range: std::ops::Range<usize>| {
        bytes[range]
            .iter()
            .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'))
    };
    NaiveDate::from_ymd_opt(number(0..4) as i32, number(5..7), number(8..10))
        .ok_or_else(|| DateError::NoSuchDay(text.to_string()))
}

/// `MM-DD`, the short date of lists and notices (no chrono format string, see [`parse_date`]).
pub fn month_day(date: NaiveDate) -> String {
    format!("{:02}-{:02}", date.month(), date.day())
}

/// Why a date or month text was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD): {0:?}")]
    Format(String),
    #[error("日期不存在 (no such day): {0:?}")]
    NoSuchDay(String),
    #[error("月份格式应为 YYYY-MM (month must be YYYY-MM): {0:?}")]
    MonthFormat(String),
}

/// The CST calendar date of an instant given as unix milliseconds (UTC).
///
/// ```
/// use tanfang_domain::date::cst_date_from_unix_millis;
/// // 2025-03-31T16:00:00Z is already 2025-04-01 00:00 in Beijing.
/// assert_eq!(cst_date_from_unix_millis(1_743_436_800_000).to_string(), "2025-04-01");
/// assert_eq!(cst_date_from_unix_millis(1_743_436_799_999).to_string(), "2025-03-31");
/// ```
pub fn cst_date_from_unix_millis(unix_millis: i64) -> NaiveDate {
    cst_datetime_from_unix_millis(unix_millis).date()
}

/// The CST wall-clock date and time of an instant given as unix milliseconds (UTC).
pub fn cst_datetime_from_unix_millis(unix_millis: i64) -> NaiveDateTime {
    let shifted = unix_millis.saturating_add(CHINA_STANDARD_TIME_OFFSET_SECONDS * 1000);
    chrono::DateTime::from_timestamp_millis(shifted)
        .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC)
        .naive_utc()
}

/// Unix milliseconds of midnight (00:00 CST) at the start of `date`.
pub fn cst_midnight_unix_millis(date: NaiveDate) -> i64 {
    let utc = date
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis();
    utc - CHINA_STANDARD_TIME_OFFSET_SECONDS * 1000
}

/// Length of a calendar period. The variant order is the contract's sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Per {
    Week,
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl Per {
    pub const ALL: [Per; 5] = [
        Per::Week,
        Per::Month,
        Per::Quarter,
        Per::HalfYear,
        Per::Year,
    ];

    /// The contract's name (`week`, `month`, `quarter`, `half_year`, `year`).
    pub fn as_str(self) -> &'static str {
        match self {
            Per::Week => "week",
            Per::Month => "month",
            Per::Quarter => "quarter",
            Per::HalfYear => "half_year",
            Per::Year => "year",
        }
    }

    /// Chinese label as used on the forms (每周, 每月…).
    pub fn label_zh(self) -> &'static str {
        match self {
            Per::Week => "每周",
            Per::Month => "每月",
            Per::Quarter => "每季度",
            Per::HalfYear => "每半年",
            Per::Year => "每年",
        }
    }

    /// The period of this length that contains `date`.
    pub fn period_containing(self, date: NaiveDate) -> Period {
        let year = date.year();
        let (start, end) = match self {
            Per::Week => {
                let start = date - Days::new(date.weekday().num_days_from_monday() as u64);
                (start, start + Days::new(6))
            }
            Per::Month => month_bounds(year, date.month()),
            Per::Quarter => {
                let first = (date.month() - 1) / 3 * 3 + 1;
                (month_bounds(year, first).0, month_bounds(year, first + 2).1)
            }
            Per::HalfYear => {
                let first = if date.month() <= 6 { 1 } else { 7 };
                (month_bounds(year, first).0, month_bounds(year, first + 5).1)
            }
            Per::Year => (month_bounds(year, 1).0, month_bounds(year, 12).1),
        };
        Period {
            per: self,
            start,
            end,
        }
    }
}

impl fmt::Display for Per {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Per {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Per::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| format!("unknown period {s:?}"))
    }
}

fn month_bounds(year: i32, month: u32) -> (NaiveDate, NaiveDate) {
    let start = NaiveDate::from_ymd_opt(year, month, 1).unwrap();
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    }
    .unwrap();
    (start, next.pred_opt().unwrap())
}

/// An inclusive calendar period `start..=end` of length `per`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub per: Per,
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Period {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The period of the same length just before this one.
    pub fn previous(&self) -> Period {
        self.per.period_containing(self.start.pred_opt().unwrap())
    }

    /// The period of the same length just after this one.
    pub fn next(&self) -> Period {
        self.per.period_containing(self.end.succ_opt().unwrap())
    }

    /// Number of days in the period.
    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32 + 1
    }

    /// Human label: `2026-W53`, `2025-03`, `2025-Q1`, `2025-H2`, `2025`.
    pub fn label(&self) -> String {
        match self.per {
            Per::Week => {
                let week = self.start.iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
            Per::Month => format!("{}-{:02}", self.start.year(), self.start.month()),
            Per::Quarter => format!(
                "{}-Q{}",
                self.start.year(),
                (self.start.month() - 1) / 3 + 1
            ),
            Per::HalfYear => format!(
                "{}-H{}",
                self.start.year(),
                if self.start.month() == 1 { 1 } else { 2 }
            ),
            Per::Year => format!("{}", self.start.year()),
        }
    }
}

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1..=9999).contains(&year)).then_some(Month { year, month })
    }

    pub fn containing(date: NaiveDate) -> Month {
        Month {
            year: date.year(),
            month: date.month(),
        }
    }

    pub fn year(&self) -> i32 {
        self.year
    }

    pub fn month(&self) -> u32 {
        self.month
    }

    pub fn first_day(&self) -> NaiveDate {
        month_bounds(self.year, self.month).0
    }

    pub fn last_day(&self) -> NaiveDate {
        month_bounds(self.year, self.month).1
    }

    pub fn period(&self) -> Period {
        Per::Month.period_containing(self.first_day())
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        date.year() == self.year && date.month() == self.month
    }

    pub fn previous(&self) -> Month {
        Month::containing(self.first_day().pred_opt().unwrap())
    }

    pub fn next(&self) -> Month {
        Month::containing(self.last_day().succ_opt().unwrap())
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = DateError;
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        let bad = || DateError::MonthFormat(text.to_string());
        if bytes.len() != 7
            || bytes[4] != b'-'
            || !bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || b.is_ascii_digit())
        {
            return Err(bad());
        }
        let year: i32 = text[..4].parse().map_err(|_| bad())?;
        let month: u32 = text[5..].parse().map_err(|_| bad())?;
        Month::new(year, month).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Month {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Serde adapter for a strict `YYYY-MM-DD` date (`#[serde(with = "strict_date")]`).
pub mod strict_date {
    use super::*;

    pub fn serialize<S: serde::Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        // chrono's `Display` for a date is `YYYY-MM-DD` (years 0–9999).
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for a `NaiveDate` exactly as chrono writes and reads it (`YYYY-MM-DD`), without
/// chrono's formatting and parsing machinery on the common path. The due state's stored ladder
/// and statuses carry some twenty dates an elder, and the worker writes and reads them for
/// every elder of a community (the roll-over, the ladder pass): chrono's `Display` / `FromStr`
/// took most of that time. The text is chrono's both ways: years outside 0–9999, and any input
/// that is not ten characters `DDDD-DD-DD`, go through chrono itself.
pub mod fast_date {
    use super::*;

    pub fn serialize<S: serde::Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        let year = date.year();
        if !(0..=9999).contains(&year) {
            return s.collect_str(date);
        }
        let (y, m, d) = (year as u32, date.month(), date.day());
        let digit = |n: u32| b'0' + (n % 10) as u8;
        let text = [
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ];
        s.serialize_str(std::str::from_utf8(&text).map_err(serde::ser::Error::custom)?)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = NaiveDate;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<NaiveDate, E> {
                match quick(text) {
                    Some(date) => Ok(date),
                    None => text.parse::<NaiveDate>().map_err(E::custom),
                }
            }
        }
        d.deserialize_str(Visitor)
    }

    /// `DDDD-DD-DD` when it is a valid date; `None` leaves the text to chrono.
    fn quick(text: &str) -> Option<NaiveDate> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |range: std::ops::Range<usize>| -> Option<u32> {
            b[range].iter().try_fold(0u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
    struct Fast(#[serde(with = "fast_date")] NaiveDate);

    /// `fast_date` writes chrono's text and reads what chrono reads, the same way.
    #[test]
    fn fast_dates_are_chronos() {
        let mut dates: Vec<NaiveDate> = Vec::new();
        let mut day = NaiveDate::from_ymd_opt(1899, 12, 25).unwrap();
        while day.year() < 2101 {
            dates.push(day);
            day = day.succ_opt().unwrap();
        }
        for year in [0, 1, 9, 99, 999, 9999, 10000, -1, 262_000] {
            dates.push(NaiveDate::from_ymd_opt(year, 1, 1).unwrap());
        }
        dates.push(NaiveDate::MAX);
        dates.push(NaiveDate::MIN);
        for date in dates {
            let text = serde_json::to_string(&Fast(date)).unwrap();
            assert_eq!(text, serde_json::to_string(&date).unwrap());
            assert_eq!(serde_json::from_str::<Fast>(&text).unwrap(), Fast(date));
        }
        for text in [
            "\"2025-02-29\"",
            "\"2025-13-01\"",
            "\"2025-3-01\"",
            "\"2025-03-1\"",
            "\"20250301\"",
            "\"２０２５-03-01\"",
            "\"+12025-03-01\"",
            "\" 2025-03-01\"",
            "\"2025-03-01 \"",
            "\"2025/03/01\"",
            "\"\"",
        ] {
            assert_eq!(
                serde_json::from_str::<Fast>(text).ok().map(|f| f.0),
                serde_json::from_str::<NaiveDate>(text).ok(),
                "{text}"
            );
        }
    }

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn iso_week_53_of_2026() {
        let p = Per::Week.period_containing(d("2026-12-31"));
        assert_eq!((p.start, p.end), (d("2026-12-28"), d("2027-01-03")));
        assert_eq!(p.label(), "2026-W53");
        assert_eq!(Per::Week.period_containing(d("2027-01-03")), p);
        assert_eq!(p.next().label(), "2027-W01");
    }

    #[test]
    fn strict_dates() {
        assert!(parse_date("2025-3-01").is_err());
        assert!(parse_date("2025-02-29").is_err());
        assert!(parse_date("2024-02-29").is_ok());
        assert!("2025-13".parse::<Month>().is_err());
        assert_eq!(
            "2025-03".parse::<Month>().unwrap().last_day(),
            d("2025-03-31")
        );
    }
}
