//! Due board: this period's due and overdue elders (domain schedule, computed by the server),
//! grouped by community or by visitor, filtered by tier, category, required mode and
//! overdue-only, with reassignment of the responsible visitor from the board. Elders who
//! declined visits are listed apart and never counted as due. The board is one virtualised
//! table (group headings and rows in a fixed-height scroll box, only the rows in view drawn),
//! so a scope of 20,000 elders draws no more than a page of rows.

use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::components::coord_text::{
    all_tier_ids, category_label, console_text, ct, requirement_text, tier_name,
};
use crate::components::print_rows::{use_printing, PrintCut};
use crate::console_api::{
    self, AssignRequest, ConsoleError, DeclinedElder, DueBoard, DueItem, DuePart, ElderIndex,
    Person, DUE_LIMIT,
};
use crate::i18n::use_i18n;
use crate::pages::coord_people::visitor_options;
use crate::pages::coord_registry::{ScrollBox, ROW_HEIGHT};
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use tanfang_domain::elder::Category;

/// The board's first answer: the first page ([`DuePart::First`], which the HTML has usually
/// fetched already: `crate::early`) when the page opens, so that the most urgent rows are drawn
/// at once; the whole board after a reassignment (the redrawn board scrolls to the elder, who
/// may be further down).
async fn load_first(part: DuePart) -> Result<(Arc<DueBoard>, u32), ConsoleError> {
    Ok((Arc::new(console_api::due("", part).await?), part.limit()))
}

/// Whether `board`, the answer to a request for `asked` items, already holds everything the
/// whole board has (nothing more to load): every item the server sends at most, and the names
/// of the elders who declined.
pub fn is_whole(board: &DueBoard, asked: u32) -> bool {
    let every_item = asked >= DUE_LIMIT
        || (board.items.len() as u64) < u64::from(asked)
        || board.items.len() as u64 >= board.total;
    every_item && !board.lacks_declined_names()
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct DueFilter {
    pub tier: String,
    pub mode: String,
    pub only_overdue: bool,
    /// Elder ids with the chosen category (None = no category filter).
    pub with_category: Option<HashSet<String>>,
}

/// The items passing `filter`.
pub fn filter_items<'a>(items: &'a [DueItem], filter: &DueFilter) -> Vec<&'a DueItem> {
    items
        .iter()
        .filter(|item| filter.tier.is_empty() || item.tier == filter.tier)
        .filter(|item| filter.mode.is_empty() || item.status.requirement.mode == filter.mode)
        .filter(|item| !filter.only_overdue || item.status.overdue)
        .filter(|item| {
            filter
                .with_category
                .as_ref()
                .is_none_or(|ids| ids.contains(&item.elder_id))
        })
        .collect()
}

/// Groups items by community name or by responsible visitor, keeping the board's order
/// (most urgent first) inside each group.
pub fn group_items<'a>(
    items: &[&'a DueItem],
    by_visitor: bool,
    nobody: &str,
) -> Vec<(String, Vec<&'a DueItem>)> {
    let mut groups: BTreeMap<String, Vec<&'a DueItem>> = BTreeMap::new();
    for item in items {
        let key = if by_visitor {
            item.responsible_name
                .clone()
                .unwrap_or_else(|| nobody.to_string())
        } else {
            item.community.clone().unwrap_or_default()
        };
        groups.entry(key).or_default().push(item);
    }
    groups.into_iter().collect()
}

/// One line of the board's table: a group's heading or one due item.
#[derive(Clone, Debug, PartialEq)]
pub enum BoardLine<'a> {
    Heading { name: String, overdue: usize },
    Item(&'a DueItem),
}

/// The groups as the lines of one table, each group's heading before its items.
pub fn board_lines<'a>(groups: Vec<(String, Vec<&'a DueItem>)>) -> Vec<BoardLine<'a>> {
    let mut lines = Vec::new();
    for (name, items) in groups {
        let overdue = items.iter().filter(|i| i.status.overdue).count();
        lines.push(BoardLine::Heading { name, overdue });
        lines.extend(items.into_iter().map(BoardLine::Item));
    }
    lines
}

/// The visitors in scope for the reassign menus: empty until `GET /api/people` has answered
/// (the board is drawn without waiting for it).
type PeopleSignal = Signal<Option<Arc<Vec<Person>>>>;

