//! The sync engine: push the outbox, then pull, in the background.
//!
//! # Design
//!
//! - **Outbox first, then pull.** Each run pushes every queued visit (oldest first, as
//!   `visit.create` mutations numbered by this client's `seq`, see `tanfang_domain::sync`),
//!   drops what the server acknowledged (`last_seq`), then pulls changes since the stored
//!   cursor. Pushing is idempotent on the server (seq per client, visit ids), so a run cut
//!   off half-way is simply repeated: a visit is never lost and never duplicated.
//! - **Triggers**: app start, the `online` event, the page becoming visible again, every
//!   3 minutes, and right after a visit is saved. Only one run at a time.
//! - **Backoff**: after a failure the next automatic try waits 5 s, 10 s, 20 s… up to 3 min.
//! - **State is signals** ([`SyncState`]) so the sync bar always shows pending count, last
//!   sync time and errors in plain words; `revision` ticks after every pull so that pages
//!   re-read IndexedDB.

use crate::clock;
use crate::error::{AppError, AppResult};
use crate::model::{Session, StoredElder};
use crate::store::{api_get, api_post, Store};
use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::cell::{Cell, RefCell};
use tanfang_domain::sync::{Mutation, MutationBody, PullResponse, PushRequest, PushResponse};

/// Largest number of mutations sent in one push.
const PUSH_BATCH: usize = 50;
const PERIODIC_MS: u32 = 3 * 60 * 1000;
const BACKOFF_START_MS: u32 = 5_000;

#[derive(Clone, Copy)]
pub struct SyncState {
    pub pending: RwSignal<usize>,
    pub last_sync: RwSignal<Option<String>>,
    pub running: RwSignal<bool>,
    pub error: RwSignal<Option<AppError>>,
    pub online: RwSignal<bool>,
    /// Incremented whenever local data changed (after a pull or a save).
    pub revision: RwSignal<u64>,
    pub session: RwSignal<Option<Session>>,
    /// Server minus phone clock (ms) when the last push found the phone's clock off; the
    /// sync bar then asks the user to set the clock (visits are flagged on the server).
    pub clock_skew: RwSignal<Option<i64>>,
    /// Set when the server ended the session while the device kept its data (see
    /// `Store::end_session`); the log-in page explains it and asks that account to log in.
    pub ended: RwSignal<Option<Session>>,
    /// Set when that end came from a coordinator (a lost phone) and the device's files were
    /// erased, its outbox kept (see `Store::erase_keeping_outbox`).
    pub ended_remotely: RwSignal<bool>,
    /// Whether the stored session (`session`, `ended`) has been read from IndexedDB yet.
    pub session_read: RwSignal<bool>,
}

impl SyncState {
    pub fn new() -> Self {
        let online = web_sys::window()
            .map(|window| window.navigator().on_line())
            .unwrap_or(true);
        SyncState {
            pending: RwSignal::new(0),
            last_sync: RwSignal::new(None),
            running: RwSignal::new(false),
            error: RwSignal::new(None),
            online: RwSignal::new(online),
            revision: RwSignal::new(0),
            session: RwSignal::new(None),
            ended: RwSignal::new(None),
            ended_remotely: RwSignal::new(false),
            session_read: RwSignal::new(false),
            clock_skew: RwSignal::new(None),
        }
    }

    pub fn bump(&self) {
        self.revision.update(|revision| *revision += 1);
    }

    /// Re-reads the pending count and last sync time from IndexedDB.
    pub async fn refresh_counts(&self) {
        let store = Store::default();
        if let Ok(count) = store.pending_count().await {
            self.pending.set(count);
        }
        if let Ok(last) = store.last_sync().await {
            self.last_sync.set(last);
        }
    }
}

impl Default for SyncState {
    fn default() -> Self {
        Self::new()
    }
}

pub fn use_sync() -> SyncState {
    expect_context::<SyncState>()
}

thread_local! {
    static RUNNING: Cell<bool> = const { Cell::new(false) };
    static FAILURES: Cell<u32> = const { Cell::new(0) };
    static RETRY: RefCell<Option<Timeout>> = const { RefCell::new(None) };
    static LISTENERS: RefCell<Vec<EventListener>> = const { RefCell::new(Vec::new()) };
    static PERIODIC: RefCell<Option<Interval>> = const { RefCell::new(None) };
}

