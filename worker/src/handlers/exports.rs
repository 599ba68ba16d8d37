//! Official exports (issue 10), coordinators only, scoped to their region subtree (or a
//! `region` inside it), ID numbers masked, every export audited (`export.<kind>`):
//!
//! - `GET /api/exports/ledger?region=&from=&to=` — the 台账: every elder's file and the visits in
//!   the period (sheet 台账, one row per elder; sheet 探访记录, one row per visit; sheet
//!   未完成探访, the requirements missed in the period with the coordinators' reasons).
//!   Each visit row ends with its evidence flags (存疑标记, `tanfang_domain::evidence`) and its
//!   location (coordinates for district level and above, else only the community: see
//!   `evidence::coordinates_visible`). `&flag=late_entry|clock_skew|far_from_home|burst|
//!   home_unconfirmed` keeps only the visits with that flag and puts 探访记录 first (so the
//!   CSV is the flagged visits).
//! - `GET /api/exports/monthly?region=&month=` — the monthly visit-rate table (月探访率) by
//!   community and tier, with a total row.
//! - `GET /api/exports/jiangmen?region=&from=&to=` — 江门 情况统计表: elders by tier, responsible
//!   visitors in place, volunteer teams formed (groups paired with the community), visits by
//!   tier and contacts per elder.
//! - `GET /api/exports/hours?region=&from=&to=` — volunteers' service hours (visits and
//!   minutes recorded, by visitor).
//! - `GET /api/exports/budget?region=&year=&per_elder=` — 平利 budget estimate: in-scope elders
//!   × yuan per elder per year (at least 800).
//!
//! `format=xlsx` (default) or `format=csv` (UTF-8 with BOM; the first sheet only).

use std::collections::BTreeMap;

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::query_param;
use crate::store::{rows, subtree_range};
use crate::{args, tally, views};
use serde::Deserialize;
use serde_json::{json, Value};
use tanfang_domain::date::{parse_date, Month};
use tanfang_domain::evidence::EvidenceFlag;
use tanfang_domain::policy::VisitMode;
use tanfang_roster::{write_csv, write_xlsx, Cell, Table};
use worker::{Method, Request, Response};

/// Minimum 平利 standard: 800 yuan per elder per year.
pub const PINGLI_MIN_YUAN_PER_ELDER: i64 = 800;

pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    let kind = match (req.method(), segments) {
        (Method::Get, ["api", "exports", kind]) => *kind,
        (_, ["api", "exports", _]) => return Err(AppError::MethodNotAllowed),
        _ => return Err(AppError::NotFound),
    };
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let scope = Scope::of(&req, ctx, &principal).await?;
    let csv = match query_param(&req, "format").as_deref() {
        None | Some("") | Some("xlsx") => false,
        Some("csv") => true,
        Some(_) => {
            return Err(AppError::invalid(
                "format",
                "须为 xlsx 或 csv (format must be xlsx or csv)",
            ))
        }
    };
    let (tables, detail) = match kind {
        "ledger" => ledger(&req, ctx, &scope, &principal).await?,
        "monthly" => monthly(&req, ctx, &scope).await?,
        "jiangmen" => jiangmen(&req, ctx, &scope).await?,
        "hours" => hours(&req, ctx, &scope).await?,
        "budget" => budget(&req, ctx, &scope).await?,
        _ => return Err(AppError::NotFound),
    };
    let rows: usize = tables.first().map(|t| t.rows.len()).unwrap_or(0);
    ctx.db
        .batch(vec![ctx.audit(
            Some(&principal.id),
            &format!("export.{kind}"),
            Some(&scope.code),
            json!({"format": if csv { "csv" } else { "xlsx" }, "rows": rows, "params": detail}),
        )?])
        .await?;
    let (bytes, content_type, extension) = if csv {
        (write_csv(&tables[0]), "text/csv; charset=utf-8", "csv")
    } else {
        (
            write_xlsx(&tables).map_err(AppError::Internal)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    };
    let mut response = Response::from_bytes(bytes)?;
    let headers = response.headers_mut();
    headers.set("content-type", content_type)?;
    headers.set(
        "content-disposition",
        &format!(
            "attachment; filename=\"tanfang-{kind}-{}.{extension}\"",
            scope.code
        ),
    )?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

/// The region an export covers: the caller's subtree or a `region` inside it.
struct Scope {
    code: String,
    name: String,
    lo: String,
    hi: String,
}

#[derive(Deserialize)]
struct NameRow {
    name: String,
}

impl Scope {
    async fn of(req: &Request, ctx: &Ctx, principal: &Principal) -> AppResult<Scope> {
        let requested = query_param(req, "region").filter(|r| !r.is_empty());
        let code = match (requested, &principal.region_code) {
            (Some(region), _) => region,
            (None, Some(own)) => own.clone(),
            (None, None) if principal.role == Role::Admin => String::new(),
            (None, None) => return Err(AppError::Forbidden),
        };
        let (lo, hi) = if code.is_empty() {
            ("000000000000".to_string(), "999999999999".to_string())
        } else {
            if tanfang_domain::region::RegionCode::parse(&code).is_err() {
                return Err(AppError::invalid(
                    "region",
                    "区划代码无效 (bad region code)",
                ));
            }
            subtree_range(&code)
        };
        if !principal.governs(&lo) || !principal.governs(&hi) {
            return Err(AppError::Forbidden);
        }
        let name = if code.is_empty() {
            "全部".to_string()
        } else {
            ctx.db
                .first::<NameRow>(
                    "SELECT name FROM regions WHERE code = ?1",
                    args![code.as_str()],
                )
                .await?
                .map(|r| r.name)
                .unwrap_or_else(|| code.clone())
        };
        Ok(Scope { code, name, lo, hi })
    }
}

/// `from`/`to` (YYYY-MM-DD), default: the current month.
fn period(req: &Request, ctx: &Ctx) -> AppResult<(String, String)> {
    let month = Month::containing(ctx.today());
    let parse = |name: &str, default: String| -> AppResult<String> {
        match query_param(req, name).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(text) => parse_date(&text)
                .map(|d| d.to_string())
                .map_err(|_| AppError::invalid(name, "须为 YYYY-MM-DD (must be YYYY-MM-DD)")),
        }
    };
    let from = parse("from", month.first_day().to_string())?;
    let to = parse("to", month.last_day().to_string())?;
    if from > to {
        return Err(AppError::invalid(
            "to",
            "结束日期早于开始日期 (to is before from)",
        ));
    }
    Ok((from, to))
}

/// The official form's name for a visit mode (domain `VisitMode::label_zh`: 电话问候, 上门探访,
/// 互联网音（视）频探访 … as on the 济宁 and 江门 forms), so that the export and the phone agree.
fn mode_label(mode: &str) -> &'static str {
    VisitMode::ALL
        .into_iter()
        .find(|known| known.as_str() == mode)
        .map_or("其他", VisitMode::label_zh)
}

fn consent_label(consent: &str) -> &'static str {
    match consent {
        "accepted" => "同意",
        "declined" => "拒绝",
        _ => "待定",
    }
}

