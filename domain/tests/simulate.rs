//! Smoke test of the district-month simulation (`cargo xtask simulate`) on a small size:
//! structural facts only (no timings): the ladder never lowers the rate, the counts add up,
//! and the run is deterministic.
#![cfg(not(target_arch = "wasm32"))]

use tanfang_domain::policy::PolicyId;
use tanfang_domain::sim::{markdown, run, SimConfig};

#[test]
fn small_district_month_adds_up() {
    let config = SimConfig {
        elders: 500,
        visitors: 10,
        ..SimConfig::district(7)
    };
    let outcomes = run(&config);
    assert_eq!(
        outcomes.iter().map(|o| o.policy).collect::<Vec<_>>(),
        PolicyId::ALL.to_vec()
    );
    let mut saved_any = 0;
    for o in &outcomes {
        assert!(o.in_scope > 300, "{o:?}");
        assert!(o.visited_with >= o.visited_without, "{o:?}");
        assert!(o.visited_with <= o.in_scope, "{o:?}");
        // Every elder the ladder saved is attributed to exactly one step.
        assert_eq!(
            o.saved_elders.iter().sum::<u32>(),
            o.visited_with - o.visited_without,
            "{o:?}"
        );
        assert!(o.met_with >= o.met_without, "{o:?}");
        assert_eq!(o.reached.iter().sum::<u32>(), o.periods, "{o:?}");
        assert_eq!(o.reached[4], o.periods - o.met_with, "{o:?}");
        assert_eq!(
            o.saved_periods.iter().sum::<u32>(),
            o.met_with - o.met_without,
            "{o:?}"
        );
        assert!(o.needless <= o.ladder_visits, "{o:?}");
        let c = &o.worst_community;
        assert!(c.visited_with >= c.visited_without && c.visited_with <= c.in_scope);
        let v = &o.worst_visitor;
        assert!(v.visited_with >= v.visited_without && v.visited_with <= v.in_scope);
        saved_any += o.visited_with - o.visited_without;
    }
    // Disruptions leave elders unvisited, and the ladder catches some of them.
    assert!(saved_any > 0, "{outcomes:?}");
    // Deterministic: the same seed gives the same report.
    assert_eq!(
        markdown(&config, &run(&config)),
        markdown(&config, &outcomes)
    );
}
