//! 一人一档 registry list over the coordinator's whole scope: the server sends every elder of
//! the scope once as a compact list (`GET /api/elders/index`, pinyin search keys precomputed),
//! the browser filters it on each keystroke with the domain's matching
//! (`NameQuery::matches_name_or_address`) and draws only the rows in view (a virtualised table
//! in a fixed-height scroll box), so 20,000 elders stay light. Filters by region, category,
//! tier and "no visitor yet". ID numbers appear masked only.

use crate::components::coord_shell::ConsoleTitle;
use crate::components::coord_text::{
    all_tier_ids, category_label, category_label_str, consent_label, ct, tier_name,
};
use crate::components::print_rows::{printed_rows, use_printing, PrintCut};
use crate::console_api::{self, ConsoleError, ElderIndex, IndexRow, RegionNode};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;
use std::sync::Arc;
use tanfang_domain::elder::Category;
use tanfang_domain::pinyin::NameQuery;

/// Height of one row of a virtualised table in CSS pixels (`.vlist tbody tr` in console.css).
pub const ROW_HEIGHT: f64 = 44.0;
/// Height of the scroll box before it is measured (`.vlist` in console.css).
pub const VIEWPORT_HEIGHT: f64 = 600.0;
/// Rows drawn above and below the visible ones, so a quick scroll shows no gap (once the first
/// rows are painted: [`ScrollBox::new`]).
pub const BUFFER_ROWS: usize = 10;

/// The rows `[start, end)` of a virtualised list of `len` rows to draw for a scroll box
/// scrolled to `scroll_top` and `viewport` pixels high.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RowWindow {
    pub start: usize,
    pub end: usize,
}

impl RowWindow {
    pub fn of(
        len: usize,
        scroll_top: f64,
        viewport: f64,
        row_height: f64,
        buffer: usize,
    ) -> RowWindow {
        let first = (scroll_top.max(0.0) / row_height).floor() as usize;
        let visible = (viewport.max(row_height) / row_height).ceil() as usize + 1;
        let start = first.saturating_sub(buffer).min(len);
        let end = (first + visible + buffer).min(len);
        RowWindow { start, end }
    }

    /// Height of the space standing for the rows above the window.
    pub fn top_space(self, row_height: f64) -> f64 {
        self.start as f64 * row_height
    }

    /// Height of the space standing for the rows below the window.
    pub fn bottom_space(self, len: usize, row_height: f64) -> f64 {
        len.saturating_sub(self.end) as f64 * row_height
    }
}

/// The scroll box of a virtualised list (the registry, the due board): where it is scrolled
/// to, how tall it is, whether its first rows have been painted, and whether the page is being
/// printed — then every row is drawn, up to the print maximum (see `print_rows`).
#[derive(Clone, Copy)]
pub struct ScrollBox {
    pub scroll_top: RwSignal<f64>,
    viewport: RwSignal<f64>,
    /// The scrolling element (`node_ref=` of the box).
    pub node: NodeRef<leptos::html::Div>,
    printing: ReadSignal<bool>,
    painted: RwSignal<bool>,
}

impl ScrollBox {
    /// Call in the list's component: it listens for printing while the component lives.
    ///
    /// `painted` says whether the page has painted its list's first rows (false when it opens;
    /// a page that draws its list again, after a filter, passes the same signal). Until then
    /// only the rows in view are drawn, without [`BUFFER_ROWS`] below them: the first frame
    /// builds 15 rows instead of 25. Once the browser has painted them `painted` is set and the
    /// buffer rows follow, before anyone can scroll.
    pub fn new(painted: RwSignal<bool>) -> ScrollBox {
        if !painted.get_untracked() {
            // Set once, by the first of the boxes drawn before the paint; not at all when the
            // page has been left meanwhile.
            Effect::new(move |_| {
                after_paint(move || {
                    if painted.try_get_untracked() == Some(false) {
                        painted.set(true);
                    }
                })
            });
        }
        ScrollBox {
            scroll_top: RwSignal::new(0.0),
            viewport: RwSignal::new(VIEWPORT_HEIGHT),
            node: NodeRef::new(),
            printing: use_printing(),
            painted,
        }
    }

