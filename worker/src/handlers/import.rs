//! Roster import (issue 10), coordinators only, scoped to their region subtree:
//!
//! - `POST /api/import/preview` — body: the spreadsheet's bytes (.xlsx, or .csv in UTF-8/GBK);
//!   query `mapping` (JSON header → field key or null; default: the coordinator's remembered
//!   mapping over the guess from the headers). A dry run: reads, never writes. Answers the
//!   headers, the mapping used, the importable fields, a summary and one entry per row (errors
//!   naming row, column and cell; new / unchanged / changed with the differences, ID numbers
//!   masked).
//! - `POST /api/import/commit` — the same body and query, plus `skip_errors=1` to import the
//!   good rows when some are bad (default: any bad row refuses the whole import, 422). Checks
//!   everything again (never trusts a preview) and writes every new and changed file, the
//!   change-feed cursor, the monthly tallies of the touched communities, the remembered
//!   mapping and one audit row in ONE D1 batch: it is applied entirely or not at all.
//! - `GET /api/import/mapping` — the remembered mapping.
//!
//! A preview shows matched files, so it is audited like other full-file reads
//! (`import.preview`: file name, format and counts, never a cell). Each row carries its own
//! number in the sheet (`serial`: the 编号 column, or 序号 — guessed as such unless the
//! coordinator chose otherwise), shown next to the spreadsheet row number.
//!
//! An import that moves a file to another community (a changed 区划代码) takes the elder off
//! the responsible and backup visitors who do not belong there (their account's community is
//! another one and their group is not paired with the new one): a removal for each (their
//! phones drop the elder on the next pull), the assignment history ended, the columns cleared —
//! and a removal for each coordinator who governed the old community but not the new one. All
//! of it in the commit's one batch.
//!
//! Files are written with set-based upserts over JSON arrays (`json_each`), 200 rows per
//! statement, so 20,000 rows are 100 statements in the one batch.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, query_param};
use crate::store::{rows, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::{args, registry, tally, views};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tanfang_domain::elder::ElderFile;
use tanfang_domain::sync::FieldVersions;
use tanfang_roster::check::FieldChange;
use tanfang_roster::{CheckOptions, Existing, Field, Mapping, RowAction, RowCheck, Sheet, Summary};
use worker::{Method, Request, Response};

/// Largest upload (a 20,000-row .xlsx is about 1.5 MB; a CSV about 3 MB).
pub const MAX_UPLOAD_BYTES: usize = 16 * 1024 * 1024;
/// Rows per upsert statement.
const ROWS_PER_STATEMENT: usize = 200;

pub async fn route(req: Request, ctx: &Ctx, segments: &[&str]) -> AppResult<Response> {
    match (req.method(), segments) {
        (Method::Post, ["api", "import", "preview"]) => preview(req, ctx).await,
        (Method::Post, ["api", "import", "commit"]) => commit(req, ctx).await,
        (Method::Get, ["api", "import", "mapping"]) => get_mapping(req, ctx).await,
        (_, ["api", "import", "preview" | "commit" | "mapping"]) => Err(AppError::MethodNotAllowed),
        _ => Err(AppError::NotFound),
    }
}

#[derive(Deserialize)]
struct MappingRow {
    mapping: String,
}

async fn remembered_mapping(ctx: &Ctx, principal: &Principal) -> AppResult<Mapping> {
    let row = ctx
        .db
        .first::<MappingRow>(
            "SELECT mapping FROM import_mappings WHERE account_id = ?1",
            args![principal.id.as_str()],
        )
        .await?;
    Ok(row
        .and_then(|r| serde_json::from_str(&r.mapping).ok())
        .unwrap_or_default())
}

async fn get_mapping(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let mapping = remembered_mapping(ctx, &principal).await?;
    http::json(&json!({"mapping": mapping, "fields": fields_json()}))
}

fn fields_json() -> Value {
    Value::Array(
        Field::ALL
            .iter()
            .map(|f| match f {
                // Not saved in the file: the worker gives every new file its own id.
                Field::ExternalId => json!({
                    "key": f.key(),
                    "label": "编号（表内编号，仅用于查找行，不导入）",
                    "not_imported": true,
                }),
                _ => json!({"key": f.key(), "label": f.label_zh()}),
            })
            .collect(),
    )
}

/// Everything a preview or a commit works from.
struct Prepared {
    sheet: Sheet,
    mapping: Mapping,
    checks: Vec<RowCheck>,
    /// Stored state of matched files: elder id → (region code, field versions, file as JSON).
    stored: HashMap<String, (String, FieldVersions, Value)>,
}

#[derive(Deserialize)]
struct ExistingRow {
    id: String,
    region_code: String,
    file: String,
    sensitive: String,
    field_versions: String,
}

#[derive(Deserialize)]
struct RegionRow {
    code: String,
    name: String,
}

#[derive(Deserialize)]
struct IdRow {
    id_number: String,
}

async fn prepare(req: &mut Request, ctx: &Ctx, principal: &Principal) -> AppResult<Prepared> {
    let (lo, hi) = principal.require_coordinator()?;
    let bytes = req
        .bytes()
        .await
        .map_err(|e| AppError::bad_request(e.to_string()))?;
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    if bytes.is_empty() {
        return Err(AppError::invalid(
            "file",
            "请上传 .xlsx 或 .csv 文件 (upload a .xlsx or .csv file)",
        ));
    }
    let sheet = tanfang_roster::read_bytes(&bytes).map_err(|e| AppError::Invalid {
        code: "unreadable_file",
        field: "file".into(),
        message: e.message,
    })?;
    let remembered = remembered_mapping(ctx, principal).await?;
    let guess = || {
        serial_by_default(
            Mapping::guess_with(&sheet.headers, &remembered),
            &remembered,
        )
    };
    let mapping = match query_param(req, "mapping").filter(|m| !m.trim().is_empty()) {
        Some(text) => {
            let given: Mapping = serde_json::from_str(&text).map_err(|e| {
                AppError::invalid(
                    "mapping",
                    format!("列对应格式错误 (mapping must be a JSON object header → field): {e}"),
                )
            })?;
            // Headers the request leaves out keep the remembered choice or the guess.
            let mut mapping = guess();
            for (header, field) in given.0 {
                if field.is_some() {
                    for value in mapping.0.values_mut() {
                        if *value == field {
                            *value = None;
                        }
                    }
                }
                mapping.0.insert(header, field);
            }
            mapping
        }
        None => guess(),
    };
    let columns = mapping
        .columns(&sheet.headers)
        .map_err(|message| AppError::Invalid {
            code: "bad_mapping",
            field: "mapping".into(),
            message,
        })?;
    // ID numbers of the sheet, to find files outside the importer's scope.
    let sheet_ids: Vec<String> = columns
        .get(&Field::IdNumber)
        .map(|&index| {
            sheet
                .rows
                .iter()
                .filter_map(|r| r.cells.get(index))
                .map(|c| c.trim().to_uppercase())
                .filter(|c| !c.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let db = &ctx.db;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT id, region_code, file, sensitive, field_versions FROM elders WHERE region_code BETWEEN ?1 AND ?2",
                args![lo.as_str(), hi.as_str()],
            )?,
            db.statement(
                "SELECT code, name FROM regions WHERE level = 'community'",
                args![],
            )?,
            db.statement(
                "SELECT id_number FROM elders WHERE id_number IN (SELECT value FROM json_each(?1)) \
                 AND NOT (region_code BETWEEN ?2 AND ?3)",
                args![serde_json::to_string(&sheet_ids)?, lo.as_str(), hi.as_str()],
            )?,
        ])
        .await?;
    let mut existing = Vec::new();
    let mut stored = HashMap::new();
    for row in rows::<ExistingRow>(&results[0])? {
        let mut file: Map<String, Value> = serde_json::from_str(&row.file).unwrap_or_default();
        let sensitive: Map<String, Value> =
            serde_json::from_str(&row.sensitive).unwrap_or_default();
        file.extend(sensitive);
        file.remove("responsible_visitor_id");
        file.remove("backup_visitor_ids");
        let value = Value::Object(file);
        let Ok(parsed) = serde_json::from_value::<ElderFile>(value.clone()) else {
            continue;
        };
        let versions: FieldVersions = serde_json::from_str(&row.field_versions).unwrap_or_default();
        stored.insert(row.id.clone(), (row.region_code, versions, value));
        existing.push(Existing { file: parsed });
    }
    let mut options = CheckOptions::new(ctx.today());
    if principal.role != Role::Admin {
        options.scope = principal.region_code.clone();
    }
    let mut known = HashSet::new();
    for region in rows::<RegionRow>(&results[1])? {
        if principal.governs(&region.code) {
            options
                .communities
                .insert(region.name.clone(), region.code.clone());
        }
        known.insert(region.code);
    }
    options.known_regions = Some(known);
    options.taken_id_numbers = rows::<IdRow>(&results[2])?
        .into_iter()
        .map(|r| r.id_number.to_uppercase())
        .collect();
    let checks = tanfang_roster::check_sheet(&sheet, &mapping, &existing, &options, &mut |row| {
        format!("import-row-{row}")
    })
    .map_err(|message| AppError::Invalid {
        code: "bad_mapping",
        field: "mapping".into(),
        message,
    })?;
    Ok(Prepared {
        sheet,
        mapping,
        checks,
        stored,
    })
}

/// Header texts that number the rows of a sheet (序号), taken as the row's own number when no
/// column is mapped to 编号 and the coordinator has not chosen otherwise for that header.
const SERIAL_HEADERS: [&str; 2] = ["序号", "编号"];

fn serial_by_default(mut mapping: Mapping, remembered: &Mapping) -> Mapping {
    if mapping.0.values().any(|f| *f == Some(Field::ExternalId)) {
        return mapping;
    }
    let header = mapping
        .0
        .keys()
        .find(|h| SERIAL_HEADERS.contains(&h.trim()) && !remembered.0.contains_key(*h))
        .cloned();
    if let Some(header) = header {
        if mapping.0.get(&header) == Some(&None) {
            mapping.0.insert(header, Some(Field::ExternalId));
        }
    }
    mapping
}

fn mask_change(change: &FieldChange) -> Value {
    let mut map = Map::new();
    map.insert("old".into(), change.old.clone());
    map.insert("new".into(), change.new.clone());
    let sensitive = views::SENSITIVE_FIELDS
        .iter()
        .any(|f| change.field == *f || change.field.starts_with(&format!("{f}.")));
    if sensitive {
        let mut wrapped = Map::new();
        wrapped.insert(change.field.clone(), Value::Object(map.clone()));
        views::mask_sensitive(&mut wrapped);
        if let Some(Value::Object(masked)) = wrapped.remove(&change.field) {
            map = masked;
        }
        // Income and other non-ID sensitive values are not shown at all.
        if !(change.field.contains("id_number") || change.field.contains("certificate")) {
            map.insert("old".into(), json!("***"));
            map.insert("new".into(), json!("***"));
        }
    }
    json!({"field": change.field, "old": map["old"], "new": map["new"]})
}

fn row_json(check: &RowCheck) -> Value {
    let name = check.file.as_ref().map(|f| f.name.clone());
    let mut value = json!({
        "row": check.row,
        "serial": check.serial,
        "name": name,
        "matched_by": check.matched_by,
        "errors": check.errors,
    });
    match &check.action {
        RowAction::Error => value["action"] = json!("error"),
        RowAction::New => value["action"] = json!("new"),
        RowAction::Unchanged { elder_id } => {
            value["action"] = json!("unchanged");
            value["elder_id"] = json!(elder_id);
        }
        RowAction::Changed { elder_id, changes } => {
            value["action"] = json!("changed");
            value["elder_id"] = json!(elder_id);
            value["changes"] = Value::Array(changes.iter().map(mask_change).collect());
            if changes.iter().any(|c| c.field == "address.region_code") {
                // The commit takes the elder off visitors who do not belong to the new community.
                value["moves_community"] = json!(true);
            }
        }
    }
    value
}

fn summary_json(prepared: &Prepared) -> Value {
    json!({
        "format": prepared.sheet.format,
        "header_row": prepared.sheet.header_row,
        "headers": prepared.sheet.headers,
        "mapping": prepared.mapping,
        "fields": fields_json(),
        "summary": Summary::of(&prepared.checks),
    })
}

async fn preview(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let file_name = query_param(&req, "file_name").unwrap_or_default();
    let prepared = prepare(&mut req, ctx, &principal).await?;
    let summary = Summary::of(&prepared.checks);
    // The answer shows matched files (names, changed fields): audited like a file read.
    ctx.db
        .batch(vec![ctx.audit(
            Some(&principal.id),
            "import.preview",
            None,
            json!({
                "file_name": file_name, "format": prepared.sheet.format, "rows": summary.rows,
                "new": summary.new, "changed": summary.changed, "unchanged": summary.unchanged,
                "errors": summary.errors,
            }),
        )?])
        .await?;
    let mut body = summary_json(&prepared);
    body["rows"] = Value::Array(prepared.checks.iter().map(row_json).collect());
    http::json(&body)
}

async fn commit(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let skip_errors = query_param(&req, "skip_errors").as_deref() == Some("1");
    let file_name = query_param(&req, "file_name").unwrap_or_default();
    let mut prepared = prepare(&mut req, ctx, &principal).await?;
    let summary = Summary::of(&prepared.checks);
    if summary.errors > 0 && !skip_errors {
        let first = prepared
            .checks
            .iter()
            .find_map(|c| c.errors.first().map(|e| (c.serial.clone(), e.clone())));
        let (field, detail) = match &first {
            Some((serial, e)) => (
                e.field.clone(),
                format!(
                    "；第一处：第{}行{} {}（{}）{}",
                    e.row,
                    serial
                        .as_ref()
                        .map(|s| format!("（编号 {s}）"))
                        .unwrap_or_default(),
                    e.column,
                    e.cell,
                    e.message
                ),
            ),
            None => (String::new(), String::new()),
        };
        return Err(AppError::Invalid {
            code: "import_has_errors",
            field,
            message: format!(
                "有{}行有错误，未导入任何数据；请改正后重新上传，或选择只导入无误的行{} ({} rows have errors; nothing was imported)",
                summary.errors, detail, summary.errors
            ),
        });
    }
    let today = ctx.today();
    let profile = ctx.profile_on(today).await?;
    let mut upserts: Vec<Value> = Vec::new();
    let mut communities: BTreeSet<String> = BTreeSet::new();
    let mut created = 0usize;
    let mut updated = 0usize;
    // Files moved to another community: (elder id, old community, new community).
    let mut moved: Vec<(String, String, String)> = Vec::new();
    for check in prepared.checks.iter_mut() {
        let Some(file) = check.file.as_mut() else {
            continue;
        };
        let versions = match &check.action {
            RowAction::New => {
                file.id = crate::crypto::random_id("elder")?;
                created += 1;
                FieldVersions::new()
            }
            RowAction::Changed { elder_id, .. } => {
                let Some((old_region, versions, old)) = prepared.stored.get(elder_id) else {
                    continue;
                };
                communities.insert(old_region.clone());
                if *old_region != file.address.region_code {
                    moved.push((
                        elder_id.clone(),
                        old_region.clone(),
                        file.address.region_code.clone(),
                    ));
                }
                updated += 1;
                registry::bump_versions(versions, old, &serde_json::to_value(&*file)?)
            }
            RowAction::Unchanged { .. } | RowAction::Error => continue,
        };
        file.responsible_visitor_id = None;
        file.backup_visitor_ids.clear();
        communities.insert(file.address.region_code.clone());
        let derived = registry::derive(file, &profile, today);
        upserts.push(registry::columns_json(file, &derived, &versions)?);
    }
    let db = &ctx.db;
    let month = today.format("%Y-%m").to_string();
    let mut statements: Vec<Statement> = vec![db.statement(
        NEW_CURSOR_SQL,
        args![principal.id.as_str(), "import.commit", ctx.now_ms],
    )?];
    if !moved.is_empty() {
        statements.extend(move_statements(ctx, &moved).await?);
    }
    for chunk in upserts.chunks(ROWS_PER_STATEMENT) {
        statements.push(db.statement(
            &UPSERT_FROM_JSON_SQL.replace("{CURRENT_CURSOR}", CURRENT_CURSOR),
            args![Value::Array(chunk.to_vec()).to_string(), ctx.now_ms],
        )?);
    }
    for community in &communities {
        statements.extend(tally::recompute(db, &month, community, ctx.now_ms)?);
    }
    statements.push(db.statement(
        "INSERT INTO import_mappings (account_id, mapping, updated_at) VALUES (?1, ?2, ?3) \
         ON CONFLICT(account_id) DO UPDATE SET mapping = excluded.mapping, updated_at = excluded.updated_at",
        args![
            principal.id.as_str(),
            serde_json::to_string(&prepared.mapping)?,
            ctx.now_ms
        ],
    )?);
    statements.push(ctx.audit(
        Some(&principal.id),
        "import.commit",
        None,
        json!({
            "file_name": file_name, "format": prepared.sheet.format, "rows": summary.rows,
            "created": created, "updated": updated, "unchanged": summary.unchanged,
            "skipped": summary.errors, "moved": moved.len(),
        }),
    )?);
    // Test hook (only with DEV_SEED=1, i.e. local development and tests): make the batch's last
    // statement fail, so the tests can see that a failing batch leaves nothing behind.
    if ctx.var("DEV_SEED").as_deref() == Some("1")
        && req.headers().get("x-tanfang-fault")?.as_deref() == Some("import-fail-last")
    {
        statements.push(db.statement(
            "INSERT INTO regions (code, name, level) VALUES (NULL, NULL, 'community')",
            args![],
        )?);
    }
    db.batch(statements).await?;
    let skipped: Vec<Value> = prepared
        .checks
        .iter()
        .filter(|c| c.action == RowAction::Error)
        .map(row_json)
        .collect();
    http::json(&json!({
        "rows": summary.rows, "created": created, "updated": updated,
        "unchanged": summary.unchanged, "skipped": skipped, "moved": moved.len(),
    }))
}

#[derive(Deserialize)]
struct CoordinatorRow {
    id: String,
    region_code: String,
}

/// Statements (for a batch that starts with [`NEW_CURSOR_SQL`]) that take elders moved to
/// another community off the people who no longer see them there:
/// - responsible/backup visitors who do not belong to the new community (account community
///   differs and their group, if any, has no pairing in force with it): a removal each, their
///   assignment ended, the column cleared;
/// - coordinators who governed the old community but not the new one: a removal each.
///
/// A pull only sends a removal for an elder the user no longer sees, so a removal is never
/// wrong for someone who still sees the elder another way. Used by the import's commit and by
/// a coordinator's edit of one file (`elders::update`), after the file's upsert in the batch.
pub(crate) async fn move_statements(
    ctx: &Ctx,
    moved: &[(String, String, String)],
) -> AppResult<Vec<Statement>> {
    let db = &ctx.db;
    let today = ctx.today().to_string();
    let moved_json = Value::Array(
        moved
            .iter()
            .map(|(id, _, to)| json!({"id": id, "region": to}))
            .collect(),
    )
    .to_string();
    let mut statements = Vec::new();
    for column in ["responsible_id", "backup_id"] {
        statements.push(db.statement(
            &format!(
                "INSERT INTO removals (account_id, elder_id, cursor)                  SELECT e.{column}, e.id, {CURRENT_CURSOR} FROM elders e                  JOIN json_each(?1) m ON e.id = json_extract(m.value, '$.id')                  WHERE e.{column} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.{column} AND (                    a.region_code = json_extract(m.value, '$.region')                    OR (a.group_id IS NOT NULL AND EXISTS (SELECT 1 FROM group_pairings p WHERE p.group_id = a.group_id                      AND p.community_code = json_extract(m.value, '$.region') AND p.status = 'active'                      AND p.start_date <= ?2 AND (p.end_date IS NULL OR p.end_date >= ?2)))))"
            ),
            args![moved_json.as_str(), today.as_str()],
        )?);
    }
    // This batch's removals (its cursor is new) are exactly the visitors taken off.
    let taken_off = |column: &str| {
        format!(
            "EXISTS (SELECT 1 FROM removals r WHERE r.account_id = {column} AND r.cursor = {CURRENT_CURSOR}              AND r.elder_id = elders.id)"
        )
    };
    statements.push(db.statement(
        &format!(
            "UPDATE assignments SET ended_at = ?2 WHERE ended_at IS NULL AND EXISTS (SELECT 1 FROM removals r              WHERE r.account_id = assignments.account_id AND r.cursor = {CURRENT_CURSOR}              AND r.elder_id = assignments.elder_id)              AND elder_id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))"
        ),
        args![moved_json.as_str(), ctx.now_ms],
    )?);
    statements.push(db.statement(
        &format!(
            "UPDATE elders SET responsible_id = CASE WHEN {} THEN NULL ELSE responsible_id END,              backup_id = CASE WHEN {} THEN NULL ELSE backup_id END              WHERE id IN (SELECT json_extract(value, '$.id') FROM json_each(?1))",
            taken_off("elders.responsible_id"),
            taken_off("elders.backup_id")
        ),
        args![moved_json.as_str()],
    )?);
    // Coordinators (a small table) whose subtree held the old community but not the new one.
    let coordinators: Vec<CoordinatorRow> = db
        .all(
            "SELECT id, region_code FROM accounts WHERE role = 'coordinator' AND region_code IS NOT NULL",
            args![],
        )
        .await?;
    let ranges: Vec<(String, (String, String))> = coordinators
        .into_iter()
        .map(|c| {
            let range = crate::store::subtree_range(&c.region_code);
            (c.id, range)
        })
        .collect();
    let inside =
        |code: &str, (lo, hi): &(String, String)| code >= lo.as_str() && code <= hi.as_str();
    let mut pairs = Vec::new();
    for (elder_id, from, to) in moved {
        for (account, range) in &ranges {
            if inside(from, range) && !inside(to, range) {
                pairs.push(json!({"a": account, "e": elder_id}));
            }
        }
    }
    if !pairs.is_empty() {
        statements.push(db.statement(
            &format!(
                "INSERT INTO removals (account_id, elder_id, cursor)                  SELECT json_extract(value, '$.a'), json_extract(value, '$.e'), {CURRENT_CURSOR} FROM json_each(?1)"
            ),
            args![Value::Array(pairs).to_string()],
        )?);
    }
    Ok(statements)
}

/// Upserts every row of the JSON array `?1` (objects from [`registry::columns_json`]).
const UPSERT_FROM_JSON_SQL: &str = "INSERT INTO elders (id, region_code, name, name_initials, name_pinyin, sex, birth_date, \
       id_number, address, categories, tier, requirements, in_scope, consent, file, sensitive, field_versions, \
       cursor, created_at, updated_at) \
     SELECT json_extract(j.value, '$.id'), json_extract(j.value, '$.region_code'), json_extract(j.value, '$.name'), \
       json_extract(j.value, '$.name_initials'), json_extract(j.value, '$.name_pinyin'), json_extract(j.value, '$.sex'), \
       json_extract(j.value, '$.birth_date'), json_extract(j.value, '$.id_number'), json_extract(j.value, '$.address'), \
       json_extract(j.value, '$.categories'), json_extract(j.value, '$.tier'), json_extract(j.value, '$.requirements'), \
       json_extract(j.value, '$.in_scope'), json_extract(j.value, '$.consent'), json_extract(j.value, '$.file'), \
       json_extract(j.value, '$.sensitive'), json_extract(j.value, '$.field_versions'), {CURRENT_CURSOR}, ?2, ?2 \
     FROM json_each(?1) j WHERE true \
     ON CONFLICT(id) DO UPDATE SET region_code = excluded.region_code, name = excluded.name, \
       name_initials = excluded.name_initials, name_pinyin = excluded.name_pinyin, sex = excluded.sex, \
       birth_date = excluded.birth_date, id_number = excluded.id_number, address = excluded.address, \
       categories = excluded.categories, tier = excluded.tier, requirements = excluded.requirements, \
       in_scope = excluded.in_scope, consent = excluded.consent, file = excluded.file, \
       sensitive = excluded.sensitive, field_versions = excluded.field_versions, cursor = excluded.cursor, \
       updated_at = excluded.updated_at";
