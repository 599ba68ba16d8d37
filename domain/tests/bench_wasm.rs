//! A browser benchmark: classify + schedule 5,000 elders (60,000 visits) in wasm, as the phone
//! app or a coordinator's page would. It prints the timings and asserts nothing about them
//! (speed is recorded in BENCHMARKS.md, never asserted in tests).
//!
//! Run in Chromium (release build, as shipped):
//!
//! ```sh
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test -p tanfang-domain --target wasm32-unknown-unknown --release --test bench_wasm \
//!   -- --nocapture
//! ```
//!
//! (`--nocapture` shows the printed figures; without it the runner keeps a passing test's
//! output to itself.)
#![cfg(target_arch = "wasm32")]

use tanfang_domain::classify::classify;
use tanfang_domain::date::NaiveDate;
use tanfang_domain::demo::scaled;
use tanfang_domain::elder::{ElderFacts, ElderFile};
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::schedule::{schedule, VisitFact};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const WARM_UP_ROUNDS: usize = 3;
const ROUNDS: usize = 15;

/// `performance.now()` in milliseconds (sub-millisecond where the browser allows), falling
/// back to `Date.now()`.
fn now_ms() -> f64 {
    let global = js_sys::global();
    let performance = js_sys::Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .filter(|p| !p.is_undefined());
    if let Some(performance) = performance {
        if let Ok(now) = js_sys::Reflect::get(&performance, &JsValue::from_str("now")) {
            if let Some(now) = now.dyn_ref::<js_sys::Function>() {
                if let Some(ms) = now.call0(&performance).ok().and_then(|v| v.as_f64()) {
                    return ms;
                }
            }
        }
    }
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn classify_and_schedule_5000_elders() {
    let today: NaiveDate = "2026-11-22".parse().unwrap();
    let started = now_ms();
    let data = scaled(5_000, 12, today);
    let facts: Vec<ElderFacts> = data.elders.iter().map(ElderFile::facts).collect();
    let mut visits: Vec<Vec<VisitFact>> = vec![Vec::new(); facts.len()];
    let mut index = 0;
    for visit in &data.visits {
        while data.elders[index].id != visit.elder_id {
            index += 1;
        }
        visits[index].push(visit.schedule_fact());
    }
    console_log!(
        "bench_wasm: generated 5000 elders / {} visits in {:.1} ms",
        data.visits.len(),
        now_ms() - started
    );
    for policy in [PolicyId::Tianjin, PolicyId::Pingli, PolicyId::Jiangmen] {
        let profile = PolicyProfile::builtin(policy);
        let mut rounds = Vec::new();
        let mut statuses = 0;
        // The first rounds run while the engine still tiers the code up (Liftoff → TurboFan);
        // they are timed but left out of the figures.
        for round in 0..(WARM_UP_ROUNDS + ROUNDS) {
            let start = now_ms();
            statuses = 0;
            for (facts, visits) in facts.iter().zip(&visits) {
                if let Ok(classification) = classify(facts, &profile, today) {
                    statuses += schedule(&classification, visits, &[], today).len();
                }
            }
            if round >= WARM_UP_ROUNDS {
                rounds.push(now_ms() - start);
            }
        }
        rounds.sort_by(|a, b| a.total_cmp(b));
        console_log!(
            "bench_wasm: classify+schedule 5000 elders ({policy}, {statuses} statuses): median {:.2} ms, min {:.2} ms, max {:.2} ms over {} rounds after {WARM_UP_ROUNDS} warm-up rounds",
            rounds[rounds.len() / 2],
            rounds[0],
            rounds[rounds.len() - 1],
            rounds.len()
        );
        assert!(statuses > 0, "every elder has requirements");
    }
}
