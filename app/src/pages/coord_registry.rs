//! 一人一档 registry list: paged on the server (50 a page, so 20,000 elders stay light), with
//! search by name, pinyin initials or address, and filters by region, category, tier and
//! "no visitor yet". ID numbers appear masked only.

use crate::components::coord_shell::ConsoleTitle;
use crate::components::coord_text::{
    all_tier_ids, category_label, category_label_str, consent_label, ct, tier_name,
};
use crate::console_api::{self, ConsoleError, ElderPage, ElderQuery, RegionNode};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use tanfang_domain::elder::Category;

pub const PAGE_SIZE: u64 = 50;

#[component]
pub fn CoordRegistryPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let region = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let tier = RwSignal::new(String::new());
    let unassigned = RwSignal::new(false);
    let page = RwSignal::new(1u64);
    let regions = LocalResource::new(console_api::regions);
    let list = LocalResource::new(move || {
        let filter = ElderQuery {
            q: q.get(),
            region: region.get(),
            category: category.get(),
            tier: tier.get(),
            unassigned: unassigned.get(),
            page: page.get(),
            page_size: PAGE_SIZE,
        };
        async move { console_api::elders(&filter).await }
    });
    // Any filter change goes back to page 1.
    let reset = move || page.set(1);
    view! {
        <section class="console-page registry" data-testid="coord-registry">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "reg.title")) testid="registry-title" />
            <div class="filters no-print">
                <input type="search" class="search" data-testid="registry-search" aria-label=move || ct(i18n, "reg.search")
                    placeholder=move || ct(i18n, "reg.search")
                    prop:value=move || q.get()
                    on:input=move |e| { q.set(event_target_value(&e)); reset(); } />
                <select data-testid="registry-region" aria-label=move || ct(i18n, "reg.community") on:change=move |e| { region.set(event_target_value(&e)); reset(); }>
                    <option value="">{move || ct(i18n, "reg.all_regions")}</option>
                    {move || regions.get().and_then(Result::ok).map(|roots| region_options(&roots))}
                </select>
                <select data-testid="registry-category" aria-label=move || ct(i18n, "reg.categories") on:change=move |e| { category.set(event_target_value(&e)); reset(); }>
                    <option value="">{move || ct(i18n, "reg.all_categories")}</option>
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        view! { <option value=c.as_str()>{move || category_label(i18n.lang.get(), c)}</option> }
                    }).collect_view()}
                </select>
                <select data-testid="registry-tier" aria-label=move || ct(i18n, "reg.tier") on:change=move |e| { tier.set(event_target_value(&e)); reset(); }>
                    <option value="">{move || ct(i18n, "reg.all_tiers")}</option>
                    {all_tier_ids().into_iter().map(|id| {
                        let label = id.clone();
                        view! { <option value=id>{move || tier_name(i18n.lang.get(), &label)}</option> }
                    }).collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" data-testid="registry-unassigned"
                        on:change=move |e| { unassigned.set(event_target_checked(&e)); reset(); } />
                    {move || ct(i18n, "reg.unassigned")}
                </label>
                <A href="/coord/elders/new" attr:class="big-button primary" attr:data-testid="registry-new">{move || ct(i18n, "reg.new")}</A>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let answer = list.await?;
                    Ok::<_, ConsoleError>(view! { <RegistryTable answer=answer page=page /> })
                })}
            </Transition>
        </section>
    }
}

/// `<option>`s of every region node, indented by depth.
pub fn region_options(roots: &[RegionNode]) -> impl IntoView {
    console_api::flatten_regions(roots)
        .into_iter()
        .map(|(depth, node)| {
            let label = format!("{}{}", "　".repeat(depth), node.name);
            view! { <option value=node.code.clone()>{label}</option> }
        })
        .collect_view()
}

#[component]
fn RegistryTable(answer: ElderPage, page: RwSignal<u64>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let pages = answer.total.div_ceil(PAGE_SIZE).max(1);
    let current = answer.page;
    let empty = answer.items.is_empty();
    let rows = answer
        .items
        .into_iter()
        .map(|row| {
            let href = format!("/coord/elders/{}", row.id);
            let categories = row.categories.iter().map(|c| category_label_str(lang, c)).collect::<Vec<_>>().join("、");
            let tier = row.tier.as_deref().map(|t| tier_name(lang, t)).unwrap_or_else(|| ct(i18n, "reg.not_in_scope").to_string());
            let responsible = row
                .responsible
                .as_ref()
                .and_then(|p| p.name.clone())
                .unwrap_or_else(|| ct(i18n, "reg.none").to_string());
            let consent = consent_label(lang, &row.consent);
            view! {
                <tr data-testid="registry-row" data-id=row.id.clone() data-region=row.region_code.clone()>
                    <td><A href=href attr:data-testid="registry-open">{row.name.clone()}</A></td>
                    <td>{row.age.map(|a| a.to_string()).unwrap_or_default()}</td>
                    <td>{row.community.clone().unwrap_or_default()}</td>
                    <td class="address">{row.address.clone()}</td>
                    <td>{categories}</td>
                    <td data-testid="registry-tier-cell">{tier}</td>
                    <td class="mono" data-testid="registry-id-masked">{row.id_number_masked.clone().unwrap_or_default()}</td>
                    <td>{responsible}</td>
                    <td>{consent}</td>
                    <td>{row.last_visit_date.clone().unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p class="count" data-testid="registry-total" data-total=answer.total.to_string()>
            {move || ct(i18n, "reg.total")}" "{answer.total}" "{move || ct(i18n, "reg.people_unit")}
        </p>
        {if empty {
            view! { <p class="empty" data-testid="registry-empty">{move || ct(i18n, "reg.empty")}</p> }.into_any()
        } else {
            view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=move || ct(i18n, "reg.title")>
                <table class="data-table" data-testid="registry-table">
                    <thead>
                        <tr>
                            <th>{move || ct(i18n, "reg.name")}</th>
                            <th>{move || ct(i18n, "reg.age")}</th>
                            <th>{move || ct(i18n, "reg.community")}</th>
                            <th>{move || ct(i18n, "reg.address")}</th>
                            <th>{move || ct(i18n, "reg.categories")}</th>
                            <th>{move || ct(i18n, "reg.tier")}</th>
                            <th>{move || ct(i18n, "reg.id_number")}</th>
                            <th>{move || ct(i18n, "reg.responsible")}</th>
                            <th>{move || ct(i18n, "reg.consent")}</th>
                            <th>{move || ct(i18n, "reg.last_visit")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            }.into_any()
        }}
        <div class="pager no-print" data-testid="registry-pager">
            <button type="button" class="small-button" data-testid="registry-prev" disabled=current <= 1
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1).max(1))>
                {move || ct(i18n, "reg.prev")}
            </button>
            <span data-testid="registry-page">{format!("{current} / {pages}")}</span>
            <button type="button" class="small-button" data-testid="registry-next" disabled=current >= pages
                on:click=move |_| page.update(|p| *p += 1)>
                {move || ct(i18n, "reg.next")}
            </button>
        </div>
    }
}
