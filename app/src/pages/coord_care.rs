//! 关爱闭环 board (`/coord/care`, issue 9): the hazards, referrals, emergencies, family-duty
//! flags and device alerts of the coordinator's region, overdue items highlighted first. A
//! hazard can be marked reminded or closed here with a note; a visit that finds it safe closes
//! it by itself.

use crate::care_api::{self, Board, BoardHazard, BoardReferral, Provider};
use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::console_api::{self, ConsoleError, RegionNode};
use crate::i18n::{lookup, use_i18n, I18n, Text};
use crate::pages::coord_registry::region_options;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use serde_json::json;

/// The page's texts (Chinese first).
const TEXT: &[Text] = &[
    ("title", "关爱闭环", "Care follow-up"),
    ("hazards", "安全隐患", "Safety hazards"),
    ("referrals", "需求转介", "Referrals"),
    ("emergencies", "应急处置", "Emergencies"),
    ("duty", "赡养义务提醒", "Family duty"),
    ("alerts", "智能设备报警", "Device alerts"),
    ("none", "暂无", "None"),
    ("elder", "老人", "Elder"),
    ("item", "隐患", "Hazard"),
    ("state", "状态", "State"),
    ("due", "整改期限", "Due"),
    ("deadline", "办结期限", "Deadline"),
    ("category", "需求", "Need"),
    ("overdue", "已逾期", "Overdue"),
    ("action", "处理", "Action"),
    ("note", "处理说明", "Note"),
    ("close", "关闭隐患", "Close"),
    ("remind", "已提醒赡养人", "Supporter reminded"),
    ("calls", "通话", "Calls"),
    ("open", "处置中", "Open"),
    ("closed", "已归档", "Closed"),
    ("reminders", "提醒次数", "Reminders"),
    ("urgent", "紧急", "Urgent"),
    ("provider", "服务机构", "Provider"),
    ("providers", "服务资源目录", "Provider directory"),
    ("refer", "转介", "Refer"),
    ("accept", "已接单", "Accepted"),
    ("complete", "办结", "Done"),
    ("decline", "拒绝/撤销", "Decline"),
    ("remind_duty", "记录提醒", "Record reminder"),
    ("resolve", "已履行", "Resolved"),
    ("name", "名称", "Name"),
    ("kind", "类别", "Kind"),
    ("phone", "电话", "Phone"),
    ("region", "区域", "Area"),
    ("add", "添加", "Add"),
];

fn tx(i18n: I18n, key: &'static str) -> &'static str {
    lookup(TEXT, i18n.lang.get(), key).unwrap_or(key)
}

#[component]
pub fn CoordCarePage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let board = LocalResource::new(move || {
        reload.track();
        async move {
            Ok::<_, ConsoleError>((
                care_api::board().await?,
                care_api::providers().await?,
                console_api::regions().await?,
            ))
        }
    });
    view! {
        <section class="console-page care" data-testid="coord-care">
            <ConsoleTitle title=Signal::derive(move || tx(i18n, "title")) testid="care-title" />
            <Transition fallback=move || view! { <p class="loading">"…"</p> }>
                {move || Suspend::new(async move {
                    let (data, providers, regions) = board.await?;
                    Ok::<_, ConsoleError>(view! {
                        <BoardView data=data providers=providers.clone() reload=reload />
                        <ProviderDirectory providers=providers regions=regions reload=reload />
                    })
                })}
            </Transition>
        </section>
    }
}

/// Overdue first, then by due date.
fn sorted_hazards(mut hazards: Vec<BoardHazard>) -> Vec<BoardHazard> {
    hazards.sort_by_key(|h| (h.state == "closed", !h.overdue, h.due.clone()));
    hazards
}

fn sorted_referrals(mut referrals: Vec<BoardReferral>) -> Vec<BoardReferral> {
    referrals.sort_by_key(|r| (!r.overdue, r.deadline.clone()));
    referrals
}

fn elder_link(id: &str, name: &str) -> impl IntoView {
    let (href, name) = (format!("/coord/elders/{id}"), name.to_string());
    view! { <A href=href>{name}</A> }
}

