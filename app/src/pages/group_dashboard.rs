//! 服务统计 — the group's dashboard: members' visits and service hours this month, this term
//! and per month; how many of the members' elders were visited this month (counts only, never
//! an elder's data); the term CSV for Excel; a printable service-hours certificate per member.

use crate::groups_api::{self, Dashboard, DashboardMember, GroupsError};
use crate::pages::group_home::GroupLoginForm;
use leptos::prelude::*;

#[component]
pub fn GroupDashboardPage() -> impl IntoView {
    groups_api::ensure_stylesheet();
    let reload = RwSignal::new(0u32);
    let data = LocalResource::new(move || {
        reload.track();
        async move {
            let list = groups_api::groups(None).await?;
            let group = list.groups.first().ok_or(GroupsError::NotFound)?;
            groups_api::dashboard(&group.id).await
        }
    });
    view! {
        <section class="group-page group-dashboard" data-testid="group-dashboard">
            <p class="no-print"><a href="/groups" class="back-link">"← 团体管理 My group"</a></p>
            <Transition fallback=|| view! { <p class="loading">"加载中… Loading"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(GroupsError::Unauthenticated) => view! { <GroupLoginForm done=reload /> }.into_any(),
                        Err(other) => view! { <p class="error-line" data-testid="group-error">{other.to_string()}</p> }.into_any(),
                        Ok(dashboard) => view! { <DashboardView dashboard=dashboard /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DashboardView(dashboard: Dashboard) -> impl IntoView {
    let term = RwSignal::new(dashboard.term.id.clone());
    let group_id = dashboard.group.id.clone();
    let certificate = RwSignal::new(None::<DashboardMember>);
    let group_name = dashboard.group.name.clone();
    let term_label = dashboard.term.label.clone();
    let rows = dashboard
        .members
        .iter()
        .map(|m| {
            let member = m.clone();
            view! {
                <tr data-testid="dashboard-member" data-id=m.id.clone()>
                    <td>{m.name.clone()}</td>
                    <td>{m.class_name.clone().unwrap_or_default()}</td>
                    <td data-testid="dashboard-month-visits">{m.this_month.visits}</td>
                    <td data-testid="dashboard-month-hours">{m.this_month.hours.clone()}</td>
                    <td data-testid="dashboard-term-hours">{m.this_term.hours.clone()}</td>
                    <td class="no-print">
                        <button type="button" class="link-button" data-testid="dashboard-certificate"
                            on:click=move |_| certificate.set(Some(member.clone()))>"证明 Certificate"</button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let months = dashboard
        .months
        .iter()
        .filter(|m| m.total.visits > 0)
        .map(|m| view! { <tr><td>{m.month.clone()}</td><td>{m.total.visits}</td><td>{m.total.hours.clone()}</td></tr> })
        .collect_view();
    let print = move |_| {
        let _ = gloo::utils::window().print();
    };
    view! {
        <div class="stack">
            <div class="no-print stack">
                <h2 data-testid="dashboard-group-name">{dashboard.group.name.clone()}</h2>
                <div class="card stats">
                    <p>{format!("本月 {} · 本学期 {}", dashboard.month, dashboard.term.label)}</p>
                    <p data-testid="dashboard-paired">
                        {format!("成员负责的老人 {} 位，本月已探访 {} 位", dashboard.paired_elders.assigned, dashboard.paired_elders.visited_this_month)}
                    </p>
                </div>
                <table class="table hours-table" data-testid="dashboard-members">
                    <thead><tr><th>"成员"</th><th>"班级"</th><th>"本月探访"</th><th>"本月时长(小时)"</th><th>"本学期时长(小时)"</th><th></th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
                <h3>"每月合计 Per month"</h3>
                <table class="table"><thead><tr><th>"月份"</th><th>"探访次数"</th><th>"时长(小时)"</th></tr></thead><tbody>{months}</tbody></table>
                <div class="card">
                    <h3>"导出学期服务时长 Export term hours (Excel CSV)"</h3>
                    <input type="text" data-testid="dashboard-term" aria-label="学期 Term" prop:value=move || term.get()
                        on:input=move |e| term.set(event_target_value(&e)) />
                    <a class="button" data-testid="dashboard-export" download=""
                        href=move || groups_api::hours_csv_link(&group_id, &term.get())>"下载 CSV Download"</a>
                    <p class="hint">"学期：第一学期 9月–次年1月（2024-2025-1），第二学期 2–7月（2024-2025-2），暑期 8月（2024-2025-summer）。"</p>
                </div>
            </div>
            {move || certificate.get().map(|member| view! {
                <div class="certificate" data-testid="group-certificate">
                    <h2 class="certificate-title">"志愿服务时长证明"</h2>
                    <p>{format!(
                        "兹证明 {}{} 同学/同志，作为“{}”成员，于{}参加特殊困难老年人探访关爱志愿服务 {} 次，累计服务时长 {} 小时。",
                        member.name,
                        member.student_number.as_ref().map(|n| format!("（学号 {n}）")).unwrap_or_default(),
                        group_name, term_label, member.this_term.visits, member.this_term.hours
                    )}</p>
                    <p class="certificate-sign">"出具单位（盖章）：________________　　日期：________________"</p>
                    <button type="button" class="big-button primary no-print" data-testid="group-certificate-print" on:click=print>"打印 Print"</button>
                </div>
            })}
        </div>
    }
}
