//! The care sections of an elder's file (`/coord/elders/:id`, issue 9): 智能设备 (register a
//! device and show its secret once, list the elder's devices), 关爱服务 (services delivered
//! against the texts' catalogues, and a form to record one) and 政策宣讲 (benefits the elder was
//! told about).
//!
//! Every rule is the server's (the worker checks with `tanfang_domain::care`): the page sends
//! what was typed and shows the server's `{"error":{"field"}}` next to that field. The choices
//! offered (device kinds, benefits, outcomes, satisfaction) are the domain's enums.

use crate::care_api::{self, Advice, CatalogueEntry, Device, NewAdvice, NewService};
use crate::care_api::{RegisteredDevice, ServiceDelivered};
use crate::clock;
use crate::components::coord_shell::ConsoleErrorLine;
use crate::console_api::ConsoleError;
use crate::i18n::{lookup, use_i18n, I18n, Lang, Text};
use crate::pages::coord_elder::field_matches;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use tanfang_domain::care::{AdviceOutcome, Benefit, DeviceKind};
use tanfang_domain::visit::Satisfaction;

/// The sections' texts (Chinese first).
const TEXT: &[Text] = &[
    ("devices", "智能设备", "Smart devices"),
    ("device.kind", "设备类型", "Device kind"),
    ("device.id", "设备编号", "Device id"),
    ("device.registered", "登记时间", "Registered"),
    ("device.by", "登记人", "Registered by"),
    ("device.last", "最近报文", "Last message"),
    ("device.never", "尚未收到", "none yet"),
    ("device.register", "登记设备", "Register device"),
    ("device.new", "设备已登记", "Device registered"),
    ("device.secret", "设备密钥", "Device secret"),
    (
        "device.secret_note",
        "请把设备编号和密钥填入设备的配置（设备用密钥签名每条报警）。密钥只显示这一次，离开或关闭后无法再查看；如遗失，请重新登记一台设备。",
        "Enter the device id and this secret into the device's configuration (the device signs every alert with it). The secret is shown only this once and cannot be viewed again; if it is lost, register the device anew.",
    ),
    ("device.secret_done", "已填入设备，关闭", "Entered into the device — close"),
    ("services", "关爱服务", "Care services delivered"),
    ("service", "服务项目", "Service"),
    ("service.choose", "请选择服务项目", "Choose a service"),
    ("service.by", "服务人员", "Delivered by"),
    ("service.date", "服务日期", "Date"),
    ("service.duration", "时长（分钟）", "Duration (minutes)"),
    ("service.satisfaction", "老人满意度", "Elder's satisfaction"),
    ("service.no_rating", "未评价", "not rated"),
    ("service.note", "备注", "Note"),
    ("service.record", "记录服务", "Record service"),
    ("service.recorded", "已记录", "Recorded"),
    ("source.pingli", "平利 附件2 服务清单", "Pingli annex 2"),
    ("source.tianjin", "天津 附件2 关爱类", "Tianjin annex 2 (care)"),
    ("source.jining", "济宁 八类服务", "Jining's 8 kinds"),
    ("advice", "政策宣讲", "Policy advice"),
    ("advice.benefit", "政策", "Benefit"),
    ("advice.outcome", "结果", "Outcome"),
    ("advice.detail", "说明", "Details"),
    ("advice.date", "宣讲日期", "Date"),
    ("advice.by", "宣讲人", "Given by"),
    ("advice.record", "记录宣讲", "Record advice"),
    ("advice.recorded", "已记录", "Recorded"),
    ("none", "暂无记录", "None yet"),
    ("loading", "加载中…", "Loading…"),
];

