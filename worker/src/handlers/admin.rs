//! Coordinator and admin APIs (scoped to the caller's region subtree): regions, people,
//! groups, assignments, due board, monthly statistics, surges, conflicts, audit log.

use crate::auth::{require, Principal, Role};
use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::http::{self, query_param, read_json};
use crate::store::{rows, subtree_range, Statement, CURRENT_CURSOR, NEW_CURSOR_SQL};
use crate::{args, tally};
use serde::Deserialize;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};
use tanfang_domain::date::Month;
use tanfang_domain::elder::ElderFacts;
use tanfang_domain::policy::{Kind, Requirement, VisitMode};
use tanfang_domain::rate::{MonthlyTally, TallyRow};
use tanfang_domain::schedule::{Surge, VisitFact};
use tanfang_domain::sync::{ConflictResolution, FieldVersions};
use worker::{Request, Response};

#[derive(Deserialize)]
struct RegionRow {
    code: String,
    name: String,
    level: String,
    parent_code: Option<String>,
}

/// `GET /api/regions`: the tree the caller governs (with the path above it), nested.
pub async fn regions(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let all = ctx
        .db
        .all::<RegionRow>(
            "SELECT code, name, level, parent_code FROM regions ORDER BY code",
            vec![],
        )
        .await?;
    let visible: Vec<&RegionRow> = all
        .iter()
        .filter(|r| r.code.as_str() >= lo.as_str() && r.code.as_str() <= hi.as_str())
        .collect();
    fn node(row: &RegionRow, children_of: &HashMap<&str, Vec<&RegionRow>>) -> Value {
        let children: Vec<Value> = children_of
            .get(row.code.as_str())
            .map(|list| list.iter().map(|c| node(c, children_of)).collect())
            .unwrap_or_default();
        json!({"code": row.code, "name": row.name, "level": row.level, "children": children})
    }
    let mut children_of: HashMap<&str, Vec<&RegionRow>> = HashMap::new();
    for row in &visible {
        if let Some(parent) = &row.parent_code {
            children_of.entry(parent.as_str()).or_default().push(row);
        }
    }
    let roots: Vec<Value> = visible
        .iter()
        .filter(|r| {
            r.parent_code
                .as_deref()
                .is_none_or(|p| !visible.iter().any(|v| v.code == p))
        })
        .map(|r| node(r, &children_of))
        .collect();
    http::json(&json!({ "regions": roots }))
}

#[derive(Deserialize)]
struct PersonRow {
    id: String,
    login: String,
    name: String,
    role: String,
    volunteer_kind: Option<String>,
    region_code: Option<String>,
    region_name: Option<String>,
    group_id: Option<String>,
    school: Option<String>,
    class_name: Option<String>,
    student_number: Option<String>,
    disabled: i64,
    responsible_count: i64,
    backup_count: i64,
}

const PERSON_SELECT: &str = "SELECT a.id, a.login, a.name, a.role, a.volunteer_kind, a.region_code, r.name AS region_name, \
    a.group_id, a.school, a.class_name, a.student_number, a.disabled, \
    (SELECT COUNT(*) FROM elders e WHERE e.responsible_id = a.id) AS responsible_count, \
    (SELECT COUNT(*) FROM elders e WHERE e.backup_id = a.id) AS backup_count \
    FROM accounts a LEFT JOIN regions r ON r.code = a.region_code";

fn person_json(row: &PersonRow) -> Value {
    json!({
        "id": row.id, "login": row.login, "name": row.name, "role": row.role,
        "volunteer_kind": row.volunteer_kind,
        "region": row.region_code.as_ref().map(|c| json!({"code": c, "name": row.region_name})),
        "group_id": row.group_id, "school": row.school, "class_name": row.class_name,
        "student_number": row.student_number, "disabled": row.disabled != 0,
        "load": {"responsible": row.responsible_count, "backup": row.backup_count},
    })
}

/// `GET /api/people`: coordinators — accounts in their subtree with their load; group
/// admins — their group's members.
pub async fn people(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let people = match principal.role {
        Role::Coordinator | Role::Admin => {
            let (lo, hi) = principal.require_coordinator()?;
            let admin_all = principal.role == Role::Admin;
            ctx.db
                .all::<PersonRow>(
                    &format!("{PERSON_SELECT} WHERE (?3 = 1 OR a.region_code BETWEEN ?1 AND ?2) ORDER BY a.role, a.login"),
                    args![lo, hi, admin_all],
                )
                .await?
        }
        Role::GroupAdmin => {
            let group = principal.group_id.clone().ok_or(AppError::Forbidden)?;
            ctx.db
                .all::<PersonRow>(
                    &format!("{PERSON_SELECT} WHERE a.group_id = ?1 ORDER BY a.login"),
                    args![group],
                )
                .await?
        }
        Role::Volunteer => return Err(AppError::Forbidden),
    };
    http::json(&json!({"people": people.iter().map(person_json).collect::<Vec<_>>()}))
}

#[derive(Deserialize)]
struct AccountScopeRow {
    role: String,
    region_code: Option<String>,
}

