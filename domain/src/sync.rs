//! Sync protocol between the phone app and the worker, and the pure merge rules both sides use.
//!
//! # Wire protocol (JSON, stable names)
//!
//! **Push** — `POST /api/sync/push`, body [`PushRequest`], answer [`PushResponse`]:
//!
//! ```json
//! {"client_id": "c-8f1e…", "mutations": [
//!   {"seq": 1, "kind": "visit.create", "payload": {"id": "v-…", "elder_id": "e-…", "date": "2025-03-02", "mode": "home", …}},
//!   {"seq": 2, "kind": "elder.edit", "payload": {"elder_id": "e-…", "base_versions": {"phone": 3}, "fields": {"phone": "13800000000"}}}
//! ]}
//! ```
//!
//! - `client_id` identifies one installation *for one user* (the server keys sequences by
//!   user and client id). `seq` starts at 1 and grows by exactly 1 per mutation, forever.
//! - The server applies mutations **exactly once and in order**: a mutation whose `seq` is at
//!   or below the last applied one is acknowledged as [`AckStatus::Duplicate`] and not applied
//!   again; a mutation whose `seq` skips ahead is refused with HTTP 409
//!   `{"error":{"code":"seq_gap","expected_seq":N,…}}` and nothing of the request is applied.
//! - A visit is append-only and carries its client-generated id, so even a visit pushed
//!   twice under two client ids is stored once.
//! - An elder edit carries, per field, the version the phone last saw (`base_versions`).
//!   [`apply_field_edits`] merges per field: a field nobody else changed is applied; a field
//!   changed concurrently keeps the server value and produces a [`FieldConflict`] holding both
//!   values, which a coordinator resolves. Nothing is silently dropped.
//! - [`PushResponse::last_seq`] is the highest applied seq; the phone removes every outbox
//!   entry at or below it ([`Outbox::acknowledge`]).
//!
//! **Pull** — `GET /api/sync/pull?cursor=N` (omit or `0` for a full pull), answer
//! [`PullResponse`]: the elders in the user's scope that changed since `cursor` (for a volunteer
//! as [`VolunteerElderView`] — only what a visit needs, never ID numbers, certificate numbers or
//! income), visits recorded since `cursor` for those elders, the currently active surges (a
//! full replacement list), `removals` (elder ids that left the user's scope: delete them and
//! their visits locally) and the new `cursor` to store. When `full` is true the phone replaces
//! its whole local copy instead of merging.
//!
//! # Design decisions
//! - Per-field versions instead of one version per file: two volunteers fixing different
//!   fields of the same elder offline never conflict.
//! - Conflicts keep the server value in place (the elder file stays consistent) and store the
//!   losing value for a human; the phone is told in its ack so it can show it.
//! - Pure: no IO, no clock; the worker and the app call the same functions.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// Per-field version numbers of an elder file (`field name → version`, absent = 0).
pub type FieldVersions = BTreeMap<String, u64>;

/// Fields of an elder file that a volunteer may see and edit from the phone. Every other
/// field (ID number, certificate numbers, income, …) stays on the server.
/// Values use the `ElderFile` JSON forms: `phone` a string, `emergency_contacts` a list of
/// `{kind, name, relation, phone}`, `consent` `accepted` | `declined` | `pending`.
pub const VOLUNTEER_EDITABLE_FIELDS: &[&str] = &["phone", "emergency_contacts", "consent"];

/// `POST /api/sync/push` request body.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PushRequest {
    pub client_id: String,
    pub mutations: Vec<Mutation>,
    /// The phone's clock when it sent this push (unix ms), so the server can tell a wrong
    /// clock from a visit that merely waited offline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_now_ms: Option<i64>,
}

/// A phone clock further than this from the server's is flagged (10 minutes: enough for
/// slow networks and drift, far below the day that would misdate a visit).
pub const CLOCK_SKEW_FLAG_MS: i64 = 10 * 60 * 1000;

/// Server minus phone clock, when the difference is large enough to flag
/// ([`CLOCK_SKEW_FLAG_MS`]); `None` when the clocks agree or the phone sent none.
pub fn device_clock_skew(server_now_ms: i64, device_now_ms: Option<i64>) -> Option<i64> {
    let skew = server_now_ms - device_now_ms?;
    (skew.abs() > CLOCK_SKEW_FLAG_MS).then_some(skew)
}

/// One queued change, numbered per client.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Mutation {
    pub seq: u64,
    #[serde(flatten)]
    pub body: MutationBody,
}

