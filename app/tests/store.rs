//! store.rs against the browser's REAL IndexedDB (run in Chromium by wasm-bindgen-test-runner):
//! a visit and its outbox entry are saved atomically with increasing per-client seq, drafts
//! round-trip, acknowledging drops exactly the applied entries, and log-out wipes everything.
#![cfg(target_arch = "wasm32")]

use serde_json::json;
use tanfang_app::model::{Draft, Session, StoredVisit};
use tanfang_app::store::Store;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// A store on its own database so tests never see each other's (or the app's) data.
async fn fresh_store(name: &str) -> Store {
    let store = Store::named(name);
    store.wipe().await.expect("wipe");
    let session = Session {
        user_id: "acc-volunteer1".into(),
        login: "volunteer1".into(),
        name: "张志愿".into(),
        role: "volunteer".into(),
        token: None,
    };
    store
        .start_session(&session, "c-test-client")
        .await
        .expect("session");
    store
}

fn visit(id: &str, elder_id: &str) -> StoredVisit {
    StoredVisit::from_record(
        json!({"id": id, "elder_id": elder_id, "visitor_id": "acc-volunteer1", "date": "2026-11-20",
               "mode": "home", "duration_minutes": 45}),
        false,
    )
    .expect("valid record")
}

#[wasm_bindgen_test]
async fn save_visit_writes_visit_and_outbox_together_with_growing_seq() {
    let store = fresh_store("tanfang-test-save").await;
    store
        .save_draft(&Draft {
            elder_id: "elder-1".into(),
            form: json!({"mood": "worse"}),
            updated_at: "t".into(),
        })
        .await
        .unwrap();

    let first = store
        .save_visit(&visit("v-test-0001", "elder-1"))
        .await
        .unwrap();
    let second = store
        .save_visit(&visit("v-test-0002", "elder-2"))
        .await
        .unwrap();
    assert_eq!((first.seq, second.seq), (1, 2));
    assert_eq!(first.client_id, "c-test-client");

    let outbox = store.outbox().await.unwrap();
    assert_eq!(
        outbox
            .iter()
            .map(|entry| entry.visit_id.as_str())
            .collect::<Vec<_>>(),
        ["v-test-0001", "v-test-0002"]
    );
    assert_eq!(store.pending_count().await.unwrap(), 2);
    let saved = store
        .visit("v-test-0001")
        .await
        .unwrap()
        .expect("visit saved");
    assert!(!saved.synced);
    assert_eq!(saved.duration_minutes, 45);
    assert_eq!(store.visits_of_elder("elder-2").await.unwrap().len(), 1);
    // Saving the visit removed the elder's draft in the same transaction.
    assert_eq!(store.draft("elder-1").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn acknowledge_drops_only_applied_entries_and_marks_visits_synced() {
    let store = fresh_store("tanfang-test-ack").await;
    for id in ["v-test-0001", "v-test-0002", "v-test-0003"] {
        store.save_visit(&visit(id, "elder-1")).await.unwrap();
    }
    assert_eq!(store.acknowledge(2).await.unwrap(), 2);
    let outbox = store.outbox().await.unwrap();
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].seq, 3);
    assert!(store.visit("v-test-0001").await.unwrap().unwrap().synced);
    assert!(!store.visit("v-test-0003").await.unwrap().unwrap().synced);
    // Replayed acknowledgement: nothing more to drop.
    assert_eq!(store.acknowledge(2).await.unwrap(), 0);
    // The next visit continues the sequence.
    assert_eq!(
        store
            .save_visit(&visit("v-test-0004", "elder-1"))
            .await
            .unwrap()
            .seq,
        4
    );
}

#[wasm_bindgen_test]
async fn draft_round_trip() {
    let store = fresh_store("tanfang-test-draft").await;
    assert_eq!(store.draft("elder-9").await.unwrap(), None);
    // JS numbers do not keep Rust's integer/float distinction (12.0 comes back as 12), which
    // is harmless for the form (f64 fields read integers) but would fail a `Value` comparison.
    let draft = Draft {
        elder_id: "elder-9".into(),
        form: json!({"mode": "phone", "needs": "助餐", "location": {"latitude": 39.1, "longitude": 117.2, "accuracy_m": 12.5}}),
        updated_at: "2026-11-22T10:00:00+08:00".into(),
    };
    store.save_draft(&draft).await.unwrap();
    assert_eq!(store.draft("elder-9").await.unwrap(), Some(draft.clone()));
    store.delete_draft("elder-9").await.unwrap();
    assert_eq!(store.draft("elder-9").await.unwrap(), None);
}

#[wasm_bindgen_test]
async fn wipe_on_log_out_deletes_everything() {
    let store = fresh_store("tanfang-test-wipe").await;
    store
        .save_visit(&visit("v-test-0001", "elder-1"))
        .await
        .unwrap();
    store
        .save_draft(&Draft {
            elder_id: "elder-1".into(),
            form: json!({}),
            updated_at: "t".into(),
        })
        .await
        .unwrap();
    store.wipe().await.unwrap();
    assert_eq!(store.session().await.unwrap(), None);
    assert_eq!(store.client_id().await.unwrap(), None);
    assert_eq!(store.pending_count().await.unwrap(), 0);
    assert!(store.visits().await.unwrap().is_empty());
    assert_eq!(store.draft("elder-1").await.unwrap(), None);
    // Without a session nothing can be queued.
    assert!(store
        .save_visit(&visit("v-test-0002", "elder-1"))
        .await
        .is_err());
}
