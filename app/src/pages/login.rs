//! Log-in: the only step that needs the network. Afterwards the device works offline until
//! log-out.

use crate::clock;
use crate::components::{ErrorLine, LangSwitch};
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::model::Session;
use crate::store::{api_post, sign_in_post, SignIn, Store};
use crate::sync::{self, use_sync};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::{json, Value};

/// Reads the log-in answer leniently: `{user: {id, login, name, role}, token?}` or the same
/// fields at the top level.
pub(crate) fn session_from_answer(answer: &Value, login: &str) -> Session {
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
pub(crate) async fn adopt_session(
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

/// Which way of signing in the page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Password,
    Sms,
}

/// The refusal as an error naming the field, in the page's words.
fn refusal(i18n: crate::i18n::I18n, field: &str, message: String) -> AppError {
    let field = match field {
        "mobile" => i18n.t("login.mobile"),
        "code" => i18n.t("login.code"),
        "password" => i18n.t("login.password"),
        _ => i18n.t("login.login"),
    };
    AppError::Invalid {
        field: field.to_string(),
        message,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync_state = use_sync();
    let navigate = use_navigate();
    let mode = RwSignal::new(Mode::Password);
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let mobile = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    // Seconds until another code may be asked for.
    let countdown = RwSignal::new(0u32);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<AppError>);

    if let Ok(handle) = set_interval_with_handle(
        move || {
            if countdown.get_untracked() > 0 {
                countdown.update(|n| *n -= 1);
            }
        },
        std::time::Duration::from_secs(1),
    ) {
        on_cleanup(move || handle.clear());
    }

    // A coordinator signed this device out (a lost phone): its files are erased, the unsent
    // visits kept; say so.
    let ended_remotely = sync_state.ended_remotely;

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

    // Every call to the sign-in routes goes through here (one future type keeps the phone
    // bundle small): a code request starts the resend countdown, a sign-in keeps the session
    // on this device and starts syncing, a refusal names the field.
    let post = move |path: &'static str, body: Value, hint: String| {
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match sign_in_post(path, &body).await {
                Ok(SignIn::Done(answer)) if path.ends_with("request") => {
                    countdown.set(answer["resend_after_secs"].as_u64().unwrap_or(60) as u32);
                }
                Ok(SignIn::Done(answer)) => {
                    let session = session_from_answer(&answer, &hint);
                    match adopt_session(&Store::default(), session, i18n).await {
                        Ok(session) => {
                            password.set(String::new());
                            code.set(String::new());
                            sync_state.ended.set(None);
                            ended_remotely.set(false);
                            sync_state.session.set(Some(session));
                            sync::start(sync_state);
                        }
                        Err(failure) => error.set(Some(failure)),
                    }
                }
                Ok(SignIn::Refused { status: 401, .. }) => error.set(Some(AppError::Invalid {
                    field: i18n.t("login.login").to_string(),
                    message: i18n.t("login.failed").to_string(),
                })),
                Ok(SignIn::Refused { field, message, .. }) => {
                    error.set(Some(refusal(i18n, &field, message)))
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };

    // The account or mobile number as typed (the server checks a mobile with
    // `domain::sms_code` and names the field; the phone bundle carries no number parser).
    let required = move |signal: RwSignal<String>, field: &str| {
        let value = signal.get_untracked().trim().to_string();
        if value.is_empty() {
            error.set(Some(refusal(i18n, field, "必填 (required)".into())));
            return None;
        }
        Some(value)
    };

    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        if busy.get_untracked() {
            return;
        }
        if mode.get_untracked() == Mode::Sms {
            if let Some(number) = required(mobile, "mobile") {
                let body = json!({"mobile": number, "code": code.get_untracked()});
                post("/api/auth/sms/verify", body, number);
            }
        } else if let Some(name) = required(login, "login") {
            let body = json!({"login": name, "password": password.get_untracked()});
            post("/api/auth/login", body, name);
        }
    };

    let send_code = move |_| {
        if busy.get_untracked() || countdown.get_untracked() > 0 {
            return;
        }
        if let Some(number) = required(mobile, "mobile") {
            post("/api/auth/sms/request", json!({"mobile": number}), number);
        }
    };

    let tab = move |which: Mode, key: &'static str, testid: &'static str| {
        view! {
            <button
                type="button"
                role="tab"
                class="tab"
                data-testid=testid
                aria-selected=move || (mode.get() == which).to_string()
                on:click=move |_| {
                    error.set(None);
                    mode.set(which);
                }
            >
                {i18n.tr(key)}
            </button>
        }
    };

    let sms = move || mode.get() == Mode::Sms;
    let by_password = move || mode.get() == Mode::Password;
    let send_disabled = move || busy.get() || countdown.get() != 0;

    let resend_label = move || match countdown.get() {
        0 => i18n.t("login.send_code").to_string(),
        n => format!("{n}{}", i18n.t("login.resend_in")),
    };

    view! {
        <section class="login" data-testid="login-page">
            <h2>{i18n.tr("login.title")}</h2>
            <p class="warning" role="alert" data-testid="session-ended-remotely" hidden=move || !ended_remotely.get()>
                {i18n.tr("login.ended_remotely")}
            </p>
            <Show when=move || sync_state.ended.with(Option::is_some)>
                <p class="warning" role="status" data-testid="session-ended">
                    {i18n.tr("login.ended")}
                    <strong data-testid="session-ended-pending">{move || sync_state.pending.get()}</strong>
                </p>
            </Show>
            <div class="tabs" role="tablist">
                {tab(Mode::Password, "login.by_password", "login-tab-password")}
                {tab(Mode::Sms, "login.by_sms", "login-tab-sms")}
            </div>
            <form on:submit=submit class="stack">
                <label class="field" hidden=sms>
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
                <label class="field" hidden=sms>
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
                <label class="field" hidden=by_password>
                    <span>{i18n.tr("login.mobile")}</span>
                    <input
                        type="tel"
                        name="mobile"
                        inputmode="numeric"
                        autocomplete="tel"
                        data-testid="sms-mobile"
                        prop:value=move || mobile.get()
                        on:input=move |event| mobile.set(event_target_value(&event))
                    />
                </label>
                <button type="button" class="big-button" data-testid="sms-send" hidden=by_password disabled=send_disabled on:click=send_code>
                    {resend_label}
                </button>
                <label class="field" hidden=by_password>
                    <span>{i18n.tr("login.code")}</span>
                    <input
                        type="text"
                        name="code"
                        inputmode="numeric"
                        autocomplete="one-time-code"
                        maxlength="6"
                        data-testid="login-code"
                        prop:value=move || code.get()
                        on:input=move |event| code.set(event_target_value(&event))
                    />
                </label>
                <button type="submit" class="big-button primary" data-testid=move || if sms() { "sms-submit" } else { "login-submit" } disabled=move || busy.get()>
                    {move || if busy.get() { i18n.t("login.busy") } else { i18n.t("login.submit") }}
                </button>
            </form>
            <ErrorLine error=error />
            <p class="hint">{i18n.tr("login.offline")}</p>
            <LangSwitch />
        </section>
    }
}
