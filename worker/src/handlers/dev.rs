//! `POST /api/dev/seed` — exists only when the variable `DEV_SEED` is `"1"` (404 otherwise).
//! Loads the demo data set once; later calls change nothing and return the same logins.
//! `?reset=1` wipes every table first; `?reset=1&empty=1` only wipes (a new deployment).

use crate::context::Ctx;
use crate::error::{AppError, AppResult};
use crate::store::{Statement, NEW_CURSOR_SQL};
use crate::{args, crypto, http, registry, seed, tally};
use serde::Deserialize;
use serde_json::json;
use tanfang_domain::policy::{PolicyId, PolicyProfile};
use worker::{Request, Response};

/// Seed accounts get ids `acc-<login>` so tests can refer to them.
pub fn account_id(login: &str) -> String {
    format!("acc-{login}")
}

const TABLES: &[&str] = &[
    // the due state (0170): rebuilt from the rest
    "due_items",
    "due_elders",
    // closed months (0150, 0151): inputs reference their close, closes reference regions
    "held_late_visits",
    "month_corrections",
    "month_close_inputs",
    "month_closes",
    "policy_versions",
    // escalation ladder (0140)
    "escalation_steps",
    "ladder_passes",
    // care loop (0110): no REFERENCES, wiped with the rest
    "hazards",
    "referrals",
    "providers",
    "emergencies",
    "family_duty",
    "devices",
    "device_messages",
    "alerts",
    "notifications",
    "service_deliveries",
    "policy_advice",
    // groups (0100): no REFERENCES; import (0120): mappings reference accounts, so first.
    "group_invites",
    // community invites (0175)
    "community_invites",
    "group_pairings",
    "group_profiles",
    "import_mappings",
    "sessions",
    "login_attempts",
    // SMS sign-in (0160)
    "sms_codes",
    "sms_attempts",
    "audit_log",
    "conflicts",
    "monthly_tallies",
    "surges",
    "removals",
    "client_seq",
    "elder_month_visits",
    "visits",
    "assignments",
    "elders",
    "accounts",
    "volunteer_groups",
    "regions",
];

#[derive(Deserialize)]
struct Count {
    n: i64,
}

