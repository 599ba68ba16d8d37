//! 风险名单 (at risk): the requirements the escalation ladder (issue 15) has moved — reminded,
//! handed to the backup visitor, passed to community staff — and the missed ones of the last
//! months, grouped by community, by visitor or by step, from the server's daily ladder pass
//! (`GET /api/escalations`). A missed requirement's reason (住院, 外出, 拒绝入户, 去世, 其他) is
//! entered here; the server checks it with `domain::missed::MissedReason`.

use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::components::coord_text::{ct, requirement_text};
use crate::console_api::{self, AtRisk, AtRiskList, ConsoleError, MissedReasonInput};
use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;
use std::collections::BTreeMap;
use tanfang_domain::escalation::Step;
use tanfang_domain::missed::MissedReason;

/// The ladder's steps in order (the server's codes).
pub const STEPS: [&str; 4] = ["reminded", "handed_to_backup", "community_staff", "missed"];

/// A step's name (the domain's labels).
pub fn step_label(lang: Lang, step: &str) -> String {
    match serde_json::from_value::<Step>(serde_json::Value::String(step.to_string())) {
        Ok(step) => match lang {
            Lang::Zh => step.label_zh().to_string(),
            Lang::En => step.label_en().to_string(),
        },
        Err(_) => step.to_string(),
    }
}