/// Pushes the outbox then pulls. Returns the number of visits acknowledged.
/// `clock_skew` receives the server's verdict on the phone's clock at each push.
pub async fn run_once(
    store: &Store,
    session: &Session,
    clock_skew: RwSignal<Option<i64>>,
) -> AppResult<usize> {
    let token = session.token.as_deref();
    let client_id = store.client_id().await?.ok_or(AppError::Unauthorized)?;
    let mut acknowledged = 0;
    loop {
        let entries = store.outbox().await?;
        if entries.is_empty() {
            break;
        }
        let batch: Vec<_> = entries.into_iter().take(PUSH_BATCH).collect();
        let mut mutations = Vec::with_capacity(batch.len());
        for entry in &batch {
            let visit = store
                .visit(&entry.visit_id)
                .await?
                .ok_or_else(|| AppError::NotFound(entry.visit_id.clone()))?;
            mutations.push(Mutation {
                seq: entry.seq,
                body: MutationBody::VisitCreate(visit.record),
            });
        }
        let request = PushRequest {
            client_id: client_id.clone(),
            mutations,
            device_now_ms: Some(clock::now_utc().timestamp_millis()),
        };
        let answer: Result<PushResponse, AppError> =
            api_post("/api/sync/push", &request, token).await;
        match answer {
            Ok(answer) => {
                clock_skew.set(answer.clock_skew_ms);
                let dropped = store.acknowledge(answer.last_seq).await?;
                acknowledged += dropped;
                if dropped == 0 {
                    // The server applied nothing we hold: stop instead of looping.
                    return Err(AppError::Server {
                        status: 0,
                        message: format!("server acknowledged up to {} only", answer.last_seq),
                    });
                }
            }
            Err(error) => {
                let _ = store.record_push_failure(&batch, &error.to_string()).await;
                return Err(error);
            }
        }
    }
    let cursor = store.cursor().await?.unwrap_or(0);
    let pull: PullResponse = api_get(&format!("/api/sync/pull?cursor={cursor}"), token).await?;
    let elders: Vec<StoredElder> = pull.elders.iter().cloned().map(StoredElder::new).collect();
    store
        .apply_pull(&pull, &elders, &clock::now_rfc3339())
        .await?;
    Ok(acknowledged)
}

/// Starts a sync run in the background unless one is running.
pub fn trigger(state: SyncState) {
    if RUNNING.with(Cell::get) {
        return;
    }
    let Some(session) = state.session.get_untracked() else {
        return;
    };
    RUNNING.with(|running| running.set(true));
    state.running.set(true);
    spawn_local(async move {
        let store = Store::default();
        let result = run_once(&store, &session, state.clock_skew).await;
        RUNNING.with(|running| running.set(false));
        state.running.set(false);
        match result {
            Ok(_) => {
                FAILURES.with(|failures| failures.set(0));
                state.error.set(None);
                state.online.set(true);
            }
            Err(error @ (AppError::Unauthorized | AppError::EndedRemotely)) => {
                // The server ended this session (expired or revoked). Keep the outbox and go to
                // the log-in page; retrying with a dead session would only fail again. A
                // coordinator ending it (a lost phone) also erases what the server already has.
                stop();
                if error == AppError::EndedRemotely {
                    if let Err(failure) = store.erase_keeping_outbox().await {
                        state.error.set(Some(failure));
                    }
                    state.ended_remotely.set(true);
                }
                let ended = store.end_session().await.ok().flatten();
                state.ended.set(ended.or_else(|| Some(session.clone())));
                state.error.set(None);
                state.session.set(None);
            }
            Err(error) => {
                if error == AppError::Offline {
                    state.online.set(false);
                }
                state.error.set(Some(error));
                schedule_retry(state);
            }
        }
        state.refresh_counts().await;
        state.bump();
    });
}

fn schedule_retry(state: SyncState) {
    let failures = FAILURES.with(|failures| {
        failures.set(failures.get().saturating_add(1));
        failures.get()
    });
    let delay = BACKOFF_START_MS
        .saturating_mul(1 << failures.saturating_sub(1).min(6))
        .min(PERIODIC_MS);
    let timeout = Timeout::new(delay, move || trigger(state));
    RETRY.with(|retry| *retry.borrow_mut() = Some(timeout));
}

/// Installs the triggers (online, visibility, every 3 minutes) and runs once now.
pub fn start(state: SyncState) {
    let window = gloo::utils::window();
    let document = gloo::utils::document();
    let online = EventListener::new(&window, "online", move |_| {
        state.online.set(true);
        FAILURES.with(|failures| failures.set(0));
        trigger(state);
    });
    let offline = EventListener::new(&window, "offline", move |_| state.online.set(false));
    let visible = EventListener::new(&document, "visibilitychange", move |_| {
        if gloo::utils::document().visibility_state() == web_sys::VisibilityState::Visible {
            trigger(state);
        }
    });
    LISTENERS.with(|listeners| {
        let mut listeners = listeners.borrow_mut();
        listeners.clear();
        listeners.extend([online, offline, visible]);
    });
    PERIODIC.with(|periodic| {
        *periodic.borrow_mut() = Some(Interval::new(PERIODIC_MS, move || trigger(state)));
    });
    trigger(state);
}

/// Stops the triggers (log-out).
pub fn stop() {
    LISTENERS.with(|listeners| listeners.borrow_mut().clear());
    PERIODIC.with(|periodic| *periodic.borrow_mut() = None);
    RETRY.with(|retry| *retry.borrow_mut() = None);
}
