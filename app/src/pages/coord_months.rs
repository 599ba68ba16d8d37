//! 月报 (monthly close): a city or district coordinator closes a month for a region of their
//! subtree; the page shows the stored snapshot (rate, policy version, digest), "recompute"
//! (the server reruns the domain over the stored inputs under the version then in force:
//! 一致 matches, or the differences), the corrections recorded since (late visits with their
//! reasons) and the figure with them, the late visits phones pushed without a reason (held
//! out of the month, 待补充原因, each with a field to give the reason), and a form to record a
//! late visit with its reason.
//! The server decides who may close and computes everything (`domain::month_close`).

use crate::clock;
use crate::components::coord_shell::{ConsoleErrorLine, ConsoleTitle};
use crate::console_api::{self, ConsoleError, HeldVisit, MonthView, NewCorrection, RegionNode};
use crate::i18n::{use_i18n, I18n, Lang};
use crate::pages::coord_registry::region_options;
use chrono::Datelike;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Chinese first, English when the user switched.
fn tr(i18n: I18n, zh: &'static str, en: &'static str) -> &'static str {
    if i18n.lang.get() == Lang::Zh {
        zh
    } else {
        en
    }
}

fn percent(rate: f64) -> String {
    format!("{:.1}%", rate * 100.0)
}

/// `YYYY-MM` of the month before today's.
fn previous_month() -> String {
    let today = clock::today();
    let first = today.with_day(1).unwrap_or(today);
    let last_of_previous = first.pred_opt().unwrap_or(first);
    last_of_previous.format("%Y-%m").to_string()
}

#[component]
pub fn CoordMonthsPage() -> impl IntoView {
    let i18n = use_i18n();
    let regions = LocalResource::new(|| async move { console_api::regions().await });
    view! {
        <section class="console-page months" data-testid="coord-months">
            <ConsoleTitle title=Signal::derive(move || tr(i18n, "月报（月度关账）", "Monthly close")) testid="months-title" />
            <Transition fallback=move || view! { <p class="loading">{move || tr(i18n, "加载中…", "Loading…")}</p> }>
                {move || Suspend::new(async move {
                    let regions = regions.await?;
                    Ok::<_, ConsoleError>(view! { <MonthPanel regions=regions /> })
                })}
            </Transition>
        </section>
    }
}

