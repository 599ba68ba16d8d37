//! Coordinator registry (一人一档), scoped to the coordinator's region subtree:
//! `GET /api/elders` (search, paging), `GET /api/elders/:id` (full file, ID number masked,
//! audited), `POST /api/elders` (create with domain validation and duplicate checks),
//! `PUT /api/elders/:id` (edit, optional per-field base versions), `POST /api/elders/:id/reveal`
//! (full ID number with a reason, audited).

use crate::auth::{require, Principal};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, parse_json, query_param, read_json};
use crate::store::{rows, NEW_CURSOR_SQL};
use crate::{args, registry, tally, views};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tanfang_domain::elder::ElderFile;
use tanfang_domain::sync::{apply_field_edits, ElderEdit, FieldVersions};
use worker::{Request, Response};

pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 500;

#[derive(Deserialize)]
struct ListRow {
    id: String,
    name: String,
    sex: String,
    birth_date: Option<String>,
    region_code: String,
    community: Option<String>,
    address: String,
    categories: String,
    tier: Option<String>,
    consent: String,
    in_scope: i64,
    id_number: Option<String>,
    responsible_id: Option<String>,
    responsible_name: Option<String>,
    backup_id: Option<String>,
    backup_name: Option<String>,
    last_visit: Option<String>,
}

#[derive(Deserialize)]
struct CountRow {
    n: i64,
}

