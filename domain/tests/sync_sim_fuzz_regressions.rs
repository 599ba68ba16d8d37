//! Replays the fuzz corpora as plain tests: every file under `fuzz/seeds/<target>/` and
//! `fuzz/regressions/<target>/` (inputs that once crashed a target, kept forever) goes through
//! the same checks as the cargo-fuzz targets in `fuzz/fuzz_targets/`, on stable, in the normal
//! `cargo test` run. To add a crash found by `cargo +nightly fuzz run <target>`, copy
//! `fuzz/artifacts/<target>/crash-…` into `fuzz/regressions/<target>/`.

use chrono::NaiveDate;
use std::path::PathBuf;
use tanfang_domain::classify::classify;
use tanfang_domain::elder::{ElderFacts, ElderFile};
use tanfang_domain::id_number::{mask_text, IdNumber};
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use tanfang_domain::sync::{
    apply_field_edits, sequence_decisions, FieldVersions, MutationBody, PullResponse, PushRequest,
    PushResponse,
};
use tanfang_domain::visit::VisitRecord;

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let fuzz = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut found = Vec::new();
    for kind in ["seeds", "regressions"] {
        let Ok(entries) = std::fs::read_dir(fuzz.join(kind).join(target)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
            {
                continue;
            }
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found.sort();
    found
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn round_trip<T>(data: &[u8]) -> Option<T>
where
    T: serde::de::DeserializeOwned + serde::Serialize,
{
    let value: T = serde_json::from_slice(data).ok()?;
    let text = serde_json::to_string(&value).unwrap();
    let again: T = serde_json::from_str(&text).unwrap();
    assert_eq!(text, serde_json::to_string(&again).unwrap());
    Some(value)
}

fn sync_decode(data: &[u8]) {
    if let Some(push) = round_trip::<PushRequest>(data) {
        let seqs: Vec<u64> = push.mutations.iter().map(|m| m.seq).collect();
        let last = seqs.first().copied().unwrap_or(0).saturating_sub(1);
        assert_eq!(sequence_decisions(last, &seqs).len(), seqs.len());
        let mut versions = FieldVersions::new();
        let mut values = serde_json::Map::new();
        for mutation in &push.mutations {
            if let MutationBody::ElderEdit(edit) = &mutation.body {
                let outcome = apply_field_edits(&versions, &values, edit);
                values.extend(outcome.applied);
                versions = outcome.versions;
            }
        }
    }
    let _ = round_trip::<PullResponse>(data);
    let _ = round_trip::<PushResponse>(data);
}

fn roster_line(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(file) = ElderFile::from_json(&value) {
        let _ = file.validate(today());
        let _ = file.facts().validate(today());
    }
    if let Ok(facts) = ElderFacts::from_json(&value) {
        let _ = facts.validate(today());
        for policy in PolicyId::ALL {
            let _ = classify(&facts, &PolicyProfile::builtin(policy), today());
        }
    }
    if let Ok(record) = serde_json::from_value::<VisitRecord>(value) {
        let _ = record.validate();
    }
}

fn id_number(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = mask_text(text);
    let _ = IdNumber::parse_on(text, today());
    if let Ok(id) = IdNumber::parse(text) {
        assert!(IdNumber::parse(id.as_str()).ok() == Some(id.clone()));
        assert_eq!(id.as_str().chars().count(), 18);
        assert!(!id.masked().contains(&id.as_str()[6..14]));
    }
}

fn check(target: &str, run: fn(&[u8])) {
    let all = inputs(target);
    assert!(!all.is_empty(), "no corpus for {target}");
    for (path, data) in all {
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target} panics on {}", path.display());
    }
}

#[test]
fn sync_decode_corpus() {
    check("sync_decode", sync_decode);
}

#[test]
fn roster_line_corpus() {
    check("roster_line", roster_line);
}

#[test]
fn id_number_corpus() {
    check("id_number", id_number);
}