/// `POST /api/people/:id/disable|enable`: disabling revokes every session at once.
pub async fn set_disabled(
    req: Request,
    ctx: &Ctx,
    id: &str,
    disabled: bool,
) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let target = ctx
        .db
        .first::<AccountScopeRow>(
            "SELECT role, region_code FROM accounts WHERE id = ?1",
            args![id],
        )
        .await?
        .ok_or(AppError::NotFound)?;
    let allowed = principal.role == Role::Admin
        || (target.role != "admin"
            && target
                .region_code
                .as_deref()
                .is_some_and(|r| principal.governs(r)));
    if !allowed {
        return Err(AppError::NotFound);
    }
    if id == principal.id {
        return Err(AppError::invalid(
            "id",
            "不能停用自己的账号 (cannot disable yourself)",
        ));
    }
    let db = &ctx.db;
    let mut statements = vec![db.statement(
        "UPDATE accounts SET disabled = ?2 WHERE id = ?1",
        args![id, disabled],
    )?];
    if disabled {
        statements.push(db.statement(
            "UPDATE sessions SET revoked_at = ?2 WHERE account_id = ?1 AND revoked_at IS NULL",
            args![id, ctx.now_ms],
        )?);
    }
    statements.push(ctx.audit(
        Some(&principal.id),
        if disabled {
            "account.disable"
        } else {
            "account.enable"
        },
        Some(id),
        json!({}),
    )?);
    db.batch(statements).await?;
    http::json(&json!({"id": id, "disabled": disabled}))
}

#[derive(Deserialize)]
struct GroupRow {
    id: String,
    name: String,
    kind: String,
    paired_region_code: Option<String>,
    paired_region_name: Option<String>,
    members: i64,
    elders_paired: i64,
    visits_this_month: i64,
}

/// `GET /api/groups`: a group admin's own group (members, pairing, counts — no elder data);
/// coordinators: groups paired inside their subtree; admin: all.
pub async fn groups(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let month_start = format!("{}-01", ctx.today().format("%Y-%m"));
    let select = "SELECT g.id, g.name, g.kind, g.paired_region_code, r.name AS paired_region_name, \
        (SELECT COUNT(*) FROM accounts a WHERE a.group_id = g.id AND a.role = 'volunteer') AS members, \
        (SELECT COUNT(*) FROM elders e JOIN accounts a ON a.id = e.responsible_id WHERE a.group_id = g.id) AS elders_paired, \
        (SELECT COUNT(*) FROM visits v JOIN accounts a ON a.id = v.visitor_id WHERE a.group_id = g.id AND v.date >= ?3) AS visits_this_month \
        FROM volunteer_groups g LEFT JOIN regions r ON r.code = g.paired_region_code";
    let groups = match principal.role {
        Role::GroupAdmin => {
            let group = principal.group_id.clone().ok_or(AppError::Forbidden)?;
            ctx.db
                .all::<GroupRow>(
                    &format!("{select} WHERE g.id = ?1 AND ?2 = ?2"),
                    args![group, "", month_start],
                )
                .await?
        }
        Role::Coordinator | Role::Admin => {
            let (lo, hi) = principal.require_coordinator()?;
            ctx.db
                .all::<GroupRow>(
                    &format!(
                        "{select} WHERE g.paired_region_code BETWEEN ?1 AND ?2 ORDER BY g.name"
                    ),
                    args![lo, hi, month_start],
                )
                .await?
        }
        Role::Volunteer => return Err(AppError::Forbidden),
    };
    let members = if principal.role == Role::GroupAdmin {
        let group = principal.group_id.clone().unwrap_or_default();
        ctx.db
            .all::<PersonRow>(
                &format!("{PERSON_SELECT} WHERE a.group_id = ?1 ORDER BY a.login"),
                args![group],
            )
            .await?
    } else {
        Vec::new()
    };
    let list: Vec<Value> = groups
        .iter()
        .map(|g| {
            json!({
                "id": g.id, "name": g.name, "kind": g.kind,
                "paired_region": g.paired_region_code.as_ref().map(|c| json!({"code": c, "name": g.paired_region_name})),
                "member_count": g.members, "elders_paired": g.elders_paired, "visits_this_month": g.visits_this_month,
            })
        })
        .collect();
    http::json(
        &json!({"groups": list, "members": members.iter().map(person_json).collect::<Vec<_>>()}),
    )
}

#[derive(Deserialize)]
struct AssignRequest {
    /// Explicit elders…
    #[serde(default)]
    elder_ids: Vec<String>,
    /// …or every elder of a community (optionally one tier).
    #[serde(default)]
    community: Option<String>,
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    only_unassigned: bool,
    responsible_id: Option<String>,
    #[serde(default)]
    backup_id: Option<String>,
}

#[derive(Deserialize)]
struct AssigneeRow {
    id: String,
    role: String,
    region_code: Option<String>,
    disabled: i64,
}

#[derive(Deserialize)]
struct IdRow {
    id: String,
}

/// Most elders one assignment request may touch.
pub const MAX_ASSIGN: usize = 5000;