fn tx(i18n: I18n, key: &'static str) -> &'static str {
    lookup(TEXT, i18n.lang.get(), key).unwrap_or(key)
}

fn zh(i18n: I18n) -> bool {
    i18n.lang.get() == Lang::Zh
}

/// Milliseconds since the epoch as China Standard Time, `YYYY-MM-DD HH:MM`.
fn cst(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms + 8 * 3600 * 1000)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

/// The duration as typed, sent as a number when it is one (the server names the field
/// whatever it is: zero, too long, negative or not a number).
pub fn duration_value(text: &str) -> Value {
    let text = text.trim();
    match text.parse::<i64>() {
        Ok(n) => json!(n),
        Err(_) => json!(text),
    }
}

/// Field errors of one form: (field, message).
type Errors = RwSignal<Vec<(String, String)>>;

/// The server's message for `field`, shown next to it (`data-testid="<prefix>-err-<field>"`).
#[component]
fn FieldMessage(errors: Errors, prefix: &'static str, field: &'static str) -> impl IntoView {
    let messages = Memo::new(move |_| {
        errors.with(|list| {
            list.iter()
                .filter(|(f, _)| field_matches(f, field))
                .map(|(_, m)| m.clone())
                .collect::<Vec<_>>()
        })
    });
    view! {
        <Show when=move || messages.with(|m| !m.is_empty())>
            <span class="field-error" role="alert" data-testid=format!("{prefix}-err-{field}")>
                {move || messages.get().join("；")}
            </span>
        </Show>
    }
}

/// Splits a failed request into field errors (shown at the fields in `known`) and a form-level
/// error (anything else).
fn split_error(
    failure: ConsoleError,
    known: &[&str],
    errors: Errors,
    form_error: RwSignal<Option<ConsoleError>>,
) {
    match failure {
        ConsoleError::Field { field, message, .. }
            if known.iter().any(|k| field_matches(&field, k)) =>
        {
            errors.set(vec![(field, message)]);
        }
        other => form_error.set(Some(other)),
    }
}

/// The three care sections, below the file form.
#[component]
pub fn ElderCareSections(elder_id: String) -> impl IntoView {
    view! {
        <DevicesSection elder_id=elder_id.clone() />
        <ServicesSection elder_id=elder_id.clone() />
        <AdviceSection elder_id=elder_id />
    }
}

// ---------------------------------------------------------------------------------------------
// 智能设备
// ---------------------------------------------------------------------------------------------

#[component]
fn DevicesSection(elder_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let list_id = elder_id.clone();
    let devices = LocalResource::new(move || {
        reload.track();
        let id = list_id.clone();
        async move { care_api::devices(&id).await }
    });
    let kind = RwSignal::new(DeviceKind::ALL[0].as_str().to_string());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ConsoleError>);
    // The secret lives only in this signal, and only until "close".
    let registered = RwSignal::new(None::<RegisteredDevice>);
    let register = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        error.set(None);
        registered.set(None);
        let (id, k) = (elder_id.clone(), kind.get_untracked());
        spawn_local(async move {
            match care_api::register_device(&id, &k).await {
                Ok(device) => {
                    registered.set(Some(device));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    let kind_label = move |wire: &str| {
        DeviceKind::parse(wire)
            .map(|k| if zh(i18n) { k.label_zh() } else { k.label_en() })
            .unwrap_or_default()
            .to_string()
    };
    view! {
        <section class="care-section" data-testid="elder-devices">
            <h3>{move || tx(i18n, "devices")}</h3>
            <Transition fallback=move || view! { <p class="loading">{move || tx(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    match devices.await {
                        Err(failure) => view! { <p class="error-line" role="alert" data-testid="devices-load-error">{failure.to_string()}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p data-testid="devices-none">{move || tx(i18n, "none")}</p> }.into_any(),
                        Ok(list) => view! { <DeviceTable list=list kind_label=kind_label /> }.into_any(),
                    }
                })}
            </Transition>
            <div class="inline-form no-print">
                <label class="field">
                    <span>{move || tx(i18n, "device.kind")}</span>
                    <select data-testid="device-kind" prop:value=move || kind.get()
                        on:change=move |e| kind.set(event_target_value(&e))>
                        {DeviceKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! { <option value=k.as_str()>{move || if zh(i18n) { k.label_zh() } else { k.label_en() }}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <button type="button" class="big-button primary" data-testid="device-register"
                    disabled=move || busy.get() on:click=register>
                    {move || tx(i18n, "device.register")}
                </button>
            </div>
            <ConsoleErrorLine error=error testid="device-error" />
            {move || registered.get().map(|device| view! {
                <div class="warning-box" role="status" data-testid="device-secret-box">
                    <strong>{move || tx(i18n, "device.new")}</strong>
                    <p>{move || tx(i18n, "device.id")}": "<code data-testid="device-new-id">{device.id.clone()}</code></p>
                    <p>{move || tx(i18n, "device.secret")}": "<code class="secret" data-testid="device-secret">{device.secret.clone()}</code></p>
                    <p data-testid="device-secret-note">{move || tx(i18n, "device.secret_note")}</p>
                    <button type="button" class="big-button" data-testid="device-secret-done"
                        on:click=move |_| registered.set(None)>
                        {move || tx(i18n, "device.secret_done")}
                    </button>
                </div>
            })}
        </section>
    }
}

#[component]
fn DeviceTable<F>(list: Vec<Device>, kind_label: F) -> impl IntoView
where
    F: Fn(&str) -> String + Copy + Send + Sync + 'static,
{
    let i18n = use_i18n();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || tx(i18n, "devices")>
            <table class="data-table" data-testid="devices">
                <thead><tr>
                    <th>{move || tx(i18n, "device.kind")}</th>
                    <th>{move || tx(i18n, "device.id")}</th>
                    <th>{move || tx(i18n, "device.registered")}</th>
                    <th>{move || tx(i18n, "device.by")}</th>
                    <th>{move || tx(i18n, "device.last")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|d| {
                        let kind = d.kind.clone();
                        let last = d.last_message_at.map(cst);
                        view! {
                            <tr data-testid="device-row" data-id=d.id.clone() data-kind=d.kind.clone()>
                                <td>{move || kind_label(&kind)}</td>
                                <td><code>{d.id.clone()}</code></td>
                                <td>{cst(d.created_at)}</td>
                                <td>{d.created_by_name.clone().unwrap_or_default()}</td>
                                <td>{match last {
                                    Some(at) => at.into_any(),
                                    None => view! { {move || tx(i18n, "device.never")} }.into_any(),
                                }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------
// 关爱服务
// ---------------------------------------------------------------------------------------------

const SERVICE_FIELDS: &[&str] = &[
    "service_code",
    "date",
    "duration_minutes",
    "satisfaction",
    "note",
];

fn satisfaction_label(i18n: I18n, wire: Option<&str>) -> String {
    match wire.and_then(Satisfaction::parse) {
        Some(s) if zh(i18n) => s.label_zh().to_string(),
        Some(s) => s.label_en().to_string(),
        None => tx(i18n, "service.no_rating").to_string(),
    }
}

#[component]
fn ServicesSection(elder_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let list_id = elder_id.clone();
    let services = LocalResource::new(move || {
        reload.track();
        let id = list_id.clone();
        async move { care_api::services(&id).await }
    });
    let catalogue = LocalResource::new(care_api::catalogue);
    view! {
        <section class="care-section" data-testid="elder-services">
            <h3>{move || tx(i18n, "services")}</h3>
            <Transition fallback=move || view! { <p class="loading">{move || tx(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    match services.await {
                        Err(failure) => view! { <p class="error-line" role="alert" data-testid="services-load-error">{failure.to_string()}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p data-testid="services-none">{move || tx(i18n, "none")}</p> }.into_any(),
                        Ok(list) => view! { <ServiceTable list=list /> }.into_any(),
                    }
                })}
            </Transition>
            <Transition fallback=move || view! { <p class="loading">{move || tx(i18n, "loading")}</p> }>
                {move || {
                    let elder_id = elder_id.clone();
                    Suspend::new(async move {
                        match catalogue.await {
                            Err(failure) => view! { <p class="error-line" role="alert">{failure.to_string()}</p> }.into_any(),
                            Ok(entries) => view! { <ServiceForm elder_id=elder_id entries=entries reload=reload /> }.into_any(),
                        }
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn ServiceTable(list: Vec<ServiceDelivered>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || tx(i18n, "services")>
            <table class="data-table" data-testid="services">
                <thead><tr>
                    <th>{move || tx(i18n, "service.date")}</th>
                    <th>{move || tx(i18n, "service")}</th>
                    <th>{move || tx(i18n, "service.by")}</th>
                    <th>{move || tx(i18n, "service.duration")}</th>
                    <th>{move || tx(i18n, "service.satisfaction")}</th>
                    <th>{move || tx(i18n, "service.note")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|s| {
                        let satisfaction = s.satisfaction.clone();
                        view! {
                            <tr data-testid="service-row" data-id=s.id.clone() data-code=s.service_code.clone()>
                                <td data-testid="service-row-date">{s.date.clone()}</td>
                                <td data-testid="service-row-name">{s.service_name.clone().unwrap_or_else(|| s.service_code.clone())}</td>
                                <td data-testid="service-row-by">{s.by_name.clone().unwrap_or_else(|| s.by.clone())}</td>
                                <td data-testid="service-row-duration">{s.duration_minutes}</td>
                                <td data-testid="service-row-satisfaction">{move || satisfaction_label(i18n, satisfaction.as_deref())}</td>
                                <td>{s.note.clone()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn ServiceForm(
    elder_id: String,
    entries: Vec<CatalogueEntry>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = RwSignal::new(String::new());
    let date = RwSignal::new(clock::today().to_string());
    let duration = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let errors: Errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let invalid =
        move |field: &'static str| errors.with(|l| l.iter().any(|(f, _)| field_matches(f, field)));
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        done.set(false);
        let service = NewService {
            elder_id: elder_id.clone(),
            service_code: code.get_untracked(),
            duration_minutes: duration_value(&duration.get_untracked()),
            satisfaction: Some(satisfaction.get_untracked()).filter(|s| !s.is_empty()),
            note: note.get_untracked(),
            date: Some(date.get_untracked()).filter(|d| !d.trim().is_empty()),
        };
        busy.set(true);
        spawn_local(async move {
            match care_api::record_service(&service).await {
                Ok(_) => {
                    done.set(true);
                    duration.set(String::new());
                    note.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure) => split_error(failure, SERVICE_FIELDS, errors, form_error),
            }
            busy.set(false);
        });
    };
    let groups = [
        ("pingli", "source.pingli"),
        ("tianjin", "source.tianjin"),
        ("jining", "source.jining"),
    ];
    view! {
        <form class="care-form no-print" data-testid="service-form" novalidate=true
            on:submit=|e: leptos::ev::SubmitEvent| e.prevent_default()>
            <div class="grid">
                <label class="field" class:invalid=move || invalid("service_code")>
                    <span>{move || tx(i18n, "service")}</span>
                    <select data-testid="service-code" prop:value=move || code.get()
                        on:change=move |e| code.set(event_target_value(&e))>
                        <option value="">{move || tx(i18n, "service.choose")}</option>
                        {groups.iter().map(|(source, label)| {
                            let label: &'static str = label;
                            let options = entries.iter().filter(|e| e.source == *source).map(|e| view! {
                                <option value=e.code.clone() title=e.detail_zh.clone()>{format!("{} · {}", e.group_zh, e.name_zh)}</option>
                            }).collect_view();
                            view! { <optgroup label=move || tx(i18n, label)>{options}</optgroup> }
                        }).collect_view()}
                    </select>
                    <FieldMessage errors=errors prefix="service" field="service_code" />
                </label>
                <label class="field" class:invalid=move || invalid("date")>
                    <span>{move || tx(i18n, "service.date")}</span>
                    <input type="date" data-testid="service-date" prop:value=move || date.get()
                        on:input=move |e| date.set(event_target_value(&e)) />
                    <FieldMessage errors=errors prefix="service" field="date" />
                </label>
                <label class="field" class:invalid=move || invalid("duration_minutes")>
                    <span>{move || tx(i18n, "service.duration")}</span>
                    <input type="text" inputmode="numeric" data-testid="service-duration" prop:value=move || duration.get()
                        on:input=move |e| duration.set(event_target_value(&e)) />
                    <FieldMessage errors=errors prefix="service" field="duration_minutes" />
                </label>
                <label class="field" class:invalid=move || invalid("satisfaction")>
                    <span>{move || tx(i18n, "service.satisfaction")}</span>
                    <select data-testid="service-satisfaction" prop:value=move || satisfaction.get()
                        on:change=move |e| satisfaction.set(event_target_value(&e))>
                        <option value="">{move || tx(i18n, "service.no_rating")}</option>
                        {Satisfaction::ALL.iter().map(|s| {
                            let s = *s;
                            view! { <option value=s.as_str()>{move || if zh(i18n) { s.label_zh() } else { s.label_en() }}</option> }
                        }).collect_view()}
                    </select>
                    <FieldMessage errors=errors prefix="service" field="satisfaction" />
                </label>
                <label class="field" class:invalid=move || invalid("note")>
                    <span>{move || tx(i18n, "service.note")}</span>
                    <input type="text" data-testid="service-note" prop:value=move || note.get()
                        on:input=move |e| note.set(event_target_value(&e)) />
                    <FieldMessage errors=errors prefix="service" field="note" />
                </label>
            </div>
            <ConsoleErrorLine error=form_error testid="service-form-error" />
            <Show when=move || done.get()>
                <p class="ok-line" role="status" data-testid="service-recorded">{move || tx(i18n, "service.recorded")}</p>
            </Show>
            <button type="button" class="big-button primary" data-testid="service-submit"
                disabled=move || busy.get() on:click=submit>
                {move || tx(i18n, "service.record")}
            </button>
        </form>
    }
}

// ---------------------------------------------------------------------------------------------
// 政策宣讲
// ---------------------------------------------------------------------------------------------

const ADVICE_FIELDS: &[&str] = &["benefit", "outcome", "detail", "date"];

#[component]
fn AdviceSection(elder_id: String) -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let list_id = elder_id.clone();
    let advice = LocalResource::new(move || {
        reload.track();
        let id = list_id.clone();
        async move { care_api::advice(&id).await }
    });
    let benefit = RwSignal::new(Benefit::ALL[0].as_str().to_string());
    let outcome = RwSignal::new(AdviceOutcome::ALL[0].as_str().to_string());
    let detail = RwSignal::new(String::new());
    let date = RwSignal::new(clock::today().to_string());
    let errors: Errors = RwSignal::new(Vec::new());
    let form_error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(false);
    let invalid =
        move |field: &'static str| errors.with(|l| l.iter().any(|(f, _)| field_matches(f, field)));
    let submit = move |_| {
        if busy.get_untracked() {
            return;
        }
        errors.set(Vec::new());
        form_error.set(None);
        done.set(false);
        let record = NewAdvice {
            elder_id: elder_id.clone(),
            benefit: benefit.get_untracked(),
            detail: detail.get_untracked(),
            outcome: outcome.get_untracked(),
            date: Some(date.get_untracked()).filter(|d| !d.trim().is_empty()),
        };
        busy.set(true);
        spawn_local(async move {
            match care_api::record_advice(&record).await {
                Ok(_) => {
                    done.set(true);
                    detail.set(String::new());
                    reload.update(|n| *n += 1);
                }
                Err(failure) => split_error(failure, ADVICE_FIELDS, errors, form_error),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="care-section" data-testid="elder-advice">
            <h3>{move || tx(i18n, "advice")}</h3>
            <Transition fallback=move || view! { <p class="loading">{move || tx(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    match advice.await {
                        Err(failure) => view! { <p class="error-line" role="alert" data-testid="advice-load-error">{failure.to_string()}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p data-testid="advice-none">{move || tx(i18n, "none")}</p> }.into_any(),
                        Ok(list) => view! { <AdviceTable list=list /> }.into_any(),
                    }
                })}
            </Transition>
            <form class="care-form no-print" data-testid="advice-form" novalidate=true
                on:submit=|e: leptos::ev::SubmitEvent| e.prevent_default()>
                <div class="grid">
                    <label class="field" class:invalid=move || invalid("benefit")>
                        <span>{move || tx(i18n, "advice.benefit")}</span>
                        <select data-testid="advice-benefit" prop:value=move || benefit.get()
                            on:change=move |e| benefit.set(event_target_value(&e))>
                            {Benefit::ALL.iter().map(|b| {
                                let b = *b;
                                view! { <option value=b.as_str()>{move || if zh(i18n) { b.label_zh() } else { b.label_en() }}</option> }
                            }).collect_view()}
                        </select>
                        <FieldMessage errors=errors prefix="advice" field="benefit" />
                    </label>
                    <label class="field" class:invalid=move || invalid("outcome")>
                        <span>{move || tx(i18n, "advice.outcome")}</span>
                        <select data-testid="advice-outcome" prop:value=move || outcome.get()
                            on:change=move |e| outcome.set(event_target_value(&e))>
                            {AdviceOutcome::ALL.iter().map(|o| {
                                let o = *o;
                                view! { <option value=o.as_str()>{move || if zh(i18n) { o.label_zh() } else { o.label_en() }}</option> }
                            }).collect_view()}
                        </select>
                        <FieldMessage errors=errors prefix="advice" field="outcome" />
                    </label>
                    <label class="field" class:invalid=move || invalid("detail")>
                        <span>{move || tx(i18n, "advice.detail")}</span>
                        <input type="text" data-testid="advice-detail" prop:value=move || detail.get()
                            on:input=move |e| detail.set(event_target_value(&e)) />
                        <FieldMessage errors=errors prefix="advice" field="detail" />
                    </label>
                    <label class="field" class:invalid=move || invalid("date")>
                        <span>{move || tx(i18n, "advice.date")}</span>
                        <input type="date" data-testid="advice-date" prop:value=move || date.get()
                            on:input=move |e| date.set(event_target_value(&e)) />
                        <FieldMessage errors=errors prefix="advice" field="date" />
                    </label>
                </div>
                <ConsoleErrorLine error=form_error testid="advice-form-error" />
                <Show when=move || done.get()>
                    <p class="ok-line" role="status" data-testid="advice-recorded">{move || tx(i18n, "advice.recorded")}</p>
                </Show>
                <button type="button" class="big-button primary" data-testid="advice-submit"
                    disabled=move || busy.get() on:click=submit>
                    {move || tx(i18n, "advice.record")}
                </button>
            </form>
        </section>
    }
}

#[component]
fn AdviceTable(list: Vec<Advice>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || tx(i18n, "advice")>
            <table class="data-table" data-testid="advice-list">
                <thead><tr>
                    <th>{move || tx(i18n, "advice.date")}</th>
                    <th>{move || tx(i18n, "advice.benefit")}</th>
                    <th>{move || tx(i18n, "advice.outcome")}</th>
                    <th>{move || tx(i18n, "advice.detail")}</th>
                    <th>{move || tx(i18n, "advice.by")}</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|a| {
                        let (benefit, outcome) = (a.benefit.clone(), a.outcome.clone());
                        view! {
                            <tr data-testid="advice-row" data-id=a.id.clone() data-benefit=a.benefit.clone()>
                                <td>{a.date.clone()}</td>
                                <td data-testid="advice-row-benefit">{move || match Benefit::parse(&benefit) {
                                    Some(b) if zh(i18n) => b.label_zh().to_string(),
                                    Some(b) => b.label_en().to_string(),
                                    None => benefit.clone(),
                                }}</td>
                                <td data-testid="advice-row-outcome">{move || match AdviceOutcome::parse(&outcome) {
                                    Some(o) if zh(i18n) => o.label_zh().to_string(),
                                    Some(o) => o.label_en().to_string(),
                                    None => outcome.clone(),
                                }}</td>
                                <td>{a.detail.clone()}</td>
                                <td>{a.by_name.clone().unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duration_is_sent_as_typed() {
        assert_eq!(duration_value(" 30 "), json!(30));
        assert_eq!(duration_value("0"), json!(0));
        assert_eq!(duration_value("-5"), json!(-5));
        assert_eq!(duration_value("半小时"), json!("半小时"));
        assert_eq!(duration_value(""), json!(""));
    }
}
