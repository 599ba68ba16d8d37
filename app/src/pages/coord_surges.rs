//! 加密探访 (surges): declare an extra visit requirement for an area and a date range
//! (寒潮, 春节, 高温…), optionally limited to tiers and categories, and list the current and
//! upcoming ones. The server checks the area is inside the coordinator's region.

use crate::clock;
use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::components::coord_text::{
    all_tier_ids, category_label, category_label_str, ct, requirement_text, tier_name,
};
use crate::console_api::{self, ConsoleError, NewSurge, RegionNode, Surge, SurgeRequirement};
use crate::i18n::use_i18n;
use crate::pages::coord_registry::region_options;
use leptos::prelude::*;
use leptos::task::spawn_local;
use tanfang_domain::elder::Category;

const REASONS: [&str; 6] = [
    "surge.reason.cold",
    "surge.reason.festival",
    "surge.reason.heat",
    "surge.reason.flood",
    "surge.reason.epidemic",
    "surge.reason.other",
];

#[derive(Clone, Debug, PartialEq)]
struct SurgeData {
    surges: Vec<Surge>,
    regions: Vec<RegionNode>,
}

#[component]
pub fn CoordSurgesPage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    let created = RwSignal::new(None::<String>);
    let data = LocalResource::new(move || {
        reload.track();
        async move {
            Ok::<_, ConsoleError>(SurgeData {
                surges: console_api::surges().await?,
                regions: console_api::regions().await?,
            })
        }
    });
    view! {
        <section class="console-page surges" data-testid="coord-surges">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "surge.title")) testid="surge-title" />
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await?;
                    Ok::<_, ConsoleError>(view! {
                        <SurgeForm regions=data.regions.clone() reload=reload created=created />
                        <SurgeList surges=data.surges regions=data.regions />
                    })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn SurgeForm(
    regions: Vec<RegionNode>,
    reload: RwSignal<u32>,
    created: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let today = clock::today();
    let region = RwSignal::new(regions.first().map(|r| r.code.clone()).unwrap_or_default());
    let reason = RwSignal::new(REASONS[0].to_string());
    let reason_text = RwSignal::new(String::new());
    let start = RwSignal::new(today.to_string());
    let end = RwSignal::new((today + chrono::Duration::days(14)).to_string());
    let tiers = RwSignal::new(Vec::<String>::new());
    let categories = RwSignal::new(Vec::<String>::new());
    let mode = RwSignal::new("any".to_string());
    let count = RwSignal::new("1".to_string());
    let per = RwSignal::new("week".to_string());
    let error = RwSignal::new(None::<ConsoleError>);
    let submit = move |_| {
        let reason_key = reason.get_untracked();
        let extra = reason_text.get_untracked().trim().to_string();
        let base = if reason_key == "surge.reason.other" {
            String::new()
        } else {
            console_text_zh(&reason_key)
        };
        let title = match (base.is_empty(), extra.is_empty()) {
            (true, _) => extra,
            (false, true) => base,
            (false, false) => format!("{base}：{extra}"),
        };
        let Ok(count) = count.get_untracked().trim().parse::<u32>() else {
            error.set(Some(ConsoleError::Field {
                code: "invalid_field".into(),
                field: "count".into(),
                message: "次数须为正整数 (count must be a whole number)".into(),
            }));
            return;
        };
        let surge = NewSurge {
            region_code: region.get_untracked(),
            title,
            start_date: start.get_untracked(),
            end_date: end.get_untracked(),
            tiers: tiers.get_untracked(),
            categories: categories.get_untracked(),
            requirement: SurgeRequirement {
                kind: "visit".into(),
                mode: mode.get_untracked(),
                count,
                per: per.get_untracked(),
            },
        };
        error.set(None);
        created.set(None);
        spawn_local(async move {
            match console_api::create_surge(&surge).await {
                Ok(answer) => {
                    created.set(Some(answer.id));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    let toggle = |list: RwSignal<Vec<String>>, value: String, on: bool| {
        list.update(|items| {
            items.retain(|v| *v != value);
            if on {
                items.push(value);
            }
        })
    };
    view! {
        <section class="surge-form no-print" data-testid="surge-form">
            <h3>{move || ct(i18n, "surge.new")}</h3>
            <div class="grid">
                <label class="field">
                    <span>{move || ct(i18n, "surge.region")}</span>
                    <select data-testid="surge-region" prop:value=move || region.get() on:change=move |e| region.set(event_target_value(&e))>
                        {region_options(&regions)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.reason")}</span>
                    <select data-testid="surge-reason" on:change=move |e| reason.set(event_target_value(&e))>
                        {REASONS.iter().map(|key| { let key: &'static str = key; view! { <option value=key>{move || ct(i18n, key)}</option> } }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.reason_text")}</span>
                    <input type="text" data-testid="surge-reason-text" prop:value=move || reason_text.get() on:input=move |e| reason_text.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.start")}</span>
                    <input type="date" data-testid="surge-start" prop:value=move || start.get() on:input=move |e| start.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.end")}</span>
                    <input type="date" data-testid="surge-end" prop:value=move || end.get() on:input=move |e| end.set(event_target_value(&e)) />
                </label>
            </div>
            <div class="field">
                <span>{move || ct(i18n, "surge.tiers")}</span>
                <div class="checks">
                    {all_tier_ids().into_iter().map(|id| {
                        let label = id.clone();
                        let value = id.clone();
                        view! {
                            <label class="check">
                                <input type="checkbox" data-testid=format!("surge-tier-{id}")
                                    on:change=move |e| toggle(tiers, value.clone(), event_target_checked(&e)) />
                                {move || tier_name(i18n.lang.get(), &label)}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </div>
            <div class="field">
                <span>{move || ct(i18n, "surge.categories")}</span>
                <div class="checks">
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        view! {
                            <label class="check">
                                <input type="checkbox" data-testid=format!("surge-category-{}", c.as_str())
                                    on:change=move |e| toggle(categories, c.as_str().to_string(), event_target_checked(&e)) />
                                {move || category_label(i18n.lang.get(), c)}
                            </label>
                        }
                    }).collect_view()}
                </div>
            </div>
            <div class="grid">
                <label class="field">
                    <span>{move || ct(i18n, "surge.per")}</span>
                    <select data-testid="surge-per" on:change=move |e| per.set(event_target_value(&e))>
                        <option value="week">{move || ct(i18n, "surge.per.week")}</option>
                        <option value="month">{move || ct(i18n, "surge.per.month")}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.count")}</span>
                    <input type="number" min="1" data-testid="surge-count" prop:value=move || count.get() on:input=move |e| count.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "surge.mode")}</span>
                    <select data-testid="surge-mode" on:change=move |e| mode.set(event_target_value(&e))>
                        <option value="any">{move || ct(i18n, "surge.mode.any")}</option>
                        <option value="home">{move || ct(i18n, "surge.mode.home")}</option>
                    </select>
                </label>
            </div>
            <ConsoleErrorLine error=error testid="surge-error" />
            <Show when=move || created.with(Option::is_some)>
                <p class="ok-line" role="status" data-testid="surge-created">{move || ct(i18n, "surge.created")}</p>
            </Show>
            <button type="button" class="big-button primary" data-testid="surge-submit" on:click=submit>{move || ct(i18n, "surge.submit")}</button>
        </section>
    }
}

fn console_text_zh(key: &str) -> String {
    REASONS
        .iter()
        .find(|k| **k == key)
        .map(|k| crate::components::coord_text::console_text(crate::i18n::Lang::Zh, k).to_string())
        .unwrap_or_default()
}

#[component]
fn SurgeList(surges: Vec<Surge>, regions: Vec<RegionNode>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let all = console_api::flatten_regions(&regions);
    let region_name = move |code: &str| {
        all.iter()
            .find(|(_, n)| n.code == code)
            .map(|(_, n)| n.name.clone())
            .unwrap_or_else(|| code.to_string())
    };
    let empty = surges.is_empty();
    let rows = surges
        .into_iter()
        .map(|s| {
            let requirement = s
                .requirement
                .as_ref()
                .map(|r| requirement_text(lang, &r.kind, &r.mode, r.count, &r.per))
                .unwrap_or_default();
            let tiers = if s.tiers.is_empty() {
                ct(i18n, "surge.all").to_string()
            } else {
                s.tiers
                    .iter()
                    .map(|t| tier_name(lang, t))
                    .collect::<Vec<_>>()
                    .join("、")
            };
            let categories = if s.categories.is_empty() {
                ct(i18n, "surge.all").to_string()
            } else {
                s.categories
                    .iter()
                    .map(|c| category_label_str(lang, c))
                    .collect::<Vec<_>>()
                    .join("、")
            };
            view! {
                <tr data-testid="surge-row" data-id=s.id.clone()>
                    <td>{s.title.clone()}</td>
                    <td>{region_name(&s.region_code)}</td>
                    <td>{format!("{} — {}", s.start_date, s.end_date)}</td>
                    <td>{tiers}</td>
                    <td>{categories}</td>
                    <td>{requirement}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{move || ct(i18n, "surge.active")}</h3>
        {if empty {
            view! { <p class="empty" data-testid="surge-empty">{move || ct(i18n, "surge.none")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0" role="region" aria-label=move || ct(i18n, "surge.title")>
                    <table class="data-table" data-testid="surge-table">
                        <thead>
                            <tr>
                                <th>{move || ct(i18n, "surge.reason")}</th>
                                <th>{move || ct(i18n, "surge.region")}</th>
                                <th>{move || ct(i18n, "surge.start")}" — "{move || ct(i18n, "surge.end")}</th>
                                <th>{move || ct(i18n, "surge.tiers")}</th>
                                <th>{move || ct(i18n, "surge.categories")}</th>
                                <th>{move || ct(i18n, "surge.requirement")}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
