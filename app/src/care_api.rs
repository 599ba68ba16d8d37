//! Typed client of the care-loop APIs (`/api/care/*`, issue 9): the coordinator's board and
//! actions, and the emergency flow a volunteer runs from the elder card.
//!
//! Design decision: online only, through [`crate::console_api`]'s cookie-session helpers and
//! its typed [`ConsoleError`]; nothing here is stored on the device (an emergency needs the
//! server anyway: the coordinator is notified when it starts).

use crate::console_api::{self, ConsoleResult};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct BoardHazard {
    pub id: String,
    pub elder_id: String,
    pub elder_name: String,
    pub item_label: String,
    pub level_label: String,
    pub state: String,
    pub state_label: String,
    pub opened_on: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct BoardReferral {
    pub id: String,
    pub elder_id: String,
    pub elder_name: String,
    pub category_label: String,
    #[serde(default)]
    pub text: String,
    pub state: String,
    pub state_label: String,
    pub deadline: String,
    pub overdue: bool,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct CallAttempt {
    pub number: String,
    pub label: String,
    pub outcome: String,
    pub at_ms: i64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ClosingRecord {
    pub what_happened: String,
    pub actions_taken: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct CallTarget {
    pub number: String,
    pub label: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Emergency {
    pub id: String,
    pub elder_id: String,
    #[serde(default)]
    pub elder_name: String,
    pub state: String,
    #[serde(default)]
    pub calls: Vec<CallAttempt>,
    #[serde(default)]
    pub record: Option<ClosingRecord>,
    #[serde(default)]
    pub call_order: Vec<CallTarget>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct BoardDuty {
    pub id: String,
    pub elder_id: String,
    pub elder_name: String,
    pub state: String,
    #[serde(default)]
    pub reminders: Vec<Value>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct BoardAlert {
    pub id: String,
    pub elder_id: String,
    pub elder_name: String,
    pub label: String,
    pub urgent: bool,
    pub created_at: i64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Board {
    pub today: String,
    pub hazards: Vec<BoardHazard>,
    pub referrals: Vec<BoardReferral>,
    pub emergencies: Vec<Emergency>,
    pub family_duty: Vec<BoardDuty>,
    pub alerts: Vec<BoardAlert>,
}

pub async fn board() -> ConsoleResult<Board> {
    console_api::get("/api/care/board").await
}

#[derive(Deserialize)]
struct Ignored {}

/// Closes a hazard with the coordinator's note.
pub async fn close_hazard(id: &str, note: &str) -> ConsoleResult<()> {
    let path = format!("/api/care/hazards/{}/close", console_api::encode(id));
    console_api::post::<_, Ignored>(&path, &json!({ "note": note }))
        .await
        .map(|_| ())
}

/// Records that the elder (`elder`) or the supporter (`supporter`) was reminded.
pub async fn remind_hazard(id: &str, to: &str, note: &str) -> ConsoleResult<()> {
    let path = format!("/api/care/hazards/{}/remind", console_api::encode(id));
    console_api::post::<_, Ignored>(&path, &json!({ "to": to, "note": note }))
        .await
        .map(|_| ())
}

#[derive(Serialize)]
struct StartEmergency<'a> {
    elder_id: &'a str,
    id: &'a str,
}

/// Starts (or, with the same id, resumes) an emergency for an elder.
pub async fn start_emergency(elder_id: &str, id: &str) -> ConsoleResult<Emergency> {
    console_api::post("/api/care/emergencies", &StartEmergency { elder_id, id }).await
}

/// Logs one call attempt with its outcome.
pub async fn log_call(id: &str, target: &CallTarget, outcome: &str) -> ConsoleResult<Emergency> {
    let path = format!("/api/care/emergencies/{}/calls", console_api::encode(id));
    console_api::post(
        &path,
        &json!({ "number": target.number, "label": target.label, "outcome": outcome }),
    )
    .await
}

/// Files the closing record and closes the emergency.
pub async fn close_emergency(
    id: &str,
    what_happened: &str,
    actions_taken: &str,
) -> ConsoleResult<Emergency> {
    let path = format!("/api/care/emergencies/{}/close", console_api::encode(id));
    console_api::post(
        &path,
        &json!({ "what_happened": what_happened, "actions_taken": actions_taken }),
    )
    .await
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Provider {
    pub id: String,
    pub region_code: String,
    pub name: String,
    pub kind: String,
    pub kind_label: String,
    #[serde(default)]
    pub phone: String,
}

#[derive(Deserialize)]
struct ProvidersAnswer {
    providers: Vec<Provider>,
}

/// The provider directory for the coordinator's region (own subtree and above).
pub async fn providers() -> ConsoleResult<Vec<Provider>> {
    Ok(console_api::get::<ProvidersAnswer>("/api/care/providers")
        .await?
        .providers)
}

/// Adds a provider to the directory.
pub async fn create_provider(
    name: &str,
    kind: &str,
    region_code: &str,
    phone: &str,
) -> ConsoleResult<()> {
    console_api::post::<_, Ignored>(
        "/api/care/providers",
        &json!({ "name": name, "kind": kind, "region_code": region_code, "phone": phone }),
    )
    .await
    .map(|_| ())
}

/// `refer` (`provider_id`, `deadline`), `accept`, `complete` (`note`) or `decline` (`reason`).
pub async fn referral_action(id: &str, action: &str, body: &Value) -> ConsoleResult<()> {
    let path = format!("/api/care/referrals/{}/{action}", console_api::encode(id));
    console_api::post::<_, Ignored>(&path, body)
        .await
        .map(|_| ())
}

/// `remind` (`method`, `note`) or `resolve` (`note`) a family-duty flag.
pub async fn family_duty_action(id: &str, action: &str, body: &Value) -> ConsoleResult<()> {
    let path = format!("/api/care/family-duty/{}/{action}", console_api::encode(id));
    console_api::post::<_, Ignored>(&path, body)
        .await
        .map(|_| ())
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Notice {
    pub id: String,
    pub elder_id: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

#[derive(Deserialize)]
struct NoticesAnswer {
    notifications: Vec<Notice>,
}

/// The caller's in-app notifications (device alerts, emergencies), newest first.
pub async fn notifications() -> ConsoleResult<Vec<Notice>> {
    Ok(console_api::get::<NoticesAnswer>("/api/care/notifications")
        .await?
        .notifications)
}

// ---------------------------------------------------------------------------------------------
// The elder file's care sections (coordinator console): devices, services delivered, advice
// ---------------------------------------------------------------------------------------------

/// A device bound to an elder, as listed (never with its secret).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Device {
    pub id: String,
    pub kind: String,
    #[serde(default)]
    pub kind_label: Option<String>,
    pub created_at: i64,
    #[serde(default)]
    pub created_by_name: Option<String>,
    #[serde(default)]
    pub last_message_at: Option<i64>,
}

/// A device just registered: the only answer that carries its HMAC secret.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct RegisteredDevice {
    pub id: String,
    pub elder_id: String,
    pub kind: String,
    pub secret: String,
}

#[derive(Deserialize)]
struct DevicesAnswer {
    devices: Vec<Device>,
}

/// The devices bound to one elder (coordinator, own region).
pub async fn devices(elder_id: &str) -> ConsoleResult<Vec<Device>> {
    let path = format!(
        "/api/care/devices?elder_id={}",
        console_api::encode(elder_id)
    );
    Ok(console_api::get::<DevicesAnswer>(&path).await?.devices)
}

/// Registers a device of `kind` (a `DeviceKind` wire name) for an elder; the answer's secret
/// is shown once and never again.
pub async fn register_device(elder_id: &str, kind: &str) -> ConsoleResult<RegisteredDevice> {
    console_api::post(
        "/api/care/devices",
        &json!({ "elder_id": elder_id, "kind": kind }),
    )
    .await
}

/// One entry of the service catalogues (平利 附件2, 天津 附件2, 济宁).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct CatalogueEntry {
    pub source: String,
    pub code: String,
    pub group_zh: String,
    pub name_zh: String,
    #[serde(default)]
    pub detail_zh: String,
}

#[derive(Deserialize)]
struct CatalogueAnswer {
    entries: Vec<CatalogueEntry>,
}

pub async fn catalogue() -> ConsoleResult<Vec<CatalogueEntry>> {
    Ok(console_api::get::<CatalogueAnswer>("/api/care/catalogue")
        .await?
        .entries)
}

/// A care service delivered to an elder.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ServiceDelivered {
    pub id: String,
    pub service_code: String,
    #[serde(default)]
    pub service_name: Option<String>,
    pub by: String,
    #[serde(default)]
    pub by_name: Option<String>,
    pub date: String,
    pub duration_minutes: u32,
    #[serde(default)]
    pub satisfaction: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[derive(Deserialize)]
struct ServicesAnswer {
    services: Vec<ServiceDelivered>,
}

pub async fn services(elder_id: &str) -> ConsoleResult<Vec<ServiceDelivered>> {
    let path = format!(
        "/api/care/services?elder_id={}",
        console_api::encode(elder_id)
    );
    Ok(console_api::get::<ServicesAnswer>(&path).await?.services)
}

/// A service to record. `duration_minutes` is sent as typed (a number when it is one, else
/// the text) so that the server's check names the field either way.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct NewService {
    pub elder_id: String,
    pub service_code: String,
    pub duration_minutes: Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction: Option<String>,
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

pub async fn record_service(service: &NewService) -> ConsoleResult<ServiceDelivered> {
    console_api::post("/api/care/services", service).await
}

/// Policy advice given to an elder (政策宣讲).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Advice {
    pub id: String,
    pub date: String,
    pub benefit: String,
    #[serde(default)]
    pub benefit_label: Option<String>,
    #[serde(default)]
    pub detail: String,
    pub outcome: String,
    #[serde(default)]
    pub outcome_label: Option<String>,
    #[serde(default)]
    pub by_name: Option<String>,
}

#[derive(Deserialize)]
struct AdviceAnswer {
    advice: Vec<Advice>,
}

pub async fn advice(elder_id: &str) -> ConsoleResult<Vec<Advice>> {
    let path = format!(
        "/api/care/advice?elder_id={}",
        console_api::encode(elder_id)
    );
    Ok(console_api::get::<AdviceAnswer>(&path).await?.advice)
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct NewAdvice {
    pub elder_id: String,
    pub benefit: String,
    pub detail: String,
    pub outcome: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

pub async fn record_advice(advice: &NewAdvice) -> ConsoleResult<Advice> {
    console_api::post("/api/care/advice", advice).await
}
