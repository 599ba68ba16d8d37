//! Visit evidence (存疑标记): what an auditor weighs about one visit record.
//!
//! A visit keeps its evidence (`visit::VisitRecord`: the phone's clock when saved, the server's
//! when received, the phone's clock offset at the push, the location with its accuracy, how the
//! elder confirmed, who typed it in). This module turns that evidence into [`EvidenceFlag`]s:
//!
//! - [`EvidenceFlag::LateEntry`]: received more than `late_entry_days` days after the visit's
//!   date (server receive time in China Standard Time vs the visit date).
//! - [`EvidenceFlag::ClockSkew`]: the phone's clock, read at the push that brought the record,
//!   was off by more than `clock_skew_minutes` (the record's `date` and device time are suspect).
//! - [`EvidenceFlag::FarFromHome`]: a home visit located further than `far_from_home_m` from
//!   the elder's geocoded home, after giving the location its whole accuracy radius.
//! - [`EvidenceFlag::Burst`]: one visitor saved `burst_count` or more visits within
//!   `burst_window_minutes` (phone clock) — see [`burst_ids`], a function over the visitor's list.
//! - [`EvidenceFlag::HomeUnconfirmed`]: a home visit without any confirmation by the elder.
//!
//! # Design decisions
//! - **Flags never block.** They are evidence computed after the visit is kept; nothing here
//!   refuses a record.
//! - **Pure.** No clock, no IO: the caller passes the elder's home point and, for bursts, the
//!   visitor's other visits. Thresholds are one [`EvidenceConfig`] with named defaults.
//! - **Missing evidence is not suspicious by itself** (no location → no distance flag; an old
//!   record without server time → no late flag) except for confirmation, whose absence on a
//!   home visit is the flag.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::elder::GeoPoint;
use crate::policy::VisitMode;
use crate::visit::{ConfirmationMethod, VisitRecord};

/// Default: a visit received more than 3 days after its date is a late entry.
pub const LATE_ENTRY_DAYS: i64 = 3;
/// Default: a phone clock off by more than 10 minutes (as `sync::CLOCK_SKEW_FLAG_MS`).
pub const CLOCK_SKEW_MINUTES: i64 = 10;
/// Default: a home visit located more than 1 km beyond its accuracy radius from the home.
pub const FAR_FROM_HOME_M: f64 = 1000.0;
/// Default: 3 visits by one visitor …
pub const BURST_COUNT: usize = 3;
/// … within 10 minutes of phone time.
pub const BURST_WINDOW_MINUTES: i64 = 10;

/// Mean Earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// The thresholds of the flags.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct EvidenceConfig {
    pub late_entry_days: i64,
    pub clock_skew_minutes: i64,
    pub far_from_home_m: f64,
    pub burst_count: usize,
    pub burst_window_minutes: i64,
}

impl Default for EvidenceConfig {
    fn default() -> Self {
        EvidenceConfig {
            late_entry_days: LATE_ENTRY_DAYS,
            clock_skew_minutes: CLOCK_SKEW_MINUTES,
            far_from_home_m: FAR_FROM_HOME_M,
            burst_count: BURST_COUNT,
            burst_window_minutes: BURST_WINDOW_MINUTES,
        }
    }
}

/// One reason to doubt a visit record. Wire names are the ledger's `?flag=` values.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceFlag {
    LateEntry,
    ClockSkew,
    FarFromHome,
    Burst,
    HomeUnconfirmed,
}

impl EvidenceFlag {
    /// Every flag, in the order they are listed.
    pub const ALL: [EvidenceFlag; 5] = [
        EvidenceFlag::LateEntry,
        EvidenceFlag::ClockSkew,
        EvidenceFlag::FarFromHome,
        EvidenceFlag::Burst,
        EvidenceFlag::HomeUnconfirmed,
    ];

