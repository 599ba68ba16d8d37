//! Shapes the app keeps in IndexedDB. The server's shapes come from `tanfang_domain::sync`
//! (elders as `VolunteerElderView`, mutations as `Mutation`); the visit itself is the JSON of
//! the official visit record, built by `visit_form`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use tanfang_domain::sync::{SurgeView, VolunteerElderView as ElderView};

pub const META_SESSION: &str = "session";
/// The account whose session the server ended (401) while this device still holds its data:
/// only that account may log in again without the device being wiped.
pub const META_ENDED_SESSION: &str = "ended_session";
pub const META_CLIENT_ID: &str = "client_id";
pub const META_NEXT_SEQ: &str = "next_seq";
pub const META_CURSOR: &str = "cursor";
pub const META_LAST_SYNC: &str = "last_sync";
pub const META_SURGES: &str = "surges";

/// An assigned elder as kept on the device: the server's view plus the pinyin search key of
/// its name, as the server computed it (`VolunteerElderView::search_key`).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoredElder {
    pub id: String,
    pub search_key: String,
    pub view: ElderView,
}

impl StoredElder {
    pub fn new(view: ElderView) -> Self {
        // The server sends the key: the reading table (≈120 KB gzip) stays off the phone
        // (the app depends on the domain without its `pinyin` feature). Without a key the
        // elder is still found by its Chinese name.
        let search_key = view.search_key.clone();
        StoredElder {
            id: view.id.clone(),
            search_key,
            view,
        }
    }
}

/// A `meta` row: `{key, value}`.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct MetaEntry<T> {
    pub key: String,
    pub value: T,
}

/// The logged-in user, kept until log-out so that the device works offline.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Session {
    pub user_id: String,
    pub login: String,
    pub name: String,
    /// `volunteer` | `coordinator` | … (coordinators also get the console link).
    pub role: String,
    /// Bearer token if the server gave one (cookies are used otherwise).
    #[serde(default)]
    pub token: Option<String>,
}

impl Session {
    pub fn is_coordinator(&self) -> bool {
        self.role != "volunteer" && !self.role.is_empty()
    }
}

/// A visit as kept on the device: a few columns for lists and indexes plus the full record.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct StoredVisit {
    pub id: String,
    pub elder_id: String,
    /// `YYYY-MM-DD` (China Standard Time).
    pub date: String,
    pub mode: String,
    #[serde(default)]
    pub duration_minutes: u32,
    #[serde(default)]
    pub visitor_id: String,
    /// False until the server acknowledged it.
    pub synced: bool,
    /// The JSON of the visit record as sent to the server.
    pub record: Value,
}

impl StoredVisit {
    /// Builds the device row from a visit record JSON (from the form or from a pull).
    pub fn from_record(record: Value, synced: bool) -> Option<Self> {
        let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_string);
        Some(StoredVisit {
            id: text("id")?,
            elder_id: text("elder_id")?,
            date: text("date").unwrap_or_default(),
            mode: text("mode").unwrap_or_default(),
            duration_minutes: record
                .get("duration_minutes")
                .and_then(Value::as_u64)
                .unwrap_or(0) as u32,
            visitor_id: text("visitor_id").unwrap_or_default(),
            synced,
            record,
        })
    }
}

/// One queued mutation (see `tanfang_domain::sync`), numbered per client.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct OutboxEntry {
    pub seq: u64,
    pub client_id: String,
    pub visit_id: String,
    #[serde(default)]
    pub attempts: u32,
    #[serde(default)]
    pub last_error: Option<String>,
}

/// A half-filled visit form, one per elder, kept across reloads and crashes.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Draft {
    pub elder_id: String,
    /// The form state as JSON (see `pages::visit_form::FormState`).
    pub form: Value,
    pub updated_at: String,
}
