//! The phone's clock is checked at every push: a clock off by more than ten minutes either
//! way is flagged; agreeing clocks, and pushes without a clock, are not.

use expect_test::{expect, Expect};
use tanfang_domain::sync::{device_clock_skew, PushRequest, CLOCK_SKEW_FLAG_MS};

const MINUTE: i64 = 60 * 1000;
const SERVER_NOW: i64 = 1_790_000_000_000;

fn check(device_now: Option<i64>, expected: Expect) {
    expected.assert_eq(&format!("{:?}", device_clock_skew(SERVER_NOW, device_now)));
}

#[test]
fn skew_is_flagged_only_beyond_ten_minutes() {
    check(None, expect!["None"]);
    check(Some(SERVER_NOW), expect!["None"]);
    check(Some(SERVER_NOW - 10 * MINUTE), expect!["None"]);
    check(Some(SERVER_NOW + 10 * MINUTE), expect!["None"]);
    check(Some(SERVER_NOW - 10 * MINUTE - 1), expect!["Some(600001)"]);
    check(Some(SERVER_NOW + 11 * MINUTE), expect!["Some(-660000)"]);
    // Three days behind: the case of the browser fault test.
    check(
        Some(SERVER_NOW - 3 * 24 * 60 * MINUTE),
        expect!["Some(259200000)"],
    );
    assert_eq!(CLOCK_SKEW_FLAG_MS, 10 * MINUTE);
}

#[test]
fn older_phones_without_a_clock_in_the_push_still_parse() {
    let request: PushRequest =
        serde_json::from_str(r#"{"client_id":"c-1","mutations":[]}"#).unwrap();
    assert_eq!(request.device_now_ms, None);
    let json = serde_json::to_string(&PushRequest {
        device_now_ms: Some(5),
        ..request
    })
    .unwrap();
    expect![[r#"{"client_id":"c-1","mutations":[],"device_now_ms":5}"#]].assert_eq(&json);
}
