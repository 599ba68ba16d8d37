//! Bottom navigation, within reach of the thumb. Coordinators also get the console link.

use crate::i18n::use_i18n;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn BottomNav() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let is_coordinator = move || {
        sync.session
            .with(|session| session.as_ref().is_some_and(|s| s.is_coordinator()))
    };
    view! {
        <nav class="bottom-nav" data-testid="bottom-nav">
            <A href="/" exact=true attr:data-testid="nav-today">
                {i18n.tr("nav.today")}
            </A>
            <A href="/hours" attr:data-testid="nav-hours">
                {i18n.tr("nav.hours")}
            </A>
            <Show when=is_coordinator>
                <a href="/coord" data-testid="nav-console">
                    {i18n.tr("nav.console")}
                </a>
            </Show>
            <A href="/settings" attr:data-testid="nav-settings">
                {i18n.tr("nav.settings")}
            </A>
        </nav>
    }
}
