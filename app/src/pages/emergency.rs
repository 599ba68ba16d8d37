//! 应急处置 (`/elder/:id/emergency`, issue 9): from the elder card a visitor starts an
//! emergency — the coordinator is notified at once — then calls 120/110/119 and the emergency
//! contacts in order (child, relative, community) with one tap each, logs every attempt's
//! outcome, and files the closing record (what happened, what was done) before it can close.
//!
//! Design decisions: the record is kept on the server (it notifies the coordinator and keeps
//! the log), so starting one needs the network; the emergency id is made on the phone, so a
//! retried start resumes the same emergency; the order of calls comes from
//! `domain::care::call_order` (on the server, or on the phone from the elder file it holds).
//! Without a connection the phone still shows the numbers to call in that order — a call needs
//! the voice network, not data — and asks to start the record again once it is back.

use crate::care_api::{self, CallTarget, Emergency};
use crate::console_api::ConsoleError;
use crate::i18n::{lookup, use_i18n, I18n, Text};
use crate::store::Store;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

const TEXT: &[Text] = &[
    ("title", "应急处置", "Emergency"),
    (
        "intro",
        "遇突发疾病、摔倒、火情等紧急情况时使用。启动后协调员会立即收到通知。",
        "For sudden illness, falls, fire and other emergencies. The coordinator is notified at once.",
    ),
    ("start", "启动应急处置", "Start emergency"),
    ("calls", "依次拨打", "Call in order"),
    ("log", "通话记录", "Call log"),
    ("connected", "已接通", "Connected"),
    ("no_answer", "无人接听", "No answer"),
    ("busy", "占线", "Busy"),
    ("wrong_number", "号码错误", "Wrong number"),
    ("failed", "未拨出", "Not placed"),
    ("record", "处置情况记录", "Closing record"),
    ("what", "发生了什么", "What happened"),
    ("actions", "采取了哪些措施", "What was done"),
    ("close", "归档并结束", "File and close"),
    ("closed", "已归档，协调员已收到通知。", "Filed; the coordinator has been told."),
    ("back", "返回老人信息", "Back to the elder"),
    ("none", "尚无通话", "No calls yet"),
    (
        "offline",
        "无法连接服务器：请先直接拨打下列电话。恢复网络后再点“启动应急处置”，补记通话结果和处置情况，协调员届时收到通知。",
        "No connection to the server: call these numbers now. When the network is back, press “Start emergency” again to log the calls and the closing record; the coordinator is told then.",
    ),
];

fn tx(i18n: I18n, key: &str) -> &'static str {
    lookup(TEXT, i18n.lang.get(), key).unwrap_or("")
}

const OUTCOMES: [&str; 5] = ["connected", "no_answer", "busy", "wrong_number", "failed"];

fn show_error(error: &ConsoleError) -> String {
    match error {
        ConsoleError::Field { field, message, .. } => {
            let name = match field.as_str() {
                "record.what_happened" => "发生了什么",
                "record.actions_taken" => "采取了哪些措施",
                other => other,
            };
            format!("{name}：{message}")
        }
        other => other.to_string(),
    }
}

