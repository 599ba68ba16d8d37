//! What each role gets to see: JSON views built from rows, and the split of an elder file into
//! its ordinary part and its sensitive part.

use crate::auth::Principal;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tanfang_domain::sync::{EmergencyContact, FieldVersions, VisitSummary, VolunteerElderView};
use tanfang_domain::visit::{FollowUp, Need};

/// The user object of `/api/auth/login` and `/api/me`.
pub fn user(principal: &Principal) -> Value {
    json!({
        "id": principal.id,
        "login": principal.login,
        "name": principal.name,
        "role": principal.role,
        "volunteer_kind": principal.volunteer_kind,
        "region": principal.region_code.as_ref().map(|code| json!({"code": code, "name": principal.region_name})),
        "group_id": principal.group_id,
        "school": principal.school,
        "class_name": principal.class_name,
        "student_number": principal.student_number,
    })
}

/// Top-level keys of an `ElderFile` that hold ID-number-grade data: kept in the `sensitive`
/// column, shown to coordinators only (ID number masked unless revealed), never to volunteers.
pub const SENSITIVE_FIELDS: &[&str] = &[
    "id_number",
    "disability_certificate_number",
    "living_conditions",
    "family_members",
];

/// Splits a serialized `ElderFile` into (ordinary, sensitive).
pub fn split_file(file: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let mut ordinary = file.as_object().cloned().unwrap_or_default();
    let mut sensitive = Map::new();
    for key in SENSITIVE_FIELDS {
        if let Some(value) = ordinary.remove(*key) {
            sensitive.insert((*key).to_string(), value);
        }
    }
    (ordinary, sensitive)
}

/// `110101194503101234` → `110101********1234` (first 6, last 4).
pub fn mask_id_number(id_number: &str) -> String {
    let chars: Vec<char> = id_number.chars().collect();
    if chars.len() <= 10 {
        return "*".repeat(chars.len());
    }
    let mut masked: String = chars[..6].iter().collect();
    masked.push_str(&"*".repeat(chars.len() - 10));
    masked.extend(&chars[chars.len() - 4..]);
    masked
}

/// Masks every ID-number-like string inside sensitive data (family members' numbers,
/// certificate numbers).
pub fn mask_sensitive(sensitive: &mut Map<String, Value>) {
    fn walk(value: &mut Value, key: &str) {
        match value {
            Value::String(text) if key.contains("id_number") || key.contains("certificate") => {
                *text = mask_id_number(text)
            }
            Value::Array(items) => items.iter_mut().for_each(|item| walk(item, key)),
            Value::Object(map) => map.iter_mut().for_each(|(k, v)| walk(v, k)),
            _ => {}
        }
    }
    for (key, value) in sensitive.iter_mut() {
        walk(value, key);
    }
}

/// Display form of an `Address` object (`区 街道 社区 详细地址`).
pub fn address_text(address: &Value) -> String {
    match address {
        Value::String(text) => text.clone(),
        Value::Object(map) => ["district", "street", "community", "detail"]
            .iter()
            .filter_map(|key| map.get(*key).and_then(Value::as_str))
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(" "),
        _ => String::new(),
    }
}

/// Columns selected for a volunteer view. Deliberately no `file`, `sensitive` or `id_number`.
pub const VOLUNTEER_ELDER_COLUMNS: &str = "e.id, e.name, e.sex, e.birth_date, e.region_code, \
    r.name AS community, e.address, e.categories, e.tier, e.requirements, e.consent, \
    e.responsible_id, e.backup_id, json_extract(e.file, '$.phone') AS phone, \
    json_extract(e.file, '$.emergency_contacts') AS emergency_contacts, e.field_versions, e.cursor, \
    e.name_pinyin AS search_key";

/// A row selected with [`VOLUNTEER_ELDER_COLUMNS`].
#[derive(Deserialize, Debug)]
pub struct VolunteerElderRow {
    pub id: String,
    pub name: String,
    pub sex: String,
    pub birth_date: Option<String>,
    pub region_code: String,
    pub community: Option<String>,
    pub address: String,
    pub categories: String,
    pub tier: Option<String>,
    pub requirements: String,
    pub consent: String,
    pub responsible_id: Option<String>,
    pub backup_id: Option<String>,
    pub phone: Option<String>,
    pub emergency_contacts: Option<String>,
    pub field_versions: String,
    pub cursor: i64,
    #[serde(default)]
    pub search_key: Option<String>,
}

/// A hazard row of the care loop (`hazards.data` is a `tanfang_domain::care::Hazard`).
#[derive(Deserialize, Debug)]
pub struct OpenHazardRow {
    pub elder_id: String,
    pub data: String,
}

/// A recent visit of an elder (for `last_visits` and open follow-ups), selected with
/// [`recent_visits_sql`]: no record, only the `needs` of the latest one.
#[derive(Deserialize, Debug, Clone)]
pub struct RecentVisitRow {
    pub elder_id: String,
    pub id: String,
    pub date: String,
    pub mode: String,
    pub visitor_name: Option<String>,
    /// `needs` of the record (JSON array), for the latest visit (`rn` = 1) only.
    #[serde(default)]
    pub needs: Option<String>,
    pub rn: i64,
}