pub async fn seed(req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let today = ctx.today();
    let data = seed::dataset(today);
    let logins: Vec<_> = data
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| json!({"role": a.role, "login": a.login, "password": seed::DEMO_PASSWORD, "name": a.name, "id": account_id(a.login), "mobile": seed::demo_mobile(i)}))
        .collect();
    let db = &ctx.db;
    let reset = http::query_param(&req, "reset").as_deref() == Some("1");
    if reset {
        let mut wipe: Vec<Statement> = Vec::new();
        for table in TABLES {
            wipe.push(db.statement(&format!("DELETE FROM {table}"), vec![])?);
        }
        db.batch(wipe).await?;
        // `?reset=1&empty=1`: leave the database without any data, as a new deployment is.
        if http::query_param(&req, "empty").as_deref() == Some("1") {
            return http::json(&json!({"logins": [], "seeded": false}));
        }
    } else {
        let existing = db
            .first::<Count>(
                "SELECT COUNT(*) AS n FROM accounts WHERE login = 'admin'",
                vec![],
            )
            .await?;
        if existing.map(|c| c.n).unwrap_or(0) > 0 {
            return http::json(&json!({"logins": logins, "seeded": false}));
        }
    }

    let policy: PolicyId = serde_json::from_value(json!(data.policy))?;
    let profile = PolicyProfile::builtin(policy);
    let mut statements = vec![
        db.statement(NEW_CURSOR_SQL, args![None::<String>, "dev.seed", ctx.now_ms])?,
        db.statement(
            "INSERT INTO settings (key, value) VALUES ('policy', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            args![data.policy],
        )?,
    ];
    for region in &data.regions {
        statements.push(db.statement(
            "INSERT INTO regions (code, name, level, parent_code) VALUES (?1, ?2, ?3, ?4)",
            args![region.code, region.name, region.level, region.parent],
        )?);
    }
    for group in &data.groups {
        statements.push(db.statement(
            "INSERT INTO volunteer_groups (id, name, kind, paired_region_code, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            args![group.id, group.name, group.kind, group.paired_region_code, ctx.now_ms],
        )?);
    }
    for (index, account) in data.accounts.iter().enumerate() {
        let (hash, salt, iterations) = crypto::hash_password(seed::DEMO_PASSWORD).await?;
        statements.push(db.statement(
            "INSERT INTO accounts (id, login, name, role, volunteer_kind, region_code, group_id, school, class_name, \
               student_number, password_hash, password_salt, password_iterations, created_at, phone) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            args![
                account_id(account.login),
                account.login,
                account.name,
                account.role,
                account.volunteer_kind,
                account.region_code,
                account.group_id,
                account.school,
                account.class_name,
                account.student_number,
                hash,
                salt,
                iterations,
                ctx.now_ms,
                seed::demo_mobile(index)
            ],
        )?);
    }
    db.batch(statements).await?;

    // Elders and assignments, in chunks.
    let mut statements = vec![db.statement(
        NEW_CURSOR_SQL,
        args![None::<String>, "dev.seed", ctx.now_ms],
    )?];
    for elder in &data.elders {
        let derived = registry::derive(&elder.file, &profile, today);
        let responsible = elder.responsible.map(account_id);
        let backup = elder.backup.map(account_id);
        statements.push(registry::upsert_statement(
            db,
            &elder.file,
            &derived,
            &Default::default(),
            responsible.as_deref(),
            backup.as_deref(),
            ctx.now_ms,
        )?);
        for (role, who) in [("responsible", &responsible), ("backup", &backup)] {
            if let Some(who) = who {
                statements.push(db.statement(
                    "INSERT INTO assignments (elder_id, account_id, role, assigned_by, assigned_at) VALUES (?1, ?2, ?3, 'acc-admin', ?4)",
                    args![elder.file.id.as_str(), who.as_str(), role, ctx.now_ms],
                )?);
            }
        }
    }
    db.batch(statements).await?;

    let mut statements = vec![db.statement(
        NEW_CURSOR_SQL,
        args![None::<String>, "dev.seed", ctx.now_ms],
    )?];
    let mut months = std::collections::BTreeSet::new();
    for (record, visitor) in &data.visits {
        let mut record = record.clone();
        record.visitor_id = account_id(visitor);
        record.server_time_ms = Some(ctx.now_ms);
        let date = record.date.to_string();
        let month: String = date.chars().take(7).collect();
        let mode = serde_json::to_value(record.mode)?;
        statements.push(db.statement(
            &format!(
                "INSERT INTO visits (id, elder_id, visitor_id, date, mode, kind, record, client_id, device_time, server_time, cursor) \
                 VALUES (?1, ?2, ?3, ?4, ?5, 'visit', ?6, 'seed', NULL, ?7, {})",
                crate::store::CURRENT_CURSOR
            ),
            args![
                record.id.as_str(),
                record.elder_id.as_str(),
                record.visitor_id.as_str(),
                date.as_str(),
                mode.as_str().unwrap_or("home"),
                serde_json::to_string(&record)?,
                ctx.now_ms
            ],
        )?);
        statements.push(db.statement(
            "INSERT OR IGNORE INTO elder_month_visits (elder_id, month) VALUES (?1, ?2)",
            args![record.elder_id.as_str(), month.as_str()],
        )?);
        months.insert(month);
    }
    months.insert(today.format("%Y-%m").to_string());
    for month in &months {
        for region in data.regions.iter().filter(|r| r.level == "community") {
            statements.extend(tally::recompute(db, month, region.code, ctx.now_ms)?);
        }
    }
    db.batch(statements).await?;
    http::json(&json!({"logins": logins, "seeded": true}))
}