/// `POST /api/assignments`: sets the responsible visitor (and backup, or none) of one or many
/// elders. People who lose an elder get a removal on their next pull.
pub async fn assign(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let body: AssignRequest = read_json(&mut req).await?;
    if body.elder_ids.is_empty() && body.community.is_none() {
        return Err(AppError::invalid(
            "elder_ids",
            "请指定老人或社区 (give elder_ids or community)",
        ));
    }
    if body.elder_ids.len() > MAX_ASSIGN {
        return Err(AppError::invalid(
            "elder_ids",
            format!("最多 {MAX_ASSIGN} 位 (at most {MAX_ASSIGN})"),
        ));
    }
    if body.responsible_id.is_some() && body.responsible_id == body.backup_id {
        return Err(AppError::invalid(
            "backup_id",
            "备用探访人不能与责任人相同 (backup must differ)",
        ));
    }
    if let Some(community) = &body.community {
        if !principal.governs(community) {
            return Err(AppError::NotFound);
        }
    }
    let db = &ctx.db;
    let assignee_ids: Vec<&str> = [&body.responsible_id, &body.backup_id]
        .into_iter()
        .flatten()
        .map(String::as_str)
        .collect();
    let elder_ids_json = serde_json::to_string(&body.elder_ids)?;
    let results = db
        .batch(vec![
            db.statement(
                "SELECT id, role, region_code, disabled FROM accounts WHERE id IN (SELECT value FROM json_each(?1))",
                args![serde_json::to_string(&assignee_ids)?],
            )?,
            db.statement(
                "SELECT e.id FROM elders e WHERE e.region_code BETWEEN ?1 AND ?2 AND \
                 (e.id IN (SELECT value FROM json_each(?3)) OR (?4 IS NOT NULL AND e.region_code = ?4 AND (?5 IS NULL OR e.tier = ?5))) \
                 AND (?6 = 0 OR e.responsible_id IS NULL)",
                args![lo.as_str(), hi.as_str(), elder_ids_json, body.community.clone(), body.tier.clone(), body.only_unassigned],
            )?,
        ])
        .await?;
    let elders: Vec<String> = rows::<IdRow>(&results[1])?
        .into_iter()
        .map(|r| r.id)
        .collect();
    if elders.len() < body.elder_ids.len() {
        return Err(AppError::NotFound);
    }
    if elders.is_empty() {
        return http::json(&json!({"assigned": 0}));
    }
    let assignees = rows::<AssigneeRow>(&results[0])?;
    for (field, wanted) in [
        ("responsible_id", &body.responsible_id),
        ("backup_id", &body.backup_id),
    ] {
        if let Some(wanted) = wanted {
            let ok = assignees.iter().any(|a| {
                &a.id == wanted
                    && a.role == "volunteer"
                    && a.disabled == 0
                    && a.region_code
                        .as_deref()
                        .is_some_and(|r| principal.governs(r))
            });
            if !ok {
                return Err(AppError::Invalid {
                    code: "unknown_person",
                    field: field.into(),
                    message: "不是您辖区内可用的志愿者 (not an active volunteer in your region)"
                        .into(),
                });
            }
        }
    }
    let ids = serde_json::to_string(&elders)?;
    let responsible = body.responsible_id.clone();
    let backup = body.backup_id.clone();
    let keep = |x: &Option<String>| x.clone().unwrap_or_default();
    let mut statements: Vec<Statement> = vec![db.statement(
        NEW_CURSOR_SQL,
        args![principal.id.as_str(), "assignments", ctx.now_ms],
    )?];
    for column in ["responsible_id", "backup_id"] {
        statements.push(db.statement(
            &format!(
                "INSERT INTO removals (account_id, elder_id, cursor) SELECT e.{column}, e.id, {CURRENT_CURSOR} FROM elders e \
                 WHERE e.id IN (SELECT value FROM json_each(?1)) AND e.{column} IS NOT NULL AND e.{column} NOT IN (?2, ?3)"
            ),
            args![ids.as_str(), keep(&responsible), keep(&backup)],
        )?);
    }
    statements.push(db.statement(
        "UPDATE assignments SET ended_at = ?2 WHERE ended_at IS NULL AND elder_id IN (SELECT value FROM json_each(?1))",
        args![ids.as_str(), ctx.now_ms],
    )?);
    for (role, who) in [("responsible", &responsible), ("backup", &backup)] {
        if let Some(who) = who {
            statements.push(db.statement(
                "INSERT INTO assignments (elder_id, account_id, role, assigned_by, assigned_at) \
                 SELECT value, ?2, ?3, ?4, ?5 FROM json_each(?1)",
                args![
                    ids.as_str(),
                    who.as_str(),
                    role,
                    principal.id.as_str(),
                    ctx.now_ms
                ],
            )?);
        }
    }
    statements.push(db.statement(
        &format!(
            "UPDATE elders SET responsible_id = ?2, backup_id = ?3, cursor = {CURRENT_CURSOR}, updated_at = ?4 \
             WHERE id IN (SELECT value FROM json_each(?1))"
        ),
        args![ids.as_str(), responsible, backup, ctx.now_ms],
    )?);
    statements.push(ctx.audit(
        Some(&principal.id),
        "assignments",
        None,
        json!({"elders": elders.len(), "responsible_id": body.responsible_id, "backup_id": body.backup_id}),
    )?);
    db.batch(statements).await?;
    http::json(&json!({"assigned": elders.len()}))
}

/// The visits of one elder as the due board reads them: `date US mode US kind` per visit,
/// visits separated by RS (SQLite's `group_concat`); a visit that does not read is left out.
pub(crate) fn parse_visits(text: &str) -> Vec<VisitFact> {
    use serde::de::IntoDeserializer;
    type E = serde::de::value::Error;
    text.split('\u{1e}')
        .filter_map(|visit| {
            let mut fields = visit.split('\u{1f}');
            Some(VisitFact {
                date: fields.next()?.parse().ok()?,
                mode: VisitMode::deserialize(IntoDeserializer::<E>::into_deserializer(
                    fields.next()?,
                ))
                .ok()?,
                kind: Kind::deserialize(IntoDeserializer::<E>::into_deserializer(fields.next()?))
                    .ok()?,
            })
        })
        .collect()
}

