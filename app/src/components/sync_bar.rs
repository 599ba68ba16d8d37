//! Always-visible sync state: "n 条待同步", last sync time, errors in plain words, and a
//! button to sync now.

use crate::clock;
use crate::i18n::use_i18n;
use crate::sync::{trigger, use_sync};
use leptos::prelude::*;
use tanfang_domain::decimal::fixed;

#[component]
pub fn SyncBar() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let pending = move || sync.pending.get();
    view! {
        <div
            class="sync-bar"
            class=("has-pending", move || pending() > 0)
            class=("has-error", move || sync.error.with(Option::is_some))
            data-testid="sync-bar"
            aria-live="polite"
        >
            <span class="sync-dot" class:offline=move || !sync.online.get() data-testid="sync-online">
                {move || if sync.online.get() { i18n.t("sync.online") } else { i18n.t("sync.offline") }}
            </span>
            <span class="sync-pending" data-testid="sync-pending" data-count=move || pending().to_string()>
                {move || {
                    if pending() == 0 {
                        i18n.t("sync.all_synced").to_string()
                    } else {
                        format!("{} {}", pending(), i18n.t("sync.pending"))
                    }
                }}
            </span>
            <span class="sync-last" data-testid="sync-last">
                {move || match sync.last_sync.get() {
                    Some(time) => format!("{} {}", i18n.t("sync.last"), clock::short_time(&time)),
                    None => i18n.t("sync.never").to_string(),
                }}
            </span>
            <button
                type="button"
                class="sync-now"
                data-testid="sync-now"
                disabled=move || sync.running.get()
                on:click=move |_| trigger(sync)
            >
                {move || if sync.running.get() { i18n.t("sync.running") } else { i18n.t("sync.now") }}
            </button>
            <Show when=move || sync.clock_skew.with(Option::is_some)>
                <p class="sync-error" role="alert" data-testid="clock-warning">
                    {move || sync.clock_skew.get().map(|skew| {
                        let hours = (skew.abs() as f64) / 3_600_000.0;
                        let amount = if hours >= 24.0 {
                            format!("{} {}", fixed(hours / 24.0, 0), i18n.t("clock.days"))
                        } else {
                            format!("{} {}", fixed(hours, 1), i18n.t("clock.hours"))
                        };
                        let direction = if skew > 0 { i18n.t("clock.behind") } else { i18n.t("clock.ahead") };
                        format!("{} {direction} {amount}{}", i18n.t("clock.warning"), i18n.t("clock.fix"))
                    })}
                </p>
            </Show>
            <Show when=move || sync.error.with(Option::is_some)>
                <p class="sync-error" role="alert" data-testid="sync-error">
                    {move || sync.error.get().map(|error| format!("{}: {error}", i18n.t("sync.error")))}
                </p>
            </Show>
        </div>
    }
}
