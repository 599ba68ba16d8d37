//! Today: my assigned elders, most urgent first, with search by name or pinyin initials.

use crate::clock;
use crate::error::AppResult;
use crate::i18n::use_i18n;
use crate::store::Store;
use crate::sync::use_sync;
use crate::today::{search, today_rows, TodayRow};
use leptos::prelude::*;
use leptos_router::components::A;

async fn load_rows() -> AppResult<Vec<TodayRow>> {
    let store = Store::default();
    let elders = store.elders().await?;
    let visits = store.visits().await?;
    let surges = store.surges().await?;
    Ok(today_rows(elders, &visits, &surges, clock::today()))
}

#[component]
pub fn TodayPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let query = RwSignal::new(String::new());
    let rows = LocalResource::new(move || {
        sync.revision.track();
        load_rows()
    });
    let is_coordinator = move || {
        sync.session
            .with(|session| session.as_ref().is_some_and(|s| s.is_coordinator()))
    };

    view! {
        <section class="today" data-testid="today-page">
            <Show when=is_coordinator>
                <a class="console-link" href="/coord" data-testid="console-link">
                    {i18n.tr("home.coordinator")}
                </a>
            </Show>
            // Device alerts and emergencies for my elders (online only, issue 9).
            <crate::components::care_notices::CareNotices />
            <h2>{i18n.tr("today.title")}</h2>
            <input
                class="search"
                type="search"
                data-testid="today-search"
                placeholder=move || i18n.t("today.search")
                aria-label=move || i18n.t("today.search")
                prop:value=move || query.get()
                on:input=move |event| query.set(event_target_value(&event))
            />
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("app.loading")}</p> }>
                {move || {
                    rows.get()
                        .map(|result| {
                            result.map(|rows| {
                                view! { <TodayList rows=rows query=query /> }
                            })
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn TodayList(rows: Vec<TodayRow>, query: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = rows.is_empty();
    let filtered = move || search(&rows, &query.get());
    view! {
        <Show
            when=move || !empty
            fallback=move || view! { <p class="empty" data-testid="today-empty">{i18n.tr("today.empty")}</p> }
        >
            {
                let filtered = filtered.clone();
                move || {
                    let rows = filtered();
                    if rows.is_empty() {
                        view! { <p class="empty" data-testid="today-no-match">{i18n.t("today.no_match")}</p> }
                            .into_any()
                    } else {
                        view! {
                            <ul class="elder-list" data-testid="today-list">
                                {rows.into_iter().map(|row| view! { <TodayItem row=row /> }).collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                }
            }
        </Show>
    }
}

#[component]
fn TodayItem(row: TodayRow) -> impl IntoView {
    let i18n = use_i18n();
    let href = format!("/elder/{}", row.elder.id);
    let status = row.status;
    let tier = row.elder.tier.clone().unwrap_or_default();
    let home = row.required_mode == "home";
    let last_visit = row.last_visit.clone();
    let due_by = row.due_by.map(tanfang_domain::date::month_day);
    let surges = row.surges.clone();
    let has_surge = !surges.is_empty();
    let age = row.elder.age;
    let escalation = row.escalation;
    view! {
        <li
            class=format!("elder-item {}", status.css())
            data-testid="today-item"
            data-elder-id=row.elder.id.clone()
            data-status=status.css()
            data-escalation=escalation.map(|e| e.css())
        >
            <A href=href>
                <div class="elder-item-main">
                    {escalation.map(|mark| view! {
                        <span class=format!("badge escalation {}", mark.css()) data-testid=format!("today-item-{}", mark.css())>
                            {move || i18n.t(mark.key())}
                        </span>
                    })}
                    <span class="elder-name" data-testid="today-item-name">{row.elder.name.clone()}</span>
                    {age.map(|age| view! { <span class="elder-age">{move || format!("{age}{}", i18n.t("elder.age"))}</span> })}
                    <span class=format!("badge status {}", status.css())>{move || i18n.t(status.key())}</span>
                </div>
                <div class="elder-item-meta">
                    <Show when=move || !tier.is_empty()>
                        <span class="badge tier">{
                            let tier = row.elder.tier.clone().unwrap_or_default();
                            // The tier's name in the policy profile (失能, A类…), not its id.
                            move || crate::components::coord_text::tier_name(i18n.lang.get(), &tier)
                        }</span>
                    </Show>
                    <span class="badge mode" class:home=home data-testid="today-item-mode">
                        {move || if home { i18n.t("mode.home") } else { i18n.t("mode.any") }}
                    </span>
                    <Show when=move || has_surge>
                        <span class="badge surge" data-testid="today-item-surge">{
                            let surges = surges.clone();
                            move || format!("{}: {}", i18n.t("today.surge"), surges.join("、"))
                        }</span>
                    </Show>
                </div>
                <div class="elder-item-dates">
                    {
                        let last_visit = last_visit.clone();
                        move || match &last_visit {
                            Some(date) => format!("{} {date}", i18n.t("today.last_visit")),
                            None => i18n.t("today.never_visited").to_string(),
                        }
                    }
                    {
                        let due_by = due_by.clone();
                        move || due_by.clone().map(|date| format!(" · {} {date}", i18n.t("today.due_by")))
                    }
                </div>
            </A>
        </li>
    }
}