#[component]
fn BoardView(data: Board, providers: Vec<Provider>, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let hazards = sorted_hazards(data.hazards);
    let referrals = sorted_referrals(data.referrals);
    let no_hazards = hazards.is_empty();
    let no_referrals = referrals.is_empty();
    let no_emergencies = data.emergencies.is_empty();
    let no_duty = data.family_duty.is_empty();
    let no_alerts = data.alerts.is_empty();
    view! {
        <h3>{move || tx(i18n, "hazards")}</h3>
        <Show when=move || !no_hazards fallback=move || view! { <p data-testid="care-no-hazards">{move || tx(i18n, "none")}</p> }>
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || tx(i18n, "hazards")>
                <table class="data-table" data-testid="care-hazards">
                    <thead><tr>
                        <th>{move || tx(i18n, "elder")}</th>
                        <th>{move || tx(i18n, "item")}</th>
                        <th>{move || tx(i18n, "state")}</th>
                        <th>{move || tx(i18n, "due")}</th>
                        <th class="no-print">{move || tx(i18n, "action")}</th>
                    </tr></thead>
                    <tbody>
                        {hazards.iter().map(|h| {
                            let closed = h.state == "closed";
                            view! {
                                <tr data-testid="care-hazard" data-id=h.id.clone() data-elder=h.elder_id.clone()
                                    data-state=h.state.clone() data-overdue=h.overdue.to_string()
                                    class:overdue=h.overdue>
                                    <td>{elder_link(&h.elder_id, &h.elder_name)}</td>
                                    <td>{format!("{}（{}）", h.item_label, h.level_label)}</td>
                                    <td>
                                        <span class=if closed { "badge done" } else { "badge pending" }>{h.state_label.clone()}</span>
                                        {h.overdue.then(|| view! { <span class="badge overdue" data-testid="care-overdue">{move || tx(i18n, "overdue")}</span> })}
                                    </td>
                                    <td>{h.due.clone()}</td>
                                    <td class="no-print">
                                        {(!closed).then(|| view! { <HazardActions id=h.id.clone() reload=reload /> })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Show>

        <h3>{move || tx(i18n, "referrals")}</h3>
        <Show when=move || !no_referrals fallback=move || view! { <p>{move || tx(i18n, "none")}</p> }>
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || tx(i18n, "referrals")>
                <table class="data-table" data-testid="care-referrals">
                    <thead><tr>
                        <th>{move || tx(i18n, "elder")}</th>
                        <th>{move || tx(i18n, "category")}</th>
                        <th>{move || tx(i18n, "state")}</th>
                        <th>{move || tx(i18n, "deadline")}</th>
                        <th class="no-print">{move || tx(i18n, "action")}</th>
                    </tr></thead>
                    <tbody>
                        {referrals.iter().map(|r| view! {
                            <tr data-testid="care-referral" data-id=r.id.clone() data-state=r.state.clone()
                                data-overdue=r.overdue.to_string() class:overdue=r.overdue>
                                <td>{elder_link(&r.elder_id, &r.elder_name)}</td>
                                <td>{if r.text.is_empty() { r.category_label.clone() } else { format!("{}：{}", r.category_label, r.text) }}</td>
                                <td>
                                    <span class="badge pending">{r.state_label.clone()}</span>
                                    {r.overdue.then(|| view! { <span class="badge overdue">{move || tx(i18n, "overdue")}</span> })}
                                </td>
                                <td>{r.deadline.clone()}</td>
                                <td class="no-print">
                                    <ReferralActions id=r.id.clone() state=r.state.clone() providers=providers.clone() reload=reload />
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </Show>

        <h3>{move || tx(i18n, "emergencies")}</h3>
        <Show when=move || !no_emergencies fallback=move || view! { <p>{move || tx(i18n, "none")}</p> }>
            <ul class="care-list" data-testid="care-emergencies">
                {data.emergencies.iter().map(|e| {
                    let open = e.state == "open";
                    let calls = e.calls.len();
                    let record = e.record.as_ref().map(|r| format!("{}；{}", r.what_happened, r.actions_taken));
                    view! {
                        <li data-testid="care-emergency" data-id=e.id.clone() data-state=e.state.clone() class:overdue=open>
                            {elder_link(&e.elder_id, &e.elder_name)}" · "
                            <span class=if open { "badge overdue" } else { "badge done" }>{move || tx(i18n, if open { "open" } else { "closed" })}</span>
                            " · "{move || tx(i18n, "calls")}" "{calls}
                            {record.map(|text| view! { <p class="muted">{text}</p> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>

        <h3>{move || tx(i18n, "duty")}</h3>
        <Show when=move || !no_duty fallback=move || view! { <p>{move || tx(i18n, "none")}</p> }>
            <ul class="care-list" data-testid="care-duty">
                {data.family_duty.iter().map(|d| {
                    let count = d.reminders.len();
                    view! {
                        <li data-testid="care-duty-item" data-state=d.state.clone()>
                            {elder_link(&d.elder_id, &d.elder_name)}" · "{move || tx(i18n, "reminders")}" "{count}
                            <DutyActions id=d.id.clone() reload=reload />
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>

        <h3>{move || tx(i18n, "alerts")}</h3>
        <Show when=move || !no_alerts fallback=move || view! { <p>{move || tx(i18n, "none")}</p> }>
            <ul class="care-list" data-testid="care-alerts">
                {data.alerts.iter().map(|a| view! {
                    <li data-testid="care-alert" class:overdue=a.urgent>
                        {elder_link(&a.elder_id, &a.elder_name)}" · "{a.label.clone()}
                        {a.urgent.then(|| view! { <span class="badge overdue">{move || tx(i18n, "urgent")}</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </Show>
    }
}

#[component]
fn HazardActions(id: String, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let run = move |close: bool, id: String| {
        error.set(None);
        let text = note.get_untracked();
        spawn_local(async move {
            let result = if close {
                care_api::close_hazard(&id, &text).await
            } else {
                care_api::remind_hazard(&id, "supporter", &text).await
            };
            match result {
                Ok(()) => reload.update(|n| *n += 1),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let (close_id, remind_id) = (id.clone(), id);
    view! {
        <div class="inline-form">
            <input type="text" data-testid="care-hazard-note" aria-label=move || tx(i18n, "note")
                placeholder=move || tx(i18n, "note")
                prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e)) />
            <button type="button" data-testid="care-hazard-remind" on:click=move |_| run(false, remind_id.clone())>
                {move || tx(i18n, "remind")}
            </button>
            <button type="button" data-testid="care-hazard-close" on:click=move |_| run(true, close_id.clone())>
                {move || tx(i18n, "close")}
            </button>
            <ConsoleErrorLine error=error />
        </div>
    }
}

#[component]
fn ReferralActions(
    id: String,
    state: String,
    providers: Vec<Provider>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let provider = RwSignal::new(providers.first().map(|p| p.id.clone()).unwrap_or_default());
    let deadline = RwSignal::new((crate::clock::today() + chrono::Duration::days(14)).to_string());
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let run = move |action: &'static str, id: String| {
        error.set(None);
        let body = match action {
            "refer" => {
                json!({ "provider_id": provider.get_untracked(), "deadline": deadline.get_untracked() })
            }
            "complete" => json!({ "note": note.get_untracked() }),
            "decline" => json!({ "reason": note.get_untracked() }),
            _ => json!({}),
        };
        spawn_local(async move {
            match care_api::referral_action(&id, action, &body).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let actions: &'static [&'static str] = match state.as_str() {
        "open" => &["refer", "decline"],
        "referred" => &["accept", "decline"],
        "accepted" => &["complete", "decline"],
        _ => &[],
    };
    let open = state == "open";
    let needs_note = actions.contains(&"complete") || actions.contains(&"decline");
    view! {
        <div class="inline-form">
            <Show when=move || open>
                <select data-testid="care-referral-provider" aria-label=move || tx(i18n, "provider")
                    prop:value=move || provider.get() on:change=move |e| provider.set(event_target_value(&e))>
                    {providers.iter().map(|p| view! { <option value=p.id.clone()>{format!("{}（{}）", p.name, p.kind_label)}</option> }).collect_view()}
                </select>
                <input type="date" data-testid="care-referral-deadline" aria-label=move || tx(i18n, "deadline")
                    prop:value=move || deadline.get() on:input=move |e| deadline.set(event_target_value(&e)) />
            </Show>
            <Show when=move || needs_note>
                <input type="text" data-testid="care-referral-note" aria-label=move || tx(i18n, "note")
                    placeholder=move || tx(i18n, "note")
                    prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e)) />
            </Show>
            {actions.iter().map(|action| {
                let action: &'static str = action;
                let id = id.clone();
                view! {
                    <button type="button" data-testid=format!("care-referral-{action}") on:click=move |_| run(action, id.clone())>
                        {move || tx(i18n, action)}
                    </button>
                }
            }).collect_view()}
            <ConsoleErrorLine error=error />
        </div>
    }
}

#[component]
fn DutyActions(id: String, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let run = move |action: &'static str, id: String| {
        error.set(None);
        let body = json!({ "method": "phone", "note": note.get_untracked() });
        spawn_local(async move {
            match care_api::family_duty_action(&id, action, &body).await {
                Ok(()) => reload.update(|n| *n += 1),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let resolve_id = id.clone();
    view! {
        <div class="inline-form">
            <input type="text" data-testid="care-duty-note" aria-label=move || tx(i18n, "note")
                placeholder=move || tx(i18n, "note")
                prop:value=move || note.get() on:input=move |e| note.set(event_target_value(&e)) />
            <button type="button" data-testid="care-duty-remind" on:click=move |_| run("remind", id.clone())>
                {move || tx(i18n, "remind_duty")}
            </button>
            <button type="button" data-testid="care-duty-resolve" on:click=move |_| run("resolve", resolve_id.clone())>
                {move || tx(i18n, "resolve")}
            </button>
            <ConsoleErrorLine error=error />
        </div>
    }
}

const PROVIDER_KINDS: &[(&str, &str)] = &[
    ("elderly_care", "养老服务机构"),
    ("social_work", "社会工作服务站"),
    ("family_doctor", "家庭医生"),
    ("property", "物业服务企业"),
    ("utility", "水电燃气公司"),
    ("government", "政府部门"),
    ("other", "其他"),
];

#[component]
fn ProviderDirectory(
    providers: Vec<Provider>,
    regions: Vec<RegionNode>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = RwSignal::new(String::new());
    let kind = RwSignal::new(PROVIDER_KINDS[0].0.to_string());
    let phone = RwSignal::new(String::new());
    let region = RwSignal::new(regions.first().map(|r| r.code.clone()).unwrap_or_default());
    let error = RwSignal::new(None::<ConsoleError>);
    let add = move |_| {
        error.set(None);
        let (n, k, r, p) = (
            name.get_untracked(),
            kind.get_untracked(),
            region.get_untracked(),
            phone.get_untracked(),
        );
        spawn_local(async move {
            match care_api::create_provider(&n, &k, &r, &p).await {
                Ok(()) => reload.update(|count| *count += 1),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <h3>{move || tx(i18n, "providers")}</h3>
        <ul class="care-list" data-testid="care-providers">
            {providers.iter().map(|p| view! {
                <li data-testid="care-provider">{format!("{}（{}）{}", p.name, p.kind_label, p.phone)}</li>
            }).collect_view()}
        </ul>
        <div class="inline-form no-print" data-testid="care-provider-form">
            <input type="text" data-testid="care-provider-name" aria-label=move || tx(i18n, "name")
                placeholder=move || tx(i18n, "name")
                prop:value=move || name.get() on:input=move |e| name.set(event_target_value(&e)) />
            <select data-testid="care-provider-kind" aria-label=move || tx(i18n, "kind")
                on:change=move |e| kind.set(event_target_value(&e))>
                {PROVIDER_KINDS.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
            </select>
            <select data-testid="care-provider-region" aria-label=move || tx(i18n, "region")
                prop:value=move || region.get() on:change=move |e| region.set(event_target_value(&e))>
                {region_options(&regions)}
            </select>
            <input type="tel" data-testid="care-provider-phone" aria-label=move || tx(i18n, "phone")
                placeholder=move || tx(i18n, "phone")
                prop:value=move || phone.get() on:input=move |e| phone.set(event_target_value(&e)) />
            <button type="button" data-testid="care-provider-add" on:click=add>{move || tx(i18n, "add")}</button>
            <ConsoleErrorLine error=error />
        </div>
    }
}
