//! My hours: visits and hours per month (from the visits on this device that I recorded),
//! with a link to the printable certificate for students (计学分).

use crate::error::AppResult;
use crate::i18n::use_i18n;
use crate::store::Store;
use crate::sync::use_sync;
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq)]
pub struct MonthHours {
    /// `YYYY-MM`.
    pub month: String,
    pub visits: u32,
    pub minutes: u32,
}

pub fn hours_label(minutes: u32) -> String {
    tanfang_domain::decimal::fraction_tenths(u64::from(minutes), 60)
}

/// My visits grouped by month, newest month first.
pub async fn load_hours(user_id: String) -> AppResult<Vec<MonthHours>> {
    let visits = Store::default().visits().await?;
    let mut months: BTreeMap<String, (u32, u32)> = BTreeMap::new();
    for visit in visits.iter().filter(|visit| visit.visitor_id == user_id) {
        let month = visit.date.get(..7).unwrap_or_default().to_string();
        let entry = months.entry(month).or_default();
        entry.0 += 1;
        entry.1 += visit.duration_minutes;
    }
    Ok(months
        .into_iter()
        .rev()
        .map(|(month, (visits, minutes))| MonthHours {
            month,
            visits,
            minutes,
        })
        .collect())
}

#[component]
pub fn MyHoursPage() -> impl IntoView {
    let i18n = use_i18n();
    let sync = use_sync();
    let user_id = move || {
        sync.session
            .with(|s| s.as_ref().map(|s| s.user_id.clone()).unwrap_or_default())
    };
    let rows = LocalResource::new(move || {
        sync.revision.track();
        load_hours(user_id())
    });
    view! {
        <section class="hours" data-testid="hours-page">
            <h2>{i18n.tr("hours.title")}</h2>
            <Suspense fallback=move || view! { <p class="loading">{i18n.tr("app.loading")}</p> }>
                {move || rows.get().map(|result| result.map(|rows| view! { <HoursTable rows=rows /> }))}
            </Suspense>
            <A href="/certificate" attr:class="big-button" attr:data-testid="open-certificate">
                {i18n.tr("hours.certificate")}
            </A>
        </section>
    }
}

#[component]
pub fn HoursTable(rows: Vec<MonthHours>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="hours-empty">{i18n.tr("hours.empty")}</p> }
            .into_any();
    }
    let total_visits: u32 = rows.iter().map(|row| row.visits).sum();
    let total_minutes: u32 = rows.iter().map(|row| row.minutes).sum();
    view! {
        <table class="hours-table" data-testid="hours-table">
            <thead>
                <tr>
                    <th>{i18n.tr("hours.month")}</th>
                    <th>{i18n.tr("hours.visits")}</th>
                    <th>{i18n.tr("hours.hours")}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        view! {
                            <tr data-testid="hours-row" data-month=row.month.clone()>
                                <td>{row.month.clone()}</td>
                                <td>{row.visits}</td>
                                <td>{hours_label(row.minutes)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
            <tfoot>
                <tr data-testid="hours-total">
                    <th>{i18n.tr("hours.total")}</th>
                    <th>{total_visits}</th>
                    <th>{hours_label(total_minutes)}</th>
                </tr>
            </tfoot>
        </table>
    }
    .into_any()
}