/// What a mutation does. Serialized as `"kind": "visit.create" | "elder.edit"` next to
/// `"payload": {…}`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "kind", content = "payload")]
pub enum MutationBody {
    /// A new visit record (the JSON of `visit::VisitRecord`; at least `id`, `elder_id`,
    /// `date` (YYYY-MM-DD) and `mode`). Append-only.
    #[serde(rename = "visit.create")]
    VisitCreate(Value),
    /// A per-field edit of an elder file.
    #[serde(rename = "elder.edit")]
    ElderEdit(ElderEdit),
}

impl MutationBody {
    /// The wire name of the kind (`visit.create`, `elder.edit`).
    pub fn kind(&self) -> &'static str {
        match self {
            MutationBody::VisitCreate(_) => "visit.create",
            MutationBody::ElderEdit(_) => "elder.edit",
        }
    }
}

/// Per-field edit of one elder file.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct ElderEdit {
    pub elder_id: String,
    /// The version of each edited field the editor last saw (absent = 0 = never edited).
    #[serde(default)]
    pub base_versions: FieldVersions,
    /// New values, by field name.
    pub fields: BTreeMap<String, Value>,
}

/// Outcome of one mutation in a push.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Applied now.
    Applied,
    /// Applied earlier (replay); not applied again.
    Duplicate,
    /// Applied, but some fields conflicted; see `conflicts`.
    Conflict,
}

/// Acknowledgement of one mutation.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct MutationAck {
    pub seq: u64,
    pub status: AckStatus,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<FieldConflict>,
}

/// `POST /api/sync/push` answer.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PushResponse {
    pub acks: Vec<MutationAck>,
    /// Highest seq applied for this client (after this push).
    pub last_seq: u64,
    /// Set when the phone's clock is off ([`device_clock_skew`]): server minus phone, ms.
    /// The phone asks its user to correct the clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock_skew_ms: Option<i64>,
}

/// A field edited concurrently: the server kept `server_value`, the edit wanted
/// `client_value`. Stored as a conflict row for a coordinator.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    pub base_version: u64,
    pub server_version: u64,
    pub server_value: Value,
    pub client_value: Value,
}

/// Result of [`apply_field_edits`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct MergeOutcome {
    /// Fields to write, with their new values.
    pub applied: BTreeMap<String, Value>,
    /// Versions after the merge (all fields, edited or not).
    pub versions: FieldVersions,
    /// Fields that conflicted (server value kept).
    pub conflicts: Vec<FieldConflict>,
}

/// Merges a per-field edit into the current file.
///
/// For each edited field: if the editor's base version equals the current version, the new
/// value is applied and the version increases by one; if the versions differ but the value is
/// already what the editor wants, nothing changes (both sides converged); otherwise the server
/// value is kept and a [`FieldConflict`] records both values.
pub fn apply_field_edits(
    current_versions: &FieldVersions,
    current_values: &serde_json::Map<String, Value>,
    edit: &ElderEdit,
) -> MergeOutcome {
    let mut outcome = MergeOutcome {
        versions: current_versions.clone(),
        ..MergeOutcome::default()
    };
    for (field, new_value) in &edit.fields {
        let server_version = current_versions.get(field).copied().unwrap_or(0);
        let base_version = edit.base_versions.get(field).copied().unwrap_or(0);
        let server_value = current_values.get(field).cloned().unwrap_or(Value::Null);
        if &server_value == new_value {
            continue;
        }
        if base_version == server_version {
            outcome.applied.insert(field.clone(), new_value.clone());
            outcome.versions.insert(field.clone(), server_version + 1);
        } else {
            outcome.conflicts.push(FieldConflict {
                field: field.clone(),
                base_version,
                server_version,
                server_value,
                client_value: new_value.clone(),
            });
        }
    }
    outcome
}

/// Decision for one incoming mutation given the last applied seq.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeqDecision {
    /// Already applied: acknowledge as duplicate.
    Replay,
    /// The next one: apply.
    Apply,
    /// Skips ahead: refuse, the server expects `expected`.
    Gap { expected: u64 },
}

/// Classifies the seqs of a push against the last applied seq, in order. The mutations must be
/// sorted by seq; a push is accepted only when every decision is `Replay` or `Apply`.
pub fn sequence_decisions(last_applied: u64, seqs: &[u64]) -> Vec<SeqDecision> {
    let mut last = last_applied;
    seqs.iter()
        .map(|&seq| {
            if seq <= last {
                SeqDecision::Replay
            } else if seq == last + 1 {
                last = seq;
                SeqDecision::Apply
            } else {
                SeqDecision::Gap { expected: last + 1 }
            }
        })
        .collect()
}

