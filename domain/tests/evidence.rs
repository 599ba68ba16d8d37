//! Visit evidence flags: each flag is shown firing on its case and staying quiet just inside
//! its threshold, on a home visit that is otherwise clean. Old records without the evidence
//! fields still parse and stay valid.

use expect_test::{expect, Expect};
use serde_json::{json, Value};
use tanfang_domain::elder::{ElderFile, GeoPoint};
use tanfang_domain::evidence::{
    burst_ids, distance_m, flags, EvidenceConfig, EvidenceFlag, VisitStamp,
};
use tanfang_domain::visit::{ConfirmationMethod, VisitRecord};

const HOME: GeoPoint = GeoPoint {
    lat: 39.1200,
    lon: 117.2000,
};
/// 2026-03-10 10:00 CST in unix ms.
const MARCH_10_10H: i64 = 1_773_108_000_000;
const DAY: i64 = 86_400_000;
const MINUTE: i64 = 60_000;

/// A clean home visit on 2026-03-10: received the same day, located at the home, confirmed
/// by the elder; `changes` (JSON) are merged over it.
fn visit(changes: Value) -> VisitRecord {
    let mut base = json!({
        "id": "visit-0001", "elder_id": "e-1", "visitor_id": "vol-1",
        "date": "2026-03-10", "mode": "home",
        "device_time_ms": MARCH_10_10H, "server_time_ms": MARCH_10_10H + MINUTE,
        "location": {"lat": HOME.lat, "lon": HOME.lon, "accuracy_m": 20.0},
        "confirmation": {"confirmed": true, "method": "spoken"},
    });
    for (key, value) in changes.as_object().unwrap() {
        base[key] = value.clone();
    }
    let record: VisitRecord = serde_json::from_value(base).unwrap();
    record
        .validate()
        .expect("a flagged visit is still a valid visit");
    record
}

fn check(changes: Value, home: Option<GeoPoint>, in_burst: bool, expected: Expect) {
    let found = flags(&visit(changes), home, in_burst, &EvidenceConfig::default());
    let names: Vec<&str> = found.iter().map(|flag| flag.as_str()).collect();
    expected.assert_eq(&names.join(","));
}

#[test]
fn a_clean_home_visit_has_no_flag() {
    check(json!({}), Some(HOME), false, expect![""]);
}

#[test]
fn late_entry_counts_days_from_the_visit_to_the_server_receiving_it() {
    // Received three days later (CST): within the default; a fourth day is late.
    check(
        json!({"server_time_ms": MARCH_10_10H + 3 * DAY}),
        Some(HOME),
        false,
        expect![""],
    );
    check(
        json!({"server_time_ms": MARCH_10_10H + 4 * DAY}),
        Some(HOME),
        false,
        expect!["late_entry"],
    );
    // A record without a server time (older data) is not called late.
    check(
        json!({"server_time_ms": null}),
        Some(HOME),
        false,
        expect![""],
    );
}

#[test]
fn clock_skew_beyond_ten_minutes_is_flagged() {
    check(
        json!({"device_clock_skew_ms": 10 * MINUTE}),
        Some(HOME),
        false,
        expect![""],
    );
    check(
        json!({"device_clock_skew_ms": -(10 * MINUTE + 1)}),
        Some(HOME),
        false,
        expect!["clock_skew"],
    );
}

#[test]
fn a_home_visit_far_from_the_home_is_flagged_after_its_accuracy() {
    // 0.02° of latitude ≈ 2.2 km: far.
    let far = json!({"location": {"lat": HOME.lat + 0.02, "lon": HOME.lon, "accuracy_m": 30.0}});
    check(far.clone(), Some(HOME), false, expect!["far_from_home"]);
    // The same point with a 1.5 km accuracy radius may be at the home.
    check(
        json!({"location": {"lat": HOME.lat + 0.02, "lon": HOME.lon, "accuracy_m": 1500.0}}),
        Some(HOME),
        false,
        expect![""],
    );
    // No geocoded home, or no location: nothing to compare.
    check(far, None, false, expect![""]);
    check(json!({"location": null}), Some(HOME), false, expect![""]);
    // A phone call can be made from anywhere.
    check(
        json!({"mode": "phone", "location": {"lat": 23.0, "lon": 113.0, "accuracy_m": 5.0}}),
        Some(HOME),
        false,
        expect![""],
    );
}

#[test]
fn a_home_visit_without_confirmation_is_flagged() {
    check(
        json!({"confirmation": {"confirmed": false}}),
        Some(HOME),
        false,
        expect!["home_unconfirmed"],
    );
    check(
        json!({"confirmation": {"confirmed": false, "method": "none"}}),
        Some(HOME),
        false,
        expect!["home_unconfirmed"],
    );
    // A drawn signature confirms, with or without the method stated.
    check(
        json!({"confirmation": {"confirmed": true, "signature": "data:image/png;base64,AA=="}}),
        Some(HOME),
        false,
        expect![""],
    );
    // A phone visit needs no signature.
    check(
        json!({"mode": "phone", "confirmation": {"confirmed": false}}),
        Some(HOME),
        false,
        expect![""],
    );
}

