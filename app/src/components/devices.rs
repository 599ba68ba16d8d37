//! My signed-in devices (settings): when each began and was last used, its browser and system,
//! this one marked; sign out one, or all the others.

use crate::components::coord_text::ct;
use crate::components::ErrorLine;
use crate::error::AppError;
use crate::i18n::use_i18n;
use crate::store::{api_get, api_post};
use chrono::{Datelike, Timelike};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use tanfang_domain::date::cst_datetime_from_unix_millis;

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
    // The answer's `sessions` array as JSON (no derive: keeps the phone bundle small).
    let devices = RwSignal::new(Vec::<Value>::new());
    let error = RwSignal::new(None::<AppError>);
    let load = move || {
        spawn_local(async move {
            match api_get::<Value>("/api/auth/sessions", None).await {
                Ok(mut answer) => devices.set(match answer["sessions"].take() {
                    Value::Array(list) => list,
                    _ => Vec::new(),
                }),
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
            {move || devices.get().into_iter().map(|device| {
                let text = |key: &str| device[key].as_str().unwrap_or_default().to_string();
                let number = |key: &str| device[key].as_i64().unwrap_or_default();
                let current = device["current"].as_bool().unwrap_or(false);
                let (created, seen, sms) = (number("created_at"), number("last_seen_at"), text("method") == "sms");
                let (id, name) = (text("id"), text("device"));
                view! {
                <li data-testid="device" data-current=current.to_string()>
                    <strong>{name}</strong>
                    {current.then(|| view! { <span class="badge">{move || ct(i18n, "devices.this")}</span> })}
                    <br />
                    <small>
                        {
                            move || format!(
                                "{} {} · {} {} · {}",
                                ct(i18n, "devices.since"),
                                when(created),
                                ct(i18n, "devices.seen"),
                                when(seen),
                                if sms { i18n.t("login.by_sms") } else { i18n.t("login.by_password") },
                            )
                        }
                    </small>
                    {(!current).then(|| {
                        let path = format!("/api/auth/sessions/{id}/end");
                        view! {
                            <button type="button" class="small-button" data-testid="device-end" on:click=move |_| end(path.clone())>
                                {move || ct(i18n, "devices.end")}
                            </button>
                        }
                    })}
                </li>
                }
            }).collect_view()}
        </ul>
        <button
            type="button"
            class="big-button"
            data-testid="devices-end-others"
            hidden=move || devices.with(|list| list.len() < 2)
            on:click=move |_| end("/api/auth/sessions/end-others".into())
        >
            {move || ct(i18n, "devices.end_others")}
        </button>
        <ErrorLine error=error />
    }
}