/// The phone's queue of unsent mutations (kept in IndexedDB by the app).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Outbox {
    pub client_id: String,
    /// Seq the next enqueued mutation gets (starts at 1).
    pub next_seq: u64,
    pub pending: Vec<Mutation>,
}

impl Outbox {
    pub fn new(client_id: impl Into<String>) -> Self {
        Outbox {
            client_id: client_id.into(),
            next_seq: 1,
            pending: Vec::new(),
        }
    }

    /// Queues a mutation and returns its seq.
    pub fn enqueue(&mut self, body: MutationBody) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.pending.push(Mutation { seq, body });
        seq
    }

    /// The next push request: the oldest `max` pending mutations, in order.
    pub fn next_push(&self, max: usize) -> Option<PushRequest> {
        if self.pending.is_empty() {
            return None;
        }
        Some(PushRequest {
            client_id: self.client_id.clone(),
            mutations: self.pending.iter().take(max).cloned().collect(),
            device_now_ms: None,
        })
    }

    /// Drops every pending mutation the server has applied (seq ≤ `last_seq`).
    pub fn acknowledge(&mut self, last_seq: u64) {
        self.pending.retain(|m| m.seq > last_seq);
    }
}

/// The columns of each row of the coordinator's compact registry list (`GET /api/elders/index`),
/// in order: the worker writes rows as arrays in this order and names the columns in the answer;
/// the console refuses an answer whose columns differ. ID numbers appear only masked.
pub const ELDER_INDEX_COLUMNS: [&str; 14] = [
    "id",
    "name",
    "search_key",
    "address",
    "region_code",
    "community",
    "categories",
    "tier",
    "consent",
    "birth_date",
    "id_number_masked",
    "responsible",
    "last_visit_date",
    "in_scope",
];

/// The columns of each row of the coordinator's due board in its compact form
/// (`GET /api/due?format=rows`), in order: only what the board draws, filters and reassigns by.
/// The worker writes each due item as an array in this order (`kind`, `mode`, `count`, `per`
/// are the requirement; `overdue` is 0 or 1; `surge` the id of the surge the requirement comes
/// from, or null) and names the columns in the answer; the console refuses an answer whose
/// columns differ.
pub const DUE_BOARD_COLUMNS: [&str; 14] = [
    "elder_id",
    "name",
    "community",
    "responsible",
    "tier",
    "kind",
    "mode",
    "count",
    "per",
    "done",
    "next_due_by",
    "overdue",
    "surge",
    "last_visit_date",
];

/// An emergency contact (in order: child, close relative, community contact).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct EmergencyContact {
    /// `child` | `relative` | `community`.
    #[serde(default)]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub relation: String,
    #[serde(default)]
    pub phone: String,
}

impl EmergencyContact {
    /// The elder file's form of this contact (for `care::call_order` on the phone), or `None`
    /// when the kind is not one of `child`, `relative`, `community`.
    pub fn to_file_contact(&self) -> Option<crate::elder::EmergencyContact> {
        use crate::elder::ContactKind;
        let kind = match self.kind.as_str() {
            "child" => ContactKind::Child,
            "relative" => ContactKind::Relative,
            "community" => ContactKind::Community,
            _ => return None,
        };
        Some(crate::elder::EmergencyContact {
            kind,
            name: self.name.clone(),
            relation: self.relation.clone(),
            phone: self.phone.clone(),
        })
    }
}

/// A short summary of a past visit shown on the phone.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct VisitSummary {
    pub id: String,
    pub date: String,
    pub mode: String,
    #[serde(default)]
    pub visitor_name: String,
}