#[test]
fn a_burst_is_passed_through_and_every_flag_can_combine() {
    check(json!({}), Some(HOME), true, expect!["burst"]);
    check(
        json!({
            "server_time_ms": MARCH_10_10H + 9 * DAY,
            "device_clock_skew_ms": DAY,
            "location": {"lat": 40.0, "lon": 116.0, "accuracy_m": 10.0},
            "confirmation": {"confirmed": false},
        }),
        Some(HOME),
        true,
        expect!["late_entry,clock_skew,far_from_home,burst,home_unconfirmed"],
    );
}

fn check_burst(minutes: &[i64], expected: Expect) {
    let stamps: Vec<VisitStamp> = minutes
        .iter()
        .enumerate()
        .map(|(index, minute)| VisitStamp {
            id: format!("v{index}@{minute}"),
            device_time_ms: MARCH_10_10H + minute * MINUTE,
        })
        .collect();
    let found = burst_ids(&stamps, &EvidenceConfig::default());
    expected.assert_eq(&found.into_iter().collect::<Vec<_>>().join(" "));
}

#[test]
fn three_visits_within_ten_minutes_are_a_burst() {
    check_burst(&[], expect![""]);
    check_burst(&[0, 5], expect![""]);
    check_burst(&[0, 10, 20], expect![""]);
    check_burst(&[0, 4, 10], expect!["v0@0 v1@4 v2@10"]);
    // Order does not matter; visits outside the window stay out.
    check_burst(&[60, 3, 0, 7, 200], expect!["v1@3 v2@0 v3@7"]);
    // Two overlapping windows join.
    check_burst(&[0, 5, 10, 15], expect!["v0@0 v1@5 v2@10 v3@15"]);
    // Evenly spaced visits never three within ten minutes are no burst.
    check_burst(&[0, 6, 12, 18], expect![""]);
}

#[test]
fn distance_is_the_great_circle() {
    // One degree of latitude is about 111.2 km; Beijing–Tianjin about 110 km.
    let a = GeoPoint { lat: 0.0, lon: 0.0 };
    let b = GeoPoint { lat: 1.0, lon: 0.0 };
    assert_eq!(distance_m(a, b).round(), 111_195.0);
    let beijing = GeoPoint {
        lat: 39.9042,
        lon: 116.4074,
    };
    let tianjin = GeoPoint {
        lat: 39.3434,
        lon: 117.3616,
    };
    assert_eq!((distance_m(beijing, tianjin) / 1000.0).round(), 103.0);
    assert_eq!(distance_m(HOME, HOME), 0.0);
}

