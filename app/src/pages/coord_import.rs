//! 数据导入导出 (issue 10): upload a roster (.xlsx or .csv, UTF-8 or GBK), map its columns,
//! see every row checked on the server (errors per row and column; new / changed / unchanged),
//! then commit in one step; and download the official tables (.xlsx or .csv).
//!
//! The browser never parses the spreadsheet (no spreadsheet crate in this wasm): the file is
//! sent as it is to `POST /api/import/preview` (a dry run) and `POST /api/import/commit` (one
//! D1 batch: all or nothing). The column mapping is remembered per coordinator on the server.

use std::collections::BTreeMap;

use crate::components::coord_shell::ConsoleTitle;
use crate::console_api::{encode, error_from, ConsoleError};
use gloo::net::http::Request;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::RequestCredentials;

type Mapping = BTreeMap<String, Option<String>>;

async fn send_file(
    path: &str,
    file: &web_sys::File,
    mapping: Option<&Mapping>,
    extra: &str,
) -> Result<Value, ConsoleError> {
    let mut url = format!("{path}?file_name={}", encode(&file.name()));
    if let Some(mapping) = mapping {
        let json = serde_json::to_string(mapping).unwrap_or_default();
        url.push_str(&format!("&mapping={}", encode(&json)));
    }
    url.push_str(extra);
    let request = Request::post(&url)
        .credentials(RequestCredentials::Include)
        .header("accept", "application/json")
        .header("content-type", "application/octet-stream")
        .body(JsValue::from(file.clone()))
        .map_err(|e| ConsoleError::Server {
            status: 0,
            message: e.to_string(),
        })?;
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    if !(200..300).contains(&status) {
        return Err(error_from(status, &text));
    }
    serde_json::from_str(&text).map_err(|e| ConsoleError::Server {
        status,
        message: e.to_string(),
    })
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[component]
pub fn CoordImportPage() -> impl IntoView {
    let file = RwSignal::new_local(None::<web_sys::File>);
    let mapping = RwSignal::new(Mapping::new());
    let preview = RwSignal::new(None::<Value>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let committing = RwSignal::new(false);
    let result = RwSignal::new(None::<Value>);
    let skip_errors = RwSignal::new(false);

    let run_preview = move |with_mapping: bool| {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let map = mapping.get_untracked();
        busy.set(true);
        error.set(None);
        result.set(None);
        leptos::task::spawn_local(async move {
            let answer =
                send_file("/api/import/preview", &f, with_mapping.then_some(&map), "").await;
            busy.set(false);
            match answer {
                Ok(value) => {
                    if let Ok(m) = serde_json::from_value::<Mapping>(value["mapping"].clone()) {
                        mapping.set(m);
                    }
                    preview.set(Some(value));
                }
                Err(e) => {
                    preview.set(None);
                    error.set(Some(e.to_string()));
                }
            }
        });
    };

    let on_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = ev.target().and_then(|t| t.dyn_into().ok());
        let chosen = input.and_then(|i| i.files()).and_then(|list| list.get(0));
        file.set(chosen);
        mapping.set(Mapping::new());
        run_preview(false);
    };

    let commit = move |_| {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let map = mapping.get_untracked();
        let skip = skip_errors.get_untracked();
        committing.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let extra = if skip { "&skip_errors=1" } else { "" };
            let answer = send_file("/api/import/commit", &f, Some(&map), extra).await;
            committing.set(false);
            match answer {
                Ok(value) => {
                    result.set(Some(value));
                    preview.set(None);
                }
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };

    view! {
        <section class="console-page import" data-testid="coord-import">
            <ConsoleTitle title=Signal::derive(|| "名册导入 (Roster import)") testid="import-title" />
            <p class="hint">
                "上传摸底排查表或卫健、残联等部门共享的名单（.xlsx 或 .csv，UTF-8 或 GBK）。先预览检查，确认后一次性导入；有错误时不会写入任何数据。"
                " (Upload a .xlsx or .csv roster; nothing is written until you confirm.)"
            </p>
            <label class="file-pick">
                "选择文件 (Choose file) "
                <input type="file" accept=".xlsx,.csv,text/csv" data-testid="import-file" on:change=on_file />
            </label>
            {move || busy.get().then(|| view! { <p class="loading" data-testid="import-busy">"正在检查… (checking…)"</p> })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="import-error">{e}</p> })}
            {move || result.get().map(|r| view! {
                <p class="ok" role="status" data-testid="import-result">
                    {format!("已导入：新建 {} 份，更新 {} 份，未变 {} 份，跳过 {} 行 (imported)",
                        text(&r["created"]), text(&r["updated"]), text(&r["unchanged"]),
                        r["skipped"].as_array().map(|a| a.len()).unwrap_or(0))}
                </p>
            })}
            {move || preview.get().map(|p| {
                let headers: Vec<String> = p["headers"].as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default();
                let fields: Vec<(String, String)> = p["fields"].as_array().map(|a| a.iter().map(|f| (text(&f["key"]), text(&f["label"]))).collect()).unwrap_or_default();
                let summary = p["summary"].clone();
                let rows = p["rows"].as_array().cloned().unwrap_or_default();
                let errors = summary["errors"].as_u64().unwrap_or(0);
                view! {
                    <h2>"列对应 (Column mapping)"</h2>
                    <table class="console-table mapping" data-testid="import-mapping">
                        <thead><tr><th>"表格列 (column)"</th><th>"对应字段 (field)"</th></tr></thead>
                        <tbody>
                            {headers.into_iter().filter(|h| !h.is_empty()).map(|header| {
                                let current = mapping.get_untracked().get(&header).cloned().flatten().unwrap_or_default();
                                let h = header.clone();
                                view! {
                                    <tr>
                                        <td>{header.clone()}</td>
                                        <td>
                                            <select data-testid="import-map" data-header=header.clone() aria-label=format!("{header} 对应字段")
                                                on:change=move |e| {
                                                    let value = event_target_value(&e);
                                                    mapping.update(|m| { m.insert(h.clone(), (!value.is_empty()).then_some(value)); });
                                                    run_preview(true);
                                                }>
                                                <option value="" selected=current.is_empty()>"（不导入）(ignore)"</option>
                                                {fields.iter().map(|(key, label)| {
                                                    let selected = *key == current;
                                                    view! { <option value=key.clone() selected=selected>{label.clone()}</option> }
                                                }).collect_view()}
                                            </select>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <p class="summary" data-testid="import-summary">
                        {format!("共 {} 行：新建 {}，有变化 {}，无变化 {}，有错误 {}",
                            text(&summary["rows"]), text(&summary["new"]), text(&summary["changed"]),
                            text(&summary["unchanged"]), errors)}
                    </p>
                    <table class="console-table preview" data-testid="import-rows">
                        <thead><tr><th>"行 (row)"</th><th>"姓名"</th><th>"结果 (result)"</th><th>"说明 (details)"</th></tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| {
                                let action = text(&r["action"]);
                                let label = match action.as_str() {
                                    "new" => "新建 (new)",
                                    "changed" => "有变化 (changed)",
                                    "unchanged" => "无变化 (unchanged)",
                                    _ => "有错误 (error)",
                                };
                                let details: Vec<String> = if action == "error" {
                                    r["errors"].as_array().map(|a| a.iter().map(|e| format!("{} {}：{}", text(&e["cell"]), text(&e["column"]), text(&e["message"]))).collect()).unwrap_or_default()
                                } else {
                                    r["changes"].as_array().map(|a| a.iter().map(|c| format!("{}：{} → {}", text(&c["field"]), text(&c["old"]), text(&c["new"]))).collect()).unwrap_or_default()
                                };
                                view! {
                                    <tr class=format!("row-{action}") data-testid="import-row" data-row=text(&r["row"]) data-action=action.clone()>
                                        <td>{text(&r["row"])}</td>
                                        <td>{text(&r["name"])}</td>
                                        <td>{label}</td>
                                        <td>{details.into_iter().map(|d| view! { <div class="detail">{d}</div> }).collect_view()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    <div class="actions">
                        {(errors > 0).then(|| view! {
                            <label class="check">
                                <input type="checkbox" data-testid="import-skip-errors" on:change=move |e| skip_errors.set(event_target_checked(&e)) />
                                "只导入无误的行 (import only the rows without errors)"
                            </label>
                        })}
                        <button type="button" class="big-button primary" data-testid="import-commit"
                            disabled=move || committing.get() || (errors > 0 && !skip_errors.get())
                            on:click=commit>
                            "确认导入 (Import)"
                        </button>
                    </div>
                }
            })}
            {move || committing.get().then(|| view! {
                <div class="import-progress" data-testid="import-progress">
                    <progress aria-label="正在导入 (importing)"></progress>
                    " 正在导入，请勿关闭页面… (importing in one step)"
                </div>
            })}
            <Exports />
        </section>
    }
}

#[component]
fn Exports() -> impl IntoView {
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let month = RwSignal::new(String::new());
    let year = RwSignal::new(String::new());
    let link = move |kind: &'static str, format: &'static str| {
        move || {
            let mut pairs = vec![format!("format={format}")];
            match kind {
                "monthly" => {
                    if !month.get().is_empty() {
                        pairs.push(format!("month={}", encode(&month.get())));
                    }
                }
                "budget" => {
                    if !year.get().is_empty() {
                        pairs.push(format!("year={}", encode(&year.get())));
                    }
                }
                _ => {
                    if !from.get().is_empty() {
                        pairs.push(format!("from={}", encode(&from.get())));
                    }
                    if !to.get().is_empty() {
                        pairs.push(format!("to={}", encode(&to.get())));
                    }
                }
            }
            format!("/api/exports/{kind}?{}", pairs.join("&"))
        }
    };
    let row = move |kind: &'static str, label: &'static str| {
        view! {
            <li>
                <span class="export-name">{label}</span>
                " "
                <a href=link(kind, "xlsx") download data-testid=format!("export-{kind}-xlsx")>"下载 .xlsx"</a>
                " · "
                <a href=link(kind, "csv") download data-testid=format!("export-{kind}-csv")>".csv"</a>
            </li>
        }
    };
    view! {
        <section class="exports" data-testid="exports">
            <h2>"台账与统计导出 (Exports)"</h2>
            <p class="hint">"导出范围为您管辖的区域；身份证号已打码；每次导出都记入审计日志。"</p>
            <div class="filters">
                <label>"开始日期 " <input type="date" data-testid="export-from" on:input=move |e| from.set(event_target_value(&e)) /></label>
                <label>"结束日期 " <input type="date" data-testid="export-to" on:input=move |e| to.set(event_target_value(&e)) /></label>
                <label>"月份 " <input type="month" data-testid="export-month" on:input=move |e| month.set(event_target_value(&e)) /></label>
                <label>"年度 " <input type="number" min="2000" max="2100" data-testid="export-year" on:input=move |e| year.set(event_target_value(&e)) /></label>
            </div>
            <ul class="export-list">
                {row("ledger", "探访关爱台账（档案与期内探访）")}
                {row("monthly", "月探访率（按社区、分级）")}
                {row("jiangmen", "江门 探访关爱服务情况统计表")}
                {row("hours", "志愿者服务时长")}
                {row("budget", "平利 经费测算（每人每年不低于800元）")}
            </ul>
            <p class="hint">
                "纸质表格（一式四份）："
                <a href="/coord/forms?kind=visit" data-testid="form-visit-blank">"空白探访关爱服务记录表"</a>
                " · "
                <a href="/coord/forms?kind=elder" data-testid="form-elder-blank">"空白老年人基本信息表"</a>
            </p>
        </section>
    }
}