/// SQL of the latest three visits of every elder matching `elder_condition` (a condition on
/// `elders e`), newest first per elder (`rn` 1–3). The records stay in D1: of the latest visit
/// only its `needs` are taken (the open needs on the phone's card), so a pull of 10,000 elders
/// does not carry each record twice.
pub fn recent_visits_sql(elder_condition: &str) -> String {
    format!(
        "SELECT elder_id, id, date, mode, visitor_name, rn, \
           CASE WHEN rn = 1 THEN json_extract(record, '$.needs') END AS needs FROM \
         (SELECT v.elder_id, v.id, v.date, v.mode, a.name AS visitor_name, v.record, \
            ROW_NUMBER() OVER (PARTITION BY v.elder_id ORDER BY v.date DESC, v.server_time DESC) AS rn \
          FROM visits v LEFT JOIN accounts a ON a.id = v.visitor_id \
          WHERE v.elder_id IN (SELECT e.id FROM elders e WHERE {elder_condition})) WHERE rn <= 3"
    )
}

/// Builds the volunteer view of one elder. `recent` are the elder's latest visits, newest
/// first.
pub fn volunteer_elder(
    row: VolunteerElderRow,
    viewer_id: &str,
    recent: &[&RecentVisitRow],
    open_hazards_on_file: &[tanfang_domain::care::Hazard],
    today: chrono::NaiveDate,
) -> VolunteerElderView {
    let parse_list = |text: &str| serde_json::from_str::<Vec<Value>>(text).unwrap_or_default();
    let contacts: Vec<EmergencyContact> = row
        .emergency_contacts
        .as_deref()
        .and_then(|text| serde_json::from_str::<Vec<Value>>(text).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|c| EmergencyContact {
            kind: c["kind"].as_str().unwrap_or_default().to_string(),
            name: c["name"].as_str().unwrap_or_default().to_string(),
            relation: c["relation"].as_str().unwrap_or_default().to_string(),
            phone: c["phone"].as_str().unwrap_or_default().to_string(),
        })
        .collect();
    let versions: FieldVersions = serde_json::from_str(&row.field_versions).unwrap_or_default();
    // Hazards come from the care loop's table (open until a home visit finds the item safe or
    // a coordinator closes it), so the phone and the coordinator's board agree.
    let open_hazards: Vec<String> = open_hazards_on_file
        .iter()
        .map(tanfang_domain::care::Hazard::summary_zh)
        .collect();
    // The needs noted at the latest visit are its referral follow-ups (`visit::follow_ups`
    // turns each need into one `FollowUp::Referral`, whatever the previous visit said).
    let open_needs: Vec<String> = recent
        .first()
        .and_then(|latest| latest.needs.as_deref())
        .and_then(|text| serde_json::from_str::<Vec<Need>>(text).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|need| FollowUp::Referral { need }.label_zh())
        .collect();
    let my_role = if row.responsible_id.as_deref() == Some(viewer_id) {
        "responsible"
    } else if row.backup_id.as_deref() == Some(viewer_id) {
        "backup"
    } else {
        "coordinator"
    };
    let age = row
        .birth_date
        .as_deref()
        .and_then(|d| d.parse::<chrono::NaiveDate>().ok())
        .map(|birth| tanfang_domain::date::age_on(birth, today));
    VolunteerElderView {
        id: row.id,
        name: row.name,
        sex: row.sex,
        birth_date: row.birth_date,
        age,
        region_code: row.region_code,
        community: row.community.unwrap_or_default(),
        address: row.address,
        phone: row.phone.unwrap_or_default(),
        emergency_contacts: contacts,
        categories: parse_list(&row.categories)
            .into_iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        tier: row.tier,
        requirements: parse_list(&row.requirements),
        consent: row.consent,
        open_hazards,
        open_needs,
        last_visits: recent
            .iter()
            .take(3)
            .map(|v| VisitSummary {
                id: v.id.clone(),
                date: v.date.clone(),
                mode: v.mode.clone(),
                visitor_name: v.visitor_name.clone().unwrap_or_default(),
            })
            .collect(),
        my_role: my_role.to_string(),
        field_versions: versions,
        updated_cursor: row.cursor.max(0) as u64,
        search_key: row.search_key.unwrap_or_default(),
        // Set by the pull from the ladder's steps (handlers::sync::phone_escalation).
        escalation: None,
    }
}

/// A visit record as sent to phones: the stored record without the drawn signature image
/// (large, and not needed to plan visits).
pub fn visit_for_phone(record: &str) -> Value {
    let mut value: Value = serde_json::from_str(record).unwrap_or(Value::Null);
    if let Some(confirmation) = value.get_mut("confirmation").and_then(Value::as_object_mut) {
        if confirmation.get("signature").is_some_and(|s| !s.is_null()) {
            confirmation.insert("signature".into(), Value::String("(signed)".into()));
        }
    }
    value
}

/// [`visit_for_phone`] done by D1: the SQL expression of the stored record `{alias}.record`
/// with a drawn signature replaced by `"(signed)"`, and without the location unless the visit
/// is the viewer's own (`viewer` is the SQL parameter holding the viewer's account id: a phone
/// never receives where another visitor was); the record text itself (no JSON work at all)
/// when there is nothing to change. The pull sends the result through unparsed.
pub fn visit_for_phone_sql(alias: &str, viewer: &str) -> String {
    let unsigned = format!(
        "CASE WHEN json_extract({alias}.record, '$.confirmation.signature') IS NULL THEN {alias}.record \
         ELSE json_set({alias}.record, '$.confirmation.signature', '(signed)') END"
    );
    format!(
        "CASE WHEN {alias}.visitor_id = {viewer} OR json_type({alias}.record, '$.location') IS NULL \
           OR json_type({alias}.record, '$.location') = 'null' THEN {unsigned} \
         ELSE json_remove({unsigned}, '$.location') END"
    )
}