#[component]
pub fn EmergencyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let elder_id = move || params.with(|p| p.get("id").unwrap_or_default());
    let emergency = RwSignal::new(None::<Emergency>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Without a connection: the numbers to call, in order, from the elder file on the phone.
    let offline_calls = RwSignal::new(None::<Vec<(String, String)>>);
    let emergency_id = crate::clock::new_id("em");
    let start = move |_| {
        let elder = elder_id();
        let id = emergency_id.clone();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match care_api::start_emergency(&elder, &id).await {
                Ok(answer) => {
                    offline_calls.set(None);
                    emergency.set(Some(answer));
                }
                Err(ConsoleError::Offline) => {
                    let contacts = Store::default()
                        .elder(&elder)
                        .await
                        .ok()
                        .flatten()
                        .map(|stored| {
                            stored
                                .view
                                .emergency_contacts
                                .iter()
                                .filter_map(|contact| contact.to_file_contact())
                                .collect::<Vec<_>>()
                        })
                        .unwrap_or_default();
                    let calls = tanfang_domain::care::call_order(&contacts)
                        .iter()
                        .map(|target| (target.label_zh(), target.number().to_string()))
                        .collect();
                    offline_calls.set(Some(calls));
                }
                Err(failure) => error.set(Some(show_error(&failure))),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="emergency" data-testid="emergency-page">
            <A href=move || format!("/elder/{}", elder_id()) attr:class="back-link">{move || format!("‹ {}", tx(i18n, "back"))}</A>
            <h2>{move || tx(i18n, "title")}</h2>
            <Show when=move || emergency.with(Option::is_none)>
                <p>{move || tx(i18n, "intro")}</p>
                <button type="button" class="big-button danger" data-testid="emergency-start"
                    disabled=move || busy.get() on:click=start.clone()>
                    {move || tx(i18n, "start")}
                </button>
            </Show>
            {move || offline_calls.get().map(|calls| view! {
                <div class="notice" role="alert" data-testid="emergency-offline">
                    <p>{move || tx(i18n, "offline")}</p>
                    <ol class="emergency-calls">
                        {calls.into_iter().enumerate().map(|(index, (label, number))| view! {
                            <li>
                                <a class="call-button" href=format!("tel:{number}")
                                    data-testid=format!("emergency-offline-call-{index}")>
                                    {format!("📞 {label}  {number}")}
                                </a>
                            </li>
                        }).collect_view()}
                    </ol>
                </div>
            })}
            {move || emergency.get().map(|e| view! { <Flow emergency=e state=emergency error=error /> })}
            <Show when=move || error.with(Option::is_some)>
                <p class="error" role="alert" data-testid="emergency-error">{move || error.get().unwrap_or_default()}</p>
            </Show>
        </section>
    }
}

#[component]
fn Flow(
    emergency: Emergency,
    state: RwSignal<Option<Emergency>>,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = emergency.id.clone();
    let closed = emergency.state == "closed";
    let log = emergency.calls.clone();
    let no_calls = log.is_empty();
    let what = RwSignal::new(String::new());
    let actions = RwSignal::new(String::new());
    let record = move |target: CallTarget, outcome: &'static str, id: String| {
        error.set(None);
        spawn_local(async move {
            match care_api::log_call(&id, &target, outcome).await {
                Ok(next) => state.set(Some(next)),
                Err(failure) => error.set(Some(show_error(&failure))),
            }
        });
    };
    let close_id = id.clone();
    let close = move |_| {
        error.set(None);
        let id = close_id.clone();
        let (w, a) = (what.get_untracked(), actions.get_untracked());
        spawn_local(async move {
            match care_api::close_emergency(&id, &w, &a).await {
                Ok(next) => state.set(Some(next)),
                Err(failure) => error.set(Some(show_error(&failure))),
            }
        });
    };
    let targets = emergency.call_order.clone();
    let data_id = id.clone();
    view! {
        <div data-testid="emergency-flow" data-id=data_id data-state=emergency.state.clone()>
            <Show when=move || !closed fallback=move || view! { <p class="notice" data-testid="emergency-closed">{move || tx(i18n, "closed")}</p> }>
                <h3>{move || tx(i18n, "calls")}</h3>
                <ol class="emergency-calls" data-testid="emergency-calls">
                    {targets.iter().enumerate().map(|(index, target)| {
                        let target = target.clone();
                        let id = id.clone();
                        view! {
                            <li data-testid="emergency-target" data-number=target.number.clone()>
                                <a class="call-button" href=format!("tel:{}", target.number)
                                    data-testid=format!("emergency-call-{index}")>
                                    {format!("📞 {}  {}", target.label, target.number)}
                                </a>
                                <span class="outcomes">
                                    {OUTCOMES.iter().map(|outcome| {
                                        let outcome: &'static str = outcome;
                                        let target = target.clone();
                                        let id = id.clone();
                                        view! {
                                            <button type="button" data-testid=format!("emergency-outcome-{index}-{outcome}")
                                                on:click=move |_| record(target.clone(), outcome, id.clone())>
                                                {move || tx(i18n, outcome)}
                                            </button>
                                        }
                                    }).collect_view()}
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </Show>
            <h3>{move || tx(i18n, "log")}</h3>
            <Show when=move || !no_calls fallback=move || view! { <p>{move || tx(i18n, "none")}</p> }>
                <ol class="call-log" data-testid="emergency-log">
                    {log.iter().map(|call| {
                        let outcome = call.outcome.clone();
                        let key = outcome.clone();
                        view! {
                            <li data-testid="emergency-log-entry" data-outcome=outcome>
                                {format!("{} {} · ", call.label, call.number)}{move || tx(i18n, &key)}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </Show>
            <Show when=move || !closed>
                <h3>{move || tx(i18n, "record")}</h3>
                <label class="field">
                    <span>{move || tx(i18n, "what")}</span>
                    <textarea data-testid="emergency-what" prop:value=move || what.get()
                        on:input=move |e| what.set(event_target_value(&e))></textarea>
                </label>
                <label class="field">
                    <span>{move || tx(i18n, "actions")}</span>
                    <textarea data-testid="emergency-actions" prop:value=move || actions.get()
                        on:input=move |e| actions.set(event_target_value(&e))></textarea>
                </label>
                <button type="button" class="big-button primary" data-testid="emergency-close" on:click=close.clone()>
                    {move || tx(i18n, "close")}
                </button>
            </Show>
        </div>
    }
}