/// SQL for the classification facts of a stored file (`e.file`): one JSON array of the values
/// of [`FactsRow`]'s fields, in order (null when absent). One `json_extract` with several paths
/// parses each file once, so the due board reads a hundred bytes per elder instead of the whole
/// file (~1 KB) and parses no file in the worker. The column `elders.facts` holds the same
/// array, written by triggers whenever a file is written (migration 0130, which lists the same
/// paths); the due board reads the column and falls back to this expression where it is null.
pub(crate) const FACTS_SQL: &str =
    "json_extract(e.file, '$.birth_date', '$.categories', '$.capability', \
    '$.bedridden', '$.mobility_impaired', '$.dementia', '$.disability_grade', '$.serious_illness', \
    '$.low_income', '$.cohabits_with_impaired_elder', '$.cares_for_impaired_child', '$.consent')";

/// The values [`FACTS_SQL`] picks out, in order.
type FactsRow = (
    Option<chrono::NaiveDate>,
    Option<Vec<tanfang_domain::elder::Category>>,
    Option<tanfang_domain::elder::Capability>,
    Option<bool>,
    Option<bool>,
    Option<bool>,
    Option<u8>,
    Option<bool>,
    Option<bool>,
    Option<bool>,
    Option<bool>,
    Option<tanfang_domain::elder::Consent>,
);

/// `ElderFile::facts` of a stored file from the values of [`FACTS_SQL`] (the ID number stays
/// out: it is not in the ordinary part of the file).
pub(crate) fn facts_from_row(id: &str, region_code: &str, json: &str) -> Option<ElderFacts> {
    let row: FactsRow = serde_json::from_str(json).ok()?;
    let mut categories = row.1.unwrap_or_default();
    categories.sort();
    categories.dedup();
    Some(ElderFacts {
        id: id.to_string(),
        birth_date: row.0,
        id_number: None,
        categories,
        capability: row.2.unwrap_or_default(),
        bedridden: row.3.unwrap_or_default(),
        mobility_impaired: row.4.unwrap_or_default(),
        dementia: row.5.unwrap_or_default(),
        disability_grade: row.6,
        serious_illness: row.7.unwrap_or_default(),
        low_income: row.8.unwrap_or_default(),
        cohabits_with_impaired_elder: row.9.unwrap_or_default(),
        cares_for_impaired_child: row.10.unwrap_or_default(),
        consent: row.11.unwrap_or_default(),
        region_code: Some(region_code.to_string()),
    })
}

/// One item of the due board's full answer, written straight to JSON (no `Value` per item).
#[derive(serde::Serialize)]
struct DueOut<'a> {
    elder_id: &'a str,
    name: Option<&'a str>,
    community: Option<&'a str>,
    region_code: Option<&'a str>,
    address: Option<&'a str>,
    responsible_name: Option<&'a str>,
    tier: &'a str,
    last_visit_date: Option<String>,
    status: Option<Box<serde_json::value::RawValue>>,
}

#[derive(Deserialize)]
pub(crate) struct SurgeRow {
    id: String,
    region_code: String,
    title: String,
    start_date: String,
    end_date: String,
    tiers: String,
    categories: String,
    requirement: String,
}

pub(crate) fn surge_rows_to_domain(rows: &[SurgeRow]) -> Vec<Surge> {
    rows.iter()
        .filter_map(|s| {
            Some(Surge {
                id: s.id.clone(),
                region_prefix: tanfang_domain::region::RegionCode::parse(&s.region_code)
                    .map(|c| c.prefix().to_string())
                    .unwrap_or_default(),
                start: s.start_date.parse().ok()?,
                end: s.end_date.parse().ok()?,
                tiers: serde_json::from_str(&s.tiers).unwrap_or_default(),
                categories: serde_json::from_str(&s.categories).unwrap_or_default(),
                requirement: serde_json::from_str(&s.requirement).ok()?,
                reason: s.title.clone(),
            })
        })
        .collect()
}