    /// The rows of a list of `len` rows to draw now (tracks the scroll and the printing).
    pub fn window(self, len: usize) -> RowWindow {
        if self.printing.get() {
            return RowWindow {
                start: 0,
                end: printed_rows(len),
            };
        }
        RowWindow::of(
            len,
            self.scroll_top.get(),
            self.viewport.get(),
            ROW_HEIGHT,
            if self.painted.get() { BUFFER_ROWS } else { 0 },
        )
    }

    /// The box's `on:scroll`: reads where it is scrolled to and how tall it is.
    pub fn on_scroll(self) {
        if let Some(element) = self.node.get_untracked() {
            self.scroll_top.set(element.scroll_top() as f64);
            self.viewport.set(element.client_height() as f64);
        }
    }

    /// Scrolls the box to `top` pixels.
    pub fn scroll_to(self, top: f64) {
        self.scroll_top.set(top);
        if let Some(element) = self.node.get_untracked() {
            element.set_scroll_top(top as i32);
        }
    }
}

/// Runs `f` once the browser has painted what the DOM holds now: in a task of its own after the
/// next animation frame. (A hidden tab has no frames: `f` runs when it is shown.)
fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}

/// The registry's filters.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RegistryFilter {
    /// Name, pinyin (initials or full) or a part of the address.
    pub q: String,
    /// A region code: only elders of its subtree ("" = the whole scope).
    pub region: String,
    pub category: String,
    pub tier: String,
    /// Only elders without a responsible visitor.
    pub unassigned: bool,
}

/// Positions in `index.rows` of the elders passing `filter`, in the list's order.
pub fn filter_rows(index: &ElderIndex, filter: &RegistryFilter) -> Vec<u32> {
    let query = NameQuery::new(filter.q.trim());
    let prefix = if filter.region.is_empty() {
        String::new()
    } else {
        tanfang_domain::region::RegionCode::parse(&filter.region)
            .map(|code| code.prefix().to_string())
            .unwrap_or_else(|_| filter.region.clone())
    };
    index
        .rows
        .iter()
        .enumerate()
        .filter(|(_, row)| {
            row.region_code.starts_with(prefix.as_str())
                && (filter.category.is_empty() || row.categories.contains(&filter.category))
                && (filter.tier.is_empty() || row.tier.as_deref() == Some(filter.tier.as_str()))
                && (!filter.unassigned || row.responsible.is_none())
                && query.matches_name_or_address(&row.name, &row.search_key, &row.address)
        })
        .map(|(position, _)| position as u32)
        .collect()
}