/// What a volunteer's phone holds about one elder: only what a visit needs.
/// Never contains ID numbers, certificate numbers or income.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct VolunteerElderView {
    pub id: String,
    pub name: String,
    /// `male` | `female` | "" when unknown.
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub age: Option<u32>,
    #[serde(default)]
    pub region_code: String,
    /// Name of the community (社区/村).
    #[serde(default)]
    pub community: String,
    /// Address for display (区 街道 社区 门牌).
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub emergency_contacts: Vec<EmergencyContact>,
    /// Category codes (`solitary`, `living_alone`, …).
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub tier: Option<String>,
    /// Requirements of the tier (`{"kind","mode","count","per"}` as in the CLI contract).
    #[serde(default)]
    pub requirements: Vec<Value>,
    /// `accepted` | `declined` | `pending`.
    #[serde(default)]
    pub consent: String,
    /// Hazards found at the latest visit (labels, Chinese).
    #[serde(default)]
    pub open_hazards: Vec<String>,
    /// Needs referred at the latest visit (labels, Chinese).
    #[serde(default)]
    pub open_needs: Vec<String>,
    #[serde(default)]
    pub last_visits: Vec<VisitSummary>,
    /// This user's role for the elder: `responsible` | `backup` | `coordinator`.
    #[serde(default)]
    pub my_role: String,
    /// Versions of the editable fields (send them back as `base_versions`).
    #[serde(default)]
    pub field_versions: FieldVersions,
    /// Server cursor of the last change to this elder.
    #[serde(default)]
    pub updated_cursor: u64,
    /// Pinyin search key of the name (`pinyin::search_key`), computed by the server so that
    /// phones find elders by pinyin without carrying the reading table.
    #[serde(default)]
    pub search_key: String,
    /// Where the escalation ladder (issue 15) stands for this user and elder, when it concerns
    /// them: the step (`reminded`, `handed_to_backup`, `community_staff`) of a current period —
    /// the responsible visitor from `reminded` on, the backup visitor from `handed_to_backup`
    /// on. Absent otherwise. A bare step, not a struct: the phone bundle has no room to spare.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
}

/// A surge (加密探访) in force: extra requirement for an area and date range.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct SurgeView {
    pub id: String,
    pub region_code: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    /// Tiers concerned; empty = every tier.
    #[serde(default)]
    pub tiers: Vec<String>,
    /// Categories concerned (any of them); empty = every elder.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Extra requirement (`{"kind","mode","count","per"}`).
    #[serde(default)]
    pub requirement: Value,
}

/// `GET /api/sync/pull` answer.
///
/// `V` is how a visit record is held: a parsed [`Value`] on the phone (the default), while the
/// worker sends the stored JSON text through unchanged (`serde_json::value::RawValue`) instead
/// of parsing and re-serialising thousands of records; both give the same JSON.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct PullResponse<V = Value> {
    /// Store and send back as `?cursor=`.
    pub cursor: u64,
    /// True when this is a full snapshot (cursor was 0): replace local data.
    pub full: bool,
    pub elders: Vec<VolunteerElderView>,
    /// Visit records (JSON of `visit::VisitRecord`) recorded since the cursor.
    pub visits: Vec<V>,
    /// Surges active today in the user's scope (full replacement list).
    pub surges: Vec<SurgeView>,
    /// Elder ids that left the user's scope: delete them locally.
    pub removals: Vec<String>,
}

/// A conflict row as listed for coordinators (`GET /api/conflicts`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ConflictRecord {
    pub id: String,
    pub elder_id: String,
    pub elder_name: String,
    pub field: String,
    pub server_value: Value,
    pub client_value: Value,
    pub submitted_by: String,
    pub created_at: String,
    /// `open` | `resolved`.
    pub status: String,
}

/// `POST /api/conflicts/:id/resolve` body: keep the server value, take the client value, or
/// write another value.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "choice", content = "value", rename_all = "snake_case")]
pub enum ConflictResolution {
    KeepServer,
    TakeClient,
    Custom(Value),
}

#[cfg(test)]
mod tests {

    #[test]
    fn a_phone_contact_becomes_a_file_contact_for_the_call_order() {
        let contact = |kind: &str, name: &str| EmergencyContact {
            kind: kind.into(),
            name: name.into(),
            relation: String::new(),
            phone: format!("1390000{name}"),
        };
        let phone = [
            contact("community", "0003"),
            contact("child", "0001"),
            contact("pet", "9"),
        ];
        let file: Vec<_> = phone
            .iter()
            .filter_map(EmergencyContact::to_file_contact)
            .collect();
        assert_eq!(file.len(), 2, "an unknown kind is left out");
        let numbers: Vec<String> = crate::care::call_order(&file)
            .iter()
            .map(|target| target.number().to_string())
            .collect();
        assert_eq!(numbers, ["120", "110", "119", "13900000001", "13900000003"]);
    }
    use super::*;
    use expect_test::{expect, Expect};
    use serde_json::json;

