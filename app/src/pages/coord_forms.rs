//! Printable forms (issue 10), A4 (styles/print.css + the `.paper-form` rules in console.css):
//!
//! - `/coord/forms?kind=visit[&elder=ID[&visit=N]]` — 探访关爱服务记录表: blank, with the elder's
//!   header filled, or with the elder's N-th latest visit (0 = latest) filled in.
//! - `/coord/forms?kind=elder[&elder=ID]` — 特殊困难老年人基本信息表: blank or filled.
//!
//! Filled forms come from `GET /api/elders/:id` (ID number masked, read audited), so a paper
//! copy never carries more than the screen shows. Choices print as ☑/☐ like the paper forms.

use crate::console_api::{self, ConsoleError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde_json::Value;

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `☑ 安全 ☐ 较安全 ☐ 不安全`, the chosen option ticked (none ticked on a blank form).
fn choices(value: Option<&Value>, options: &[(&str, &str)]) -> String {
    let chosen = value.map(text).unwrap_or_default();
    options
        .iter()
        .map(|(key, label)| {
            let mark = if !chosen.is_empty() && chosen == *key {
                "☑"
            } else {
                "☐"
            };
            format!("{mark}{label}")
        })
        .collect::<Vec<_>>()
        .join("  ")
}

const TREND: [(&str, &str); 3] = [
    ("unchanged", "无变化"),
    ("better", "较好"),
    ("worse", "较差"),
];
const SAFETY: [(&str, &str); 3] = [
    ("safe", "安全"),
    ("fairly_safe", "较安全"),
    ("unsafe", "不安全"),
];
const MODE: [(&str, &str); 5] = [
    ("home", "上门"),
    ("phone", "电话"),
    ("video", "视频"),
    ("encounter", "见面"),
    ("other", "其他"),
];

#[component]
pub fn CoordFormsPage() -> impl IntoView {
    let query = use_query_map();
    let kind = move || query.with(|q| q.get("kind").unwrap_or_else(|| "visit".into()));
    let elder_id = move || query.with(|q| q.get("elder").unwrap_or_default());
    let visit_index = move || query.with(|q| q.get("visit").and_then(|v| v.parse::<usize>().ok()));
    let detail = LocalResource::new(move || {
        let id = elder_id();
        async move {
            if id.is_empty() {
                Ok::<_, ConsoleError>(None)
            } else {
                console_api::elder(&id).await.map(Some)
            }
        }
    });
    view! {
        <section class="console-page forms" data-testid="coord-forms">
            <p class="no-print hint">
                "打印时请选择 A4 纸、纵向；本表一式四份。 (Print on A4, portrait.) "
                <button type="button" class="small-button" data-testid="form-print"
                    on:click=move |_| { if let Some(w) = web_sys::window() { let _ = w.print(); } }>
                    "打印 (Print)"
                </button>
            </p>
            <Suspense fallback=|| view! { <p class="loading">"加载中… (loading)"</p> }>
                {move || Suspend::new(async move {
                    let detail = detail.await?;
                    let elder = detail.as_ref().map(|d| d.elder.clone()).unwrap_or(Value::Null);
                    let visit = match (visit_index(), &detail) {
                        (Some(n), Some(d)) => d.visits.get(n).cloned(),
                        _ => None,
                    };
                    Ok::<_, ConsoleError>(if kind() == "elder" {
                        view! { <ElderForm elder=elder /> }.into_any()
                    } else {
                        view! { <VisitForm elder=elder visit=visit /> }.into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}

fn elder_header(elder: &Value) -> (String, String, String, String, String) {
    let sex = match text(&elder["sex"]).as_str() {
        "male" => "男",
        "female" => "女",
        _ => "",
    }
    .to_string();
    let address = ["district", "street", "community", "detail"]
        .iter()
        .map(|k| text(&elder["address"][*k]))
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (
        text(&elder["name"]),
        sex,
        text(&elder["birth_date"]),
        text(&elder["id_number"]),
        address,
    )
}

#[component]
fn VisitForm(elder: Value, visit: Option<Value>) -> impl IntoView {
    let (name, sex, birth, id_number, address) = elder_header(&elder);
    let v = visit.unwrap_or(Value::Null);
    let get = |key: &str| (!v.is_null()).then(|| v[key].clone());
    let row = |label: &'static str, content: String| {
        view! { <tr><th>{label}</th><td colspan="3">{content}</td></tr> }
    };
    view! {
        <article class="paper-form" data-testid="form-visit">
            <h1>"特殊困难老年人探访关爱服务记录表"</h1>
            <table class="form-grid">
                <tbody>
                    <tr><th>"老人姓名"</th><td data-testid="form-name">{name}</td><th>"性别"</th><td>{sex}</td></tr>
                    <tr><th>"出生日期"</th><td>{birth}</td><th>"身份证号"</th><td>{id_number}</td></tr>
                    <tr><th>"家庭住址"</th><td colspan="3">{address}</td></tr>
                    <tr><th>"探访日期"</th><td data-testid="form-date">{text(&v["date"])}</td><th>"探访时长(分钟)"</th><td>{text(&v["duration_minutes"])}</td></tr>
                    {row("探访方式", choices(get("mode").as_ref(), &MODE))}
                    {row("精神状态", choices(get("expression").as_ref(), &TREND))}
                    {row("行动能力", choices(get("mobility").as_ref(), &TREND))}
                    {row("疾病状况", format!("{}  {}", choices(get("illness").as_ref(), &[("unchanged", "无变化"), ("serious", "严重"), ("improved", "转好")]), text(&v["illness_name"])))}
                    {row("情绪状况", choices(get("mood").as_ref(), &TREND))}
                    {row("燃气安全", choices(get("gas_safety").as_ref(), &SAFETY))}
                    {row("水暖安全", choices(get("water_heating_safety").as_ref(), &SAFETY))}
                    {row("用电安全", choices(get("electricity_safety").as_ref(), &SAFETY))}
                    {row("消防安全", choices(get("fire_safety").as_ref(), &SAFETY))}
                    {row("个人卫生", choices(get("personal_hygiene").as_ref(), &TREND))}
                    {row("家庭卫生", choices(get("household_hygiene").as_ref(), &TREND))}
                    {row("室内环境", choices(get("indoor_environment").as_ref(), &TREND))}
                    <tr class="tall"><th>"老年人服务需求"</th><td colspan="3">{v["needs"].as_array().map(|a| a.iter().map(|n| text(&n["kind"])).collect::<Vec<_>>().join("、")).unwrap_or_default()}</td></tr>
                    <tr class="tall"><th>"实施关爱服务建议"</th><td colspan="3">{text(&v["suggestions"])}</td></tr>
                    <tr class="tall"><th>"其他情况"</th><td colspan="3">{text(&v["notes"])}</td></tr>
                    <tr class="sign"><th>"探访人（签字）"</th><td></td><th>"被探访人（签字）"</th><td></td></tr>
                </tbody>
            </table>
            <p class="form-foot">"本表一式四份：社区(村)、街道(乡镇)、区县民政部门、探访人各存一份。"</p>
        </article>
    }
}

#[component]
fn ElderForm(elder: Value) -> impl IntoView {
    let (name, sex, birth, id_number, address) = elder_header(&elder);
    let categories = elder["categories"].as_array().cloned().unwrap_or_default();
    let has = |key: &str| categories.iter().any(|c| c == key);
    let category_line = [
        ("solitary", "孤寡"),
        ("living_alone", "独居"),
        ("empty_nest", "空巢"),
        ("left_behind", "留守"),
        ("family_planning_special", "计划生育特殊家庭"),
    ]
    .iter()
    .map(|(k, l)| format!("{}{l}", if has(k) { "☑" } else { "☐" }))
    .collect::<Vec<_>>()
    .join("  ");
    let capability = choices(
        (!elder.is_null())
            .then(|| elder["capability"].clone())
            .as_ref(),
        &[
            ("intact", "能力完好"),
            ("mild", "轻度受损"),
            ("moderate", "中度受损"),
            ("severe", "重度受损"),
            ("total", "完全丧失"),
            ("unassessed", "未评估"),
        ],
    );
    let contacts: Vec<Value> = elder["emergency_contacts"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let contact = |i: usize| {
        contacts
            .get(i)
            .map(|c| (text(&c["name"]), text(&c["relation"]), text(&c["phone"])))
            .unwrap_or_default()
    };
    let (c1, r1, p1) = contact(0);
    let (c2, r2, p2) = contact(1);
    view! {
        <article class="paper-form" data-testid="form-elder">
            <h1>"特殊困难老年人基本信息表"</h1>
            <table class="form-grid">
                <tbody>
                    <tr><th>"姓名"</th><td data-testid="form-name">{name}</td><th>"性别"</th><td>{sex}</td></tr>
                    <tr><th>"出生日期"</th><td>{birth}</td><th>"身份证号"</th><td data-testid="form-id-number">{id_number}</td></tr>
                    <tr><th>"民族"</th><td>{text(&elder["ethnicity"])}</td><th>"联系电话"</th><td>{text(&elder["phone"])}</td></tr>
                    <tr><th>"家庭住址"</th><td colspan="3">{address}</td></tr>
                    <tr><th>"老人类别"</th><td colspan="3">{category_line}</td></tr>
                    <tr><th>"能力评估"</th><td colspan="3">{capability}</td></tr>
                    <tr><th>"残疾等级"</th><td>{text(&elder["disability_grade"])}</td><th>"残疾人证号"</th><td>{text(&elder["disability_certificate_number"])}</td></tr>
                    <tr><th>"紧急联系人1"</th><td>{c1}</td><th>"关系 / 电话"</th><td>{format!("{r1}  {p1}")}</td></tr>
                    <tr><th>"紧急联系人2"</th><td>{c2}</td><th>"关系 / 电话"</th><td>{format!("{r2}  {p2}")}</td></tr>
                    <tr class="tall"><th>"家庭成员情况"</th><td colspan="3">{elder["family_members"].as_array().map(|a| a.iter().map(|m| format!("{}（{}）", text(&m["name"]), text(&m["relation"]))).collect::<Vec<_>>().join("、")).unwrap_or_default()}</td></tr>
                    <tr class="tall"><th>"备注"</th><td colspan="3">{text(&elder["notes"])}</td></tr>
                    <tr class="sign"><th>"填表人（签字）"</th><td></td><th>"填表日期"</th><td></td></tr>
                </tbody>
            </table>
            <p class="form-foot">"本表一式四份：社区(村)、街道(乡镇)、区县民政部门、探访人各存一份。"</p>
        </article>
    }
}
