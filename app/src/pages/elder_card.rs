//! Elder card: only what a visit needs (privacy): name, age, address, tap-to-call phone,
//! emergency contacts in order, open hazards and needs, recent visits.

use crate::error::{AppError, AppResult};
use crate::i18n::use_i18n;
use crate::model::{StoredElder, StoredVisit};
use crate::store::Store;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

#[derive(Clone, Debug, PartialEq)]
struct CardData {
    elder: StoredElder,
    visits: Vec<(String, String, bool)>,
}

async fn load_card(id: String) -> AppResult<CardData> {
    let store = Store::default();
    let elder = store
        .elder(&id)
        .await?
        .ok_or_else(|| AppError::NotFound(id.clone()))?;
    let local: Vec<StoredVisit> = store.visits_of_elder(&id).await?;
    let mut visits: Vec<(String, String, bool)> = local
        .iter()
        .map(|visit| (visit.date.clone(), visit.mode.clone(), visit.synced))
        .collect();
    for summary in &elder.view.last_visits {
        if !local.iter().any(|visit| visit.id == summary.id) {
            visits.push((summary.date.clone(), summary.mode.clone(), true));
        }
    }
    // Visits still waiting to be sent come first (the volunteer must see the one just saved,
    // even on a day with many visits), then the latest by date.
    visits.sort_by(|a, b| a.2.cmp(&b.2).then_with(|| b.0.cmp(&a.0)));
    visits.truncate(5);
    Ok(CardData { elder, visits })
}

pub fn mode_key(mode: &str) -> &'static str {
    match mode {
        "home" => "visit.mode.home",
        "phone" => "visit.mode.phone",
        "video" => "visit.mode.video",
        "encounter" => "visit.mode.encounter",
        _ => "visit.mode.other",
    }
}

#[component]
pub fn ElderCardPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let params = use_params_map();
    let id = move || params.with(|params| params.get("id").unwrap_or_default());
    let card = LocalResource::new(move || {
        sync.revision.track();
        load_card(id())
    });
    view! {
        <section class="elder-card" data-testid="elder-card">
            <A href="/" attr:class="back-link">{move || format!("‹ {}", i18n.t("nav.back"))}</A>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("app.loading")}</p> }>
                {move || {
                    card.get()
                        .map(|result| match result {
                            Err(AppError::NotFound(_)) => {
                                view! { <p class="empty" data-testid="elder-not-found">{i18n.t("elder.not_found")}</p> }
                                    .into_any()
                            }
                            other => other.map(|data| view! { <Card data=data /> }).into_any(),
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Card(data: CardData) -> impl IntoView {
    let i18n = use_i18n();
    let elder = data.elder.view.clone();
    let visit_href = format!("/elder/{}/visit", elder.id);
    let emergency_href = format!("/elder/{}/emergency", elder.id);
    let phone = elder.phone.clone();
    let has_phone = !phone.is_empty();
    let age = elder.age;
    let hazards: Vec<String> = elder
        .open_hazards
        .iter()
        .chain(elder.open_needs.iter())
        .cloned()
        .collect();
    let no_hazards = hazards.is_empty();
    let contacts = elder.emergency_contacts.clone();
    let no_contacts = contacts.is_empty();
    let visits = data.visits.clone();
    let no_visits = visits.is_empty();
    view! {
        <h2 data-testid="elder-name">
            {elder.name.clone()}
            {age.map(|age| view! { <small class="elder-age" data-testid="elder-age">{move || format!(" {age}{}", i18n.t("elder.age"))}</small> })}
        </h2>
        <dl class="facts">
            <dt>{i18n.tr("elder.address")}</dt>
            <dd data-testid="elder-address">{format!("{} {}", elder.community, elder.address)}</dd>
            <dt>{i18n.tr("elder.phone")}</dt>
            <dd>
                <Show when=move || has_phone fallback=move || view! { <span>{i18n.tr("elder.none")}</span> }>
                    <a class="call-button" href=format!("tel:{phone}") data-testid="elder-call">
                        {format!("📞 {}", phone)}
                    </a>
                </Show>
            </dd>
        </dl>
        <h3>{i18n.tr("elder.contacts")}</h3>
        <Show when=move || !no_contacts fallback=move || view! { <p>{i18n.tr("elder.none")}</p> }>
            <ol class="contacts" data-testid="elder-contacts">
                {contacts
                    .iter()
                    .map(|contact| {
                        let tel = format!("tel:{}", contact.phone);
                        view! {
                            <li>
                                <span>{format!("{}（{}）", contact.name, contact.relation)}</span>
                                <a class="call-link" href=tel>{contact.phone.clone()}</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ol>
        </Show>
        <h3>{i18n.tr("elder.hazards")}</h3>
        <Show when=move || !no_hazards fallback=move || view! { <p>{i18n.tr("elder.none")}</p> }>
            <ul class="hazards" data-testid="elder-hazards">
                {hazards.iter().map(|item| view! { <li>{item.clone()}</li> }).collect_view()}
            </ul>
        </Show>
        <h3>{i18n.tr("elder.last_visits")}</h3>
        <Show when=move || !no_visits fallback=move || view! { <p>{i18n.tr("today.never_visited")}</p> }>
            <ul class="visits" data-testid="elder-visits">
                {visits
                    .iter()
                    .map(|(date, mode, synced)| {
                        let date = date.clone();
                        let mode = mode.clone();
                        let synced = *synced;
                        view! {
                            <li data-testid="elder-visit" data-synced=synced.to_string()>
                                {move || format!("{date} · {}", i18n.t(mode_key(&mode)))}
                                <Show when=move || !synced>
                                    <span class="badge pending">{i18n.tr("sync.pending")}</span>
                                </Show>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Show>
        <A href=visit_href attr:class="big-button primary" attr:data-testid="log-visit">
            {i18n.tr("elder.log_visit")}
        </A>
        // 应急处置 (issue 9): one tap to 120/110/119 and the contacts, each call logged.
        <A href=emergency_href attr:class="big-button danger" attr:data-testid="start-emergency">
            {move || if i18n.lang.get() == crate::i18n::Lang::Zh { "🚨 紧急求助 / 应急处置" } else { "🚨 Emergency" }}
        </A>
    }
}