#[test]
fn flags_have_wire_names_and_labels() {
    let listed: Vec<String> = EvidenceFlag::ALL
        .iter()
        .map(|flag| {
            format!(
                "{} {} ({})",
                flag.as_str(),
                flag.label_zh(),
                flag.label_en()
            )
        })
        .collect();
    expect![[r#"
        late_entry 补录过迟 (entered late)
        clock_skew 手机时间不准 (phone clock off)
        far_from_home 定位远离住址 (located far from the home)
        burst 短时多次探访 (many visits within minutes)
        home_unconfirmed 上门未经老人确认 (home visit not confirmed)"#]]
    .assert_eq(&listed.join("\n"));
    for flag in EvidenceFlag::ALL {
        assert_eq!(EvidenceFlag::parse(flag.as_str()), Some(flag));
        assert_eq!(
            serde_json::to_value(flag).unwrap(),
            json!(flag.as_str()),
            "serde and as_str agree"
        );
    }
    assert_eq!(EvidenceFlag::parse("nope"), None);
}

#[test]
fn old_records_without_evidence_fields_stay_valid() {
    let old: VisitRecord = serde_json::from_value(json!({
        "id": "visit-0002", "elder_id": "e-1", "date": "2024-05-01", "mode": "home",
        "visitor_id": "vol-1", "confirmation": {"confirmed": true},
    }))
    .unwrap();
    assert_eq!(old.validate(), Ok(()));
    assert_eq!(old.confirmation.method(), ConfirmationMethod::Spoken);
    assert_eq!(old.location, None);
    assert_eq!(old.entered_by, None);
    // The derived method is not written back into the record.
    assert!(!serde_json::to_string(&old).unwrap().contains("method"));
    let file: ElderFile = serde_json::from_value(json!({"id": "e-1", "name": "张"})).unwrap();
    assert_eq!(file.location, None);
    assert!(!serde_json::to_string(&file).unwrap().contains("location"));
}

fn check_invalid(changes: Value, expected: Expect) {
    let mut base = serde_json::to_value(visit(json!({}))).unwrap();
    for (key, value) in changes.as_object().unwrap() {
        base[key] = value.clone();
    }
    let record: VisitRecord = serde_json::from_value(base).unwrap();
    let fields: Vec<String> = record
        .validate()
        .err()
        .unwrap_or_default()
        .into_iter()
        .map(|error| error.field)
        .collect();
    expected.assert_eq(&fields.join(","));
}

#[test]
fn bad_evidence_names_the_field() {
    check_invalid(
        json!({"location": {"lat": 91.0, "lon": -181.0, "accuracy_m": -1.0}}),
        expect!["location.lat,location.lon,location.accuracy_m"],
    );
    check_invalid(
        json!({"confirmation": {"confirmed": true, "method": "signature"}}),
        expect!["confirmation.signature"],
    );
    check_invalid(
        json!({"confirmation": {"confirmed": true, "method": "none"}}),
        expect!["confirmation.method"],
    );
    check_invalid(
        json!({"confirmation": {"confirmed": false, "method": "spoken"}}),
        expect!["confirmation.confirmed"],
    );
    check_invalid(json!({"entered_by": ""}), expect!["entered_by"]);
    let mut file: ElderFile = serde_json::from_value(json!({"id": "e-1"})).unwrap();
    file.location = Some(GeoPoint {
        lat: -95.0,
        lon: 200.0,
    });
    let errors = file
        .validate(chrono::NaiveDate::from_ymd_opt(2026, 3, 10).unwrap())
        .unwrap_err();
    let located: Vec<&str> = errors
        .iter()
        .map(|error| error.field.as_str())
        .filter(|field| field.starts_with("location"))
        .collect();
    assert_eq!(located, ["location.lat", "location.lon"]);
}

#[test]
fn only_district_and_above_see_coordinates() {
    use tanfang_domain::evidence::coordinates_visible;
    use tanfang_domain::region::RegionCode;
    let level = |code: &str| Some(RegionCode::parse(code).unwrap().level());
    let seen: Vec<(&str, bool)> = [
        "120000000000",
        "120100000000",
        "120101000000",
        "120101001000",
        "120101001001",
    ]
    .into_iter()
    .map(|code| (code, coordinates_visible(level(code))))
    .collect();
    expect![[r#"[("120000000000", true), ("120100000000", true), ("120101000000", true), ("120101001000", false), ("120101001001", false)]"#]]
        .assert_eq(&format!("{seen:?}"));
    assert!(
        coordinates_visible(None),
        "an administrator sees coordinates"
    );
}

/// The console's 住址坐标 field: what a coordinator types, and what the file then holds (or
/// the error, naming the field).
fn check_home_text(text: &str, expected: Expect) {
    let answer = match GeoPoint::parse_text(text, "location") {
        Ok(Some(point)) => format!("lat {} lon {}", point.lat, point.lon),
        Ok(None) => "none".to_string(),
        Err(error) => format!("{}: {}", error.field, error.message),
    };
    expected.assert_eq(&answer);
}

#[test]
fn the_home_point_is_typed_as_latitude_comma_longitude() {
    check_home_text("", expect!["none"]);
    check_home_text("   ", expect!["none"]);
    check_home_text("39.12, 117.2", expect!["lat 39.12 lon 117.2"]);
    check_home_text("39.12，117.2", expect!["lat 39.12 lon 117.2"]);
    check_home_text(" 39.12 117.2 ", expect!["lat 39.12 lon 117.2"]);
    check_home_text(
        "39.12",
        expect!["location: 请按“纬度, 经度”填写，例如 35.4153, 116.5871 (enter latitude, longitude, e.g. 35.4153, 116.5871)"],
    );
    check_home_text(
        "39.12, 117.2, 5",
        expect!["location: 请按“纬度, 经度”填写，例如 35.4153, 116.5871 (enter latitude, longitude, e.g. 35.4153, 116.5871)"],
    );
    check_home_text(
        "北纬39, 117",
        expect!["location: 请按“纬度, 经度”填写，例如 35.4153, 116.5871 (enter latitude, longitude, e.g. 35.4153, 116.5871)"],
    );
    // Longitude first (a common slip with some map apps) puts the latitude out of range.
    check_home_text(
        "117.2, 39.12",
        expect!["location.lat: 纬度须在 −90 到 90 之间 (latitude must be between −90 and 90)"],
    );
    check_home_text(
        "NaN, 117",
        expect!["location.lat: 纬度须在 −90 到 90 之间 (latitude must be between −90 and 90)"],
    );
}