/// Ids of the elders with `category`, from the registry's compact list (fetched once).
async fn ids_with_category(
    cache: StoredValue<Option<Arc<ElderIndex>>, LocalStorage>,
    category: String,
) -> Result<HashSet<String>, ConsoleError> {
    let index = match cache.get_value() {
        Some(index) => index,
        None => {
            let index = Arc::new(console_api::elder_index().await?);
            cache.set_value(Some(index.clone()));
            index
        }
    };
    Ok(index
        .rows
        .iter()
        .filter(|row| row.categories.contains(&category))
        .map(|row| row.id.clone())
        .collect())
}

#[component]
pub fn CoordDuePage() -> impl IntoView {
    let i18n = use_i18n();
    let tier = RwSignal::new(String::new());
    let mode = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let only_overdue = RwSignal::new(false);
    let by_visitor = RwSignal::new(false);
    let reload = RwSignal::new(0u32);
    // The elder just reassigned: the redrawn board scrolls to it.
    let focus = RwSignal::new(None::<String>);
    // The first page is drawn as soon as it is in. Only once it is painted do the board's other
    // requests start: the rest of the board (up to DUE_LIMIT items), which replaces the first
    // page so that the filters see every item, and the visitors for the reassign menus. On an
    // office PC's two cores neither the server's work on them nor the parsing of their answers
    // then delays the first rows. The rest is a plain signal, not a resource, so that the
    // board's Transition does not wait for it.
    let board = LocalResource::new(move || {
        let part = if reload.get() > 0 {
            DuePart::Whole
        } else {
            DuePart::First
        };
        async move { load_first(part).await }
    });
    let first_painted = RwSignal::new(false);
    let rest = RwSignal::new(None::<Result<Arc<DueBoard>, ConsoleError>>);
    let generation = StoredValue::new(0u32);
    Effect::new(move |_| {
        let Some(Ok((first, asked))) = board.get() else {
            return;
        };
        if !first_painted.get() {
            return;
        }
        generation.update_value(|g| *g += 1);
        let current = generation.get_value();
        rest.set(None);
        if is_whole(&first, asked) {
            return;
        }
        spawn_local(async move {
            let whole = console_api::due("", DuePart::Whole).await.map(Arc::new);
            // A reload meanwhile (a reassignment) has the newer board: this answer is older.
            if generation.get_value() == current {
                rest.set(Some(whole));
            }
        });
    });
    // A plain signal filled when the answer is in: a resource read inside the board's
    // Transition would hold the whole board back until the people have loaded.
    let people_answer = RwSignal::new(None::<Arc<Vec<Person>>>);
    Effect::new(move |_| {
        if first_painted.get() {
            spawn_local(async move {
                people_answer.set(Some(Arc::new(
                    console_api::people().await.unwrap_or_default(),
                )));
            });
        }
    });
    let people: PeopleSignal = people_answer.into();
    let index_cache = StoredValue::new_local(None::<Arc<ElderIndex>>);
    let category_ids = LocalResource::new(move || {
        let category = category.get();
        async move {
            if category.is_empty() {
                Ok(None)
            } else {
                ids_with_category(index_cache, category).await.map(Some)
            }
        }
    });
    view! {
        <section class="console-page due-board" data-testid="coord-due">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "due.title")) testid="due-title" />
            <div class="filters no-print">
                <select data-testid="due-tier" aria-label=move || ct(i18n, "reg.tier") on:change=move |e| tier.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "reg.all_tiers")}</option>
                    {all_tier_ids().into_iter().map(|id| {
                        let label = id.clone();
                        view! { <option value=id>{move || tier_name(i18n.lang.get(), &label)}</option> }
                    }).collect_view()}
                </select>
                <select data-testid="due-category" aria-label=move || ct(i18n, "reg.categories") on:change=move |e| category.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "reg.all_categories")}</option>
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        view! { <option value=c.as_str()>{move || category_label(i18n.lang.get(), c)}</option> }
                    }).collect_view()}
                </select>
                <select data-testid="due-mode" aria-label=move || ct(i18n, "due.mode") on:change=move |e| mode.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "due.any_mode")}</option>
                    <option value="home">{move || ct(i18n, "surge.mode.home")}</option>
                    <option value="any">{move || ct(i18n, "surge.mode.any")}</option>
                </select>
                <label class="check">
                    <input type="checkbox" data-testid="due-only-overdue" on:change=move |e| only_overdue.set(event_target_checked(&e)) />
                    {move || ct(i18n, "due.only_overdue")}
                </label>
                <span class="toggle">
                    {move || ct(i18n, "due.group")}": "
                    <button type="button" class="small-button" class:active=move || !by_visitor.get() data-testid="due-by-community"
                        on:click=move |_| by_visitor.set(false)>{move || ct(i18n, "due.by_community")}</button>
                    <button type="button" class="small-button" class:active=move || by_visitor.get() data-testid="due-by-visitor"
                        on:click=move |_| by_visitor.set(true)>{move || ct(i18n, "due.by_visitor")}</button>
                </span>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || {
                    // Read the filters before awaiting so that they are tracked; and the
                    // language: the rows' texts are drawn in it, a switch draws them again.
                    let (tier, mode, only_overdue, by_visitor) = (tier.get(), mode.get(), only_overdue.get(), by_visitor.get());
                    i18n.lang.track();
                    let more = rest.get();
                    Suspend::new(async move {
                        let (first, asked) = board.await?;
                        let (data, loading) = match more {
                            Some(whole) => (whole?, false),
                            None => {
                                let loading = !is_whole(&first, asked);
                                (first, loading)
                            }
                        };
                        let with_category = category_ids.await?;
                        let filter = DueFilter { tier, mode, only_overdue, with_category };
                        Ok::<_, ConsoleError>(view! { <Board data=data people=people filter=filter by_visitor=by_visitor reload=reload focus=focus loading=loading painted=first_painted /> })
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Board(
    data: Arc<DueBoard>,
    people: PeopleSignal,
    filter: DueFilter,
    by_visitor: bool,
    reload: RwSignal<u32>,
    focus: RwSignal<Option<String>>,
    /// Only the first page is in; the rest is loading.
    loading: bool,
    /// Set once the page's first board has been painted ([`ScrollBox::new`]).
    painted: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The board is drawn in one language, read untracked here and below: a switch draws the
    // whole board again (CoordDuePage tracks it), so no row follows the language on its own.
    let lang = i18n.lang.get_untracked();
    let t = move |key: &'static str| console_text(lang, key);
    let items = filter_items(&data.items, &filter);
    let count = items.len();
    let groups = group_items(&items, by_visitor, t("due.nobody"));
    let empty = groups.is_empty();
    // Positions in data.items (None = a group heading with its name and overdue count),
    // so the lines outlive this function without cloning the items.
    let position: std::collections::HashMap<*const DueItem, usize> = data
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item as *const DueItem, i))
        .collect();
    let lines: Vec<Result<usize, (String, usize)>> = board_lines(groups)
        .into_iter()
        .map(|line| match line {
            BoardLine::Heading { name, overdue } => Err((name, overdue)),
            BoardLine::Item(item) => Ok(position[&(item as *const DueItem)]),
        })
        .collect();
    let total_lines = lines.len();
    let focus_line = focus.get_untracked().and_then(|elder| {
        lines
            .iter()
            .position(|line| matches!(line, Ok(i) if data.items[*i].elder_id == elder))
    });
    let declined = data.declined.clone();
    let declined_total = data.declined_total();
    let declined_named = !data.lacks_declined_names();
    let scroll = ScrollBox::new(painted);
    // After a reassignment, show the elder where the redrawn board now lists it.
    if let Some(line) = focus_line {
        scroll
            .scroll_top
            .set((line.saturating_sub(2)) as f64 * ROW_HEIGHT);
        Effect::new(move |_| {
            if scroll.node.get().is_some() {
                scroll.scroll_to(scroll.scroll_top.get_untracked());
                focus.set(None);
            }
        });
    }
    let window = Memo::new(move |_| scroll.window(total_lines));
    let rows = {
        let data = data.clone();
        move || {
            let w = window.get();
            lines[w.start..w.end]
                .iter()
                .map(|line| match line {
                    Err((name, overdue)) => view! {
                        <tr class="due-group" data-testid="due-group" data-name=name.clone()>
                            <th colspan="9" scope="colgroup">{name.clone()}" "<small>{format!("{} · {}", t("due.overdue"), overdue)}</small></th>
                        </tr>
                    }
                    .into_any(),
                    Ok(i) => due_row(&data.items[*i], people, lang, reload, focus).into_any(),
                })
                .collect_view()
        }
    };
    view! {
        <p class="count" data-testid="due-count" data-count=count.to_string() data-complete=(!loading).to_string()>
            {format!("{count} {}", t("due.count"))}" · "{t("reg.total")}" "{data.total}
            {loading.then(|| view! {
                " · "<span class="loading-rest" role="status" data-testid="due-loading-rest">{t("due.loading_rest")}</span>
            })}
        </p>
        <PrintCut len=Signal::derive(move || total_lines) />
        {if empty {
            view! { <p class="empty" data-testid="due-empty">{t("due.empty")}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap vlist due-table" tabindex="0" role="region" aria-label=t("due.title")
                    data-testid="due-scroll" node_ref=scroll.node on:scroll=move |_| scroll.on_scroll()>
                    <table class="data-table">
                        <thead>
                            <tr>
                                <th>{t("reg.name")}</th>
                                <th>{t("due.state")}</th>
                                <th>{t("reg.tier")}</th>
                                <th>{t("file.requirements")}</th>
                                <th>{t("due.due_by")}</th>
                                <th>{t("reg.last_visit")}</th>
                                <th>{t("reg.community")}</th>
                                <th>{t("reg.responsible")}</th>
                                <th class="no-print">{t("due.reassign")}</th>
                            </tr>
                        </thead>
                        <tbody>
                            <tr class="spacer" aria-hidden="true">
                                <td colspan="9" style:height=move || format!("{}px", window.get().top_space(ROW_HEIGHT))></td>
                            </tr>
                            {rows}
                            <tr class="spacer" aria-hidden="true">
                                <td colspan="9" style:height=move || format!("{}px", window.get().bottom_space(total_lines, ROW_HEIGHT))></td>
                            </tr>
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <DeclinedList declined=declined count=declined_total named=declined_named />
    }
}

/// The elders who declined visits, apart from the due rows: their `count`, and their
/// names on request or in a printout. A scope of 20,000 has a thousand of them, which the board
/// does not draw before it is asked to. The first page counts them without naming them
/// (`named` false): the button waits for the rest of the board, which brings the names.
#[component]
fn DeclinedList(declined: Vec<DeclinedElder>, count: u64, named: bool) -> impl IntoView {
    let lang = use_i18n().lang.get_untracked();
    let open = RwSignal::new(false);
    let printing = use_printing();
    let names = move || {
        (open.get() || printing.get()).then(|| {
            view! {
                <ul>
                    {declined.iter().map(|d| view! {
                        <li data-testid="declined-row" data-elder=d.id.clone()>{format!("{}（{}）", d.name, d.community.clone().unwrap_or_default())}</li>
                    }).collect_view()}
                </ul>
            }
        })
    };
    view! {
        <section class="declined" data-testid="due-declined" data-count=count.to_string()>
            <h3>
                {console_text(lang, "due.declined")}" ("{count}") "
                {(count > 0).then(|| view! {
                    <button type="button" class="small-button no-print" data-testid="due-declined-toggle" disabled=!named
                        aria-expanded=move || open.get().to_string() on:click=move |_| open.update(|open| *open = !*open)>
                        {move || console_text(lang, if open.get() { "due.hide_declined" } else { "due.show_declined" })}
                    </button>
                })}
            </h3>
            {names}
        </section>
    }
}

fn due_row(
    item: &DueItem,
    people: PeopleSignal,
    lang: crate::i18n::Lang,
    reload: RwSignal<u32>,
    focus: RwSignal<Option<String>>,
) -> impl IntoView + use<> {
    let item = item.clone();
    let requirement = requirement_text(
        lang,
        &item.status.requirement.kind,
        &item.status.requirement.mode,
        item.status.requirement.count,
        &item.status.requirement.per,
    );
    let state = if item.status.overdue {
        "overdue"
    } else {
        "due"
    };
    view! {
        <tr data-testid="due-row" data-elder=item.elder_id.clone() data-state=state data-tier=item.tier.clone()
            data-mode=item.status.requirement.mode.clone()>
            <td>
                // A plain link (the router takes its clicks): the router's <A> would watch the
                // location for every row.
                <a href=format!("/coord/elders/{}", item.elder_id)>{item.name.clone().unwrap_or_default()}</a>
            </td>
            <td>
                <span class=if item.status.overdue { "badge overdue" } else { "badge due" }>
                    {if item.status.overdue { console_text(lang, "due.overdue") } else { console_text(lang, "due.due") }}
                </span>
                {item.status.surge.as_ref().map(|_| view! { <span class="badge surge">{console_text(lang, "due.surge")}</span> })}
            </td>
            <td>{tier_name(lang, &item.tier)}</td>
            <td>{requirement}" · "{format!("{}/{}", item.status.done, item.status.requirement.count)}</td>
            <td>{console_text(lang, "due.due_by")}" "{item.status.next_due_by.clone()}</td>
            <td>{item.last_visit_date.clone().unwrap_or_else(|| "—".into())}</td>
            <td>{item.community.clone().unwrap_or_default()}</td>
            <td data-testid="due-responsible">{item.responsible_name.clone().unwrap_or_else(|| console_text(lang, "due.nobody").to_string())}</td>
            <td class="no-print"><Reassign elder_id=item.elder_id.clone() people=people reload=reload focus=focus /></td>
        </tr>
    }
}

#[component]
fn Reassign(
    elder_id: String,
    people: PeopleSignal,
    reload: RwSignal<u32>,
    focus: RwSignal<Option<String>>,
) -> impl IntoView {
    // Labels in the board's language, as the rest of the row (drawn again with the board).
    let lang = use_i18n().lang.get_untracked();
    let label = console_text(lang, "due.reassign");
    let chosen = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let submit = move |_| {
        let who = chosen.get_untracked();
        if who.is_empty() {
            return;
        }
        let id = elder_id.clone();
        error.set(None);
        spawn_local(async move {
            // Keep the backup visitor (unless it is the new responsible one).
            let backup = match console_api::elder(&id).await {
                Ok(detail) => detail.elder["backup_visitor_ids"][0]
                    .as_str()
                    .map(str::to_string)
                    .filter(|b| *b != who),
                Err(_) => None,
            };
            let request = AssignRequest {
                elder_ids: vec![id],
                responsible_id: Some(who),
                backup_id: backup,
                ..Default::default()
            };
            let elder = request.elder_ids[0].clone();
            match console_api::assign(&request).await {
                Ok(_) => {
                    focus.set(Some(elder));
                    reload.update(|n| *n += 1)
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <span class="reassign">
            <select data-testid="due-reassign-select" aria-label=label on:change=move |e| chosen.set(event_target_value(&e))>
                <option value="">{console_text(lang, "assign.nobody")}</option>
                {move || people.get().map(|people| visitor_options(&people))}
            </select>
            <button type="button" class="small-button" data-testid="due-reassign" on:click=submit>{label}</button>
            <ConsoleErrorLine error=error testid="due-reassign-error" />
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn board(items: usize, total: u64, declined_count: Option<u64>) -> DueBoard {
        let columns = serde_json::to_string(&console_api::DUE_COLUMNS).unwrap();
        let row = r#"["e1","王秀英",null,null,"general","visit","any",1,"month",0,"2026-11-30",0,null,null]"#;
        let rows = vec![row; items].join(",");
        let count = declined_count.map_or(String::new(), |n| format!(r#","declined_count":{n}"#));
        console_api::parse_due_board(&format!(
            r#"{{"today":"2026-11-29","total":{total},"columns":{columns},"rows":[{rows}]{count}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_board_is_whole_when_every_item_and_every_declined_name_is_in() {
        // A first page of a larger board: the rest follows.
        assert!(!is_whole(&board(2, 5, None), 2));
        // Every item is in, nobody declined.
        assert!(is_whole(&board(2, 2, None), 2));
        assert!(is_whole(&board(1, 1, Some(0)), 2));
        // Every item is in, but the first page only counted who declined: the rest brings the names.
        assert!(!is_whole(&board(1, 1, Some(3)), 2));
        // The server's cap was asked for: nothing more to ask.
        assert!(is_whole(&board(2, 9000, None), DUE_LIMIT));
    }
}