    /// The wire name (`late_entry`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceFlag::LateEntry => "late_entry",
            EvidenceFlag::ClockSkew => "clock_skew",
            EvidenceFlag::FarFromHome => "far_from_home",
            EvidenceFlag::Burst => "burst",
            EvidenceFlag::HomeUnconfirmed => "home_unconfirmed",
        }
    }

    /// The flag with wire name `text`.
    pub fn parse(text: &str) -> Option<EvidenceFlag> {
        EvidenceFlag::ALL
            .into_iter()
            .find(|flag| flag.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            EvidenceFlag::LateEntry => "补录过迟",
            EvidenceFlag::ClockSkew => "手机时间不准",
            EvidenceFlag::FarFromHome => "定位远离住址",
            EvidenceFlag::Burst => "短时多次探访",
            EvidenceFlag::HomeUnconfirmed => "上门未经老人确认",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            EvidenceFlag::LateEntry => "entered late",
            EvidenceFlag::ClockSkew => "phone clock off",
            EvidenceFlag::FarFromHome => "located far from the home",
            EvidenceFlag::Burst => "many visits within minutes",
            EvidenceFlag::HomeUnconfirmed => "home visit not confirmed",
        }
    }
}

/// Great-circle distance between two points in metres (haversine).
pub fn distance_m(a: GeoPoint, b: GeoPoint) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * h.sqrt().min(1.0).asin()
}

/// One visit of a visitor as [`burst_ids`] needs it: its id and the phone's clock when saved.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct VisitStamp {
    pub id: String,
    pub device_time_ms: i64,
}

/// The ids of the visits (all by one visitor) that lie in a burst: some span of
/// `burst_window_minutes` holds `burst_count` or more of them. Order of `stamps` is free.
pub fn burst_ids(stamps: &[VisitStamp], config: &EvidenceConfig) -> BTreeSet<String> {
    let mut sorted: Vec<&VisitStamp> = stamps.iter().collect();
    sorted.sort_by_key(|stamp| stamp.device_time_ms);
    let window_ms = config.burst_window_minutes.saturating_mul(60_000);
    let mut found = BTreeSet::new();
    let count = config.burst_count;
    let mut end = 0;
    for start in 0..sorted.len() {
        end = end.max(start);
        while end + 1 < sorted.len()
            && sorted[end + 1].device_time_ms - sorted[start].device_time_ms <= window_ms
        {
            end += 1;
        }
        if end - start + 1 >= count {
            found.extend(sorted[start..=end].iter().map(|stamp| stamp.id.clone()));
        }
    }
    found
}

/// The flags of one visit, in [`EvidenceFlag::ALL`] order. `home` is the elder's geocoded
/// home, `in_burst` whether [`burst_ids`] over the visitor's visits holds this one.
pub fn flags(
    visit: &VisitRecord,
    home: Option<GeoPoint>,
    in_burst: bool,
    config: &EvidenceConfig,
) -> Vec<EvidenceFlag> {
    let mut found = Vec::new();
    if let Some(received_ms) = visit.server_time_ms {
        let received = crate::date::cst_date_from_unix_millis(received_ms);
        if (received - visit.date).num_days() > config.late_entry_days {
            found.push(EvidenceFlag::LateEntry);
        }
    }
    if visit
        .device_clock_skew_ms
        .is_some_and(|skew| skew.abs() > config.clock_skew_minutes.saturating_mul(60_000))
    {
        found.push(EvidenceFlag::ClockSkew);
    }
    let home_visit = visit.mode == VisitMode::Home;
    if let (true, Some(location), Some(home)) = (home_visit, visit.location, home) {
        let here = GeoPoint {
            lat: location.lat,
            lon: location.lon,
        };
        if distance_m(here, home) - location.accuracy_m.max(0.0) > config.far_from_home_m {
            found.push(EvidenceFlag::FarFromHome);
        }
    }
    if in_burst {
        found.push(EvidenceFlag::Burst);
    }
    if home_visit && visit.confirmation.method() == ConfirmationMethod::None {
        found.push(EvidenceFlag::HomeUnconfirmed);
    }
    found
}

/// Whether someone who governs `governed` (the level of their region node; `None` = the whole
/// country, an administrator) may see visit coordinates. Coordinators of a district, a city or
/// a province audit many communities and see coordinates; street and community coordinators
/// see only the community a visit was made in (PIPL: the smallest view that does the job).
/// Volunteers' phones never receive the location of a visit by someone else.
pub fn coordinates_visible(governed: Option<crate::region::RegionLevel>) -> bool {
    use crate::region::RegionLevel;
    match governed {
        None => true,
        Some(RegionLevel::Province | RegionLevel::City | RegionLevel::District) => true,
        Some(RegionLevel::Street | RegionLevel::Community) => false,
    }
}
