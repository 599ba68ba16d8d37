//! Settings: language, account, storage persistence, log-out. Log-out with unsynced visits
//! warns and refuses unless the user insists; log-out wipes all IndexedDB data.

use crate::components::{ErrorLine, LangSwitch};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::store::{api_post, Store};
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::{json, Value};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let navigate = use_navigate();
    let warn = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);
    let persisted = RwSignal::new(None::<bool>);
    let large = RwSignal::new(crate::i18n::large_type());
    spawn_local(async move {
        let storage = gloo::utils::window().navigator().storage();
        if let Ok(promise) = storage.persisted() {
            if let Ok(value) = wasm_bindgen_futures::JsFuture::from(promise).await {
                persisted.set(value.as_bool());
            }
        }
    });

    let do_logout = move |force: bool| {
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            let store = Store::default();
            let pending = store.pending_count().await.unwrap_or(0);
            if pending > 0 && !force {
                warn.set(true);
                busy.set(false);
                return;
            }
            let token = sync_state
                .session
                .get_untracked()
                .and_then(|session| session.token);
            // Best effort: the server session ends too when online.
            let _: Result<Value, AppError> =
                api_post("/api/auth/logout", &json!({}), token.as_deref()).await;
            sync::stop();
            match store.wipe().await {
                Ok(()) => {
                    sync_state.session.set(None);
                    sync_state.pending.set(0);
                    sync_state.last_sync.set(None);
                    sync_state.error.set(None);
                    sync_state.bump();
                    warn.set(false);
                    busy.set(false);
                    navigate("/login", Default::default());
                }
                Err(failure) => {
                    busy.set(false);
                    error.set(Some(failure));
                }
            }
        });
    };
    let logout = do_logout.clone();

    view! {
        <section class="settings" data-testid="settings-page">
            <h2>{i18n.tr("settings.title")}</h2>
            <h3>{i18n.tr("settings.language")}</h3>
            <LangSwitch />
            <h3>{i18n.tr("settings.large_type")}</h3>
            <label class="field check">
                <input
                    type="checkbox"
                    data-testid="large-type"
                    prop:checked=move || large.get()
                    on:change=move |event| {
                        let on = event_target_checked(&event);
                        large.set(on);
                        crate::i18n::set_large_type(on);
                    }
                />
                <span>{i18n.tr("settings.large_type_hint")}</span>
            </label>
            <h3>{i18n.tr("settings.account")}</h3>
            <p data-testid="settings-account">
                {move || sync_state.session.get().map(|s| format!("{}（{}）", s.name, s.login)).unwrap_or_default()}
            </p>
            <h3>{i18n.tr("devices.title")}</h3>
            <a href="/account/devices" class="big-button" data-testid="open-devices">{i18n.tr("devices.open")}</a>
            <p class="hint" data-testid="settings-persisted">
                {move || match persisted.get() {
                    Some(true) => i18n.t("settings.storage_persisted"),
                    Some(false) => i18n.t("settings.storage_not_persisted"),
                    None => "",
                }}
            </p>
            <ErrorLine error=error />
            <Show
                when=move || warn.get()
                fallback=move || {
                    let logout = logout.clone();
                    view! {
                        <button type="button" class="big-button danger" data-testid="logout" disabled=move || busy.get() on:click=move |_| logout(false)>
                            {i18n.tr("settings.logout")}
                        </button>
                    }
                }
            >
                <div class="warning" role="alertdialog" data-testid="logout-warning">
                    <p>
                        <strong>{move || format!("{} {}", sync_state.pending.get(), i18n.t("sync.pending"))}</strong>
                    </p>
                    <p>{i18n.tr("settings.logout_warning")}</p>
                    <button type="button" class="big-button primary" data-testid="logout-cancel" on:click=move |_| warn.set(false)>
                        {i18n.tr("settings.cancel")}
                    </button>
                    {
                        let do_logout = do_logout.clone();
                        view! {
                            <button type="button" class="big-button danger" data-testid="logout-force" disabled=move || busy.get() on:click=move |_| do_logout(true)>
                                {i18n.tr("settings.logout_anyway")}
                            </button>
                        }
                    }
                </div>
            </Show>
        </section>
    }
}
