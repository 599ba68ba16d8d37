//! Storage of elder files (一人一档): one statement that writes an `ElderFile` with the columns
//! derived from it by the domain (tier and requirements under the deployment's policy, pinyin
//! initials, display address) and its sensitive part split off.

use crate::args;
use crate::error::AppResult;
use crate::store::{Db, Statement, CURRENT_CURSOR};
use crate::views;
use chrono::NaiveDate;
use serde_json::Value;
use tanfang_domain::elder::ElderFile;
use tanfang_domain::policy::PolicyProfile;
use tanfang_domain::sync::FieldVersions;

/// What the domain derives from a file for the indexed columns.
pub struct Derived {
    pub tier: Option<String>,
    pub requirements: Value,
    pub in_scope: bool,
}

pub fn derive(file: &ElderFile, profile: &PolicyProfile, today: NaiveDate) -> Derived {
    match tanfang_domain::classify::classify(&file.facts(), profile, today) {
        Ok(classification) => Derived {
            tier: Some(classification.tier.clone()),
            requirements: serde_json::to_value(&classification.requirements)
                .unwrap_or(Value::Array(vec![])),
            in_scope: true,
        },
        Err(_) => Derived {
            tier: None,
            requirements: Value::Array(vec![]),
            in_scope: false,
        },
    }
}

/// Versions after replacing `old` by `new`: every top-level field whose value changed goes up
/// by one.
pub fn bump_versions(versions: &FieldVersions, old: &Value, new: &Value) -> FieldVersions {
    let mut versions = versions.clone();
    let empty = serde_json::Map::new();
    let old = old.as_object().unwrap_or(&empty);
    if let Some(new) = new.as_object() {
        for (key, value) in new {
            if old.get(key) != Some(value) {
                *versions.entry(key.clone()).or_insert(0) += 1;
            }
        }
    }
    versions
}

/// Inserts or replaces an elder row (stamped with the batch's cursor). `responsible` and
/// `backup` are written only on insert; assignments change them afterwards.
#[allow(clippy::too_many_arguments)]
pub fn upsert_statement(
    db: &Db,
    file: &ElderFile,
    derived: &Derived,
    versions: &FieldVersions,
    responsible: Option<&str>,
    backup: Option<&str>,
    now_ms: i64,
) -> AppResult<Statement> {
    let value = serde_json::to_value(file)?;
    let (ordinary, sensitive) = views::split_file(&value);
    let sex = file
        .sex
        .map(|s| {
            serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        })
        .unwrap_or_default();
    let consent = serde_json::to_value(file.consent)?
        .as_str()
        .unwrap_or("pending")
        .to_string();
    let key = tanfang_domain::pinyin::search_key(&file.name);
    let initials = tanfang_domain::pinyin::initials_from_key(&key);
    db.statement(
        &format!(
            "INSERT INTO elders (id, region_code, name, name_initials, name_pinyin, sex, birth_date, id_number, address, \
               categories, tier, requirements, in_scope, consent, responsible_id, backup_id, file, sensitive, field_versions, \
               cursor, created_at, updated_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, {CURRENT_CURSOR}, ?20, ?20) \
             ON CONFLICT(id) DO UPDATE SET region_code = excluded.region_code, name = excluded.name, \
               name_initials = excluded.name_initials, name_pinyin = excluded.name_pinyin, sex = excluded.sex, \
               birth_date = excluded.birth_date, id_number = excluded.id_number, address = excluded.address, \
               categories = excluded.categories, tier = excluded.tier, requirements = excluded.requirements, \
               in_scope = excluded.in_scope, consent = excluded.consent, file = excluded.file, \
               sensitive = excluded.sensitive, field_versions = excluded.field_versions, cursor = excluded.cursor, \
               updated_at = excluded.updated_at"
        ),
        args![
            file.id.as_str(),
            file.address.region_code.as_str(),
            file.name.as_str(),
            initials,
            key,
            sex,
            file.birth_date.map(|d| d.to_string()),
            file.id_number.clone(),
            views::address_text(&value["address"]),
            serde_json::to_string(&file.categories)?,
            derived.tier.clone(),
            derived.requirements.to_string(),
            derived.in_scope,
            consent,
            responsible,
            backup,
            Value::Object(ordinary).to_string(),
            Value::Object(sensitive).to_string(),
            serde_json::to_string(versions)?,
            now_ms
        ],
    )
}

/// The `elders` columns of a file as one JSON object (for set-based upserts over `json_each`,
/// used by the roster import): the same values [`upsert_statement`] binds.
pub fn columns_json(
    file: &ElderFile,
    derived: &Derived,
    versions: &FieldVersions,
) -> AppResult<Value> {
    let value = serde_json::to_value(file)?;
    let (ordinary, sensitive) = views::split_file(&value);
    let sex = file
        .sex
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default();
    let consent = serde_json::to_value(file.consent)?
        .as_str()
        .unwrap_or("pending")
        .to_string();
    let key = tanfang_domain::pinyin::search_key(&file.name);
    let initials = tanfang_domain::pinyin::initials_from_key(&key);
    Ok(serde_json::json!({
        "id": file.id,
        "region_code": file.address.region_code,
        "name": file.name,
        "name_initials": initials,
        "name_pinyin": key,
        "sex": sex,
        "birth_date": file.birth_date.map(|d| d.to_string()),
        "id_number": file.id_number,
        "address": views::address_text(&value["address"]),
        "categories": serde_json::to_string(&file.categories)?,
        "tier": derived.tier,
        "requirements": derived.requirements.to_string(),
        "in_scope": i64::from(derived.in_scope),
        "consent": consent,
        "file": Value::Object(ordinary).to_string(),
        "sensitive": Value::Object(sensitive).to_string(),
        "field_versions": serde_json::to_string(versions)?,
    }))
}