/// `GET /api/due?region=&limit=[&format=rows]`: the due board of the caller's subtree (domain
/// schedule), most urgent first. Declined elders are listed apart, not as due. The items are
/// read from the incremental due state (`crate::due_state`, issue 15): the rows of the scope
/// that are stale today (an input written, a period rolled over, an age boundary, a surge or a
/// policy version taking effect) are recomputed by the domain first, the rest are read as they
/// are, so a change of policy profile or an elder reaching an age boundary still shows at once.
///
/// `format=rows` answers the board's compact form: only the fields the board draws, filters and
/// reassigns by, each item an array in the order of domain's `DUE_BOARD_COLUMNS` (~130 bytes an
/// item; 5,000 items ~0.7 MB instead of 2.5 MB). Without it each item carries the whole
/// requirement status (period, previous period…) as the API always did.
///
/// `declined=count` (compact form only) answers how many elders declined (`declined_count`)
/// instead of their names: the board's first page, which draws the most urgent rows, leaves out
/// a list that a large scope makes the bulk of its answer (1,100 names, 60 of 84 KB at 20,000
/// elders); the rest of the board brings the names.
pub async fn due(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (mut lo, mut hi) = principal.require_coordinator()?;
    if let Some(region) = query_param(&req, "region").filter(|r| !r.is_empty()) {
        let (rlo, rhi) = subtree_range(&region);
        if !principal.governs(&rlo) {
            return Err(AppError::Forbidden);
        }
        (lo, hi) = (rlo, rhi);
    }
    let limit: usize = query_param(&req, "limit")
        .and_then(|l| l.parse().ok())
        .unwrap_or(500)
        .min(5000);
    let compact = query_param(&req, "format").as_deref() == Some("rows");
    let declined = if compact && query_param(&req, "declined").as_deref() == Some("count") {
        Declined::Count
    } else {
        Declined::Names
    };
    let today = ctx.today();
    let db = &ctx.db;
    // Issue 15: the rows of the scope that are stale today are recomputed first (usually none;
    // crate::due_state), then the board reads the table. The check for stale rows goes in the
    // board's batch, so the usual request is one round trip after the session's; only when a
    // row was stale are the board's reads sent again, after the roll-over.
    let board = || due_board_statements(db, &lo, &hi, limit, compact, declined);
    let check = crate::due_state::stale_check_statement(db, &lo, &hi, today)?;
    let mut results = db
        .batch(std::iter::once(check).chain(board()?).collect())
        .await?;
    if crate::due_state::any_stale(&results[0])? {
        crate::due_state::roll_over(ctx, &lo, &hi, today).await?;
        results = db.batch(board()?).await?;
    } else {
        results.remove(0);
    }
    let total = rows::<CountRow>(&results[1])?.first().map_or(0, |c| c.n);
    let today_text = today.to_string();
    if compact {
        // SQLite wrote the rows and the declined list as JSON: passed through, not parsed.
        let parts = rows::<JsonPart>(&results[0])?;
        let declined = match declined {
            Declined::Names => {
                let names = rows::<JsonPart>(&results[2])?.into_iter().next();
                format!(
                    "\"declined\":{}",
                    names.as_ref().map_or("[]", |p| p.part.as_str())
                )
            }
            Declined::Count => {
                let count = rows::<CountRow>(&results[2])?.first().map_or(0, |c| c.n);
                format!("\"declined_count\":{count}")
            }
        };
        let rows_len: usize = parts.iter().map(|p| p.part.len() + 1).sum();
        let mut body = String::with_capacity(rows_len + declined.len() + 512);
        body.push_str(&format!(
            "{{\"today\":{},\"total\":{total},\"columns\":{},\"rows\":[",
            serde_json::to_string(&today_text)?,
            serde_json::to_string(&tanfang_domain::sync::DUE_BOARD_COLUMNS)?,
        ));
        for (n, part) in parts.iter().filter(|p| !p.part.is_empty()).enumerate() {
            if n > 0 {
                body.push(',');
            }
            body.push_str(&part.part);
        }
        body.push_str("],");
        body.push_str(&declined);
        body.push('}');
        return http::json_text(body, 200);
    }
    let items = rows::<DueItemRow>(&results[0])?;
    let declined = rows::<DeclinedRow>(&results[2])?;
    let list: Vec<DueOut<'_>> = items
        .iter()
        .map(|i| DueOut {
            elder_id: &i.elder_id,
            name: Some(i.name.as_str()),
            community: i.community.as_deref(),
            region_code: Some(i.region_code.as_str()),
            address: Some(i.address.as_str()),
            responsible_name: i.responsible_name.as_deref(),
            tier: &i.tier,
            last_visit_date: i.last_visit.map(|d| d.to_string()),
            status: i
                .status
                .as_deref()
                .and_then(|s| serde_json::value::RawValue::from_string(s.to_string()).ok()),
        })
        .collect();
    http::json(&json!({"today": today_text, "total": total, "items": list, "declined": declined}))
}

/// Due items per text part of the compact board: each part is one string written by SQLite,
/// well under D1's 2 MB limit for a value (~130 bytes an item).
const DUE_PART_ROWS: i64 = 2000;

/// The board's reads: the `limit` most urgent items (index `due_items_board`: a community's
/// board reads them in index order and stops at the limit; a wider scope sorts its
/// communities' items), the count of all items, the declined elders (index `elders_declined`)
/// or only their count (`Declined::Count`).
/// `compact`: SQLite writes the rows as the JSON arrays of `DUE_BOARD_COLUMNS`, in parts of
/// [`DUE_PART_ROWS`], and the declined list as one JSON array, so the worker does no per-item
/// work; else the rows are read as [`DueItemRow`] for the full answer.
fn due_board_statements(
    db: &crate::store::Db,
    lo: &str,
    hi: &str,
    limit: usize,
    compact: bool,
    declined: Declined,
) -> AppResult<Vec<crate::store::Statement>> {
    let scope = crate::store::region_scope_sql(lo, hi);
    let urgent = format!(
        "(SELECT * FROM due_items WHERE {scope} ORDER BY overdue DESC, tier_rank, next_due_by, elder_id, rank LIMIT ?3) i \
         JOIN elders e ON e.id = i.elder_id JOIN due_elders d ON d.elder_id = i.elder_id \
         LEFT JOIN regions r ON r.code = e.region_code LEFT JOIN accounts a ON a.id = e.responsible_id"
    );
    let order = "i.overdue DESC, i.tier_rank, i.next_due_by, i.elder_id, i.rank";
    let items = if compact {
        // Columns in the order of domain's DUE_BOARD_COLUMNS.
        format!(
            "SELECT group_concat(j, ',' ORDER BY pos) AS part FROM ( \
               SELECT ROW_NUMBER() OVER (ORDER BY {order}) AS pos, \
                 json_array(i.elder_id, e.name, r.name, a.name, i.tier, i.kind, i.mode, i.count, i.per, i.done, \
                   i.next_due_by, i.overdue, i.surge, d.last_visit) AS j \
               FROM {urgent}) \
             GROUP BY (pos - 1) / ?4 ORDER BY (pos - 1) / ?4"
        )
    } else {
        format!(
            "SELECT i.elder_id, e.name, r.name AS community, a.name AS responsible_name, i.tier, d.last_visit, \
               e.region_code, e.address, i.status FROM {urgent} ORDER BY {order}"
        )
    };
    let declined_from = format!(
        "FROM elders e LEFT JOIN regions r ON r.code = e.region_code \
         WHERE e.{scope} AND e.in_scope = 1 AND e.consent = 'declined'"
    );
    let declined = if declined == Declined::Count {
        format!("SELECT COUNT(*) AS n {declined_from}")
    } else if compact {
        format!(
            "SELECT json_group_array(json_object('id', e.id, 'name', e.name, 'community', r.name) \
               ORDER BY e.region_code, e.id) AS part {declined_from}"
        )
    } else {
        format!(
            "SELECT e.id, e.name, r.name AS community {declined_from} ORDER BY e.region_code, e.id"
        )
    };
    let scope_args = || crate::store::region_scope_args(lo, hi);
    Ok(vec![
        db.statement(
            &items,
            if compact {
                args![lo, hi, limit as i64, DUE_PART_ROWS]
            } else {
                args![lo, hi, limit as i64]
            },
        )?,
        db.statement(
            &format!("SELECT COUNT(*) AS n FROM due_items WHERE {scope}"),
            scope_args(),
        )?,
        db.statement(&declined, scope_args())?,
    ])
}