fn categories_label(json_text: &str) -> String {
    let keys: Vec<String> = serde_json::from_str(json_text).unwrap_or_default();
    keys.iter()
        .map(|key| {
            tanfang_domain::elder::Category::ALL
                .into_iter()
                .find(|category| category.as_str() == key)
                .map_or("其他", tanfang_domain::elder::Category::label_zh)
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[derive(Deserialize)]
struct LedgerElder {
    id: String,
    name: String,
    sex: String,
    birth_date: Option<String>,
    id_number: Option<String>,
    community: Option<String>,
    address: String,
    categories: String,
    tier: Option<String>,
    consent: String,
    file: String,
    responsible: Option<String>,
}

#[derive(Deserialize)]
struct LedgerVisit {
    elder_id: String,
    name: String,
    community: Option<String>,
    date: String,
    mode: String,
    kind: String,
    visitor: Option<String>,
    minutes: Option<i64>,
    #[serde(default)]
    evidence_flags: Option<String>,
    #[serde(default)]
    location: Option<String>,
}

async fn ledger(
    req: &Request,
    ctx: &Ctx,
    scope: &Scope,
    principal: &Principal,
) -> AppResult<(Vec<Table>, Value)> {
    let (from, to) = period(req, ctx)?;
    let flag = match query_param(req, "flag").filter(|f| !f.is_empty()) {
        None => None,
        Some(text) => Some(EvidenceFlag::parse(&text).ok_or_else(|| {
            AppError::invalid(
                "flag",
                "须为 late_entry、clock_skew、far_from_home、burst 或 home_unconfirmed (unknown flag)",
            )
        })?),
    };
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT e.id, e.name, e.sex, e.birth_date, e.id_number, r.name AS community, e.address, e.categories, \
                   e.tier, e.consent, e.file, ra.name AS responsible \
                 FROM elders e LEFT JOIN regions r ON r.code = e.region_code LEFT JOIN accounts ra ON ra.id = e.responsible_id \
                 WHERE e.region_code BETWEEN ?1 AND ?2 ORDER BY e.region_code, e.name_pinyin, e.id",
                args![scope.lo.as_str(), scope.hi.as_str()],
            )?,
            db.statement(
                "SELECT v.elder_id, e.name, r.name AS community, v.date, v.mode, v.kind, a.name AS visitor, \
                   json_extract(v.record, '$.duration_minutes') AS minutes, v.evidence_flags, \
                   json_extract(v.record, '$.location') AS location \
                 FROM visits v JOIN elders e ON e.id = v.elder_id LEFT JOIN regions r ON r.code = e.region_code \
                 LEFT JOIN accounts a ON a.id = v.visitor_id \
                 WHERE e.region_code BETWEEN ?1 AND ?2 AND v.date BETWEEN ?3 AND ?4 ORDER BY v.date, e.name_pinyin",
                args![scope.lo.as_str(), scope.hi.as_str(), from.as_str(), to.as_str()],
            )?,
        ])
        .await?;
    let elders = rows::<LedgerElder>(&results[0])?;
    let visits = rows::<LedgerVisit>(&results[1])?;
    let mut per_elder: BTreeMap<&str, (i64, i64, &str)> = BTreeMap::new();
    for visit in &visits {
        let entry = per_elder.entry(&visit.elder_id).or_insert((0, 0, ""));
        if visit.kind == "visit" {
            entry.0 += 1;
            if visit.mode == "home" {
                entry.1 += 1;
            }
        }
        entry.2 = &visit.date;
    }
    let today = ctx.today();
    let headers = [
        "序号",
        "姓名",
        "性别",
        "出生日期",
        "年龄",
        "身份证号",
        "社区(村)",
        "住址",
        "类别",
        "能力等级",
        "分级",
        "探访意愿",
        "紧急联系人",
        "紧急联系人电话",
        "探访责任人",
        "期内探访次数",
        "其中上门",
        "最近探访日期",
    ];
    let mut table_rows = Vec::with_capacity(elders.len());
    for (index, elder) in elders.iter().enumerate() {
        let file: Value = serde_json::from_str(&elder.file).unwrap_or(json!({}));
        let contact = &file["emergency_contacts"][0];
        let capability =
            serde_json::from_value::<tanfang_domain::elder::Capability>(file["capability"].clone())
                .map(|c| c.label_zh())
                .unwrap_or("未评估");
        let age = elder
            .birth_date
            .as_deref()
            .and_then(|d| parse_date(d).ok())
            .map(|b| tanfang_domain::date::age_on(b, today) as i64);
        let (count, home, last) = per_elder
            .get(elder.id.as_str())
            .copied()
            .unwrap_or((0, 0, ""));
        table_rows.push(vec![
            Cell::from((index + 1) as i64),
            Cell::from(elder.name.as_str()),
            Cell::from(match elder.sex.as_str() {
                "male" => "男",
                "female" => "女",
                _ => "",
            }),
            Cell::from(elder.birth_date.clone()),
            age.map(Cell::from).unwrap_or(Cell::Empty),
            Cell::from(elder.id_number.as_deref().map(views::mask_id_number)),
            Cell::from(elder.community.clone()),
            Cell::from(elder.address.as_str()),
            Cell::from(categories_label(&elder.categories)),
            Cell::from(capability),
            Cell::from(elder.tier.clone()),
            Cell::from(consent_label(&elder.consent)),
            Cell::from(text(&contact["name"])),
            Cell::from(text(&contact["phone"])),
            Cell::from(elder.responsible.clone()),
            Cell::from(count),
            Cell::from(home),
            Cell::from(last),
        ]);
    }
    let coordinates = crate::evidence::sees_coordinates(principal);
    let flags_of = |v: &LedgerVisit| -> Vec<EvidenceFlag> {
        serde_json::from_str(v.evidence_flags.as_deref().unwrap_or("[]")).unwrap_or_default()
    };
    let visit_rows: Vec<Vec<Cell>> = visits
        .iter()
        .filter(|v| flag.is_none_or(|flag| flags_of(v).contains(&flag)))
        .map(|v| {
            let location: Option<Value> = v
                .location
                .as_deref()
                .and_then(|l| serde_json::from_str(l).ok());
            vec![
                Cell::from(v.date.as_str()),
                Cell::from(v.name.as_str()),
                Cell::from(v.community.clone()),
                Cell::from(mode_label(&v.mode)),
                Cell::from(if v.kind == "visit" {
                    "探访"
                } else {
                    "社区帮扶"
                }),
                Cell::from(v.visitor.clone()),
                v.minutes.map(Cell::from).unwrap_or(Cell::Empty),
                Cell::from(
                    flags_of(v)
                        .iter()
                        .map(|f| f.label_zh())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
                Cell::from(crate::evidence::location_cell(
                    location.as_ref(),
                    v.community.as_deref().unwrap_or_default(),
                    coordinates,
                )),
            ]
        })
        .collect();
    let title = format!("{}特殊困难老年人探访关爱台账（{from} 至 {to}）", scope.name);
    // Issue 15: the requirements missed in the period, with the coordinators' reasons.
    let missed =
        crate::handlers::escalation::missed_table(ctx, &scope.lo, &scope.hi, &from, &to, &title)
            .await?;
    let mut tables = vec![
        Table {
            name: "台账".into(),
            title: Some(title.clone()),
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: table_rows,
        },
        Table {
            name: "探访记录".into(),
            title: Some(title),
            headers: [
                "探访日期",
                "姓名",
                "社区(村)",
                "方式",
                "类型",
                "探访人",
                "时长(分钟)",
                "存疑标记",
                "位置",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: visit_rows,
        },
        missed,
    ];
    if flag.is_some() {
        // Filtered by flag: the flagged visits are what was asked for (and what a CSV holds).
        tables.swap(0, 1);
    }
    Ok((
        tables,
        json!({"from": from, "to": to, "flag": flag.map(EvidenceFlag::as_str)}),
    ))
}

#[derive(Deserialize)]
struct TallyRow {
    community_code: String,
    community: Option<String>,
    tier: String,
    in_scope: i64,
    visited: i64,
    declined: i64,
}

fn rate(visited: i64, in_scope: i64) -> Cell {
    if in_scope == 0 {
        Cell::from("—")
    } else {
        Cell::from(format!("{:.1}%", visited as f64 * 100.0 / in_scope as f64))
    }
}

async fn monthly(req: &Request, ctx: &Ctx, scope: &Scope) -> AppResult<(Vec<Table>, Value)> {
    let month: Month = match query_param(req, "month").filter(|m| !m.is_empty()) {
        Some(text) => text
            .parse()
            .map_err(|_| AppError::invalid("month", "须为 YYYY-MM (must be YYYY-MM)"))?,
        None => Month::containing(ctx.today()),
    };
    let month_text = month.to_string();
    let db = &ctx.db;
    let results = db
        .batch(vec![
            tally::fill_missing(db, &month_text, &scope.lo, &scope.hi, ctx.now_ms)?,
            db.statement(
                "SELECT t.community_code, r.name AS community, t.tier, t.in_scope, t.visited, t.declined \
                 FROM monthly_tallies t LEFT JOIN regions r ON r.code = t.community_code \
                 WHERE t.month = ?1 AND t.community_code BETWEEN ?2 AND ?3 ORDER BY t.community_code, t.tier",
                args![month_text.as_str(), scope.lo.as_str(), scope.hi.as_str()],
            )?,
        ])
        .await?;
    let tallies = rows::<TallyRow>(&results[1])?;
    // Issue 16: the policy version the month is computed under and whether it is closed.
    let (closed, policy) =
        crate::handlers::months::export_note(ctx, month, &scope.lo, &scope.hi).await?;
    let mut table_rows = Vec::new();
    let (mut in_scope, mut visited, mut declined) = (0, 0, 0);
    for t in &tallies {
        in_scope += t.in_scope;
        visited += t.visited;
        declined += t.declined;
        table_rows.push(vec![
            Cell::from(
                t.community
                    .clone()
                    .unwrap_or_else(|| t.community_code.clone()),
            ),
            Cell::from(t.community_code.as_str()),
            Cell::from(if t.tier.is_empty() {
                "未分级"
            } else {
                t.tier.as_str()
            }),
            Cell::from(t.in_scope),
            Cell::from(t.visited),
            Cell::from(t.declined),
            rate(t.visited, t.in_scope),
        ]);
    }
    table_rows.push(vec![
        Cell::from("合计"),
        Cell::from(scope.code.as_str()),
        Cell::Empty,
        Cell::from(in_scope),
        Cell::from(visited),
        Cell::from(declined),
        rate(visited, in_scope),
    ]);
    Ok((
        vec![Table {
            name: "月探访率".into(),
            title: Some(format!(
                "{}特殊困难老年人月探访率（{month_text}）{}",
                scope.name,
                crate::handlers::months::export_label(closed, &policy)
            )),
            headers: [
                "社区(村)",
                "区划代码",
                "分级",
                "应探访人数",
                "已探访人数",
                "拒绝探访人数",
                "月探访率",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: table_rows,
        }],
        json!({"month": month_text, "policy": policy, "closed": closed}),
    ))
}

#[derive(Deserialize)]
struct JiangmenRow {
    code: String,
    name: String,
    elders: i64,
    tier_a: i64,
    tier_b: i64,
    tier_c: i64,
    with_responsible: i64,
    teams: i64,
    visits: i64,
    visits_a: i64,
    visits_b: i64,
    visits_c: i64,
}

async fn jiangmen(req: &Request, ctx: &Ctx, scope: &Scope) -> AppResult<(Vec<Table>, Value)> {
    let (from, to) = period(req, ctx)?;
    // Issue 16: the policy version and closed state of the month the period ends in.
    let end_month = Month::containing(parse_date(&to).unwrap_or_else(|_| ctx.today()));
    let (closed, policy) =
        crate::handlers::months::export_note(ctx, end_month, &scope.lo, &scope.hi).await?;
    let stats = ctx
        .db
        .all::<JiangmenRow>(
            "SELECT r.code, r.name, \
               (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code AND e.in_scope = 1) AS elders, \
               (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code AND e.in_scope = 1 AND e.tier = 'A') AS tier_a, \
               (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code AND e.in_scope = 1 AND e.tier = 'B') AS tier_b, \
               (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code AND e.in_scope = 1 AND e.tier = 'C') AS tier_c, \
               (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code AND e.in_scope = 1 AND e.responsible_id IS NOT NULL) AS with_responsible, \
               (SELECT COUNT(*) FROM volunteer_groups g WHERE g.paired_region_code = r.code) AS teams, \
               (SELECT COUNT(*) FROM visits v JOIN elders e ON e.id = v.elder_id WHERE e.region_code = r.code AND v.kind = 'visit' AND v.date BETWEEN ?3 AND ?4) AS visits, \
               (SELECT COUNT(*) FROM visits v JOIN elders e ON e.id = v.elder_id WHERE e.region_code = r.code AND e.tier = 'A' AND v.kind = 'visit' AND v.date BETWEEN ?3 AND ?4) AS visits_a, \
               (SELECT COUNT(*) FROM visits v JOIN elders e ON e.id = v.elder_id WHERE e.region_code = r.code AND e.tier = 'B' AND v.kind = 'visit' AND v.date BETWEEN ?3 AND ?4) AS visits_b, \
               (SELECT COUNT(*) FROM visits v JOIN elders e ON e.id = v.elder_id WHERE e.region_code = r.code AND e.tier = 'C' AND v.kind = 'visit' AND v.date BETWEEN ?3 AND ?4) AS visits_c \
             FROM regions r WHERE r.level = 'community' AND r.code BETWEEN ?1 AND ?2 ORDER BY r.code",
            args![scope.lo.as_str(), scope.hi.as_str(), from.as_str(), to.as_str()],
        )
        .await?;
    let per_elder = |visits: i64, elders: i64| {
        if elders == 0 {
            Cell::from("—")
        } else {
            Cell::from(format!("{:.2}", visits as f64 / elders as f64))
        }
    };
    let mut total = [0i64; 10];
    let mut table_rows = Vec::new();
    for s in &stats {
        let values = [
            s.elders,
            s.tier_a,
            s.tier_b,
            s.tier_c,
            s.with_responsible,
            s.teams,
            s.visits,
            s.visits_a,
            s.visits_b,
            s.visits_c,
        ];
        for (sum, v) in total.iter_mut().zip(values) {
            *sum += v;
        }
        let mut row = vec![Cell::from(s.name.as_str()), Cell::from(s.code.as_str())];
        row.extend(values.iter().map(|v| Cell::from(*v)));
        row.push(per_elder(s.visits, s.elders));
        table_rows.push(row);
    }
    let mut row = vec![Cell::from("合计"), Cell::from(scope.code.as_str())];
    row.extend(total.iter().map(|v| Cell::from(*v)));
    row.push(per_elder(total[6], total[0]));
    table_rows.push(row);
    Ok((
        vec![Table {
            name: "情况统计表".into(),
            title: Some(format!(
                "{}特殊困难老年人探访关爱服务情况统计表（{from} 至 {to}）{}",
                scope.name,
                crate::handlers::months::export_label(closed, &policy)
            )),
            headers: [
                "社区(村)",
                "区划代码",
                "特殊困难老年人数",
                "A类",
                "B类",
                "C类",
                "已落实探访责任人",
                "结对志愿服务队伍",
                "探访次数",
                "A类探访次数",
                "B类探访次数",
                "C类探访次数",
                "人均联系次数",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: table_rows,
        }],
        json!({"from": from, "to": to, "policy": policy, "closed": closed}),
    ))
}

#[derive(Deserialize)]
struct HoursRow {
    name: String,
    volunteer_kind: Option<String>,
    school: Option<String>,
    class_name: Option<String>,
    visits: i64,
    minutes: Option<i64>,
}

async fn hours(req: &Request, ctx: &Ctx, scope: &Scope) -> AppResult<(Vec<Table>, Value)> {
    let (from, to) = period(req, ctx)?;
    let volunteers = ctx
        .db
        .all::<HoursRow>(
            "SELECT a.name, a.volunteer_kind, a.school, a.class_name, COUNT(*) AS visits, \
               SUM(json_extract(v.record, '$.duration_minutes')) AS minutes \
             FROM visits v JOIN elders e ON e.id = v.elder_id JOIN accounts a ON a.id = v.visitor_id \
             WHERE e.region_code BETWEEN ?1 AND ?2 AND v.date BETWEEN ?3 AND ?4 \
             GROUP BY a.id ORDER BY a.name",
            args![scope.lo.as_str(), scope.hi.as_str(), from.as_str(), to.as_str()],
        )
        .await?;
    let table_rows = volunteers
        .iter()
        .map(|v| {
            let minutes = v.minutes.unwrap_or(0);
            vec![
                Cell::from(v.name.as_str()),
                Cell::from(match v.volunteer_kind.as_deref() {
                    Some("student") => "在校生",
                    Some("grid") => "网格员",
                    Some("social_worker") => "社工",
                    Some(_) => "志愿者",
                    None => "",
                }),
                Cell::from(v.school.clone()),
                Cell::from(v.class_name.clone()),
                Cell::from(v.visits),
                Cell::from(minutes),
                Cell::from((minutes as f64 / 6.0).round() / 10.0),
            ]
        })
        .collect();
    Ok((
        vec![Table {
            name: "志愿服务时长".into(),
            title: Some(format!(
                "{}志愿者探访服务时长（{from} 至 {to}）",
                scope.name
            )),
            headers: [
                "姓名",
                "类型",
                "学校",
                "班级",
                "探访次数",
                "服务分钟数",
                "服务时长(小时)",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: table_rows,
        }],
        json!({"from": from, "to": to}),
    ))
}

#[derive(Deserialize)]
struct BudgetRow {
    code: String,
    name: String,
    elders: i64,
}

async fn budget(req: &Request, ctx: &Ctx, scope: &Scope) -> AppResult<(Vec<Table>, Value)> {
    let per_elder = match query_param(req, "per_elder").filter(|v| !v.is_empty()) {
        None => PINGLI_MIN_YUAN_PER_ELDER,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= PINGLI_MIN_YUAN_PER_ELDER => n,
            _ => {
                return Err(AppError::invalid(
                    "per_elder",
                    "平利标准为每人每年不低于800元 (at least 800 yuan per elder per year)",
                ))
            }
        },
    };
    let year = query_param(req, "year")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| ctx.today().format("%Y").to_string());
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::invalid("year", "须为四位年份 (must be a year)"));
    }
    let communities = ctx
        .db
        .all::<BudgetRow>(
            "SELECT r.code, r.name, (SELECT COUNT(*) FROM elders e WHERE e.region_code = r.code \
               AND e.in_scope = 1 AND e.consent != 'declined') AS elders \
             FROM regions r WHERE r.level = 'community' AND r.code BETWEEN ?1 AND ?2 ORDER BY r.code",
            args![scope.lo.as_str(), scope.hi.as_str()],
        )
        .await?;
    let mut total = 0;
    let mut table_rows: Vec<Vec<Cell>> = communities
        .iter()
        .map(|c| {
            total += c.elders;
            vec![
                Cell::from(c.name.as_str()),
                Cell::from(c.code.as_str()),
                Cell::from(c.elders),
                Cell::from(per_elder),
                Cell::from(c.elders * per_elder),
            ]
        })
        .collect();
    table_rows.push(vec![
        Cell::from("合计"),
        Cell::from(scope.code.as_str()),
        Cell::from(total),
        Cell::from(per_elder),
        Cell::from(total * per_elder),
    ]);
    Ok((
        vec![Table {
            name: "经费测算".into(),
            title: Some(format!(
                "{}{year}年特殊困难老年人探访关爱服务经费测算（不低于每人每年800元）",
                scope.name
            )),
            headers: [
                "社区(村)",
                "区划代码",
                "服务对象人数",
                "标准(元/人·年)",
                "年度经费(元)",
            ]
            .iter()
            .map(|h| h.to_string())
            .collect(),
            rows: table_rows,
        }],
        json!({"year": year, "per_elder": per_elder}),
    ))
}