fn page_params(req: &Request) -> AppResult<(i64, i64)> {
    let parse = |name: &str, default: i64, max: i64| -> AppResult<i64> {
        match query_param(req, name) {
            None => Ok(default),
            Some(text) => match text.parse::<i64>() {
                Ok(n) if n >= 1 && n <= max => Ok(n),
                _ => Err(AppError::invalid(
                    name,
                    format!("须为 1–{max} 的整数 (integer 1–{max})"),
                )),
            },
        }
    };
    Ok((
        parse("page", 1, 1_000_000)?,
        parse("page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?,
    ))
}

pub async fn list(req: Request, ctx: &Ctx) -> AppResult<Response> {
    list_or_export(req, ctx, false).await
}

/// `GET /api/elders/export` — the same filters as the list, every row, as CSV (ID numbers
/// masked). Audited.
pub async fn export(req: Request, ctx: &Ctx) -> AppResult<Response> {
    list_or_export(req, ctx, true).await
}

/// Most rows one export returns.
pub const MAX_EXPORT_ROWS: i64 = 50_000;

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

async fn list_or_export(req: Request, ctx: &Ctx, export: bool) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let (page, page_size) = if export {
        (1, MAX_EXPORT_ROWS)
    } else {
        page_params(&req)?
    };
    let (lo, hi) = match query_param(&req, "region").filter(|r| !r.is_empty()) {
        Some(region) => {
            if !principal.governs(&crate::store::subtree_range(&region).0) {
                return Err(AppError::Forbidden);
            }
            crate::store::subtree_range(&region)
        }
        None => (lo, hi),
    };
    let q = query_param(&req, "q")
        .unwrap_or_default()
        .trim()
        .to_lowercase();
    let category = query_param(&req, "category").unwrap_or_default();
    let tier = query_param(&req, "tier").unwrap_or_default();
    let unassigned = query_param(&req, "unassigned").as_deref() == Some("1");
    // ?1 lo, ?2 hi, ?3 q, ?4 category, ?5 tier, ?6 unassigned
    let filter = "e.region_code BETWEEN ?1 AND ?2 \
        AND (?3 = '' OR e.name LIKE '%' || ?3 || '%' OR e.name_initials LIKE ?3 || '%' \
             OR e.name_pinyin LIKE '%' || ?3 || '%' OR e.address LIKE '%' || ?3 || '%') \
        AND (?4 = '' OR EXISTS (SELECT 1 FROM json_each(e.categories) c WHERE c.value = ?4)) \
        AND (?5 = '' OR e.tier = ?5) \
        AND (?6 = 0 OR e.responsible_id IS NULL)";
    let filter_args = || {
        args![
            lo.as_str(),
            hi.as_str(),
            q.as_str(),
            category.as_str(),
            tier.as_str(),
            unassigned
        ]
    };
    let mut list_args = filter_args();
    list_args.extend(args![page_size, (page - 1) * page_size]);
    let db = &ctx.db;
    let mut statements = vec![
            db.statement(&format!("SELECT COUNT(*) AS n FROM elders e WHERE {filter}"), filter_args())?,
            db.statement(
                &format!(
                    "SELECT e.id, e.name, e.sex, e.birth_date, e.region_code, r.name AS community, e.address, e.categories, \
                       e.tier, e.consent, e.in_scope, e.id_number, e.responsible_id, ra.name AS responsible_name, \
                       e.backup_id, ba.name AS backup_name, \
                       (SELECT MAX(v.date) FROM visits v WHERE v.elder_id = e.id) AS last_visit \
                     FROM elders e LEFT JOIN regions r ON r.code = e.region_code \
                     LEFT JOIN accounts ra ON ra.id = e.responsible_id LEFT JOIN accounts ba ON ba.id = e.backup_id \
                     WHERE {filter} ORDER BY e.region_code, e.name_pinyin, e.id LIMIT ?7 OFFSET ?8"
                ),
                list_args,
            )?,
    ];
    if export {
        statements.push(ctx.audit(
            Some(&principal.id),
            "elder.export",
            None,
            json!({"region_lo": lo, "q": q, "category": category, "tier": tier}),
        )?);
    }
    let results = db.batch(statements).await?;
    let total = rows::<CountRow>(&results[0])?
        .first()
        .map(|c| c.n)
        .unwrap_or(0);
    let today = ctx.today();
    let items: Vec<Value> = rows::<ListRow>(&results[1])?
        .into_iter()
        .map(|row| {
            let age = row
                .birth_date
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(|birth| tanfang_domain::date::age_on(birth, today));
            json!({
                "id": row.id, "name": row.name, "sex": row.sex, "birth_date": row.birth_date, "age": age,
                "region_code": row.region_code, "community": row.community, "address": row.address,
                "categories": serde_json::from_str::<Value>(&row.categories).unwrap_or(json!([])),
                "tier": row.tier, "consent": row.consent, "in_scope": row.in_scope != 0,
                "id_number_masked": row.id_number.as_deref().map(views::mask_id_number),
                "responsible": row.responsible_id.map(|id| json!({"id": id, "name": row.responsible_name})),
                "backup": row.backup_id.map(|id| json!({"id": id, "name": row.backup_name})),
                "last_visit_date": row.last_visit,
            })
        })
        .collect();
    if export {
        let mut csv = String::from("\u{feff}id,name,sex,birth_date,age,community,address,tier,consent,id_number_masked,responsible,backup,last_visit_date\n");
        let text = |v: &Value| match v {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        for item in &items {
            let line: Vec<String> = [
                text(&item["id"]),
                text(&item["name"]),
                text(&item["sex"]),
                text(&item["birth_date"]),
                text(&item["age"]),
                text(&item["community"]),
                text(&item["address"]),
                text(&item["tier"]),
                text(&item["consent"]),
                text(&item["id_number_masked"]),
                text(&item["responsible"]["name"]),
                text(&item["backup"]["name"]),
                text(&item["last_visit_date"]),
            ]
            .iter()
            .map(|f| csv_field(f))
            .collect();
            csv.push_str(&line.join(","));
            csv.push('\n');
        }
        let mut response = Response::ok(csv)?;
        let headers = response.headers_mut();
        headers.set("content-type", "text/csv; charset=utf-8")?;
        headers.set("content-disposition", "attachment; filename=\"elders.csv\"")?;
        headers.set("cache-control", "no-store")?;
        return Ok(response);
    }
    http::json(&json!({"items": items, "total": total, "page": page, "page_size": page_size}))
}

/// Rows per part of the compact list: each part is one text value built by SQLite, kept well
/// under D1's 2 MB limit for a string or row (~200 bytes a row).
pub const INDEX_PART_ROWS: i64 = 2000;

/// The columns of each row of `GET /api/elders/index`, in order (domain's wire format, which the
/// console checks; the SELECT below must list them in this order).
pub use tanfang_domain::sync::ELDER_INDEX_COLUMNS as INDEX_COLUMNS;

#[derive(Deserialize)]
struct IndexPart {
    part: String,
    n: i64,
}

/// `GET /api/elders/index[?region=]` — every elder of the coordinator's subtree (or of a region
/// inside it) as one compact list for the registry and the due board to filter in the browser:
/// `{"today", "columns", "total", "rows": [[…], …]}`, rows in the paged list's order (region,
/// pinyin, id), ID numbers masked as `views::mask_id_number` does, the name's pinyin search key
/// precomputed (the browser carries no pinyin table). SQLite writes the JSON (in parts of
/// [`INDEX_PART_ROWS`] rows) and the worker passes it through, so 20,000 elders cost one
/// statement and no per-row work in the worker.
pub async fn index(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (mut lo, mut hi) = principal.require_coordinator()?;
    if let Some(region) = query_param(&req, "region").filter(|r| !r.is_empty()) {
        let (rlo, rhi) = crate::store::subtree_range(&region);
        if !principal.governs(&rlo) {
            return Err(AppError::Forbidden);
        }
        (lo, hi) = (rlo, rhi);
    }
    let parts = ctx
        .db
        .all::<IndexPart>(
            "SELECT group_concat(j, ',' ORDER BY pos) AS part, COUNT(*) AS n FROM ( \
               SELECT ROW_NUMBER() OVER (ORDER BY e.region_code, e.name_pinyin, e.id) AS pos, \
                 json_array(e.id, e.name, e.name_pinyin, e.address, e.region_code, r.name, json(e.categories), \
                   e.tier, e.consent, e.birth_date, \
                   CASE WHEN e.id_number IS NULL THEN NULL \
                     WHEN length(e.id_number) <= 10 THEN substr('**********', 1, length(e.id_number)) \
                     ELSE substr(e.id_number, 1, 6) || substr('********************', 1, length(e.id_number) - 10) \
                       || substr(e.id_number, -4) END, \
                   CASE WHEN e.responsible_id IS NULL THEN NULL ELSE COALESCE(ra.name, '') END, \
                   (SELECT MAX(v.date) FROM visits v WHERE v.elder_id = e.id), e.in_scope) AS j \
               FROM elders e LEFT JOIN regions r ON r.code = e.region_code \
               LEFT JOIN accounts ra ON ra.id = e.responsible_id \
               WHERE e.region_code BETWEEN ?1 AND ?2) \
             GROUP BY (pos - 1) / ?3 ORDER BY (pos - 1) / ?3",
            args![lo.as_str(), hi.as_str(), INDEX_PART_ROWS],
        )
        .await?;
    let total: i64 = parts.iter().map(|p| p.n).sum();
    let mut rows = String::with_capacity(parts.iter().map(|p| p.part.len() + 1).sum());
    for part in &parts {
        if !rows.is_empty() {
            rows.push(',');
        }
        rows.push_str(&part.part);
    }
    let body = format!(
        "{{\"today\":{},\"columns\":{},\"total\":{total},\"rows\":[{rows}]}}",
        serde_json::to_string(&ctx.today().to_string())?,
        serde_json::to_string(&INDEX_COLUMNS)?,
    );
    let mut response = Response::ok(body)?;
    let headers = response.headers_mut();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

#[derive(Deserialize)]
struct FullRow {
    region_code: String,
    tier: Option<String>,
    requirements: String,
    in_scope: i64,
    responsible_id: Option<String>,
    backup_id: Option<String>,
    file: String,
    sensitive: String,
    field_versions: String,
    cursor: i64,
    updated_at: i64,
}

#[derive(Deserialize)]
struct VisitRow {
    record: String,
    #[serde(default)]
    evidence_flags: Option<String>,
    #[serde(default)]
    community: Option<String>,
}

async fn load_full(ctx: &Ctx, principal: &Principal, id: &str) -> AppResult<FullRow> {
    let row = ctx
        .db
        .first::<FullRow>(
            "SELECT region_code, tier, requirements, in_scope, responsible_id, backup_id, file, sensitive, \
             field_versions, cursor, updated_at FROM elders WHERE id = ?1",
            args![id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    if !principal.governs(&row.region_code) {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

/// The stored file as JSON (ordinary + sensitive parts; sensitive masked unless `reveal`).
fn file_json(row: &FullRow, reveal: bool) -> Value {
    let mut file: Map<String, Value> = serde_json::from_str(&row.file).unwrap_or_default();
    let mut sensitive: Map<String, Value> =
        serde_json::from_str(&row.sensitive).unwrap_or_default();
    if !reveal {
        views::mask_sensitive(&mut sensitive);
    }
    file.extend(sensitive);
    file.insert("responsible_visitor_id".into(), json!(row.responsible_id));
    file.insert(
        "backup_visitor_ids".into(),
        json!(row.backup_id.iter().collect::<Vec<_>>()),
    );
    Value::Object(file)
}

pub async fn get(req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let row = load_full(ctx, &principal, id).await?;
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT v.record, v.evidence_flags, r.name AS community FROM visits v \
                 JOIN elders e ON e.id = v.elder_id LEFT JOIN regions r ON r.code = e.region_code \
                 WHERE v.elder_id = ?1 ORDER BY v.date DESC, v.server_time DESC LIMIT 20",
                args![id],
            )?,
            ctx.audit(Some(&principal.id), "elder.read", Some(id), json!({}))?,
        ])
        .await?;
    let coordinates = crate::evidence::sees_coordinates(&principal);
    let visits: Vec<Value> = rows::<VisitRow>(&results[0])?
        .iter()
        .map(|v| {
            // With its evidence flags; the location only to those who may see coordinates.
            let mut record = views::visit_for_phone(&v.record);
            crate::evidence::visit_for_console(
                &mut record,
                v.evidence_flags.as_deref().unwrap_or("[]"),
                v.community.as_deref().unwrap_or_default(),
                coordinates,
            );
            record
        })
        .collect();
    http::json(&json!({
        "elder": file_json(&row, false),
        "tier": row.tier,
        "requirements": serde_json::from_str::<Value>(&row.requirements).unwrap_or(json!([])),
        "in_scope": row.in_scope != 0,
        "field_versions": serde_json::from_str::<Value>(&row.field_versions).unwrap_or(json!({})),
        "cursor": row.cursor,
        "updated_at": row.updated_at,
        "visits": visits,
    }))
}

#[derive(Deserialize)]
struct RevealRequest {
    reason: String,
}

#[derive(Deserialize)]
struct RevealRow {
    region_code: String,
    id_number: Option<String>,
    sensitive: String,
}

pub async fn reveal(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: RevealRequest = read_json(&mut req).await?;
    let reason = body.reason.trim();
    if reason.chars().count() < 2 {
        return Err(AppError::invalid(
            "reason",
            "请填写查看原因 (a reason is required)",
        ));
    }
    let row = ctx
        .db
        .first::<RevealRow>(
            "SELECT region_code, id_number, sensitive FROM elders WHERE id = ?1",
            args![id],
        )
        .await?
        .filter(|row| principal.governs(&row.region_code))
        .ok_or(AppError::NotFound)?;
    ctx.db
        .batch(vec![ctx.audit(
            Some(&principal.id),
            "elder.reveal",
            Some(id),
            json!({"reason": reason}),
        )?])
        .await?;
    let sensitive: Value = serde_json::from_str(&row.sensitive).unwrap_or(json!({}));
    http::json(&json!({
        "id_number": row.id_number,
        "disability_certificate_number": sensitive.get("disability_certificate_number"),
    }))
}

/// Reads an `ElderFile` from a JSON body: shape errors → 422 with the path, then every domain
/// check (`ElderFile::validate`) → 422 naming the first bad field (all listed in `message`).
fn parse_file(body: &Value, today: chrono::NaiveDate) -> AppResult<ElderFile> {
    let file: ElderFile =
        serde_path_to_error::deserialize(body).map_err(|e| AppError::Invalid {
            code: "invalid_field",
            field: e.path().to_string(),
            message: format!("字段无效 Invalid value: {}", e.inner()),
        })?;
    if let Err(errors) = file.validate(today) {
        let all: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        return Err(AppError::Invalid {
            code: "invalid_field",
            field: errors[0].field.clone(),
            message: all.join("; "),
        });
    }
    Ok(file)
}

#[derive(Deserialize)]
struct DuplicateRow {
    id: String,
    region_code: String,
    same_id_number: i64,
}

pub async fn create(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let mut body: Value = read_json(&mut req).await?;
    if !body.is_object() {
        return Err(AppError::invalid(
            "",
            "须为对象 (an elder file object is expected)",
        ));
    }
    if body
        .get("id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .is_empty()
    {
        body["id"] = json!(crate::crypto::random_id("elder")?);
    }
    let confirm_duplicate = query_param(&req, "confirm_duplicate").as_deref() == Some("1")
        || body.get("confirm_duplicate") == Some(&json!(true));
    let today = ctx.today();
    let mut file = parse_file(&body, today)?;
    file.responsible_visitor_id = None;
    file.backup_visitor_ids.clear();
    if !principal.governs(&file.address.region_code) {
        return Err(AppError::Invalid {
            code: "out_of_scope",
            field: "address.region_code".into(),
            message: "不在您管辖的区域内 (outside your region)".into(),
        });
    }
    let db = &ctx.db;
    let birth = file.birth_date.map(|d| d.to_string());
    let duplicates = db
        .all::<DuplicateRow>(
            "SELECT id, region_code, COALESCE(id_number = ?1, 0) AS same_id_number FROM elders \
             WHERE id = ?4 OR (id_number IS NOT NULL AND id_number = ?1) OR (name = ?2 AND birth_date = ?3) LIMIT 5",
            args![file.id_number.clone(), file.name.as_str(), birth, file.id.as_str()],
        )
        .await?;
    if duplicates.iter().any(|d| d.id == file.id) {
        return Err(AppError::Conflict {
            code: "duplicate_id",
            message: "编号已存在 (an elder with this id exists)".into(),
            expected_seq: None,
        });
    }
    if duplicates.iter().any(|d| d.same_id_number != 0) {
        return Err(AppError::Invalid {
            code: "duplicate_id_number",
            field: "id_number".into(),
            message:
                "该身份证号已建档 (a file with this ID number already exists; one person, one file)"
                    .into(),
        });
    }
    if !duplicates.is_empty() && !confirm_duplicate {
        let visible: Vec<&str> = duplicates
            .iter()
            .filter(|d| principal.governs(&d.region_code))
            .map(|d| d.id.as_str())
            .collect();
        return Err(AppError::Invalid {
            code: "possible_duplicate",
            field: "name".into(),
            message: format!(
                "已有同名同出生日期的档案{}；确认不是同一人请带 confirm_duplicate=1 重新提交 (same name and birth date exists)",
                if visible.is_empty() { String::new() } else { format!("：{}", visible.join(", ")) }
            ),
        });
    }
    let profile = ctx.profile_on(today).await?;
    let derived = registry::derive(&file, &profile, today);
    let month = today.format("%Y-%m").to_string();
    let mut statements = vec![
        db.statement(
            NEW_CURSOR_SQL,
            args![principal.id.as_str(), "elder.create", ctx.now_ms],
        )?,
        registry::upsert_statement(
            db,
            &file,
            &derived,
            &FieldVersions::new(),
            None,
            None,
            ctx.now_ms,
        )?,
        ctx.audit(
            Some(&principal.id),
            "elder.create",
            Some(&file.id),
            json!({}),
        )?,
    ];
    statements.extend(tally::recompute(
        db,
        &month,
        &file.address.region_code,
        ctx.now_ms,
    )?);
    db.batch(statements).await?;
    http::json_status(
        &json!({"id": file.id, "tier": derived.tier, "in_scope": derived.in_scope,
                "requirements": derived.requirements, "duplicate_confirmed": !duplicates.is_empty()}),
        201,
    )
}

pub async fn update(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let bytes = req
        .bytes()
        .await
        .map_err(|e| AppError::bad_request(e.to_string()))?;
    if bytes.len() > http::MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    let mut body: Value = parse_json(&bytes)?;
    let Some(object) = body.as_object_mut() else {
        return Err(AppError::invalid(
            "",
            "须为对象 (an elder file object is expected)",
        ));
    };
    let base_versions: Option<FieldVersions> = match object.remove("base_versions") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            serde_json::from_value(value)
                .map_err(|e| AppError::invalid("base_versions", e.to_string()))?,
        ),
    };
    object.insert("id".into(), json!(id));
    let row = load_full(ctx, &principal, id).await?;
    // Masked values sent back unchanged keep the stored value.
    let stored_sensitive: Map<String, Value> =
        serde_json::from_str(&row.sensitive).unwrap_or_default();
    let mut masked = stored_sensitive.clone();
    views::mask_sensitive(&mut masked);
    for (key, value) in &masked {
        if object.get(key) == Some(value) {
            object.insert(key.clone(), stored_sensitive[key].clone());
        }
    }
    let today = ctx.today();
    let mut file = parse_file(&body, today)?;
    file.responsible_visitor_id = None;
    file.backup_visitor_ids.clear();
    if !principal.governs(&file.address.region_code) {
        return Err(AppError::Invalid {
            code: "out_of_scope",
            field: "address.region_code".into(),
            message: "不在您管辖的区域内 (outside your region)".into(),
        });
    }
    let mut old = file_json(&row, true);
    if let Some(old) = old.as_object_mut() {
        old.remove("responsible_visitor_id");
        old.remove("backup_visitor_ids");
    }
    let new = serde_json::to_value(&file)?;
    let versions: FieldVersions = serde_json::from_str(&row.field_versions).unwrap_or_default();
    if let Some(base_versions) = base_versions {
        // Only fields that differ from the stored file are edits; check them per field.
        let empty = Map::new();
        let old_map = old.as_object().unwrap_or(&empty);
        let fields: std::collections::BTreeMap<String, Value> = new
            .as_object()
            .unwrap_or(&empty)
            .iter()
            .filter(|(k, v)| {
                old_map.get(*k) != Some(*v)
                    && !k.starts_with("responsible")
                    && !k.starts_with("backup")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let outcome = apply_field_edits(
            &versions,
            old_map,
            &ElderEdit {
                elder_id: id.to_string(),
                base_versions,
                fields,
            },
        );
        if !outcome.conflicts.is_empty() {
            let names: Vec<&str> = outcome.conflicts.iter().map(|c| c.field.as_str()).collect();
            return Err(AppError::Conflict {
                code: "edit_conflict",
                message: format!(
                    "这些字段已被他人修改，请刷新后重试：{} (changed meanwhile)",
                    names.join(", ")
                ),
                expected_seq: None,
            });
        }
    }
    let new_versions = registry::bump_versions(&versions, &old, &new);
    let profile = ctx.profile_on(today).await?;
    let derived = registry::derive(&file, &profile, today);
    let month = today.format("%Y-%m").to_string();
    let db = &ctx.db;
    let mut statements = vec![
        db.statement(
            NEW_CURSOR_SQL,
            args![principal.id.as_str(), "elder.update", ctx.now_ms],
        )?,
        registry::upsert_statement(db, &file, &derived, &new_versions, None, None, ctx.now_ms)?,
        ctx.audit(Some(&principal.id), "elder.update", Some(id), json!({}))?,
    ];
    statements.extend(tally::recompute(
        db,
        &month,
        &file.address.region_code,
        ctx.now_ms,
    )?);
    if file.address.region_code != row.region_code {
        statements.extend(tally::recompute(db, &month, &row.region_code, ctx.now_ms)?);
        // Moved to another community: the same as an import's move — visitors and
        // coordinators who no longer see the file there get a removal (their phones drop it).
        let moved = [(
            id.to_string(),
            row.region_code.clone(),
            file.address.region_code.clone(),
        )];
        statements.extend(super::import::move_statements(ctx, &moved).await?);
    }
    db.batch(statements).await?;
    http::json(
        &json!({"id": id, "tier": derived.tier, "in_scope": derived.in_scope,
                       "requirements": derived.requirements, "field_versions": new_versions}),
    )
}
