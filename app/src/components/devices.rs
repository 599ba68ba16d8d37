//! My signed-in devices (settings): when each began and was last used, its browser and system,
//! this one marked; sign out one, or all the others.

use crate::components::ErrorLine;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::store::{api_get, api_post};
use chrono::{Datelike, Timelike};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::date::cst_datetime_from_unix_millis;

#[derive(Deserialize, Clone, PartialEq)]
struct Device {
    id: String,
    device: String,
    method: String,
    created_at: i64,
    last_seen_at: i64,
    current: bool,
}

#[derive(Deserialize)]
struct Devices {
    sessions: Vec<Device>,
}

/// `MM-DD HH:MM` in China Standard Time (plain `format!`, no chrono format strings).
fn when(unix_millis: i64) -> String {
    let t = cst_datetime_from_unix_millis(unix_millis);
    format!(
        "{:02}-{:02} {:02}:{:02}",
        t.month(),
        t.day(),
        t.hour(),
        t.minute()
    )
}

#[component]
pub fn DeviceList() -> impl IntoView {
    let i18n = use_i18n();
    let devices = RwSignal::new(Vec::<Device>::new());
    let error = RwSignal::new(None::<AppError>);
    let load = move || {
        spawn_local(async move {
            match api_get::<Devices>("/api/auth/sessions", None).await {
                Ok(list) => devices.set(list.sessions),
                Err(failure) => error.set(Some(failure)),
            }
        })
    };
    load();
    let end = move |path: String| {
        spawn_local(async move {
            match api_post::<_, Value>(&path, &json!({}), None).await {
                Ok(_) => load(),
                Err(failure) => error.set(Some(failure)),
            }
        })
    };
    view! {
        <ul class="devices" data-testid="devices">
            {move || devices.get().into_iter().map(|device| view! {
                <li data-testid="device" data-current=device.current.to_string()>
                    <strong>{device.device.clone()}</strong>
                    {device.current.then(|| view! { <span class="badge">{i18n.tr("devices.this")}</span> })}
                    <br />
                    <small>
                        {
                            let (created, seen, sms) = (device.created_at, device.last_seen_at, device.method == "sms");
                            move || format!(
                                "{} {} · {} {} · {}",
                                i18n.t("devices.since"),
                                when(created),
                                i18n.t("devices.seen"),
                                when(seen),
                                if sms { i18n.t("login.by_sms") } else { i18n.t("login.by_password") },
                            )
                        }
                    </small>
                    {(!device.current).then(|| {
                        let path = format!("/api/auth/sessions/{}/end", device.id);
                        view! {
                            <button type="button" class="small-button" data-testid="device-end" on:click=move |_| end(path.clone())>
                                {i18n.tr("devices.end")}
                            </button>
                        }
                    })}
                </li>
            }).collect_view()}
        </ul>
        <Show when=move || devices.with(|list| list.iter().any(|d| !d.current))>
            <button type="button" class="big-button" data-testid="devices-end-others" on:click=move |_| end("/api/auth/sessions/end-others".into())>
                {i18n.tr("devices.end_others")}
            </button>
        </Show>
        <ErrorLine error=error />
    }
}