    fn check_merge(versions: Value, values: Value, edit: Value, expected: Expect) {
        let versions: FieldVersions = serde_json::from_value(versions).unwrap();
        let values = values.as_object().unwrap().clone();
        let edit: ElderEdit = serde_json::from_value(edit).unwrap();
        let outcome = apply_field_edits(&versions, &values, &edit);
        expected.assert_eq(&serde_json::to_string(&outcome).unwrap());
    }

    #[test]
    fn merge_applies_fields_edited_from_current_version() {
        check_merge(
            json!({"phone": 2}),
            json!({"phone": "1", "address": "a"}),
            json!({"elder_id": "e1", "base_versions": {"phone": 2}, "fields": {"phone": "2", "address": "b"}}),
            expect![[
                r#"{"applied":{"address":"b","phone":"2"},"versions":{"address":1,"phone":3},"conflicts":[]}"#
            ]],
        );
    }

    #[test]
    fn merge_keeps_both_values_on_concurrent_edit() {
        check_merge(
            json!({"phone": 3}),
            json!({"phone": "server"}),
            json!({"elder_id": "e1", "base_versions": {"phone": 2}, "fields": {"phone": "client"}}),
            expect![[
                r#"{"applied":{},"versions":{"phone":3},"conflicts":[{"field":"phone","base_version":2,"server_version":3,"server_value":"server","client_value":"client"}]}"#
            ]],
        );
    }

    #[test]
    fn merge_of_converged_value_is_a_no_op() {
        check_merge(
            json!({"phone": 3}),
            json!({"phone": "same"}),
            json!({"elder_id": "e1", "base_versions": {"phone": 1}, "fields": {"phone": "same"}}),
            expect![[r#"{"applied":{},"versions":{"phone":3},"conflicts":[]}"#]],
        );
    }

    fn check_seq(last: u64, seqs: &[u64], expected: Expect) {
        expected.assert_debug_eq(&sequence_decisions(last, seqs));
    }

    #[test]
    fn sequencing() {
        check_seq(
            0,
            &[1, 2],
            expect![[r#"
                [
                    Apply,
                    Apply,
                ]
            "#]],
        );
        check_seq(
            2,
            &[1, 2, 3],
            expect![[r#"
                [
                    Replay,
                    Replay,
                    Apply,
                ]
            "#]],
        );
        check_seq(
            2,
            &[4],
            expect![[r#"
                [
                    Gap {
                        expected: 3,
                    },
                ]
            "#]],
        );
    }

    #[test]
    fn mutation_wire_format() {
        let mutation = Mutation {
            seq: 7,
            body: MutationBody::ElderEdit(ElderEdit {
                elder_id: "e1".into(),
                base_versions: [("phone".to_string(), 1)].into_iter().collect(),
                fields: [("phone".to_string(), json!("139"))].into_iter().collect(),
            }),
        };
        let text = serde_json::to_string(&mutation).unwrap();
        expect![[
            r#"{"seq":7,"kind":"elder.edit","payload":{"elder_id":"e1","base_versions":{"phone":1},"fields":{"phone":"139"}}}"#
        ]]
        .assert_eq(&text);
        let back: Mutation = serde_json::from_str(&text).unwrap();
        assert_eq!(back, mutation);
        let visit: Mutation = serde_json::from_value(
            json!({"seq": 1, "kind": "visit.create", "payload": {"id": "v1"}}),
        )
        .unwrap();
        assert_eq!(visit.body.kind(), "visit.create");
        assert!(serde_json::from_value::<Mutation>(
            json!({"seq": 1, "kind": "nope", "payload": {}})
        )
        .is_err());
    }

    #[test]
    fn outbox_keeps_unacknowledged_mutations_in_order() {
        let mut outbox = Outbox::new("c1");
        let first = outbox.enqueue(MutationBody::VisitCreate(json!({"id": "v1"})));
        let second = outbox.enqueue(MutationBody::VisitCreate(json!({"id": "v2"})));
        assert_eq!((first, second), (1, 2));
        let push = outbox.next_push(1).unwrap();
        assert_eq!(push.mutations.len(), 1);
        assert_eq!(push.mutations[0].seq, 1);
        outbox.acknowledge(1);
        assert_eq!(outbox.pending.len(), 1);
        assert_eq!(outbox.pending[0].seq, 2);
        outbox.acknowledge(2);
        assert!(outbox.next_push(10).is_none());
        assert_eq!(outbox.enqueue(MutationBody::VisitCreate(json!({}))), 3);
    }
}
