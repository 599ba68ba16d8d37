//! The ONE data-access module: IndexedDB on the device and the HTTP calls to the server.
//!
//! # Design
//!
//! - **Schema, version 1, created in one upgrade.** Every object store and index the app uses
//!   exists from the first upgrade, so a phone that installed any build can open any later one
//!   without a migration racing a half-synced outbox:
//!   `elders` (key `id`), `visits` (key `id`, index `by_elder`), `outbox` (key `seq`, index
//!   `by_visit`), `drafts` (key `elder_id`), `meta` (key `key`: session, client id, next seq,
//!   sync cursor, last sync time).
//! - **Transactions are committed explicitly.** `indexed_db_futures` rolls back a transaction
//!   that is dropped, so every write path ends in `tx.commit().await`.
//! - **A visit and its outbox entry are written in ONE transaction** ([`save_visit`]): either
//!   both are on the device or neither, so a saved visit is always queued for the server, and
//!   its per-client sequence number (taken from `meta` in the same transaction) is never reused.
//! - **Server calls** go through [`api_get`]/[`api_post`] with cookies (`credentials: include`)
//!   plus a bearer token if the log-in answer carried one.
//! - **Log-out wipes** every store ([`wipe`]).

use crate::error::{AppError, AppResult};
use crate::model::{
    Draft, MetaEntry, OutboxEntry, Session, StoredElder, StoredVisit, SurgeView, META_CLIENT_ID,
    META_CURSOR, META_ENDED_SESSION, META_LAST_SYNC, META_NEXT_SEQ, META_SESSION, META_SURGES,
};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::TransactionMode;
use indexed_db_futures::KeyPath;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tanfang_domain::sync::PullResponse;

pub const DB_NAME: &str = "tanfang";
pub const DB_VERSION: u32 = 1;

pub const ELDERS: &str = "elders";
pub const VISITS: &str = "visits";
pub const OUTBOX: &str = "outbox";
pub const DRAFTS: &str = "drafts";
pub const META: &str = "meta";
pub const ALL_STORES: [&str; 5] = [ELDERS, VISITS, OUTBOX, DRAFTS, META];

/// Opens (and on first use creates) the database. Cheap enough to call per operation; the
/// browser keeps the connection pooled.
pub async fn open() -> AppResult<Database> {
    open_named(DB_NAME).await
}

