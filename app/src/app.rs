//! Root component: contexts, the route table, the layout and the ErrorBoundary.
//!
//! Adding a page: write `pages/<name>.rs` with one `#[component]`, declare it in
//! `pages/mod.rs` and add one `<Route>` line below (inside `<Routes>`). Pages that need a
//! logged-in user are wrapped by [`Authenticated`], which redirects to `/login` otherwise.
//! Console and group pages go in `components/coord_routes.rs` (office bundle only).

#[cfg(feature = "office")]
use crate::components::coord_routes::OfficeRoutes;
use crate::components::{error_view, BottomNav, SyncBar};
use crate::i18n::{use_i18n, I18n};
use crate::office_link::NotFound;
#[cfg(not(feature = "office"))]
use crate::office_link::OfficeRoutes;
use crate::pages::{
    certificate::CertificatePage, elder_card::ElderCardPage, login::LoginPage,
    my_hours::MyHoursPage, settings::SettingsPage, today::TodayPage, visit_form::VisitFormPage,
};
use crate::store::Store;
use crate::sync::{self, use_sync, SyncState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::path;

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::load();
    crate::i18n::apply_large_type(crate::i18n::large_type());
    provide_context(i18n);
    let sync_state = SyncState::new();
    provide_context(sync_state);
    // The stored session (if any) is read from IndexedDB; the pages that need it wait for
    // `session_read` ([`DeviceSession`]), the console (cookie session only) does not.
    spawn_local(async move {
        let store = Store::default();
        match store.session().await {
            Ok(Some(session)) => {
                sync_state.session.set(Some(session));
                sync_state.refresh_counts().await;
                sync::start(sync_state);
            }
            Ok(None) => {
                if let Ok(ended) = store.ended_session().await {
                    sync_state.ended.set(ended);
                    sync_state.refresh_counts().await;
                }
            }
            Err(error) => sync_state.error.set(Some(error)),
        }
        request_persistent_storage();
        sync_state.session_read.set(true);
    });

    view! {
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=|| view! { <DeviceSession><LoginPage /></DeviceSession> } />
                    <Route path=path!("/") view=|| view! { <Authenticated><TodayPage /></Authenticated> } />
                    <Route path=path!("/elder/:id") view=|| view! { <Authenticated><ElderCardPage /></Authenticated> } />
                    <Route path=path!("/elder/:id/visit") view=|| view! { <Authenticated><VisitFormPage /></Authenticated> } />
                    <Route path=path!("/elder/:id/emergency") view=|| view! { <Authenticated><crate::pages::emergency::EmergencyPage /></Authenticated> } />
                    <Route path=path!("/hours") view=|| view! { <Authenticated><MyHoursPage /></Authenticated> } />
                    <Route path=path!("/certificate") view=|| view! { <Authenticated><CertificatePage /></Authenticated> } />
                    <Route path=path!("/settings") view=|| view! { <Authenticated><SettingsPage /></Authenticated> } />
                    // The console and the groups' pages (office bundle). MUST stay last: in the
                    // phone bundle this is `()`, which ends the matching (no route after it is
                    // tried), so unknown and office paths reach the fallback.
                    <OfficeRoutes />
                </Routes>
            </Layout>
        </Router>
    }
}

/// Header with the sync bar, the page, and the bottom navigation (when logged in).
#[component]
fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let logged_in = move || sync.session.with(Option::is_some);
    view! {
        <div class="layout">
            <header class="top-bar no-print">
                <h1 class="app-title">{i18n.tr("app.title")}</h1>
                <Show when=logged_in>
                    <SyncBar />
                </Show>
            </header>
            <main class="page">
                <ErrorBoundary fallback=error_view>{children()}</ErrorBoundary>
            </main>
            <Show when=logged_in>
                <BottomNav />
            </Show>
        </div>
    }
}

/// Renders its children once the device's stored session has been read from IndexedDB (a
/// loading line until then). Every page that reads the device session sits inside one; the
/// console does not (it signs in with the server's cookie alone), so its first page is built
/// without waiting for IndexedDB.
#[component]
pub fn DeviceSession(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    view! {
        <Show
            when=move || sync.session_read.get()
            fallback=move || view! { <p class="loading" data-testid="loading">{i18n.tr("app.loading")}</p> }
        >
            {children()}
        </Show>
    }
}

/// Renders its children only with a session; otherwise sends the user to the log-in page.
#[component]
pub fn Authenticated(children: ChildrenFn) -> impl IntoView {
    let sync = use_sync();
    let children = StoredValue::new(children);
    view! {
        <DeviceSession>
            <Show
                when=move || sync.session.with(Option::is_some)
                fallback=|| view! { <Redirect path="/login" /> }
            >
                {children.with_value(|children| children())}
            </Show>
        </DeviceSession>
    }
}

/// Asks the browser not to evict IndexedDB under storage pressure (unsynced visits live there).
fn request_persistent_storage() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let storage = window.navigator().storage();
    if let Ok(promise) = storage.persist() {
        spawn_local(async move {
            let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
        });
    }
}
