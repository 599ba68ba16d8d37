//! 月探访率 dashboard: the current month so far and each of the last 12 months for the
//! selected region, by child region (bars, click to drill down city → community) and by tier,
//! declined elders counted apart, with the time the tallies were last updated.

use crate::components::chart_svg::{percent, Bar, BarChart, LineChart, Point};
use crate::components::coord_shell::{with_console_user, ConsoleTitle};
use crate::components::coord_text::{ct, tier_name};
use crate::console_api::{self, ConsoleError, MonthlyStats, RegionNode};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use tanfang_domain::date::Month;

/// The month containing today and the 12 before it, oldest first.
pub fn last_months(today: chrono::NaiveDate, count: usize) -> Vec<String> {
    let mut month = Month::containing(today);
    let mut out = vec![month.to_string()];
    for _ in 0..count {
        month = month.previous();
        out.push(month.to_string());
    }
    out.reverse();
    out
}

/// `1700000000000` (ms) → `2023-11-15 06:13` in China Standard Time.
pub fn cst_text(millis: i64) -> String {
    tanfang_domain::date::cst_datetime_from_unix_millis(millis)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// Sums the community rows of `stats` under `node`: (in_scope, visited, declined).
pub fn totals_under(stats: &MonthlyStats, node: &RegionNode) -> (u32, u32, u32) {
    stats
        .by_community
        .iter()
        .filter(|row| node.contains_code(&row.code))
        .fold((0, 0, 0), |(s, v, d), row| {
            (s + row.in_scope, v + row.visited, d + row.declined)
        })
}

fn rate(visited: u32, in_scope: u32) -> f64 {
    if in_scope == 0 {
        0.0
    } else {
        visited as f64 / in_scope as f64
    }
}

#[derive(Clone, Debug, PartialEq)]
struct DashboardData {
    regions: Vec<RegionNode>,
    current: MonthlyStats,
    trend: Vec<MonthlyStats>,
    /// Requirements at each step of the escalation ladder (issue 15).
    ladder: console_api::AtRiskList,
}

async fn load(region: String) -> Result<DashboardData, ConsoleError> {
    let regions = console_api::regions().await?;
    let months = last_months(crate::clock::today(), 12);
    let mut trend = Vec::with_capacity(months.len());
    for month in &months {
        trend.push(console_api::monthly(&region, month).await?);
    }
    let current = trend.last().cloned().ok_or(ConsoleError::NotFound)?;
    let ladder = console_api::escalation_counts(&region).await?;
    Ok(DashboardData {
        regions,
        current,
        trend,
        ladder,
    })
}

#[component]
pub fn CoordDashboardPage() -> impl IntoView {
    with_console_user(|me| {
        let home = me.region.map(|r| r.code).unwrap_or_default();
        view! { <DashboardPage home=home /> }
    })
}

/// The dashboard of the user's own node (`home`) or of the region picked under it.
#[component]
fn DashboardPage(home: String) -> impl IntoView {
    let i18n = use_i18n();
    let region = RwSignal::new(home.clone());
    let data = LocalResource::new(move || load(region.get()));
    view! {
        <section class="console-page dashboard" data-testid="coord-dashboard">
            <ConsoleTitle title=Signal::derive(move || ct(i18n, "dash.title")) testid="dash-title" />
            <Suspense fallback=move || view! { <p class="loading">{move || ct(i18n, "loading")}</p> }>
                {move || {
                    let home = home.clone();
                    Suspend::new(async move {
                        let data = data.await?;
                        Ok::<_, ConsoleError>(view! { <Dashboard data=data region=region home=home /> })
                    })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn Dashboard(data: DashboardData, region: RwSignal<String>, home: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang.get_untracked();
    let current = data.current.clone();
    let report = current.report.clone();
    // The node being shown (the user's own node when no region was picked).
    let shown_code = if current.region.is_empty() {
        home.clone()
    } else {
        current.region.clone()
    };
    let all: Vec<RegionNode> = console_api::flatten_regions(&data.regions)
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    let node = data
        .regions
        .iter()
        .find_map(|root| root.find(&shown_code))
        .cloned();
    // Ancestors of the shown node inside the governed tree, top down (depth-first order).
    let path: Vec<RegionNode> = all
        .iter()
        .filter(|candidate| candidate.code != shown_code && candidate.contains_code(&shown_code))
        .cloned()
        .collect();
    let node_name = node.as_ref().map(|n| n.name.clone()).unwrap_or_default();
    let bar_title = format!("{node_name} {}", report.month);
    let trend_title = format!("{node_name} {}", ct(i18n, "dash.trend"));
    let children: Vec<RegionNode> = match &node {
        Some(node) => node.children.clone(),
        None => data.regions.clone(),
    };
    let bars: Vec<Bar> = children
        .iter()
        .map(|child| {
            let (in_scope, visited, declined) = totals_under(&current, child);
            let value = rate(visited, in_scope);
            let declined_text = if declined > 0 {
                format!(" · 拒{declined}")
            } else {
                String::new()
            };
            Bar {
                key: child.code.clone(),
                label: child.name.clone(),
                value,
                text: format!("{} ({visited}/{in_scope}){declined_text}", percent(value)),
            }
        })
        .collect();
    let no_children = bars.is_empty();
    let points: Vec<Point> = data
        .trend
        .iter()
        .map(|stats| Point {
            label: stats
                .report
                .month
                .get(2..)
                .unwrap_or(&stats.report.month)
                .to_string(),
            value: stats.report.rate,
            text: format!("{:.0}%", stats.report.rate * 100.0),
        })
        .collect();
    let trend_rows = data.trend.clone();
    let updated = current.updated_at.map(cst_text);
    let can_go_up = !path.is_empty();
    let parent_code = path.last().map(|p| p.code.clone()).unwrap_or_default();
    let select = Callback::new(move |code: String| region.set(code));
    let tiers: Vec<(String, u32, u32)> = report
        .by_tier
        .iter()
        .map(|(tier, count)| (tier.clone(), count.in_scope, count.visited))
        .collect();
    view! {
        <div class="dash-head">
            <nav class="breadcrumbs" data-testid="dash-breadcrumbs">
                {path
                    .iter()
                    .map(|p| {
                        let code = p.code.clone();
                        view! {
                            <button type="button" class="link-button" on:click=move |_| region.set(code.clone())>
                                {p.name.clone()}
                            </button>
                            " › "
                        }
                    })
                    .collect_view()}
                <strong data-testid="dash-region">{node_name.clone()}</strong>
            </nav>
            <Show when=move || can_go_up>
                {
                    let parent_code = parent_code.clone();
                    view! {
                        <button type="button" class="small-button no-print" data-testid="dash-up"
                            on:click=move |_| region.set(parent_code.clone())>
                            {move || ct(i18n, "dash.up")}
                        </button>
                    }
                }
            </Show>
            <p class="updated" data-testid="dash-policy" data-closed=current.closed.to_string()>
                {move || if i18n.lang.get() == crate::i18n::Lang::Zh { "政策版本 " } else { "Policy version " }}
                {current.policy.clone().unwrap_or_default()}" · "
                {let closed = current.closed; move || match (closed, i18n.lang.get() == crate::i18n::Lang::Zh) {
                    (true, true) => "本月已关账",
                    (true, false) => "month closed",
                    (false, true) => "本月未关账",
                    (false, false) => "month open",
                }}
            </p>
            <p class="updated" data-testid="dash-updated">
                {move || ct(i18n, "dash.updated")}": "
                {updated.clone().unwrap_or_else(|| ct(i18n, "dash.never_updated").to_string())}
            </p>
        </div>
        <div class="kpis">
            <div class="kpi" data-testid="kpi-rate">
                <span class="kpi-label">{move || ct(i18n, "dash.current")}" · "{move || ct(i18n, "dash.rate")}</span>
                <span class="kpi-value">{percent(report.rate)}</span>
                <span class="kpi-sub">{report.month.clone()}</span>
            </div>
            <div class="kpi" data-testid="kpi-in-scope">
                <span class="kpi-label">{move || ct(i18n, "dash.in_scope")}</span>
                <span class="kpi-value">{report.in_scope}</span>
            </div>
            <div class="kpi" data-testid="kpi-visited">
                <span class="kpi-label">{move || ct(i18n, "dash.visited")}</span>
                <span class="kpi-value">{report.visited}</span>
            </div>
            <div class="kpi declined" data-testid="kpi-declined">
                <span class="kpi-label">{move || ct(i18n, "dash.declined")}</span>
                <span class="kpi-value">{report.declined}</span>
            </div>
        </div>
        <h3>{move || ct(i18n, "dash.ladder")}</h3>
        <div class="kpis ladder" data-testid="dash-ladder">
            {crate::pages::coord_risk::STEPS.iter().map(|step| {
                let step: &'static str = step;
                let n = data.ladder.counts.get(step).copied().unwrap_or(0);
                view! {
                    <a class=format!("kpi step {step}") href=format!("/coord/risk?step={step}") data-testid=format!("dash-ladder-{step}")>
                        <span class="kpi-label">{move || crate::pages::coord_risk::step_label(i18n.lang.get(), step)}</span>
                        <span class="kpi-value">{n}</span>
                    </a>
                }
            }).collect_view()}
        </div>
        <h3>{move || ct(i18n, "dash.by_region")}</h3>
        <Show when=move || !no_children fallback=move || view! { <p class="hint" data-testid="dash-leaf">{move || ct(i18n, "dash.no_children")}</p> }>
            <BarChart bars=bars.clone() title=bar_title.clone() testid="dash-region-chart" on_select=select />
            <p class="hint">{move || ct(i18n, "dash.legend")}</p>
        </Show>
        <h3>{move || ct(i18n, "dash.by_tier")}</h3>
        <table class="data-table" data-testid="dash-tiers">
            <thead>
                <tr>
                    <th>{move || ct(i18n, "dash.tier")}</th>
                    <th>{move || ct(i18n, "dash.in_scope")}</th>
                    <th>{move || ct(i18n, "dash.visited")}</th>
                    <th>{move || ct(i18n, "dash.rate")}</th>
                </tr>
            </thead>
            <tbody>
                {tiers
                    .into_iter()
                    .map(|(tier, in_scope, visited)| {
                        let name = tier_name(lang, &tier);
                        view! {
                            <tr data-testid="dash-tier-row" data-tier=tier.clone()>
                                <td>{name}</td>
                                <td>{in_scope}</td>
                                <td>{visited}</td>
                                <td>{percent(rate(visited, in_scope))}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <h3>{move || ct(i18n, "dash.trend")}</h3>
        <LineChart points=points title=trend_title testid="dash-trend-chart" />
        <table class="data-table" data-testid="dash-trend-table">
            <thead>
                <tr>
                    <th>{move || ct(i18n, "dash.month")}</th>
                    <th>{move || ct(i18n, "dash.in_scope")}</th>
                    <th>{move || ct(i18n, "dash.visited")}</th>
                    <th>{move || ct(i18n, "dash.declined")}</th>
                    <th>{move || ct(i18n, "dash.rate")}</th>
                </tr>
            </thead>
            <tbody>
                {trend_rows
                    .into_iter()
                    .rev()
                    .map(|stats| {
                        let r = stats.report;
                        view! {
                            <tr data-testid="dash-trend-row" data-month=r.month.clone()>
                                <td>{r.month.clone()}</td>
                                <td>{r.in_scope}</td>
                                <td>{r.visited}</td>
                                <td>{r.declined}</td>
                                <td>{percent(r.rate)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirteen_months_oldest_first() {
        let months = last_months(chrono::NaiveDate::from_ymd_opt(2026, 2, 10).unwrap(), 12);
        assert_eq!(months.len(), 13);
        assert_eq!(months.first().unwrap(), "2025-02");
        assert_eq!(months.last().unwrap(), "2026-02");
    }
}