/// What the board's answer says of the elders who declined visits: their names, or only how
/// many they are (`declined=count`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Declined {
    Names,
    Count,
}

#[derive(Deserialize)]
struct JsonPart {
    part: String,
}

#[derive(Deserialize)]
struct DueItemRow {
    elder_id: String,
    name: String,
    community: Option<String>,
    responsible_name: Option<String>,
    tier: String,
    last_visit: Option<chrono::NaiveDate>,
    region_code: String,
    address: String,
    status: Option<String>,
}

#[derive(Deserialize)]
struct CountRow {
    n: i64,
}

#[derive(Deserialize, serde::Serialize)]
struct DeclinedRow {
    id: String,
    name: String,
    community: Option<String>,
}

#[derive(Deserialize)]
struct TallyDbRow {
    month: String,
    community_code: String,
    community: Option<String>,
    tier: String,
    in_scope: i64,
    visited: i64,
    declined: i64,
    updated_at: i64,
}

/// `GET /api/stats/monthly?region=&month=YYYY-MM`: the monthly visit rate of a subtree from the
/// tallies (domain `rate::MonthlyTally`), with a per-community breakdown and the time of the
/// last update.
pub async fn monthly_stats(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let region = query_param(&req, "region")
        .filter(|r| !r.is_empty())
        .or(principal.region_code.clone())
        .unwrap_or_else(|| "000000000000".into());
    let (lo, hi) = if principal.role == Role::Admin && region == "000000000000" {
        ("000000000000".to_string(), "999999999999".to_string())
    } else {
        if tanfang_domain::region::RegionCode::parse(&region).is_err() {
            return Err(AppError::invalid(
                "region",
                "区划代码无效 (bad region code)",
            ));
        }
        subtree_range(&region)
    };
    if !principal.governs(&lo) {
        return Err(AppError::Forbidden);
    }
    let month: Month = match query_param(&req, "month").filter(|m| !m.is_empty()) {
        Some(text) => text
            .parse()
            .map_err(|_| AppError::invalid("month", "须为 YYYY-MM (must be YYYY-MM)"))?,
        None => Month::containing(ctx.today()),
    };
    let month_text = month.to_string();
    let db = &ctx.db;
    let results = db
        .batch(vec![
            tally::fill_missing(db, &month_text, &lo, &hi, ctx.now_ms)?,
            db.statement(
                "SELECT t.month, t.community_code, r.name AS community, t.tier, t.in_scope, t.visited, t.declined, t.updated_at \
                 FROM monthly_tallies t LEFT JOIN regions r ON r.code = t.community_code \
                 WHERE t.month = ?1 AND t.community_code BETWEEN ?2 AND ?3",
                args![month_text.as_str(), lo.as_str(), hi.as_str()],
            )?,
        ])
        .await?;
    let tally_rows = rows::<TallyDbRow>(&results[1])?;
    let updated_at = tally_rows.iter().map(|r| r.updated_at).max();
    let to_domain = |r: &TallyDbRow| -> Option<TallyRow> {
        Some(TallyRow {
            month: r.month.parse().ok()?,
            community: r.community_code.clone(),
            tier: r.tier.clone(),
            in_scope: r.in_scope,
            declined: r.declined,
            visited: r.visited,
        })
    };
    let report = MonthlyTally::from_rows(tally_rows.iter().filter_map(to_domain)).report(month, "");
    let mut by_community: BTreeMap<&str, (Option<&String>, Vec<TallyRow>)> = BTreeMap::new();
    for row in &tally_rows {
        let entry = by_community
            .entry(&row.community_code)
            .or_insert((row.community.as_ref(), Vec::new()));
        entry.1.extend(to_domain(row));
    }
    let communities: Vec<Value> = by_community
        .into_iter()
        .map(|(code, (name, rows))| {
            let r = MonthlyTally::from_rows(rows).report(month, "");
            json!({"code": code, "name": name, "in_scope": r.in_scope, "visited": r.visited,
                   "declined": r.declined, "rate": r.rate})
        })
        .collect();
    // Issue 16: the policy version the month is computed under, and whether it is closed.
    let (closed, policy) = crate::handlers::months::export_note(ctx, month, &lo, &hi).await?;
    http::json(&json!({
        "region": region,
        "report": report,
        "by_community": communities,
        "updated_at": updated_at,
        "policy": policy,
        "closed": closed,
    }))
}

