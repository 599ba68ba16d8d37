//! Roster validator: one JSON line of a roster/registry import (`tanfang validate`,
//! `tanfang classify`), read as an elder file and as classification facts, then validated and
//! classified under every built-in policy. Nothing may panic; errors must name a field.
#![no_main]

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use tanfang_domain::classify::classify;
use tanfang_domain::elder::{ElderFacts, ElderFile};
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::visit::VisitRecord;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    if let Ok(file) = ElderFile::from_json(&value) {
        let _ = file.validate(today);
        let facts = file.facts();
        let _ = facts.validate(today);
    }
    if let Ok(facts) = ElderFacts::from_json(&value) {
        let _ = facts.validate(today);
        for policy in PolicyId::ALL {
            let _ = classify(&facts, &PolicyProfile::builtin(policy), today);
        }
    }
    if let Ok(record) = serde_json::from_value::<VisitRecord>(value) {
        if let Err(errors) = record.validate() {
            assert!(!errors.is_empty());
        }
    }
});
