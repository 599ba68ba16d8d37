//! Visit evidence on the server (issue 16): the push computes each new visit's flags with
//! `tanfang_domain::evidence` and stores them in `visits.evidence_flags` (a JSON array of wire
//! names); a visit that completes a burst also flags the visitor's earlier visits of that burst.
//! Locations are shown by role (`evidence::coordinates_visible`) and never sent to another
//! volunteer's phone (`views::visit_for_phone_sql`).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::args;
use crate::auth::{Principal, Role};
use crate::error::AppResult;
use crate::store::{rows, Db, Statement};
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::elder::GeoPoint;
use tanfang_domain::evidence::{
    burst_ids, coordinates_visible, flags, EvidenceConfig, EvidenceFlag, VisitStamp,
};
use tanfang_domain::visit::VisitRecord;

/// The thresholds in force (the domain's defaults).
pub fn config() -> EvidenceConfig {
    EvidenceConfig::default()
}

/// The elder's geocoded home from the stored file JSON (`file.location`), if any.
pub fn home_of(file_json: &str) -> Option<GeoPoint> {
    let file: Value = serde_json::from_str(file_json).ok()?;
    serde_json::from_value(file.get("location")?.clone()).ok()
}

/// One statement per visitor of `visits`: that visitor's stored visits whose phone time lies
/// within a burst window of the new ones (what [`compute`] needs for bursts).
pub fn stamp_reads<'a>(
    db: &Db,
    visits: impl Iterator<Item = &'a VisitRecord>,
) -> AppResult<(Vec<String>, Vec<Statement>)> {
    let window_ms = config().burst_window_minutes * 60_000;
    let mut ranges: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    for visit in visits {
        if let Some(ms) = visit.device_time_ms {
            let range = ranges.entry(visit.visitor_id.clone()).or_insert((ms, ms));
            range.0 = range.0.min(ms);
            range.1 = range.1.max(ms);
        }
    }
    let mut visitors = Vec::new();
    let mut statements = Vec::new();
    for (visitor, (lo, hi)) in ranges {
        statements.push(db.statement(
            "SELECT id, CAST(device_time AS INTEGER) AS device_time_ms, evidence_flags FROM visits \
             WHERE visitor_id = ?1 AND device_time IS NOT NULL AND CAST(device_time AS INTEGER) BETWEEN ?2 AND ?3",
            args![visitor.as_str(), lo - window_ms, hi + window_ms],
        )?);
        visitors.push(visitor);
    }
    Ok((visitors, statements))
}

#[derive(Deserialize)]
struct StampRow {
    id: String,
    device_time_ms: i64,
    evidence_flags: String,
}

/// What the push writes: the flags of each newly applied visit (by id) and the new flag lists
/// of stored visits that a new one pulled into a burst.
pub struct Computed {
    pub new_flags: HashMap<String, Vec<EvidenceFlag>>,
    pub updates: Vec<(String, String)>,
}

/// Flags of the newly `applied` visits. `homes` maps elder ids to their geocoded home;
/// `stamp_results` are the results of [`stamp_reads`] for `visitors`.
pub fn compute(
    applied: &[&VisitRecord],
    homes: &HashMap<String, Option<GeoPoint>>,
    visitors: &[String],
    stamp_results: &[worker::D1Result],
) -> AppResult<Computed> {
    let config = config();
    let new_ids: BTreeSet<&str> = applied.iter().map(|v| v.id.as_str()).collect();
    let mut in_burst: BTreeSet<String> = BTreeSet::new();
    let mut updates = Vec::new();
    for (visitor, result) in visitors.iter().zip(stamp_results) {
        let stored = rows::<StampRow>(result)?;
        let mut stamps: Vec<VisitStamp> = stored
            .iter()
            .filter(|row| !new_ids.contains(row.id.as_str()))
            .map(|row| VisitStamp {
                id: row.id.clone(),
                device_time_ms: row.device_time_ms,
            })
            .collect();
        stamps.extend(
            applied
                .iter()
                .filter(|v| &v.visitor_id == visitor)
                .filter_map(|v| {
                    Some(VisitStamp {
                        id: v.id.clone(),
                        device_time_ms: v.device_time_ms?,
                    })
                }),
        );
        let burst = burst_ids(&stamps, &config);
        for row in &stored {
            if !burst.contains(&row.id) || new_ids.contains(row.id.as_str()) {
                continue;
            }
            let mut list: Vec<EvidenceFlag> =
                serde_json::from_str(&row.evidence_flags).unwrap_or_default();
            if !list.contains(&EvidenceFlag::Burst) {
                list.push(EvidenceFlag::Burst);
                list.sort();
                updates.push((row.id.clone(), serde_json::to_string(&list)?));
            }
        }
        in_burst.extend(burst);
    }
    let new_flags = applied
        .iter()
        .map(|visit| {
            let home = homes.get(&visit.elder_id).copied().flatten();
            (
                visit.id.clone(),
                flags(visit, home, in_burst.contains(&visit.id), &config),
            )
        })
        .collect();
    Ok(Computed { new_flags, updates })
}

/// May this principal see visit coordinates (else only the community)?
pub fn sees_coordinates(principal: &Principal) -> bool {
    match principal.role {
        Role::Admin => true,
        Role::Coordinator => principal
            .region_code
            .as_deref()
            .and_then(|code| tanfang_domain::region::RegionCode::parse(code).ok())
            .is_some_and(|code| coordinates_visible(Some(code.level()))),
        Role::Volunteer | Role::GroupAdmin => false,
    }
}

/// The location of a visit as a ledger cell: `lat, lon ±accuracy m` for those who may see
/// coordinates, the community's name for the others, empty without a location.
pub fn location_cell(location: Option<&Value>, community: &str, coordinates: bool) -> String {
    let Some(location) = location.filter(|l| l.is_object()) else {
        return String::new();
    };
    if !coordinates {
        return community.to_string();
    }
    let number = |key: &str| location.get(key).and_then(Value::as_f64).unwrap_or(0.0);
    format!(
        "{}, {} ±{} m",
        tanfang_domain::decimal::fixed(number("lat"), 5),
        tanfang_domain::decimal::fixed(number("lon"), 5),
        tanfang_domain::decimal::fixed(number("accuracy_m"), 0)
    )
}

/// A stored visit record for the console: its flags added as `evidence_flags`, and its
/// location replaced by `{"community": …}` unless `coordinates`.
pub fn visit_for_console(record: &mut Value, flags_json: &str, community: &str, coordinates: bool) {
    let list: Vec<EvidenceFlag> = serde_json::from_str(flags_json).unwrap_or_default();
    if let Some(map) = record.as_object_mut() {
        map.insert("evidence_flags".into(), json!(list));
        if !coordinates && map.get("location").is_some_and(Value::is_object) {
            map.insert("location".into(), json!({"community": community}));
        }
    }
}