#[derive(Deserialize)]
struct MaxRow {
    n: Option<i64>,
}

/// `POST /api/dev/bulk?elders=N&community=CODE` (DEV_SEED only): adds N synthetic elder files
/// (ids `bulk-…`) with one visit each last month, for benchmarks. Needs a seeded database.
pub async fn bulk(req: Request, ctx: &Ctx) -> AppResult<Response> {
    if ctx.var("DEV_SEED").as_deref() != Some("1") {
        return Err(AppError::NotFound);
    }
    let count: usize = http::query_param(&req, "elders")
        .and_then(|n| n.parse().ok())
        .filter(|n| (1..=50_000).contains(n))
        .ok_or_else(|| AppError::invalid("elders", "1–50000"))?;
    let community =
        http::query_param(&req, "community").unwrap_or_else(|| seed::NANYINGMEN.to_string());
    let db = &ctx.db;
    let start = db
        .first::<MaxRow>(
            "SELECT COUNT(*) AS n FROM elders WHERE id LIKE 'bulk-%'",
            vec![],
        )
        .await?
        .and_then(|r| r.n)
        .unwrap_or(0) as usize;
    let today = ctx.today();
    let template = seed::dataset(today);
    let profile = PolicyProfile::builtin(serde_json::from_value(json!(template.policy))?);
    let visit_date = (today
        - chrono::Duration::days(today.format("%d").to_string().parse::<i64>().unwrap_or(1) + 3))
    .to_string();
    let month: String = visit_date.chars().take(7).collect();
    let mut done = 0;
    while done < count {
        let mut statements = vec![db.statement(
            NEW_CURSOR_SQL,
            args![None::<String>, "dev.bulk", ctx.now_ms],
        )?];
        for k in done..(done + 400).min(count) {
            let n = start + k;
            let mut file = template.elders[n % template.elders.len()].file.clone();
            file.id = format!("bulk-{n:06}");
            file.id_number = None;
            file.disability_certificate_number = None;
            file.name = format!("{}{}", file.name, n % 97);
            file.address.region_code = community.clone();
            let derived = registry::derive(&file, &profile, today);
            statements.push(registry::upsert_statement(
                db,
                &file,
                &derived,
                &Default::default(),
                None,
                None,
                ctx.now_ms,
            )?);
            let mut record = tanfang_domain::visit::VisitRecord::new(
                format!("bulk-visit-{n:06}"),
                file.id.clone(),
                "acc-admin",
                visit_date
                    .parse()
                    .map_err(|_| AppError::Internal("date".into()))?,
                tanfang_domain::policy::VisitMode::Home,
            );
            record.server_time_ms = Some(ctx.now_ms);
            statements.push(db.statement(
                &format!(
                    "INSERT INTO visits (id, elder_id, visitor_id, date, mode, kind, record, client_id, device_time, server_time, cursor) \
                     VALUES (?1, ?2, 'acc-admin', ?3, 'home', 'visit', ?4, 'bulk', NULL, ?5, {})",
                    crate::store::CURRENT_CURSOR
                ),
                args![record.id.as_str(), file.id.as_str(), visit_date.as_str(), serde_json::to_string(&record)?, ctx.now_ms],
            )?);
            statements.push(db.statement(
                "INSERT OR IGNORE INTO elder_month_visits (elder_id, month) VALUES (?1, ?2)",
                args![file.id.as_str(), month.as_str()],
            )?);
        }
        done = (done + 400).min(count);
        db.batch(statements).await?;
    }
    let mut statements = tally::recompute(db, &month, &community, ctx.now_ms)?;
    statements.extend(tally::recompute(
        db,
        &today.format("%Y-%m").to_string(),
        &community,
        ctx.now_ms,
    )?);
    db.batch(statements).await?;
    http::json(&json!({"created": count, "community": community}))
}
