//! 数据导入导出 (issue 10): upload a roster (.xlsx or .csv, UTF-8 or GBK), map its columns,
//! see every row checked on the server (errors per row and column; new / changed / unchanged),
//! then commit in one step; and download the official tables (.xlsx or .csv).
//!
//! The browser never parses the spreadsheet (no spreadsheet crate in this wasm): the file is
//! sent as it is to `POST /api/import/preview` (a dry run) and `POST /api/import/commit` (one
//! D1 batch: all or nothing). The column mapping is remembered per coordinator on the server.
//!
//! Progress is shown as stages, each only as precise as what is really known: 上传 (the bytes
//! sent, from XMLHttpRequest upload progress events), then 检查 (the server reads and checks
//! every row; no per-row figure exists, so no fake percentage) or 写入 (the commit's one batch),
//! then the answer. The preview lists the rows a page at a time, errors first if there are any.

use std::collections::BTreeMap;

use crate::components::coord_shell::ConsoleTitle;
use crate::console_api::{encode, error_from, ConsoleError};
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type Mapping = BTreeMap<String, Option<String>>;

/// Rows of the preview shown at once (a 20,000-row sheet is not drawn in one go).
const PAGE_ROWS: usize = 200;

// XMLHttpRequest, bound here (fetch has no upload progress; web-sys's XHR types are not among
// this crate's enabled features).
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = XMLHttpRequest)]
    type Xhr;
    #[wasm_bindgen(constructor, js_class = "XMLHttpRequest")]
    fn new() -> Xhr;
    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
    fn open(this: &Xhr, method: &str, url: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest", js_name = setRequestHeader)]
    fn set_request_header(this: &Xhr, name: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, setter = withCredentials, js_class = "XMLHttpRequest")]
    fn set_with_credentials(this: &Xhr, value: bool);
    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn upload(this: &Xhr) -> XhrUpload;
    #[wasm_bindgen(method, setter = onload, js_class = "XMLHttpRequest")]
    fn set_onload(this: &Xhr, f: &js_sys::Function);
    #[wasm_bindgen(method, setter = onerror, js_class = "XMLHttpRequest")]
    fn set_onerror(this: &Xhr, f: &js_sys::Function);
    #[wasm_bindgen(method, getter, js_class = "XMLHttpRequest")]
    fn status(this: &Xhr) -> u16;
    #[wasm_bindgen(method, getter = responseText, js_class = "XMLHttpRequest")]
    fn response_text(this: &Xhr) -> String;
    #[wasm_bindgen(method, catch, js_class = "XMLHttpRequest")]
    fn send(this: &Xhr, body: &JsValue) -> Result<(), JsValue>;

    type XhrUpload;
    #[wasm_bindgen(method, setter = onprogress)]
    fn set_onprogress(this: &XhrUpload, f: &js_sys::Function);
    #[wasm_bindgen(method, setter = onload)]
    fn set_onload(this: &XhrUpload, f: &js_sys::Function);

    type UploadProgress;
    #[wasm_bindgen(method, getter)]
    fn loaded(this: &UploadProgress) -> f64;
    #[wasm_bindgen(method, getter)]
    fn total(this: &UploadProgress) -> f64;
}

/// Where a request is: sending the file, or waiting for the server's check / batch.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Stage {
    Upload,
    Server,
}

/// Sends the file with XMLHttpRequest, reporting `(bytes sent, bytes total)` and the stage.
async fn send_file(
    path: &str,
    file: &web_sys::File,
    mapping: Option<&Mapping>,
    extra: &str,
    stage: RwSignal<Option<Stage>>,
    sent: RwSignal<(f64, f64)>,
) -> Result<Value, ConsoleError> {
    let mut url = format!("{path}?file_name={}", encode(&file.name()));
    if let Some(mapping) = mapping {
        let json = serde_json::to_string(mapping).unwrap_or_default();
        url.push_str(&format!("&mapping={}", encode(&json)));
    }
    url.push_str(extra);
    let failed = |e: JsValue| ConsoleError::Server {
        status: 0,
        message: format!("{e:?}"),
    };
    let xhr = Xhr::new();
    xhr.open("POST", &url).map_err(failed)?;
    xhr.set_with_credentials(true);
    xhr.set_request_header("accept", "application/json")
        .map_err(failed)?;
    xhr.set_request_header("content-type", "application/octet-stream")
        .map_err(failed)?;
    let size = file.size();
    sent.set((0.0, size));
    stage.set(Some(Stage::Upload));
    let on_progress = Closure::<dyn FnMut(UploadProgress)>::new(move |event: UploadProgress| {
        let total = if event.total() > 0.0 {
            event.total()
        } else {
            size
        };
        sent.set((event.loaded().min(total), total));
    });
    let on_sent = Closure::<dyn FnMut()>::new(move || {
        sent.update(|(done, total)| *done = *total);
        stage.set(Some(Stage::Server));
    });
    xhr.upload()
        .set_onprogress(on_progress.as_ref().unchecked_ref());
    xhr.upload().set_onload(on_sent.as_ref().unchecked_ref());
    let done = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(&resolve);
        xhr.set_onerror(&reject);
    });
    let result = match xhr.send(file.as_ref()) {
        Ok(()) => wasm_bindgen_futures::JsFuture::from(done).await,
        Err(e) => Err(e),
    };
    drop((on_progress, on_sent));
    stage.set(None);
    if result.is_err() {
        return Err(ConsoleError::Offline);
    }
    let status = xhr.status();
    let text = xhr.response_text();
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