#[derive(Deserialize)]
struct SurgeRequest {
    region_code: String,
    title: String,
    start_date: chrono::NaiveDate,
    end_date: chrono::NaiveDate,
    #[serde(default)]
    tiers: Vec<String>,
    #[serde(default)]
    categories: Vec<tanfang_domain::elder::Category>,
    requirement: Requirement,
}

/// `GET /api/surges`: surges in (or above) the caller's subtree that have not ended.
pub async fn list_surges(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let list = ctx
        .db
        .all::<SurgeRow>(
            "SELECT id, region_code, title, start_date, end_date, tiers, categories, requirement FROM surges \
             WHERE end_date >= ?1 AND (region_code BETWEEN ?2 AND ?3 OR ?2 BETWEEN region_lo AND region_hi) ORDER BY start_date",
            args![ctx.today().to_string(), lo, hi],
        )
        .await?;
    let surges: Vec<Value> = list
        .iter()
        .map(|s| {
            json!({"id": s.id, "region_code": s.region_code, "title": s.title, "start_date": s.start_date,
                   "end_date": s.end_date, "tiers": serde_json::from_str::<Value>(&s.tiers).unwrap_or(json!([])),
                   "categories": serde_json::from_str::<Value>(&s.categories).unwrap_or(json!([])),
                   "requirement": serde_json::from_str::<Value>(&s.requirement).unwrap_or(Value::Null)})
        })
        .collect();
    http::json(&json!({"surges": surges}))
}

/// `POST /api/surges`: declare a surge (加密探访) for a region subtree and date range.
pub async fn create_surge(mut req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let body: SurgeRequest = read_json(&mut req).await?;
    if tanfang_domain::region::RegionCode::parse(&body.region_code).is_err() {
        return Err(AppError::invalid(
            "region_code",
            "区划代码无效 (bad region code)",
        ));
    }
    if !principal.governs(&body.region_code) {
        return Err(AppError::Forbidden);
    }
    if body.title.trim().is_empty() {
        return Err(AppError::invalid("title", "请填写事由 (title is required)"));
    }
    if body.end_date < body.start_date {
        return Err(AppError::invalid(
            "end_date",
            "结束日期早于开始日期 (ends before it starts)",
        ));
    }
    let (lo, hi) = subtree_range(&body.region_code);
    let id = crate::crypto::random_id("surge")?;
    let db = &ctx.db;
    db.batch(vec![
        db.statement(NEW_CURSOR_SQL, args![principal.id.as_str(), "surge", ctx.now_ms])?,
        db.statement(
            &format!(
                "INSERT INTO surges (id, region_code, region_lo, region_hi, title, start_date, end_date, tiers, categories, \
                 requirement, created_by, created_at, cursor) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, {CURRENT_CURSOR})"
            ),
            args![
                id.as_str(),
                body.region_code.as_str(),
                lo,
                hi,
                body.title.trim(),
                body.start_date.to_string(),
                body.end_date.to_string(),
                serde_json::to_string(&body.tiers)?,
                serde_json::to_string(&body.categories)?,
                serde_json::to_string(&body.requirement)?,
                principal.id.as_str(),
                ctx.now_ms
            ],
        )?,
        ctx.audit(Some(&principal.id), "surge.create", Some(&id), json!({"region_code": body.region_code}))?,
    ])
    .await?;
    http::json_status(&json!({"id": id}), 201)
}

#[derive(Deserialize)]
struct ConflictRow {
    id: String,
    elder_id: String,
    elder_name: String,
    field: String,
    server_value: String,
    client_value: String,
    submitted_by: String,
    submitted_by_name: Option<String>,
    created_at: i64,
    status: String,
}

/// `GET /api/conflicts?status=open|resolved|all`.
pub async fn conflicts(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    let (lo, hi) = principal.require_coordinator()?;
    let status = query_param(&req, "status").unwrap_or_else(|| "open".into());
    if !["open", "resolved", "all"].contains(&status.as_str()) {
        return Err(AppError::invalid("status", "须为 open / resolved / all"));
    }
    let list = ctx
        .db
        .all::<ConflictRow>(
            "SELECT c.id, c.elder_id, e.name AS elder_name, c.field, c.server_value, c.client_value, c.submitted_by, \
               a.name AS submitted_by_name, c.created_at, c.status \
             FROM conflicts c JOIN elders e ON e.id = c.elder_id LEFT JOIN accounts a ON a.id = c.submitted_by \
             WHERE e.region_code BETWEEN ?1 AND ?2 AND (?3 = 'all' OR c.status = ?3) ORDER BY c.created_at DESC LIMIT 500",
            args![lo, hi, status],
        )
        .await?;
    let items: Vec<Value> = list
        .iter()
        .map(|c| {
            json!({"id": c.id, "elder_id": c.elder_id, "elder_name": c.elder_name, "field": c.field,
                   "server_value": serde_json::from_str::<Value>(&c.server_value).unwrap_or(Value::Null),
                   "client_value": serde_json::from_str::<Value>(&c.client_value).unwrap_or(Value::Null),
                   "submitted_by": c.submitted_by, "submitted_by_name": c.submitted_by_name,
                   "created_at": c.created_at, "status": c.status})
        })
        .collect();
    http::json(&json!({"conflicts": items}))
}