/// Opens a database by name: tests use their own names so they never touch the app's data.
pub async fn open_named(name: &str) -> AppResult<Database> {
    let db = Database::open(name)
        .with_version(DB_VERSION)
        .with_on_upgrade_needed(|event, db| {
            if event.old_version() < 1.0 {
                db.create_object_store(ELDERS)
                    .with_key_path(KeyPath::from("id"))
                    .build()?;
                let visits = db
                    .create_object_store(VISITS)
                    .with_key_path(KeyPath::from("id"))
                    .build()?;
                visits
                    .create_index("by_elder", KeyPath::from("elder_id"))
                    .build()?;
                let outbox = db
                    .create_object_store(OUTBOX)
                    .with_key_path(KeyPath::from("seq"))
                    .build()?;
                outbox
                    .create_index("by_visit", KeyPath::from("visit_id"))
                    .build()?;
                db.create_object_store(DRAFTS)
                    .with_key_path(KeyPath::from("elder_id"))
                    .build()?;
                db.create_object_store(META)
                    .with_key_path(KeyPath::from("key"))
                    .build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Data access bound to one database (the app's, or a test's).
#[derive(Clone)]
pub struct Store {
    name: String,
}

impl Default for Store {
    fn default() -> Self {
        Store {
            name: DB_NAME.to_string(),
        }
    }
}

impl Store {
    pub fn named(name: &str) -> Self {
        Store {
            name: name.to_string(),
        }
    }

    async fn db(&self) -> AppResult<Database> {
        open_named(&self.name).await
    }

    async fn all<T: DeserializeOwned>(&self, store_name: &str) -> AppResult<Vec<T>> {
        let db = self.db().await?;
        let tx = db.transaction(store_name).build()?;
        let store = tx.object_store(store_name)?;
        let rows = store.get_all::<T>().serde()?.await?;
        let values = rows.collect::<Result<Vec<T>, _>>()?;
        Ok(values)
    }

    async fn get<T: DeserializeOwned>(&self, store_name: &str, key: &str) -> AppResult<Option<T>> {
        let db = self.db().await?;
        let tx = db.transaction(store_name).build()?;
        let store = tx.object_store(store_name)?;
        let value: Option<T> = store.get(key.to_string()).serde()?.await?;
        Ok(value)
    }

    async fn put<T: Serialize>(&self, store_name: &str, value: &T) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction(store_name)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(store_name)?;
        store.put(value).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete(&self, store_name: &str, key: &str) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction(store_name)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let store = tx.object_store(store_name)?;
        store.delete(key.to_string()).await?;
        tx.commit().await?;
        Ok(())
    }

    // ---- meta -------------------------------------------------------------------------

    pub async fn meta<T: DeserializeOwned>(&self, key: &str) -> AppResult<Option<T>> {
        let entry: Option<MetaEntry<T>> = self.get(META, key).await?;
        Ok(entry.map(|entry| entry.value))
    }

    pub async fn set_meta<T: Serialize>(&self, key: &str, value: T) -> AppResult<()> {
        self.put(
            META,
            &MetaEntry {
                key: key.to_string(),
                value,
            },
        )
        .await
    }

    pub async fn session(&self) -> AppResult<Option<Session>> {
        self.meta(META_SESSION).await
    }

    /// Stores the session and this device's client id (kept for the life of the log-in, so
    /// the server can deduplicate pushes by (client id, seq)).
    pub async fn start_session(&self, session: &Session, client_id: &str) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        meta.put(&MetaEntry {
            key: META_SESSION.to_string(),
            value: session,
        })
        .serde()?
        .await?;
        meta.delete(META_ENDED_SESSION.to_string()).await?;
        let existing: Option<MetaEntry<String>> =
            meta.get(META_CLIENT_ID.to_string()).serde()?.await?;
        if existing.is_none() {
            meta.put(&MetaEntry {
                key: META_CLIENT_ID.to_string(),
                value: client_id,
            })
            .serde()?
            .await?;
            meta.put(&MetaEntry {
                key: META_NEXT_SEQ.to_string(),
                value: 1u64,
            })
            .serde()?
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// The server ended the session (401): forget the session, remember whose it was, and
    /// keep everything else — above all the outbox — for when that account logs in again.
    pub async fn end_session(&self) -> AppResult<Option<Session>> {
        let db = self.db().await?;
        let tx = db
            .transaction(META)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let current: Option<MetaEntry<Session>> =
            meta.get(META_SESSION.to_string()).serde()?.await?;
        let ended = current.map(|entry| Session {
            token: None,
            ..entry.value
        });
        if let Some(ended) = &ended {
            meta.put(&MetaEntry {
                key: META_ENDED_SESSION.to_string(),
                value: ended,
            })
            .serde()?
            .await?;
        }
        meta.delete(META_SESSION.to_string()).await?;
        tx.commit().await?;
        Ok(ended)
    }

    /// The account whose session ended while its data stayed on this device, if any.
    pub async fn ended_session(&self) -> AppResult<Option<Session>> {
        self.meta(META_ENDED_SESSION).await
    }

    pub async fn client_id(&self) -> AppResult<Option<String>> {
        self.meta(META_CLIENT_ID).await
    }

    pub async fn cursor(&self) -> AppResult<Option<u64>> {
        self.meta(META_CURSOR).await
    }

    pub async fn last_sync(&self) -> AppResult<Option<String>> {
        self.meta(META_LAST_SYNC).await
    }

    // ---- elders -----------------------------------------------------------------------

    pub async fn elders(&self) -> AppResult<Vec<StoredElder>> {
        self.all(ELDERS).await
    }

    pub async fn elder(&self, id: &str) -> AppResult<Option<StoredElder>> {
        self.get(ELDERS, id).await
    }

    /// Applies a pull answer: elders (replaced wholesale when `full`), removals (the elder and
    /// its visits), visits recorded by others, surges and the new cursor, in ONE transaction
    /// (a half-applied pull never leaves a cursor pointing past missing data). Our own visits
    /// still waiting in the outbox are never overwritten.
    pub async fn apply_pull(
        &self,
        pull: &PullResponse,
        elders: &[StoredElder],
        synced_at: &str,
    ) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction([ELDERS, VISITS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let elder_store = tx.object_store(ELDERS)?;
        let visit_store = tx.object_store(VISITS)?;
        if pull.full {
            elder_store.clear()?.await?;
        }
        for elder in elders {
            elder_store.put(elder).serde()?.await?;
        }
        if pull.full {
            // A full pull is the whole scope: synced visits of elders outside it go too (the
            // device keeps only what its user may see). Unsent visits always stay.
            let kept: std::collections::HashSet<&str> =
                elders.iter().map(|elder| elder.id.as_str()).collect();
            let all_visits: Vec<StoredVisit> = visit_store
                .get_all::<StoredVisit>()
                .serde()?
                .await?
                .collect::<Result<_, _>>()?;
            for visit in all_visits
                .iter()
                .filter(|visit| visit.synced && !kept.contains(visit.elder_id.as_str()))
            {
                visit_store.delete(visit.id.clone()).await?;
            }
        }
        if !pull.removals.is_empty() {
            let all_visits: Vec<StoredVisit> = visit_store
                .get_all::<StoredVisit>()
                .serde()?
                .await?
                .collect::<Result<_, _>>()?;
            for id in &pull.removals {
                elder_store.delete(id.clone()).await?;
                for visit in all_visits
                    .iter()
                    .filter(|visit| &visit.elder_id == id && visit.synced)
                {
                    visit_store.delete(visit.id.clone()).await?;
                }
            }
        }
        for record in &pull.visits {
            let Some(visit) = StoredVisit::from_record(record.clone(), true) else {
                continue;
            };
            let existing: Option<StoredVisit> = visit_store.get(visit.id.clone()).serde()?.await?;
            if existing.as_ref().is_some_and(|local| !local.synced) {
                continue;
            }
            visit_store.put(&visit).serde()?.await?;
        }
        let meta = tx.object_store(META)?;
        meta.put(&MetaEntry {
            key: META_CURSOR.to_string(),
            value: pull.cursor,
        })
        .serde()?
        .await?;
        meta.put(&MetaEntry {
            key: META_SURGES.to_string(),
            value: &pull.surges,
        })
        .serde()?
        .await?;
        meta.put(&MetaEntry {
            key: META_LAST_SYNC.to_string(),
            value: synced_at,
        })
        .serde()?
        .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn surges(&self) -> AppResult<Vec<SurgeView>> {
        Ok(self.meta(META_SURGES).await?.unwrap_or_default())
    }

    // ---- visits & outbox -----------------------------------------------------------------

    pub async fn visits(&self) -> AppResult<Vec<StoredVisit>> {
        self.all(VISITS).await
    }

    pub async fn visit(&self, id: &str) -> AppResult<Option<StoredVisit>> {
        self.get(VISITS, id).await
    }

    pub async fn visits_of_elder(&self, elder_id: &str) -> AppResult<Vec<StoredVisit>> {
        let db = self.db().await?;
        let tx = db.transaction(VISITS).build()?;
        let store = tx.object_store(VISITS)?;
        let index = store.index("by_elder")?;
        let rows = index
            .get_all::<StoredVisit>()
            .with_query(elder_id.to_string())
            .serde()?
            .await?;
        let values = rows.collect::<Result<Vec<_>, _>>()?;
        Ok(values)
    }

    /// Saves a visit and queues it for the server in ONE transaction, taking the next
    /// per-client sequence number; also deletes the elder's draft in the same transaction.
    /// Returns the outbox entry.
    pub async fn save_visit(&self, visit: &StoredVisit) -> AppResult<OutboxEntry> {
        let db = self.db().await?;
        let tx = db
            .transaction([VISITS, OUTBOX, DRAFTS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let meta = tx.object_store(META)?;
        let client: Option<MetaEntry<String>> =
            meta.get(META_CLIENT_ID.to_string()).serde()?.await?;
        let Some(client) = client else {
            return Err(AppError::Unauthorized);
        };
        let next: Option<MetaEntry<u64>> = meta.get(META_NEXT_SEQ.to_string()).serde()?.await?;
        let seq = next.map(|entry| entry.value).unwrap_or(1);
        meta.put(&MetaEntry {
            key: META_NEXT_SEQ.to_string(),
            value: seq + 1,
        })
        .serde()?
        .await?;
        let entry = OutboxEntry {
            seq,
            client_id: client.value,
            visit_id: visit.id.clone(),
            attempts: 0,
            last_error: None,
        };
        tx.object_store(VISITS)?.put(visit).serde()?.await?;
        tx.object_store(OUTBOX)?.put(&entry).serde()?.await?;
        tx.object_store(DRAFTS)?
            .delete(visit.elder_id.clone())
            .await?;
        tx.commit().await?;
        Ok(entry)
    }

    pub async fn outbox(&self) -> AppResult<Vec<OutboxEntry>> {
        let mut entries: Vec<OutboxEntry> = self.all(OUTBOX).await?;
        entries.sort_by_key(|entry| entry.seq);
        Ok(entries)
    }

    pub async fn pending_count(&self) -> AppResult<usize> {
        let db = self.db().await?;
        let tx = db.transaction(OUTBOX).build()?;
        let count = tx.object_store(OUTBOX)?.count().await?;
        Ok(count as usize)
    }

    /// The server applied every mutation up to `last_seq`: drop those outbox entries and mark
    /// their visits synced, in one transaction. Returns how many entries were dropped.
    pub async fn acknowledge(&self, last_seq: u64) -> AppResult<usize> {
        let db = self.db().await?;
        let tx = db
            .transaction([VISITS, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let visits = tx.object_store(VISITS)?;
        let entries: Vec<OutboxEntry> = outbox
            .get_all::<OutboxEntry>()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let mut dropped = 0;
        for entry in entries.iter().filter(|entry| entry.seq <= last_seq) {
            outbox.delete(entry.seq as f64).await?;
            let visit: Option<StoredVisit> = visits.get(entry.visit_id.clone()).serde()?.await?;
            if let Some(mut visit) = visit {
                visit.synced = true;
                visits.put(&visit).serde()?.await?;
            }
            dropped += 1;
        }
        tx.commit().await?;
        Ok(dropped)
    }

    /// Records a failed attempt on the outbox entries (shown to the user in plain words).
    pub async fn record_push_failure(&self, entries: &[OutboxEntry], error: &str) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction(OUTBOX)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let outbox = tx.object_store(OUTBOX)?;
        for entry in entries {
            let mut entry = entry.clone();
            entry.attempts += 1;
            entry.last_error = Some(error.to_string());
            outbox.put(&entry).serde()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    // ---- drafts ------------------------------------------------------------------------

    pub async fn draft(&self, elder_id: &str) -> AppResult<Option<Draft>> {
        self.get(DRAFTS, elder_id).await
    }

    pub async fn save_draft(&self, draft: &Draft) -> AppResult<()> {
        self.put(DRAFTS, draft).await
    }

    pub async fn delete_draft(&self, elder_id: &str) -> AppResult<()> {
        self.delete(DRAFTS, elder_id).await
    }

    // ---- log-out ------------------------------------------------------------------------

    /// A coordinator ended this device's session (a lost phone): erase the elders, the visits
    /// the server already has, the drafts and the pull cursor, but keep the outbox and its
    /// visits for when the person signs in again — one transaction. Marks the device so the
    /// log-in page can say what happened (`SyncState::ended_remotely`).
    pub async fn erase_keeping_outbox(&self) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction([ELDERS, VISITS, OUTBOX, DRAFTS, META])
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        let entries: Vec<OutboxEntry> = tx
            .object_store(OUTBOX)?
            .get_all::<OutboxEntry>()
            .serde()?
            .await?
            .collect::<Result<_, _>>()?;
        let visits = tx.object_store(VISITS)?;
        let mut keep = Vec::new();
        for entry in &entries {
            let visit: Option<StoredVisit> = visits.get(entry.visit_id.clone()).serde()?.await?;
            keep.extend(visit);
        }
        for name in [ELDERS, VISITS, DRAFTS] {
            tx.object_store(name)?.clear()?.await?;
        }
        for visit in &keep {
            visits.put(visit).serde()?.await?;
        }
        let meta = tx.object_store(META)?;
        for key in [META_CURSOR, META_SURGES, META_LAST_SYNC] {
            meta.delete(key.to_string()).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deletes everything this device holds for the user, in one transaction.
    pub async fn wipe(&self) -> AppResult<()> {
        let db = self.db().await?;
        let tx = db
            .transaction(ALL_STORES)
            .with_mode(TransactionMode::Readwrite)
            .build()?;
        for name in ALL_STORES {
            tx.object_store(name)?.clear()?.await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

// ---- server ---------------------------------------------------------------------------------

use gloo::net::http::{Request, RequestBuilder, Response};
use web_sys::RequestCredentials;

fn with_auth(builder: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    let builder = builder.credentials(RequestCredentials::Include);
    match token {
        Some(token) => builder.header("Authorization", &format!("Bearer {token}")),
        None => builder,
    }
}

async fn read_response<T: DeserializeOwned>(response: Response) -> AppResult<T> {
    let status = response.status();
    // Only 401 means the session is gone; 403 (outside one's scope) is an ordinary error
    // that must not end the session.
    if status == 401 {
        let body = response.text().await.unwrap_or_default();
        return Err(if body.contains("\"session_ended_remotely\"") {
            AppError::EndedRemotely
        } else {
            AppError::Unauthorized
        });
    }
    if !response.ok() {
        let body = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|value| {
                value.get("error").and_then(|error| {
                    error.as_str().map(str::to_string).or_else(|| {
                        error
                            .get("message")
                            .and_then(|m| m.as_str())
                            .map(str::to_string)
                    })
                })
            })
            .unwrap_or(body);
        return Err(AppError::Server { status, message });
    }
    response
        .json::<T>()
        .await
        .map_err(|error| AppError::Server {
            status,
            message: format!("unexpected answer: {error}"),
        })
}

pub async fn api_get<T: DeserializeOwned>(path: &str, token: Option<&str>) -> AppResult<T> {
    let response = with_auth(Request::get(path), token).send().await?;
    read_response(response).await
}

pub async fn api_post<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    token: Option<&str>,
) -> AppResult<T> {
    let request = with_auth(Request::post(path), token)
        .json(body)
        .map_err(|error| AppError::Server {
            status: 0,
            message: error.to_string(),
        })?;
    let response = request.send().await?;
    read_response(response).await
}

/// A sign-in route's answer: the JSON on success, else the server's refusal with its error
/// code (`code_required`, `code_wrong`, `rate_limited`…) so the log-in page can react to it.
pub enum SignIn {
    Done(serde_json::Value),
    Refused {
        status: u16,
        code: String,
        field: String,
        message: String,
    },
}

/// Posts to `/api/auth/…` (log-in, SMS code request and check).
pub async fn sign_in_post(path: &str, body: &serde_json::Value) -> AppResult<SignIn> {
    let request = with_auth(Request::post(path), None)
        .json(body)
        .map_err(|error| AppError::Server {
            status: 0,
            message: error.to_string(),
        })?;
    let response = request.send().await?;
    let status = response.status();
    let value: serde_json::Value = response.json().await.unwrap_or_default();
    if (200..300).contains(&status) {
        return Ok(SignIn::Done(value));
    }
    let error = &value["error"];
    let text = |key: &str| error[key].as_str().unwrap_or_default().to_string();
    Ok(SignIn::Refused {
        status,
        code: text("code"),
        field: text("field"),
        message: text("message"),
    })
}
