//! Phone and server give identical results: the same classifications and schedules are
//! computed natively (`cargo test`) and in the browser (`cargo test --target
//! wasm32-unknown-unknown -p tanfang-domain --test wasm_parity`, run by wasm-bindgen-test-runner
//! in Chromium), and both must equal the one expected text below.

use tanfang_domain::classify::classify;
use tanfang_domain::date::{parse_date, Month};
use tanfang_domain::elder::ElderFacts;
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::rate::monthly_report;
use tanfang_domain::schedule::{schedule, VisitFact};

const CASES: &str = r#"{"id":"a","birth_date":"1943-06-01","categories":["living_alone"],"capability":"intact"}
{"id":"b","birth_date":"1950-01-01","categories":["living_alone"],"disability_grade":2,"capability":"intact"}
{"id":"c","birth_date":"1964-02-29","categories":["empty_nest"],"capability":"unassessed","bedridden":true}
{"id":"d","id_number":"11010519491231002x","categories":["solitary"],"capability":"moderate"}"#;

const VISITS: &str = r#"[{"date":"2026-12-28","mode":"home"},{"date":"2026-12-31","mode":"phone"},{"date":"2026-11-03","mode":"video","kind":"community_help"}]"#;

const EXPECTED: &str = r#"national a general [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
national b general [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
national c disabled [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
national d disabled [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jining a key [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jining b key [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jining c key [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jining d secondary [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
pingli a intensive [{"requirement":{"kind":"visit","mode":"home","count":2,"per":"week"},"period_start":"2026-12-28","period_end":"2027-01-03","done":1,"state":"due","previous_period_met":false,"next_due_by":"2027-01-03","overdue":true}]
pingli b intensive [{"requirement":{"kind":"visit","mode":"home","count":2,"per":"week"},"period_start":"2026-12-28","period_end":"2027-01-03","done":1,"state":"due","previous_period_met":false,"next_due_by":"2027-01-03","overdue":true}]
pingli c intensive [{"requirement":{"kind":"visit","mode":"home","count":2,"per":"week"},"period_start":"2026-12-28","period_end":"2027-01-03","done":1,"state":"due","previous_period_met":false,"next_due_by":"2027-01-03","overdue":true}]
pingli d intensive [{"requirement":{"kind":"visit","mode":"home","count":2,"per":"week"},"period_start":"2026-12-28","period_end":"2027-01-03","done":1,"state":"due","previous_period_met":false,"next_due_by":"2027-01-03","overdue":true}]
tianjin a general [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
tianjin b general [{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
tianjin c disabled [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false},{"requirement":{"kind":"community_help","mode":"any","count":1,"per":"quarter"},"period_start":"2026-10-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-03-31","overdue":false}]
tianjin d disabled [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false},{"requirement":{"kind":"community_help","mode":"any","count":1,"per":"quarter"},"period_start":"2026-10-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-03-31","overdue":false}]
jiangmen a A [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jiangmen b B [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"half_year"},"period_start":"2026-07-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-06-30","overdue":false},{"requirement":{"kind":"visit","mode":"any","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":2,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jiangmen c A [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
jiangmen d A [{"requirement":{"kind":"visit","mode":"home","count":1,"per":"month"},"period_start":"2026-12-01","period_end":"2026-12-31","done":1,"state":"met","previous_period_met":false,"next_due_by":"2027-01-31","overdue":false}]
report {"month":"2026-12","in_scope":4,"declined":0,"visited":4,"rate":1.0,"by_tier":{"A":{"in_scope":3,"visited":3},"B":{"in_scope":1,"visited":1}}}
"#;

/// Runs every case under every policy on 2026-12-31 (ISO week 53) and renders one line each.
fn parity_output() -> String {
    let today = parse_date("2026-12-31").unwrap();
    let visits: Vec<VisitFact> = serde_json::from_str(VISITS).unwrap();
    let elders: Vec<ElderFacts> = CASES
        .lines()
        .map(|line| ElderFacts::from_json(&serde_json::from_str(line).unwrap()).unwrap())
        .collect();
    let mut out = String::new();
    for policy in PolicyId::ALL {
        let profile = PolicyProfile::builtin(policy);
        for facts in &elders {
            let c = classify(facts, &profile, today).unwrap();
            let status = schedule(&c, &visits, &[], today);
            out.push_str(&format!(
                "{} {} {} {}\n",
                policy.as_str(),
                facts.id,
                c.tier,
                serde_json::to_string(&status).unwrap()
            ));
        }
    }
    let month: Month = "2026-12".parse().unwrap();
    let report = monthly_report(
        &PolicyProfile::builtin(PolicyId::Jiangmen),
        month,
        elders.iter().map(|f| (f, visits.as_slice())),
    );
    out.push_str(&format!(
        "report {}\n",
        serde_json::to_string(&report).unwrap()
    ));
    out
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn native_matches_expected() {
    let actual = parity_output();
    for (a, e) in actual.lines().zip(EXPECTED.lines()) {
        assert_eq!(a, e);
    }
    assert_eq!(actual, EXPECTED);
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn browser_matches_expected() {
        assert_eq!(super::parity_output(), super::EXPECTED);
    }
}