#[component]
fn MonthPanel(regions: Vec<RegionNode>) -> impl IntoView {
    let i18n = use_i18n();
    let month = RwSignal::new(previous_month());
    let region = RwSignal::new(regions.first().map(|r| r.code.clone()).unwrap_or_default());
    let view_data = RwSignal::new(None::<MonthView>);
    let error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    let load = move |recompute: bool| {
        let (m, r) = (month.get_untracked(), region.get_untracked());
        error.set(None);
        spawn_local(async move {
            let answer = if recompute {
                console_api::recompute_month(&m, &r).await
            } else {
                console_api::month_view(&m, &r).await
            };
            match answer {
                Ok(data) => view_data.set(Some(data)),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    Effect::new(move |_| {
        month.track();
        region.track();
        load(false);
    });
    let close = move |_| {
        let (m, r) = (month.get_untracked(), region.get_untracked());
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer = console_api::close_month(&m, &r).await;
            busy.set(false);
            match answer {
                Ok(_) => load(false),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <div class="grid no-print">
            <label class="field">
                <span>{move || tr(i18n, "月份", "Month")}</span>
                <input type="month" data-testid="month-input" prop:value=move || month.get()
                    on:change=move |e| month.set(event_target_value(&e)) />
            </label>
            <label class="field">
                <span>{move || tr(i18n, "区域", "Region")}</span>
                <select data-testid="month-region" prop:value=move || region.get()
                    on:change=move |e| region.set(event_target_value(&e))>
                    {region_options(&regions)}
                </select>
            </label>
        </div>
        <ConsoleErrorLine error=error testid="month-error" />
        {move || view_data.get().map(|data| {
            let status = if data.closed {
                tr(i18n, "已关账", "Closed")
            } else {
                tr(i18n, "未关账", "Open")
            };
            let policy = data
                .close
                .as_ref()
                .map(|c| c.policy.clone())
                .or(data.policy.clone())
                .unwrap_or_default();
            view! {
                <p class="month-status" data-testid="month-status" data-closed=data.closed.to_string()>
                    <strong>{data.month.clone()}</strong>" · "{status}" · "
                    {move || tr(i18n, "政策版本", "Policy version")}" "
                    <span data-testid="month-policy">{policy.clone()}</span>
                </p>
                {if data.closed {
                    let month_text = data.month.clone();
                    let held = data.held.clone();
                    view! {
                        <ClosedMonth data=data.clone() on_recompute=Callback::new(move |_| load(true)) />
                        <HeldVisits month=month_text held=held reload=Callback::new(move |_| load(false)) />
                    }
                    .into_any()
                } else {
                    view! {
                        <button type="button" class="primary-button" data-testid="month-close"
                            prop:disabled=move || busy.get() on:click=close>
                            {move || tr(i18n, "关账（保存快照）", "Close the month (store the snapshot)")}
                        </button>
                    }
                    .into_any()
                }}
            }
        })}
        <CorrectionForm month=month reload=Callback::new(move |_| load(false)) />
    }
}

#[component]
fn ClosedMonth(data: MonthView, on_recompute: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let close = data.close.clone().unwrap_or_default();
    let snapshot_rate = close.rate.map(percent).unwrap_or_else(|| "—".into());
    let corrected = data.with_corrections.clone().unwrap_or_default();
    let has_corrections = !data.corrections.is_empty();
    let recompute = data.recompute.clone();
    view! {
        <div class="kpis" data-testid="month-snapshot">
            <div class="kpi">
                <span class="kpi-label">{move || tr(i18n, "快照月探访率", "Snapshot rate")}</span>
                <span class="kpi-value" data-testid="month-snapshot-rate">{snapshot_rate}</span>
                <span class="kpi-sub">{close.visited.unwrap_or(0)}" / "{close.in_scope.unwrap_or(0)}</span>
            </div>
            <div class="kpi">
                <span class="kpi-label">{move || tr(i18n, "含更正", "With corrections")}</span>
                <span class="kpi-value" data-testid="month-corrected-rate">{percent(corrected.rate)}</span>
                <span class="kpi-sub">{corrected.visited}" / "{corrected.in_scope}</span>
            </div>
        </div>
        <p class="hint">
            {move || tr(i18n, "关账人", "Closed by")}": "{close.closed_by.clone().unwrap_or_default()}
            " · "{move || tr(i18n, "输入摘要", "Input digest")}": "
            <code data-testid="month-digest">{close.digest.clone().unwrap_or_default().chars().take(16).collect::<String>()}</code>
        </p>
        <button type="button" class="small-button no-print" data-testid="month-recompute"
            on:click=move |_| on_recompute.run(())>
            {move || tr(i18n, "重新计算并核对", "Recompute and compare")}
        </button>
        {recompute.map(|r| {
            if r.matches {
                view! {
                    <p class="ok-line" data-testid="month-recompute-result" data-matches="true">
                        {move || tr(i18n, "一致：按 ", "Matches: recomputed under ")}{r.policy.clone()}
                        {move || tr(i18n, " 重新计算，与快照相同", ", equal to the snapshot")}
                    </p>
                }
                .into_any()
            } else {
                view! {
                    <div data-testid="month-recompute-result" data-matches="false">
                        <p class="error-line">{move || tr(i18n, "与快照不一致：", "Differs from the snapshot:")}</p>
                        <table class="data-table">
                            <thead><tr><th>{move || tr(i18n, "字段", "Field")}</th><th>{move || tr(i18n, "快照", "Snapshot")}</th><th>{move || tr(i18n, "重新计算", "Recomputed")}</th></tr></thead>
                            <tbody>
                                {r.differences.iter().map(|d| view! {
                                    <tr data-testid="month-difference"><td>{d.field.clone()}</td><td>{d.snapshot.to_string()}</td><td>{d.recomputed.to_string()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
        })}
        <h3>{move || tr(i18n, "关账后的更正", "Corrections after the close")}</h3>
        <Show when=move || has_corrections fallback=move || view! { <p class="hint" data-testid="month-no-corrections">{move || tr(i18n, "暂无更正", "No corrections")}</p> }>
            <table class="data-table" data-testid="month-corrections">
                <thead><tr>
                    <th>{move || tr(i18n, "日期", "Date")}</th>
                    <th>{move || tr(i18n, "老人", "Elder")}</th>
                    <th>{move || tr(i18n, "方式", "Mode")}</th>
                    <th>{move || tr(i18n, "原因", "Reason")}</th>
                    <th>{move || tr(i18n, "登记人", "Entered by")}</th>
                </tr></thead>
                <tbody>
                    {data.corrections.iter().map(|c| view! {
                        <tr data-testid="month-correction" data-visit=c.visit_id.clone()>
                            <td>{c.date.clone()}</td>
                            <td>{c.elder_name.clone().unwrap_or_else(|| c.elder_id.clone())}</td>
                            <td>{c.mode.clone()}</td>
                            <td data-testid="month-correction-reason">{c.reason.clone()}</td>
                            <td>{c.entered_by.clone().unwrap_or_default()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </Show>
    }
}

/// Late visits held out of the month, awaiting a reason; a coordinator gives it here.
#[component]
fn HeldVisits(month: String, held: Vec<HeldVisit>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = held.is_empty();
    view! {
        <h3>{move || tr(i18n, "待补充原因的补录探访", "Late visits awaiting a reason")}</h3>
        <p class="hint">{move || tr(
            i18n,
            "手机在关账后同步的该月探访已保存，但补充原因前不计入更正。",
            "Visits for this month synced after the close are kept, but count as corrections only once a reason is given.",
        )}</p>
        <Show when=move || !empty fallback=move || view! { <p class="hint" data-testid="month-no-held">{move || tr(i18n, "暂无", "None")}</p> }>
            <table class="data-table" data-testid="month-held">
                <thead><tr>
                    <th>{move || tr(i18n, "日期", "Date")}</th>
                    <th>{move || tr(i18n, "老人", "Elder")}</th>
                    <th>{move || tr(i18n, "方式", "Mode")}</th>
                    <th>{move || tr(i18n, "登记人", "Entered by")}</th>
                    <th>{move || tr(i18n, "原因", "Reason")}</th>
                </tr></thead>
                <tbody>
                    {held.iter().map(|h| view! { <HeldRow month=month.clone() held=h.clone() reload=reload /> }).collect_view()}
                </tbody>
            </table>
        </Show>
    }
}

#[component]
fn HeldRow(month: String, held: HeldVisit, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let busy = RwSignal::new(false);
    let visit_id = held.visit_id.clone();
    let submit = move |_| {
        let (m, v, r) = (month.clone(), visit_id.clone(), reason.get_untracked());
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let answer = console_api::give_held_reason(&m, &v, &r).await;
            busy.set(false);
            match answer {
                Ok(_) => reload.run(()),
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <tr data-testid="month-held-visit" data-visit=held.visit_id.clone()>
            <td>{held.date.clone()}</td>
            <td>{held.elder_name.clone().unwrap_or_else(|| held.elder_id.clone())}</td>
            <td>{held.mode.clone()}</td>
            <td>{held.entered_by.clone().unwrap_or_default()}</td>
            <td>
                <input type="text" data-testid="month-held-reason"
                    aria-label=move || tr(i18n, "补充原因", "Reason")
                    prop:value=move || reason.get() on:input=move |e| reason.set(event_target_value(&e)) />
                " "
                <button type="button" class="small-button" data-testid="month-held-submit"
                    prop:disabled=move || busy.get() on:click=submit>
                    {move || tr(i18n, "补充原因", "Give the reason")}
                </button>
                <ConsoleErrorLine error=error testid="month-held-error" />
            </td>
        </tr>
    }
}

#[component]
fn CorrectionForm(month: RwSignal<String>, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let elder_id = RwSignal::new(String::new());
    let date = RwSignal::new(String::new());
    let mode = RwSignal::new("home".to_string());
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<ConsoleError>);
    let saved = RwSignal::new(false);
    let submit = move |_| {
        let correction = NewCorrection {
            elder_id: elder_id.get_untracked().trim().to_string(),
            date: date.get_untracked(),
            mode: mode.get_untracked(),
            reason: reason.get_untracked(),
        };
        let m = month.get_untracked();
        error.set(None);
        saved.set(false);
        spawn_local(async move {
            match console_api::add_correction(&m, &correction).await {
                Ok(_) => {
                    saved.set(true);
                    reason.set(String::new());
                    reload.run(());
                }
                Err(failure) => error.set(Some(failure)),
            }
        });
    };
    view! {
        <section class="correction-form no-print" data-testid="correction-form">
            <h3>{move || tr(i18n, "补录或更正探访（已关账月份须填写原因）", "Late or corrected visit (a closed month needs a reason)")}</h3>
            <div class="grid">
                <label class="field">
                    <span>{move || tr(i18n, "老人编号", "Elder ID")}</span>
                    <input type="text" data-testid="correction-elder" prop:value=move || elder_id.get()
                        on:input=move |e| elder_id.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || tr(i18n, "探访日期", "Visit date")}</span>
                    <input type="date" data-testid="correction-date" prop:value=move || date.get()
                        on:input=move |e| date.set(event_target_value(&e)) />
                </label>
                <label class="field">
                    <span>{move || tr(i18n, "方式", "Mode")}</span>
                    <select data-testid="correction-mode" on:change=move |e| mode.set(event_target_value(&e))>
                        <option value="home">"上门探访 Home"</option>
                        <option value="phone">"电话问候 Phone"</option>
                        <option value="video">"视频 Video"</option>
                    </select>
                </label>
                <label class="field">
                    <span>{move || tr(i18n, "原因", "Reason")}</span>
                    <input type="text" data-testid="correction-reason" prop:value=move || reason.get()
                        on:input=move |e| reason.set(event_target_value(&e)) />
                </label>
            </div>
            <ConsoleErrorLine error=error testid="correction-error" />
            <Show when=move || saved.get()>
                <p class="ok-line" data-testid="correction-saved">{move || tr(i18n, "已登记为更正", "Recorded as a correction")}</p>
            </Show>
            <button type="button" class="primary-button" data-testid="correction-submit" on:click=submit>
                {move || tr(i18n, "登记更正", "Record the correction")}
            </button>
        </section>
    }
}