#[component]
pub fn CoordRegistryPage() -> impl IntoView {
    let i18n = use_i18n();
    let q = RwSignal::new(String::new());
    let region = RwSignal::new(String::new());
    let category = RwSignal::new(String::new());
    let tier = RwSignal::new(String::new());
    let unassigned = RwSignal::new(false);
    let regions = LocalResource::new(console_api::regions);
    let index = LocalResource::new(|| async { console_api::elder_index().await.map(Arc::new) });
    let filter = Memo::new(move |_| RegistryFilter {
        q: q.get(),
        region: region.get(),
        category: category.get(),
        tier: tier.get(),
        unassigned: unassigned.get(),
    });
    view! {
        <section class="console-page registry" data-testid="coord-registry">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "reg.title")) testid="registry-title" />
            <div class="filters no-print">
                <input type="search" class="search" data-testid="registry-search" aria-label=move || ct(i18n, "reg.search")
                    placeholder=move || ct(i18n, "reg.search")
                    prop:value=move || q.get()
                    on:input=move |e| q.set(event_target_value(&e)) />
                <select data-testid="registry-region" aria-label=move || ct(i18n, "reg.community") on:change=move |e| region.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "reg.all_regions")}</option>
                    {move || regions.get().and_then(Result::ok).map(|roots| region_options(&roots))}
                </select>
                <select data-testid="registry-category" aria-label=move || ct(i18n, "reg.categories") on:change=move |e| category.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "reg.all_categories")}</option>
                    {Category::ALL.iter().map(|c| {
                        let c = *c;
                        view! { <option value=c.as_str()>{move || category_label(i18n.lang.get(), c)}</option> }
                    }).collect_view()}
                </select>
                <select data-testid="registry-tier" aria-label=move || ct(i18n, "reg.tier") on:change=move |e| tier.set(event_target_value(&e))>
                    <option value="">{move || ct(i18n, "reg.all_tiers")}</option>
                    {all_tier_ids().into_iter().map(|id| {
                        let label = id.clone();
                        view! { <option value=id>{move || tier_name(i18n.lang.get(), &label)}</option> }
                    }).collect_view()}
                </select>
                <label class="check">
                    <input type="checkbox" data-testid="registry-unassigned"
                        on:change=move |e| unassigned.set(event_target_checked(&e)) />
                    {move || ct(i18n, "reg.unassigned")}
                </label>
                <A href="/coord/elders/new" attr:class="big-button primary" attr:data-testid="registry-new">{move || ct(i18n, "reg.new")}</A>
            </div>
            <Transition fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || Suspend::new(async move {
                    let index = index.await?;
                    Ok::<_, ConsoleError>(view! { <RegistryTable index=index filter=filter /> })
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
fn RegistryTable(index: Arc<ElderIndex>, filter: Memo<RegistryFilter>) -> impl IntoView {
    let i18n = use_i18n();
    let today = index.today.unwrap_or_else(crate::clock::today);
    let matching = Memo::new({
        let index = index.clone();
        move |_| filter.with(|f| filter_rows(&index, f))
    });
    let count = Memo::new(move |_| matching.with(Vec::len));
    let scroll = ScrollBox::new(RwSignal::new(false));
    // A new filter shows its list from the top.
    Effect::new(move |_| {
        matching.track();
        scroll.scroll_to(0.0);
    });
    let window = Memo::new(move |_| scroll.window(count.get()));
    let rows = move || {
        let w = window.get();
        let lang = i18n.lang.get();
        matching.with(|positions| {
            positions[w.start..w.end]
                .iter()
                .map(|&position| registry_row(&index.rows[position as usize], lang, today, i18n))
                .collect_view()
        })
    };
    view! {
        // data-query: the search the list now shows (for tests and the console benchmark).
        <p class="count" data-testid="registry-total" data-total=move || count.get().to_string()
            data-query=move || filter.with(|f| f.q.clone())>
            {move || ct(i18n, "reg.total")}" "{move || count.get()}" "{move || ct(i18n, "reg.people_unit")}
        </p>
        <PrintCut len=Signal::derive(move || count.get()) />
        <Show when=move || count.get() == 0>
            <p class="empty" data-testid="registry-empty">{move || ct(i18n, "reg.empty")}</p>
        </Show>
        <div class="table-wrap vlist" tabindex="0" role="region" aria-label=move || ct(i18n, "reg.title")
            data-testid="registry-scroll" node_ref=scroll.node on:scroll=move |_| scroll.on_scroll()
            class:hidden=move || count.get() == 0>
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
                <tbody>
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="10" style:height=move || format!("{}px", window.get().top_space(ROW_HEIGHT))></td>
                    </tr>
                    {rows}
                    <tr class="spacer" aria-hidden="true">
                        <td colspan="10" style:height=move || format!("{}px", window.get().bottom_space(count.get(), ROW_HEIGHT))></td>
                    </tr>
                </tbody>
            </table>
        </div>
    }
}

fn registry_row(
    row: &IndexRow,
    lang: crate::i18n::Lang,
    today: chrono::NaiveDate,
    i18n: crate::i18n::I18n,
) -> impl IntoView {
    let href = format!("/coord/elders/{}", row.id);
    let categories = row
        .categories
        .iter()
        .map(|c| category_label_str(lang, c))
        .collect::<Vec<_>>()
        .join("、");
    let tier = row
        .tier
        .as_deref()
        .map(|t| tier_name(lang, t))
        .unwrap_or_else(|| ct(i18n, "reg.not_in_scope").to_string());
    let responsible = row
        .responsible
        .clone()
        .unwrap_or_else(|| ct(i18n, "reg.none").to_string());
    let age = row
        .birth_date
        .map(|birth| tanfang_domain::date::age_on(birth, today).to_string())
        .unwrap_or_default();
    let (id, region, name) = (row.id.clone(), row.region_code.clone(), row.name.clone());
    let community = row.community.clone().unwrap_or_default();
    let (address, address_title) = (row.address.clone(), row.address.clone());
    let masked = row.id_number_masked.clone().unwrap_or_default();
    let consent = consent_label(lang, &row.consent);
    let last_visit = row.last_visit_date.clone().unwrap_or_else(|| "—".into());
    view! {
        <tr data-testid="registry-row" data-id=id data-region=region>
            <td><A href=href attr:data-testid="registry-open">{name}</A></td>
            <td>{age}</td>
            <td>{community}</td>
            <td class="address" title=address_title>{address}</td>
            <td>{categories}</td>
            <td data-testid="registry-tier-cell">{tier}</td>
            <td class="mono" data-testid="registry-id-masked">{masked}</td>
            <td>{responsible}</td>
            <td>{consent}</td>
            <td>{last_visit}</td>
        </tr>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        id: &str,
        name: &str,
        key: &str,
        address: &str,
        region: &str,
        category: &str,
        tier: &str,
        responsible: bool,
    ) -> IndexRow {
        IndexRow {
            id: id.into(),
            name: name.into(),
            search_key: key.into(),
            address: address.into(),
            region_code: region.into(),
            community: None,
            categories: vec![category.into()],
            tier: Some(tier.into()),
            consent: "accepted".into(),
            birth_date: None,
            id_number_masked: None,
            responsible: responsible.then(|| "张志愿".to_string()),
            last_visit_date: None,
            in_scope: true,
        }
    }

    fn index() -> ElderIndex {
        ElderIndex {
            today: None,
            rows: vec![
                row(
                    "a",
                    "王秀英",
                    "wang xiu ying",
                    "新津路1号",
                    "120101001001",
                    "solitary",
                    "t1",
                    true,
                ),
                row(
                    "b",
                    "张三",
                    "zhang san",
                    "蓝天大街2号",
                    "120101002001",
                    "living_alone",
                    "t2",
                    false,
                ),
                row(
                    "c",
                    "李四",
                    "li si",
                    "蓝天大街3号",
                    "120101002001",
                    "solitary",
                    "t1",
                    true,
                ),
            ],
        }
    }

    fn ids(filter: RegistryFilter) -> Vec<u32> {
        filter_rows(&index(), &filter)
    }

    #[test]
    fn filters_by_search_region_category_tier_and_assignment() {
        assert_eq!(ids(RegistryFilter::default()), vec![0, 1, 2]);
        assert_eq!(
            ids(RegistryFilter {
                q: "wxy".into(),
                ..Default::default()
            }),
            vec![0]
        );
        assert_eq!(
            ids(RegistryFilter {
                q: " 蓝天大街 ".into(),
                ..Default::default()
            }),
            vec![1, 2]
        );
        assert_eq!(
            ids(RegistryFilter {
                region: "120101002000".into(),
                ..Default::default()
            }),
            vec![1, 2]
        );
        assert_eq!(
            ids(RegistryFilter {
                region: "120101002001".into(),
                category: "solitary".into(),
                ..Default::default()
            }),
            vec![2]
        );
        assert_eq!(
            ids(RegistryFilter {
                tier: "t2".into(),
                ..Default::default()
            }),
            vec![1]
        );
        assert_eq!(
            ids(RegistryFilter {
                unassigned: true,
                ..Default::default()
            }),
            vec![1]
        );
        assert!(ids(RegistryFilter {
            q: "没有这个人".into(),
            ..Default::default()
        })
        .is_empty());
    }

    #[test]
    fn window_draws_the_visible_rows_and_a_buffer() {
        // Top of a long list: 14 rows fill the box (+1 partly), then the buffer below.
        let w = RowWindow::of(20_000, 0.0, 600.0, 44.0, 10);
        assert_eq!(w, RowWindow { start: 0, end: 25 });
        assert_eq!(w.top_space(44.0), 0.0);
        assert_eq!(w.bottom_space(20_000, 44.0), (20_000 - 25) as f64 * 44.0);
        // Scrolled to row 1,000: buffer above and below.
        let w = RowWindow::of(20_000, 44_000.0, 600.0, 44.0, 10);
        assert_eq!(
            w,
            RowWindow {
                start: 990,
                end: 1_025
            }
        );
        assert_eq!(w.top_space(44.0), 990.0 * 44.0);
        // The end of the list, and lists shorter than the box.
        assert_eq!(
            RowWindow::of(100, 4_400.0, 600.0, 44.0, 10),
            RowWindow {
                start: 90,
                end: 100
            }
        );
        assert_eq!(
            RowWindow::of(5, 0.0, 600.0, 44.0, 10),
            RowWindow { start: 0, end: 5 }
        );
        assert_eq!(
            RowWindow::of(0, 0.0, 600.0, 44.0, 10),
            RowWindow { start: 0, end: 0 }
        );
    }
}
