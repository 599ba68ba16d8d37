//! Visitors in scope (role, organisation, load) and bulk assignment of a responsible visitor
//! plus a backup: every elder of a community, optionally one tier, optionally only those
//! without a responsible visitor yet. One-by-one assignment is on the elder's file and on the
//! due board.

use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::components::coord_text::{all_tier_ids, ct, tier_name};
use crate::console_api::{self, AssignRequest, ConsoleError, Person, RegionNode};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;

#[derive(Clone, Debug, PartialEq)]
struct PeopleData {
    people: Vec<Person>,
    regions: Vec<RegionNode>,
}

async fn load() -> Result<PeopleData, ConsoleError> {
    Ok(PeopleData {
        people: console_api::people().await?,
        regions: console_api::regions().await?,
    })
}

#[component]
pub fn CoordPeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let reload = RwSignal::new(0u32);
    // Kept above the reloading part so the answer stays on screen after the list refreshes.
    let result = RwSignal::new(None::<u64>);
    let data = LocalResource::new(move || {
        reload.track();
        load()
    });
    view! {
        <section class="console-page people" data-testid="coord-people">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "people.title")) testid="people-title" />
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let data = data.await?;
                    Ok::<_, ConsoleError>(view! {
                        <BulkAssign people=data.people.clone() regions=data.regions.clone() reload=reload result=result />
                        <PeopleTable people=data.people />
                    })
                })}
            </Transition>
        </section>
    }
}

fn role_text(person: &Person) -> String {
    match (person.role.as_str(), person.volunteer_kind.as_deref()) {
        ("volunteer", Some("student")) => "学生志愿者 student".into(),
        ("volunteer", Some("enterprise")) => "企业志愿者 enterprise".into(),
        ("volunteer", _) => "志愿者 volunteer".into(),
        ("coordinator", _) => "协调员 coordinator".into(),
        ("group_admin", _) => "队伍管理员 group admin".into(),
        ("admin", _) => "管理员 admin".into(),
        (other, _) => other.to_string(),
    }
}

#[component]
fn PeopleTable(people: Vec<Person>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = people
        .into_iter()
        .map(|person| {
            let org = person.school.clone().or(person.group_id.clone()).unwrap_or_default();
            let region = person.region.as_ref().and_then(|r| r.name.clone()).unwrap_or_default();
            view! {
                <tr data-testid="person-row" data-id=person.id.clone() data-login=person.login.clone()>
                    <td>{person.name.clone()}</td>
                    <td class="mono">{person.login.clone()}</td>
                    <td>{role_text(&person)}</td>
                    <td>{org}</td>
                    <td>{region}</td>
                    <td data-testid="person-load">{format!("{} / {}", person.load.responsible, person.load.backup)}</td>
                    <td>{person.disabled.then(|| ct(i18n, "people.disabled"))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=move || ct(i18n, "people.title")>
            <table class="data-table" data-testid="people-table">
                <thead>
                    <tr>
                        <th>{move || ct(i18n, "people.name")}</th>
                        <th>{move || ct(i18n, "people.login")}</th>
                        <th>{move || ct(i18n, "people.role")}</th>
                        <th>{move || ct(i18n, "people.org")}</th>
                        <th>{move || ct(i18n, "people.region")}</th>
                        <th>{move || ct(i18n, "people.load")}</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// `<option>`s of active volunteers, with their current load.
pub fn visitor_options(people: &[Person]) -> impl IntoView {
    console_api::visitors(people)
        .into_iter()
        .map(|p| {
            let label = format!(
                "{}（{} · {}/{}）",
                p.name, p.login, p.load.responsible, p.load.backup
            );
            view! { <option value=p.id.clone()>{label}</option> }
        })
        .collect_view()
}

#[component]
fn BulkAssign(
    people: Vec<Person>,
    regions: Vec<RegionNode>,
    reload: RwSignal<u32>,
    result: RwSignal<Option<u64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let communities = console_api::communities(&regions);
    let community = RwSignal::new(
        communities
            .first()
            .map(|c| c.code.clone())
            .unwrap_or_default(),
    );
    let tier = RwSignal::new(String::new());
    let only_unassigned = RwSignal::new(true);
    let responsible = RwSignal::new(String::new());
    let backup = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let submit = move |_| {
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        let request = AssignRequest {
            community: text(community),
            tier: text(tier),
            only_unassigned: only_unassigned.get_untracked(),
            responsible_id: text(responsible),
            backup_id: text(backup),
            ..Default::default()
        };
        error.set(None);
        result.set(None);
        spawn_local(async move {
            match console_api::assign(&request).await {
                Ok(answer) => {
                    result.set(Some(answer.assigned));
                    reload.update(|n| *n += 1);
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <section class="bulk-assign no-print" data-testid="bulk-assign">
            <h3>{move || ct(i18n, "assign.title")}</h3>
            <div class="grid">
                <label class="field">
                    <span>{move || ct(i18n, "assign.community")}</span>
                    <select data-testid="assign-community" prop:value=move || community.get() on:change=move |e| community.set(event_target_value(&e))>
                        {communities.iter().map(|c| view! { <option value=c.code.clone()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "assign.tier")}</span>
                    <select data-testid="assign-tier" on:change=move |e| tier.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "assign.any_tier")}</option>
                        {all_tier_ids().into_iter().map(|id| {
                            let label = id.clone();
                            view! { <option value=id>{move || tier_name(i18n.lang.get(), &label)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "assign.responsible")}</span>
                    <select data-testid="assign-responsible" on:change=move |e| responsible.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "assign.nobody")}</option>
                        {visitor_options(&people)}
                    </select>
                </label>
                <label class="field">
                    <span>{move || ct(i18n, "assign.backup")}</span>
                    <select data-testid="assign-backup" on:change=move |e| backup.set(event_target_value(&e))>
                        <option value="">{move || ct(i18n, "assign.nobody")}</option>
                        {visitor_options(&people)}
                    </select>
                </label>
            </div>
            <label class="check">
                <input type="checkbox" data-testid="assign-only-unassigned" prop:checked=move || only_unassigned.get()
                    on:change=move |e| only_unassigned.set(event_target_checked(&e)) />
                {move || ct(i18n, "assign.only_unassigned")}
            </label>
            <button type="button" class="big-button primary" data-testid="assign-submit" on:click=submit>{move || ct(i18n, "assign.submit")}</button>
            <ConsoleErrorLine error=error testid="assign-error" />
            <Show when=move || result.with(Option::is_some)>
                <p class="ok-line" role="status" data-testid="assign-result" data-assigned=move || result.get().unwrap_or(0).to_string()>
                    {move || format!("{} {} {}", ct(i18n, "assign.done"), result.get().unwrap_or(0), ct(i18n, "assign.elders"))}
                </p>
            </Show>
        </section>
    }
}