#[derive(Deserialize)]
struct ConflictTarget {
    elder_id: String,
    field: String,
    client_value: String,
    status: String,
    region_code: String,
    file: String,
    field_versions: String,
}

/// `POST /api/conflicts/:id/resolve` with `{"choice":"keep_server"|"take_client"|"custom","value":…}`.
pub async fn resolve_conflict(mut req: Request, ctx: &Ctx, id: &str) -> AppResult<Response> {
    let principal = require(ctx, &req).await?;
    principal.require_coordinator()?;
    let resolution: ConflictResolution = read_json(&mut req).await?;
    let target = ctx
        .db
        .first::<ConflictTarget>(
            "SELECT c.elder_id, c.field, c.client_value, c.status, e.region_code, e.file, e.field_versions \
             FROM conflicts c JOIN elders e ON e.id = c.elder_id WHERE c.id = ?1",
            args![id],
        )
        .await?
        .filter(|t| principal.governs(&t.region_code))
        .ok_or(AppError::NotFound)?;
    if target.status != "open" {
        return Err(AppError::Conflict {
            code: "already_resolved",
            message: "该冲突已处理 (already resolved)".into(),
            expected_seq: None,
        });
    }
    let new_value = match &resolution {
        ConflictResolution::KeepServer => None,
        ConflictResolution::TakeClient => {
            Some(serde_json::from_str::<Value>(&target.client_value).unwrap_or(Value::Null))
        }
        ConflictResolution::Custom(value) => Some(value.clone()),
    };
    let db = &ctx.db;
    let mut statements = vec![db.statement(
        NEW_CURSOR_SQL,
        args![principal.id.as_str(), "conflict.resolve", ctx.now_ms],
    )?];
    if let Some(value) = &new_value {
        let mut file: Map<String, Value> = serde_json::from_str(&target.file).unwrap_or_default();
        let mut versions: FieldVersions =
            serde_json::from_str(&target.field_versions).unwrap_or_default();
        file.insert(target.field.clone(), value.clone());
        *versions.entry(target.field.clone()).or_insert(0) += 1;
        let consent = file
            .get("consent")
            .and_then(Value::as_str)
            .unwrap_or("pending")
            .to_string();
        statements.push(db.statement(
            &format!(
                "UPDATE elders SET file = ?2, field_versions = ?3, consent = ?4, cursor = {CURRENT_CURSOR}, updated_at = ?5 WHERE id = ?1"
            ),
            args![target.elder_id.as_str(), Value::Object(file).to_string(), serde_json::to_string(&versions)?, consent, ctx.now_ms],
        )?);
    }
    statements.push(db.statement(
        "UPDATE conflicts SET status = 'resolved', resolved_by = ?2, resolved_at = ?3, resolution = ?4 WHERE id = ?1",
        args![id, principal.id.as_str(), ctx.now_ms, serde_json::to_string(&resolution)?],
    )?);
    statements.push(ctx.audit(
        Some(&principal.id),
        "conflict.resolve",
        Some(id),
        serde_json::to_value(&resolution)?,
    )?);
    db.batch(statements).await?;
    http::json(&json!({"id": id, "status": "resolved"}))
}

#[derive(Deserialize, serde::Serialize)]
struct AuditRow {
    id: i64,
    at: i64,
    actor_id: Option<String>,
    actor_name: Option<String>,
    action: String,
    target: Option<String>,
    detail: Option<String>,
    ip: Option<String>,
}

/// `GET /api/audit?page=&page_size=&action=` (admin only), newest first.
pub async fn audit(req: Request, ctx: &Ctx) -> AppResult<Response> {
    let principal: Principal = require(ctx, &req).await?;
    principal.require_admin()?;
    let page: i64 = query_param(&req, "page")
        .and_then(|p| p.parse().ok())
        .filter(|p| *p >= 1)
        .unwrap_or(1);
    let page_size: i64 = query_param(&req, "page_size")
        .and_then(|p| p.parse().ok())
        .filter(|p| (1..=500).contains(p))
        .unwrap_or(100);
    let action = query_param(&req, "action").unwrap_or_default();
    let list = ctx
        .db
        .all::<AuditRow>(
            "SELECT l.id, l.at, l.actor_id, a.name AS actor_name, l.action, l.target, l.detail, l.ip FROM audit_log l \
             LEFT JOIN accounts a ON a.id = l.actor_id WHERE (?1 = '' OR l.action = ?1) ORDER BY l.id DESC LIMIT ?2 OFFSET ?3",
            args![action, page_size, (page - 1) * page_size],
        )
        .await?;
    let entries: Vec<Value> = list
        .iter()
        .map(|r| {
            json!({"id": r.id, "at": r.at, "actor_id": r.actor_id, "actor_name": r.actor_name, "action": r.action,
                   "target": r.target, "detail": r.detail.as_deref().and_then(|d| serde_json::from_str::<Value>(d).ok()),
                   "ip": r.ip})
        })
        .collect();
    http::json(&json!({"entries": entries, "page": page, "page_size": page_size}))
}
