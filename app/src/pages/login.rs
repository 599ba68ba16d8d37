//! Log-in: the only step that needs the network. Afterwards the device works offline until
//! log-out.

use crate::clock;
use crate::components::{ErrorLine, LangSwitch};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::Session;
use crate::store::{api_post, Store};
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::{json, Value};

/// Reads the log-in answer leniently: `{user: {id, login, name, role}, token?}` or the same
/// fields at the top level.
fn session_from_answer(answer: &Value, login: &str) -> Session {
    let user = answer.get("user").unwrap_or(answer);
    let text =
        |value: &Value, key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    Session {
        user_id: text(user, "id")
            .or_else(|| text(user, "user_id"))
            .or_else(|| user.get("id").map(Value::to_string))
            .unwrap_or_default(),
        login: text(user, "login").unwrap_or_else(|| login.to_string()),
        name: text(user, "name").unwrap_or_else(|| login.to_string()),
        role: text(user, "role").unwrap_or_else(|| "volunteer".to_string()),
        token: text(answer, "token"),
    }
}

/// Stores the new session on this device. After the server ended a session, the same account
/// keeps the device's data (its queued visits go out with the same client id, so the server
/// still deduplicates them); another account is refused while those visits wait, and
/// otherwise gets a wiped device, so no one sees the previous account's elders.
async fn adopt_session(
    store: &Store,
    session: Session,
    i18n: crate::i18n::I18n,
) -> Result<Session, AppError> {
    if let Some(ended) = store.ended_session().await? {
        if ended.user_id != session.user_id {
            if store.pending_count().await? > 0 {
                let _ =
                    api_post::<_, Value>("/api/auth/logout", &json!({}), session.token.as_deref())
                        .await;
                return Err(AppError::Invalid {
                    field: i18n.t("login.login").to_string(),
                    message: format!(
                        "{} {}（{}）{}",
                        i18n.t("login.other_account"),
                        ended.login,
                        ended.name,
                        i18n.t("login.other_account_tail")
                    ),
                });
            }
            store.wipe().await?;
        }
    }
    store.start_session(&session, &clock::new_id("c")).await?;
    Ok(session)
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let navigate = use_navigate();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);

    // The server ended the previous session: offer that account (its visits wait here).
    if let Some(ended) = sync_state.ended.get_untracked() {
        login.set(ended.login.clone());
    }

    // Already logged in (e.g. back button): go home.
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if sync_state.session.with(Option::is_some) {
                navigate("/", Default::default());
            }
        }
    });

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let login_value = login.get_untracked().trim().to_string();
        let password_value = password.get_untracked();
        if login_value.is_empty() {
            error.set(Some(AppError::Invalid {
                field: i18n.t("login.login").to_string(),
                message: "必填 (required)".to_string(),
            }));
            return;
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let answer: Result<Value, AppError> = api_post(
                "/api/auth/login",
                &json!({"login": login_value, "password": password_value}),
                None,
            )
            .await;
            let result = match answer {
                Ok(answer) => {
                    let session = session_from_answer(&answer, &login_value);
                    adopt_session(&Store::default(), session, i18n).await
                }
                Err(AppError::Unauthorized) => Err(AppError::Invalid {
                    field: i18n.t("login.login").to_string(),
                    message: i18n.t("login.failed").to_string(),
                }),
                Err(error) => Err(error),
            };
            busy.set(false);
            match result {
                Ok(session) => {
                    password.set(String::new());
                    sync_state.ended.set(None);
                    sync_state.session.set(Some(session));
                    sync::start(sync_state);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };

    view! {
        <section class="login" data-testid="login-page">
            <h2>{i18n.tr("login.title")}</h2>
            <Show when=move || sync_state.ended.with(Option::is_some)>
                <p class="warning" role="status" data-testid="session-ended">
                    {i18n.tr("login.ended")}
                    <strong data-testid="session-ended-pending">{move || sync_state.pending.get()}</strong>
                </p>
            </Show>
            <form on:submit=submit class="stack">
                <label class="field">
                    <span>{i18n.tr("login.login")}</span>
                    <input
                        type="text"
                        name="login"
                        autocomplete="username"
                        autocapitalize="off"
                        data-testid="login-name"
                        prop:value=move || login.get()
                        on:input=move |event| login.set(event_target_value(&event))
                    />
                </label>
                <label class="field">
                    <span>{i18n.tr("login.password")}</span>
                    <input
                        type="password"
                        name="password"
                        autocomplete="current-password"
                        data-testid="login-password"
                        prop:value=move || password.get()
                        on:input=move |event| password.set(event_target_value(&event))
                    />
                </label>
                <ErrorLine error=error />
                <button type="submit" class="big-button primary" data-testid="login-submit" disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("login.busy") } else { i18n.t("login.submit") }}
                </button>
                <p class="hint">{i18n.tr("login.offline")}</p>
            </form>
            <LangSwitch />
        </section>
    }
}