/// `visit.home.1/month@surge-1` → the requirement in words.
fn requirement_label(lang: Lang, key: &str) -> String {
    let (base, surge) = match key.split_once('@') {
        Some((base, surge)) => (base, Some(surge)),
        None => (key, None),
    };
    let mut parts = base.splitn(3, '.');
    let kind = parts.next().unwrap_or_default();
    let mode = parts.next().unwrap_or_default();
    let (count, per) = parts
        .next()
        .and_then(|rest| rest.split_once('/'))
        .unwrap_or(("1", ""));
    let text = requirement_text(lang, kind, mode, count.parse().unwrap_or(1), per);
    match surge {
        Some(_) => format!(
            "{text} · {}",
            if lang == Lang::Zh { "加密" } else { "surge" }
        ),
        None => text,
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum GroupBy {
    Community,
    Visitor,
    Step,
}

impl GroupBy {
    fn parse(text: &str) -> GroupBy {
        match text {
            "visitor" => GroupBy::Visitor,
            "step" => GroupBy::Step,
            _ => GroupBy::Community,
        }
    }
}

/// Items in groups, in the order of the group key (steps in ladder order).
fn grouped(list: &AtRiskList, by: GroupBy, lang: Lang) -> Vec<(String, Vec<AtRisk>)> {
    let mut groups: BTreeMap<(usize, String), Vec<AtRisk>> = BTreeMap::new();
    for item in &list.items {
        let key = match by {
            GroupBy::Community => (
                0,
                item.community
                    .clone()
                    .unwrap_or_else(|| item.community_code.clone()),
            ),
            GroupBy::Visitor => (
                usize::from(item.responsible_name.is_none()),
                item.responsible_name
                    .clone()
                    .unwrap_or_else(|| ct_static(lang, "risk.unassigned").to_string()),
            ),
            GroupBy::Step => (
                STEPS.iter().position(|s| *s == item.step).unwrap_or(9),
                step_label(lang, &item.step),
            ),
        };
        groups.entry(key).or_default().push(item.clone());
    }
    groups
        .into_iter()
        .map(|((_, name), items)| (name, items))
        .collect()
}

fn ct_static(lang: Lang, key: &'static str) -> &'static str {
    crate::components::coord_text::console_text(lang, key)
}

#[component]
pub fn CoordRiskPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let step = RwSignal::new(query.with_untracked(|q| q.get("step").unwrap_or_default()));
    let group_by = RwSignal::new(GroupBy::Community);
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        let step = step.get();
        async move { console_api::escalations("", &step).await }
    });
    view! {
        <section class="console-page risk" data-testid="coord-risk">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "risk.title")) testid="risk-title" />
            <p class="hint">{move || ct(i18n, "risk.hint")}</p>
            <div class="filters no-print">
                <label class="field">
                    <span>{move || ct(i18n, "risk.group_by")}</span>
                    <select data-testid="risk-group-by" on:change=move |e| group_by.set(GroupBy::parse(&event_target_value(&e)))>
                        <option value="community">{move || ct(i18n, "risk.by_community")}</option>
                        <option value="visitor">{move || ct(i18n, "risk.by_visitor")}</option>
                        <option value="step">{move || ct(i18n, "risk.by_step")}</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "risk.step")}</span>
                    <select data-testid="risk-step" prop:value=move || step.get() on:change=move |e| step.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "risk.all_steps")}</option>
                        {STEPS.iter().map(|s| {
                            let s: &'static str = s;
                            view! { <option value=s>{move || step_label(i18n.lang.get(), s)}</option> }
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let list = data.await?;
                    Ok::<_, ConsoleError>(view! { <RiskList list=list group_by=group_by reload=reload /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RiskList(list: AtRiskList, group_by: RwSignal<GroupBy>, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let counts = list.counts.clone();
    let empty = list.items.is_empty();
    view! {
        <div class="kpis" data-testid="risk-counts">
            {STEPS.iter().map(|s| {
                let s: &'static str = s;
                let n = counts.get(s).copied().unwrap_or(0);
                view! {
                    <div class=format!("kpi step {s}") data-testid=format!("risk-count-{s}")>
                        <span class="kpi-label">{move || step_label(i18n.lang.get(), s)}</span>
                        <span class="kpi-value">{n}</span>
                    </div>
                }
            }).collect_view()}
        </div>
        <p class="hint">{move || ct(i18n, "risk.as_of")}" "{list.today.clone()}</p>
        <Show when=move || !empty fallback=move || view! { <p class="empty" data-testid="risk-empty">{move || ct(i18n, "risk.empty")}</p> }>
            {
                let list = list.clone();
                move || {
                    let lang = i18n.lang.get();
                    grouped(&list, group_by.get(), lang)
                        .into_iter()
                        .map(|(name, items)| {
                            let count = items.len();
                            view! {
                                <section class="risk-group" data-testid="risk-group" data-group=name.clone()>
                                    <h3>{name.clone()}" ("{count}")"</h3>
                                    <ul class="risk-list">
                                        {items.into_iter().map(|item| view! { <RiskRow item=item reload=reload /> }).collect_view()}
                                    </ul>
                                </section>
                            }
                        })
                        .collect_view()
                }
            }
        </Show>
    }
}

#[component]
fn RiskRow(item: AtRisk, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let missed = item.step == "missed";
    let step = item.step.clone();
    let requirement = item.requirement.clone();
    let reason = item.reason.as_deref().and_then(MissedReason::parse);
    let reason_text = item.reason_text.clone();
    let visitors = format!(
        "{}{}",
        item.responsible_name.clone().unwrap_or_else(|| "—".into()),
        item.backup_name
            .as_ref()
            .map(|b| format!(" / {b}"))
            .unwrap_or_default()
    );
    let substitute = item.substitute.clone();
    let non_qualifying = item.non_qualifying_visits;
    view! {
        <li class="risk-card" data-testid="risk-row" data-elder-id=item.elder_id.clone() data-step=item.step.clone()>
            <div class="risk-head">
                <a href=format!("/coord/elders/{}", item.elder_id)><strong>{item.elder_name.clone()}</strong></a>
                " "{item.community.clone().unwrap_or_default()}
                " "<span class=format!("badge step {}", item.step)>{move || step_label(i18n.lang.get(), &step)}</span>
                " "{item.reached_on.clone()}
            </div>
            <div class="risk-meta">
                {move || requirement_label(i18n.lang.get(), &requirement)}
                {(non_qualifying > 0).then(|| view! {
                    <span class="hint" data-testid="risk-non-qualifying">{move || format!(" · {} {non_qualifying}", ct(i18n, "risk.non_qualifying"))}</span>
                })}
                " · "<span data-period-start=item.period_start.clone()>{format!("{} ~ {}", item.period_start, item.period_end)}</span>
                " · "{move || ct(i18n, "risk.visitors")}" "{visitors.clone()}
                {substitute.map(|mode| view! { <span class="hint">{format!(" · {} {mode}", ct_static(Lang::Zh, "risk.substitute"))}</span> })}
            </div>
            <div class="risk-reason" data-testid="risk-reason">
                {match (missed, reason) {
                    (true, None) => view! { <ReasonForm item=item.clone() reload=reload /> }.into_any(),
                    (true, Some(reason)) => {
                        let by = item.reason_by_name.clone().unwrap_or_default();
                        view! {
                            <span data-testid="risk-reason-saved" data-reason=reason.as_str()>
                                {move || ct(i18n, "risk.reason")}": "
                                {move || if i18n.lang.get() == Lang::Zh { reason.describe_zh(&reason_text) } else {
                                    format!("{}{}", reason.label_en(), if reason_text.is_empty() { String::new() } else { format!(" ({reason_text})") })
                                }}
                                <span class="hint">{format!(" · {by}")}</span>
                            </span>
                        }.into_any()
                    }
                    (false, _) => ().into_any(),
                }}
            </div>
        </li>
    }
}

#[component]
fn ReasonForm(item: AtRisk, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    let save = move |_| {
        let input = MissedReasonInput {
            elder_id: item.elder_id.clone(),
            requirement: item.requirement.clone(),
            period_start: item.period_start.clone(),
            reason: reason.get_untracked(),
            reason_text: text.get_untracked(),
        };
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            match console_api::record_missed_reason(&input).await {
                Ok(_) => reload.update(|n| *n += 1),
                Err(failure) => error.set(Some(failure)),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="reason-form no-print" data-testid="risk-reason-form">
            <select data-testid="risk-reason-select" aria-label=move || ct(i18n, "risk.reason")
                on:change=move |e| reason.set(event_target_value(&e))>
                <option value="">{move || ct(i18n, "risk.choose_reason")}</option>
                {MissedReason::ALL.into_iter().map(|r| view! {
                    <option value=r.as_str()>{move || if i18n.lang.get() == Lang::Zh { r.label_zh() } else { r.label_en() }}</option>
                }).collect_view()}
            </select>
            <input type="text" data-testid="risk-reason-text" aria-label=move || ct(i18n, "risk.reason_text")
                placeholder=move || ct(i18n, "risk.reason_text")
                prop:value=move || text.get() on:input=move |e| text.set(event_target_value(&e)) />
            <button type="button" class="small-button" data-testid="risk-reason-save" disabled=move || busy.get() on:click=save>
                {move || ct(i18n, "risk.save")}
            </button>
            <ConsoleErrorLine error=error testid="risk-reason-error" />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_keys_read_as_words() {
        assert_eq!(
            requirement_label(Lang::Zh, "visit.home.1/month"),
            requirement_text(Lang::Zh, "visit", "home", 1, "month")
        );
        assert!(requirement_label(Lang::Zh, "visit.any.2/week@s1").ends_with("加密"));
    }
}
