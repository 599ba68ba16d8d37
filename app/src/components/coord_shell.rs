//! The coordinator console's frame: who is logged in (`GET /api/me`), a log-in form when
//! nobody is, the console navigation, and an ErrorBoundary around the page.
//!
//! The console does not use the volunteer app's IndexedDB session: it is an online tool for
//! office browsers and relies on the worker's session cookie only.

use crate::components::coord_text::ct;
use crate::components::LangSwitch;
use crate::console_api::{self, ConsoleError, Me};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

/// The logged-in coordinator, provided to console pages.
#[derive(Clone, Copy)]
pub struct ConsoleUser(pub RwSignal<Option<Me>>);

pub fn use_console_user() -> Option<Me> {
    use_context::<ConsoleUser>().and_then(|user| user.0.get())
}

/// Draws a page that starts from the logged-in coordinator (the dashboard's home region, the
/// invites' community) once `GET /api/me` has answered; [`ConsoleShell`] draws the other pages
/// before the answer.
pub fn with_console_user<V: IntoView + 'static>(
    page: impl Fn(Me) -> V + Send + Sync + 'static,
) -> impl IntoView {
    move || use_console_user().map(&page)
}

/// Error view of console pages: the typed errors in plain words.
pub fn console_error_view(errors: ArcRwSignal<Errors>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="error-box" role="alert" data-testid="console-error">
            <strong>{move || ct(i18n, "error.title")}</strong>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Wraps one console page: checks the session, shows the log-in form or the page.
///
/// The navigation and the page are drawn at once, before `GET /api/me` has answered: on a busy
/// machine or a slow line that answer comes after the bundle has started, and a page that
/// waited for it would start its own requests only then. Nothing is shown that the server has
/// not allowed: every page's data comes from the server, which checks the session cookie
/// itself. When the answer says nobody is logged in, or someone who is not a coordinator, the
/// log-in form or the refusal takes the page's place; the name and region in the header, and
/// the link only an administrator has, wait for it. Pages that start from the user (the
/// dashboard's home region, the invites' community) wait for it too ([`with_console_user`]).
#[component]
pub fn ConsoleShell(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let user = RwSignal::new(None::<Me>);
    let checked = RwSignal::new(false);
    provide_context(ConsoleUser(user));
    spawn_local(async move {
        if let Ok(me) = console_api::me().await {
            user.set(Some(me));
        }
        checked.set(true);
    });
    // `GET /api/me` and the due board's first page were started by the HTML (crate::early).
    // Until `GET /api/me` has answered the page is drawn; a coordinator's answer keeps it.
    let shows_page = Memo::new(move |_| {
        !checked.get() || user.with(|me| me.as_ref().is_some_and(Me::is_coordinator))
    });
    let children = StoredValue::new(children);
    load_console_styles();
    view! {
        <div class="console" data-testid="console">
            <Show
                when=move || shows_page.get()
                fallback=move || match user.get() {
                    None => view! { <ConsoleLogin user=user /> }.into_any(),
                    Some(_) => view! {
                        <p class="error-box" data-testid="console-forbidden">{move || ct(i18n, "forbidden.role")}</p>
                    }
                    .into_any(),
                }
            >
                <ConsoleNav user=user />
                <ErrorBoundary fallback=console_error_view>
                    {children.with_value(|children| children())}
                </ErrorBoundary>
            </Show>
        </div>
    }
}

#[component]
fn ConsoleNav(user: RwSignal<Option<Me>>) -> impl IntoView {
    let i18n = use_i18n();
    let name = move || user.with(|me| me.as_ref().map(|me| me.name.clone()));
    let region = move || {
        user.with(|me| {
            me.as_ref().map(|me| {
                me.region
                    .as_ref()
                    .and_then(|r| r.name.clone())
                    .unwrap_or_else(|| ct(i18n, "scope.all").to_string())
            })
        })
    };
    let admin = move || user.with(|me| me.as_ref().is_some_and(|me| me.role == "admin"));
    let logout = move |_| {
        spawn_local(async move {
            let _ = console_api::logout().await;
            user.set(None);
        });
    };
    view! {
        <header class="console-header no-print">
            <div class="console-who" data-testid="console-user">
                <strong>{name}</strong>
                <span class="console-scope" data-testid="console-scope">{region}</span>
            </div>
            <nav class="console-nav" data-testid="console-nav">
                <A href="/coord" exact=true attr:data-testid="cnav-dashboard">{move || ct(i18n, "nav.dashboard")}</A>
                <A href="/coord/elders" attr:data-testid="cnav-registry">{move || ct(i18n, "nav.registry")}</A>
                <A href="/coord/due" attr:data-testid="cnav-due">{move || ct(i18n, "nav.due")}</A>
                <A href="/coord/risk" attr:data-testid="cnav-risk">{move || ct(i18n, "nav.risk")}</A>
                <A href="/coord/people" attr:data-testid="cnav-people">{move || ct(i18n, "nav.people")}</A>
                <A href="/coord/regions" attr:data-testid="cnav-regions">{move || ct(i18n, "nav.regions")}</A>
                <A href="/coord/surges" attr:data-testid="cnav-surges">{move || ct(i18n, "nav.surges")}</A>
                <A href="/coord/care" attr:data-testid="cnav-care">{move || if i18n.lang.get() == crate::i18n::Lang::Zh { "关爱闭环" } else { "Care follow-up" }}</A>
                <A href="/coord/import" attr:data-testid="cnav-import">{move || if i18n.lang.get() == crate::i18n::Lang::Zh { "导入导出" } else { "Import / export" }}</A>
                <A href="/coord/invites" attr:data-testid="cnav-invites">{move || if i18n.lang.get() == crate::i18n::Lang::Zh { "邀请二维码" } else { "Invite QR codes" }}</A>
                <A href="/coord/months" attr:data-testid="cnav-months">{move || if i18n.lang.get() == crate::i18n::Lang::Zh { "月报" } else { "Monthly close" }}</A>
                <Show when=admin>
                    <A href="/coord/policy" attr:data-testid="cnav-policy">{move || if i18n.lang.get() == crate::i18n::Lang::Zh { "政策版本" } else { "Policy versions" }}</A>
                </Show>
            </nav>
            <div class="console-tools">
                <button type="button" class="small-button" on:click=move |_| print_page() data-testid="console-print">
                    {move || ct(i18n, "print")}
                </button>
                <LangSwitch />
                <button type="button" class="small-button" on:click=logout data-testid="console-logout">
                    {move || ct(i18n, "logout")}
                </button>
            </div>
        </header>
    }
}

/// Adds the console's stylesheet once (the volunteer app's `index.html` only loads the phone
/// styles; the console brings its own, after `app.css`). On `/coord` paths `index.html` has
/// already preloaded the same file (both read its name from `window.TANFANG_FILES`), so this
/// link finds it in the browser's memory.
fn load_console_styles() {
    crate::styles::add_once("console-css", "console.css");
}

fn print_page() {
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}

#[component]
fn ConsoleLogin(user: RwSignal<Option<Me>>) -> impl IntoView {
    let i18n = use_i18n();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    // The account has the SMS second factor on: the server's message, and the code typed.
    let second_factor = RwSignal::new(None::<String>);
    let code = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        busy.set(true);
        error.set(None);
        let (name, secret) = (login.get_untracked(), password.get_untracked());
        let typed = second_factor
            .with_untracked(Option::is_some)
            .then(|| code.get_untracked());
        spawn_local(async move {
            match console_api::login_with_code(name.trim(), &secret, typed.as_deref()).await {
                Ok(me) => user.set(Some(me)),
                Err(ConsoleError::Field {
                    code: c, message, ..
                }) if c == "code_required" => second_factor.set(Some(message)),
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="console-login" data-testid="console-login">
            <h2>{move || ct(i18n, "login.title")}</h2>
            <form on:submit=submit class="stack">
                <label class="field">
                    <span>{move || ct(i18n, "login.login")}</span>
                    <input type="text" autocomplete="username" data-testid="console-login-name"
                        prop:value=move || login.get() on:input=move |e| login.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "login.password")}</span>
                    <input type="password" autocomplete="current-password" data-testid="console-login-password"
                        prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e)) />
                </label>
                {move || second_factor.get().map(|message| view! {
                    <p class="hint" role="status" data-testid="console-second-factor">{message}</p>
                    <label class="field">
                        <span>"短信验证码 SMS code"</span>
                        <input type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="6"
                            data-testid="console-login-code"
                            prop:value=move || code.get() on:input=move |e| code.set(event_target_value(&e)) />
                    </label>
                })}
                <Show when=move || error.with(Option::is_some)>
                    <p class="error-line" role="alert" data-testid="console-login-error">
                        {move || error.get().map(|e| match e {
                            ConsoleError::Unauthenticated => ct(i18n, "login.failed").to_string(),
                            other => other.to_string(),
                        })}
                    </p>
                </Show>
                <button type="submit" class="big-button primary" data-testid="console-login-submit" disabled=move || busy.get()>
                    {move || ct(i18n, "login.submit")}
                </button>
            </form>
            <LangSwitch />
        </section>
    }
}

/// A page heading with the print time shown only on paper.
#[component]
pub fn ConsoleTitle(
    #[prop(into)] title: Signal<&'static str>,
    #[prop(optional, into)] testid: String,
) -> impl IntoView {
    let printed = crate::clock::now_china()
        .format("%Y-%m-%d %H:%M")
        .to_string();
    view! {
        <div class="console-title">
            <h2 data-testid=testid>{move || title.get()}</h2>
            <span class="print-only printed-at">{printed}</span>
        </div>
    }
}

/// Shows a [`ConsoleError`] next to a form (not field-specific).
#[component]
pub fn ConsoleErrorLine(
    error: RwSignal<Option<ConsoleError>>,
    #[prop(optional, into)] testid: Option<String>,
) -> impl IntoView {
    let testid = testid.unwrap_or_else(|| "console-form-error".into());
    view! {
        <Show when=move || error.with(Option::is_some)>
            <p class="error-line" role="alert" data-testid=testid.clone()>
                {move || error.get().map(|e| e.to_string())}
            </p>
        </Show>
    }
}