fn megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_048_576.0)
}

/// The stage list shown while a preview or a commit runs.
#[component]
fn Stages(
    /// `"check"` for a preview, `"commit"` for a commit.
    kind: &'static str,
    stage: RwSignal<Option<Stage>>,
    sent: RwSignal<(f64, f64)>,
) -> impl IntoView {
    let state = move |which: Stage| match (stage.get(), which) {
        (Some(Stage::Upload), Stage::Upload) | (Some(Stage::Server), Stage::Server) => "active",
        (Some(Stage::Server), Stage::Upload) => "done",
        _ => "pending",
    };
    let (second_id, second_label) = if kind == "commit" {
        (
            "commit",
            "2. 写入：一次性写入全部档案（全部成功或全部不写） (writing in one step)",
        )
    } else {
        (
            "check",
            "2. 检查：服务器逐行检查并与现有档案比对 (checking every row)",
        )
    };
    view! {
        <ol class="import-stages" data-testid="import-stages" data-kind=kind aria-live="polite">
            <li data-testid="import-stage" data-stage="upload" data-state=move || state(Stage::Upload)>
                "1. 上传 (uploading) "
                <progress data-testid="import-upload-progress"
                    max=move || sent.get().1.max(1.0).to_string()
                    value=move || sent.get().0.to_string()
                    aria-label="上传进度 (upload progress)"></progress>
                " "
                <span data-testid="import-upload-bytes">
                    {move || {
                        let (done, total) = sent.get();
                        format!("{} / {}（{:.0}%）", megabytes(done), megabytes(total), 100.0 * done / total.max(1.0))
                    }}
                </span>
            </li>
            <li data-testid="import-stage" data-stage=second_id data-state=move || state(Stage::Server)>
                {second_label}
                {move || (stage.get() == Some(Stage::Server)).then(|| view! {
                    " " <progress aria-label="处理中 (working)"></progress>
                })}
            </li>
        </ol>
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
    let stage = RwSignal::new(None::<Stage>);
    let sent = RwSignal::new((0.0f64, 0.0f64));
    // Which rows the preview lists, and how many of them.
    let filter = RwSignal::new(String::from("all"));
    let shown = RwSignal::new(PAGE_ROWS);

    let run_preview = move |with_mapping: bool| {
        let Some(f) = file.get_untracked() else {
            return;
        };
        let map = mapping.get_untracked();
        busy.set(true);
        error.set(None);
        result.set(None);
        leptos::task::spawn_local(async move {
            let answer = send_file(
                "/api/import/preview",
                &f,
                with_mapping.then_some(&map),
                "",
                stage,
                sent,
            )
            .await;
            busy.set(false);
            match answer {
                Ok(value) => {
                    if let Ok(m) = serde_json::from_value::<Mapping>(value["mapping"].clone()) {
                        mapping.set(m);
                    }
                    let errors = value["summary"]["errors"].as_u64().unwrap_or(0);
                    filter.set(if errors > 0 { "error" } else { "all" }.to_string());
                    shown.set(PAGE_ROWS);
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
            let answer = send_file("/api/import/commit", &f, Some(&map), extra, stage, sent).await;
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
            {move || busy.get().then(|| view! {
                <div class="loading" data-testid="import-busy">
                    <Stages kind="check" stage=stage sent=sent />
                </div>
            })}
            {move || committing.get().then(|| view! {
                <div class="import-progress" data-testid="import-progress">
                    <Stages kind="commit" stage=stage sent=sent />
                    <p class="hint">"正在导入，请勿关闭页面… (importing in one step)"</p>
                </div>
            })}
            {move || error.get().map(|e| view! { <p class="error" role="alert" data-testid="import-error">{e}</p> })}
            {move || result.get().map(|r| {
                let moved = r["moved"].as_u64().unwrap_or(0);
                view! {
                    <p class="ok" role="status" data-testid="import-result">
                        {format!("已导入：新建 {} 份，更新 {} 份，未变 {} 份，跳过 {} 行 (imported)",
                            text(&r["created"]), text(&r["updated"]), text(&r["unchanged"]),
                            r["skipped"].as_array().map(|a| a.len()).unwrap_or(0))}
                        {(moved > 0).then(|| format!("；{moved} 位老人换了社区，不属于新社区的探访人已解除分配，请在“分配”中重新指定。"))}
                    </p>
                }
            })}
            {move || preview.get().map(|p| {
                let headers: Vec<String> = p["headers"].as_array().map(|a| a.iter().map(text).collect()).unwrap_or_default();
                let fields: Vec<(String, String)> = p["fields"].as_array().map(|a| a.iter().map(|f| (text(&f["key"]), text(&f["label"]))).collect()).unwrap_or_default();
                let summary = p["summary"].clone();
                let rows = std::sync::Arc::new(p["rows"].as_array().cloned().unwrap_or_default());
                let errors = summary["errors"].as_u64().unwrap_or(0);
                let has_serial = rows.iter().any(|r| !r["serial"].is_null());
                let count = |key: &str| summary[key].as_u64().unwrap_or(0);
                let filter_options = [
                    ("all", format!("全部 {} 行", count("rows"))),
                    ("error", format!("有错误 {}", count("errors"))),
                    ("changed", format!("有变化 {}", count("changed"))),
                    ("new", format!("新建 {}", count("new"))),
                    ("unchanged", format!("无变化 {}", count("unchanged"))),
                ];
                let rows_for_list = rows.clone();
                let matching = move || {
                    let wanted = filter.get();
                    rows_for_list
                        .iter()
                        .filter(|r| wanted == "all" || text(&r["action"]) == wanted)
                        .cloned()
                        .collect::<Vec<Value>>()
                };
                let matching_count = matching.clone();
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
                    <p class="hint" data-testid="import-serial-hint">
                        "“编号”（或“序号”）列只用来在下面的检查结果和错误提示中标出您表格里的那一行，不会存入档案；系统为每份新档案另行编号。"
                        " (The 编号/序号 column only identifies your sheet's row in the results; it is not imported.)"
                    </p>
                    <p class="summary" data-testid="import-summary">
                        {format!("共 {} 行：新建 {}，有变化 {}，无变化 {}，有错误 {}",
                            text(&summary["rows"]), text(&summary["new"]), text(&summary["changed"]),
                            text(&summary["unchanged"]), errors)}
                    </p>
                    <label class="filters">
                        "显示 (show) "
                        <select data-testid="import-filter" on:change=move |e| { filter.set(event_target_value(&e)); shown.set(PAGE_ROWS); }>
                            {filter_options.into_iter().map(|(key, label)| view! {
                                <option value=key selected=move || filter.get() == key>{label}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <table class="console-table preview" data-testid="import-rows">
                        <thead><tr>
                            <th>"行 (row)"</th>
                            {has_serial.then(|| view! { <th>"编号 (your no.)"</th> })}
                            <th>"姓名"</th><th>"结果 (result)"</th><th>"说明 (details)"</th>
                        </tr></thead>
                        <tbody>
                            {move || matching().into_iter().take(shown.get()).map(|r| {
                                let action = text(&r["action"]);
                                let label = match action.as_str() {
                                    "new" => "新建 (new)",
                                    "changed" => "有变化 (changed)",
                                    "unchanged" => "无变化 (unchanged)",
                                    _ => "有错误 (error)",
                                };
                                let mut details: Vec<String> = if action == "error" {
                                    r["errors"].as_array().map(|a| a.iter().map(|e| format!("{} {}：{}", text(&e["cell"]), text(&e["column"]), text(&e["message"]))).collect()).unwrap_or_default()
                                } else {
                                    r["changes"].as_array().map(|a| a.iter().map(|c| format!("{}：{} → {}", text(&c["field"]), text(&c["old"]), text(&c["new"]))).collect()).unwrap_or_default()
                                };
                                if r["moves_community"].as_bool() == Some(true) {
                                    details.push("换社区：不属于新社区的探访人将被解除分配，其手机上不再显示这位老人 (moves community: visitors outside it are unassigned)".into());
                                }
                                view! {
                                    <tr class=format!("row-{action}") data-testid="import-row" data-row=text(&r["row"]) data-serial=text(&r["serial"]) data-action=action.clone()>
                                        <td>{text(&r["row"])}</td>
                                        {has_serial.then(|| view! { <td data-testid="import-row-serial">{text(&r["serial"])}</td> })}
                                        <td>{text(&r["name"])}</td>
                                        <td>{label}</td>
                                        <td>{details.into_iter().map(|d| view! { <div class="detail">{d}</div> }).collect_view()}</td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    {move || {
                        let total = matching_count().len();
                        let now = shown.get().min(total);
                        (total > now).then(|| view! {
                            <p class="pager">
                                {format!("已显示 {now} / {total} 行 ")}
                                <button type="button" class="link-button" data-testid="import-more"
                                    on:click=move |_| shown.update(|n| *n += PAGE_ROWS * 5)>
                                    "显示更多 (more)"
                                </button>
                            </p>
                        })
                    }}
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
