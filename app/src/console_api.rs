//! Typed client of the coordinator APIs (`/api/elders`, `/api/regions`, `/api/people`,
//! `/api/assignments`, `/api/due`, `/api/stats/monthly`, `/api/surges`, `/api/me`).
//!
//! # Design decisions
//!
//! - **Online only, cookie session.** The console runs on any browser (office PCs), keeps no
//!   elder data on the device and authenticates with the worker's HTTP-only session cookie
//!   (`credentials: include`). Nothing here touches IndexedDB, so an ID number revealed on screen
//!   is never stored.
//! - **Errors are typed** ([`ConsoleError`]) from the worker's one error shape
//!   `{"error":{"code","message","field"}}`: a `field` error is shown at the named form field,
//!   everything else in the page's ErrorBoundary.
//! - **Answers are typed structs** mirroring the worker's JSON; the elder file itself is the
//!   domain's `ElderFile`, so the browser validates with the same `ElderFile::validate` as the
//!   server before sending.

use gloo::net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use tanfang_domain::elder::ElderFile;
use web_sys::RequestCredentials;

/// Everything that can go wrong talking to the coordinator APIs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConsoleError {
    /// No connection to the server.
    Offline,
    /// 401: not logged in (or the session ended).
    Unauthenticated,
    /// 403: logged in but not a coordinator, or outside the coordinator's region.
    Forbidden,
    /// 404: no such record (also what the server says for records outside one's region).
    NotFound,
    /// 422 naming a field (`address.region_code`, `emergency_contacts[0].phone`…).
    Field {
        code: String,
        field: String,
        message: String,
    },
    /// 409: e.g. someone else changed the same fields meanwhile.
    Conflict { code: String, message: String },
    /// Any other failure.
    Server { status: u16, message: String },
}

impl fmt::Display for ConsoleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConsoleError::Offline => {
                write!(f, "无法连接服务器，请检查网络 (cannot reach the server)")
            }
            ConsoleError::Unauthenticated => write!(f, "请先登录 (please log in)"),
            ConsoleError::Forbidden => write!(
                f,
                "无权访问：超出您管辖的区域或角色 (not allowed for your role or region)"
            ),
            ConsoleError::NotFound => write!(
                f,
                "未找到，或不在您管辖的区域内 (not found, or outside your region)"
            ),
            ConsoleError::Field { field, message, .. } if field.is_empty() => {
                write!(f, "{message}")
            }
            ConsoleError::Field { field, message, .. } => write!(f, "{field}: {message}"),
            ConsoleError::Conflict { message, .. } => write!(f, "{message}"),
            ConsoleError::Server { status, message } => {
                write!(f, "服务器出错 {status} (server error): {message}")
            }
        }
    }
}

impl std::error::Error for ConsoleError {}

impl From<gloo::net::Error> for ConsoleError {
    fn from(error: gloo::net::Error) -> Self {
        match error {
            gloo::net::Error::JsError(_) => ConsoleError::Offline,
            other => ConsoleError::Server {
                status: 0,
                message: other.to_string(),
            },
        }
    }
}

pub type ConsoleResult<T> = Result<T, ConsoleError>;

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    field: Option<String>,
}

/// Maps a status and the worker's error body to a [`ConsoleError`] (pure, unit-tested).
pub fn error_from(status: u16, body: &str) -> ConsoleError {
    let detail = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let message = detail
        .as_ref()
        .map(|d| d.message.clone())
        .unwrap_or_else(|| body.to_string());
    match status {
        401 => ConsoleError::Unauthenticated,
        403 => ConsoleError::Forbidden,
        404 => ConsoleError::NotFound,
        409 => ConsoleError::Conflict {
            code: detail.map(|d| d.code).unwrap_or_default(),
            message,
        },
        400 | 422 => {
            let (code, field) = detail
                .map(|d| (d.code, d.field.unwrap_or_default()))
                .unwrap_or_default();
            ConsoleError::Field {
                code,
                field,
                message,
            }
        }
        _ => ConsoleError::Server { status, message },
    }
}

fn credentials(builder: RequestBuilder) -> RequestBuilder {
    builder
        .credentials(RequestCredentials::Include)
        .header("accept", "application/json")
}

async fn read<T: DeserializeOwned>(response: Response) -> ConsoleResult<T> {
    let status = response.status();
    if !response.ok() {
        let body = response.text().await.unwrap_or_default();
        return Err(error_from(status, &body));
    }
    response
        .json::<T>()
        .await
        .map_err(|error| ConsoleError::Server {
            status,
            message: format!("unexpected answer: {error}"),
        })
}

pub async fn get<T: DeserializeOwned>(path: &str) -> ConsoleResult<T> {
    #[cfg(feature = "office")]
    if let Some((status, text)) = crate::early::take(path).await {
        return decode_text(status, &text);
    }
    read(credentials(Request::get(path)).send().await?).await
}

/// [`read`] of an answer already read as text (an early answer, `crate::early`).
#[cfg(feature = "office")]
fn decode_text<T: DeserializeOwned>(status: u16, text: &str) -> ConsoleResult<T> {
    if !(200..300).contains(&status) {
        return Err(error_from(status, text));
    }
    serde_json::from_str(text).map_err(|error| ConsoleError::Server {
        status,
        message: format!("unexpected answer: {error}"),
    })
}

async fn send<B: Serialize, T: DeserializeOwned>(
    builder: RequestBuilder,
    body: &B,
) -> ConsoleResult<T> {
    let request = credentials(builder)
        .json(body)
        .map_err(|error| ConsoleError::Server {
            status: 0,
            message: error.to_string(),
        })?;
    read(request.send().await?).await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ConsoleResult<T> {
    send(Request::post(path), body).await
}

pub async fn put<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> ConsoleResult<T> {
    send(Request::put(path), body).await
}

/// Percent-encodes a query value (UTF-8 bytes; unreserved characters kept).
pub fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// `?a=1&b=x` from the non-empty pairs.
pub fn query(pairs: &[(&str, String)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(key, value)| format!("{key}={}", encode(value)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

// ---- who am I ------------------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct RegionRef {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Me {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub region: Option<RegionRef>,
}

impl Me {
    pub fn is_coordinator(&self) -> bool {
        self.role == "coordinator" || self.role == "admin"
    }
}

#[derive(Deserialize)]
struct MeAnswer {
    user: Me,
}

/// `GET /api/me` (accepts `{user:{…}}` or the user at the top level).
pub async fn me() -> ConsoleResult<Me> {
    let value: Value = get("/api/me").await?;
    let user = value.get("user").cloned().unwrap_or(value);
    serde_json::from_value(user).map_err(|e| ConsoleError::Server {
        status: 200,
        message: e.to_string(),
    })
}

pub async fn login(login: &str, password: &str) -> ConsoleResult<Me> {
    login_with_code(login, password, None).await
}

/// Log-in with the SMS code of an account that has the second factor on (without it the
/// server sends a code and answers 422 `code_required`).
pub async fn login_with_code(login: &str, password: &str, code: Option<&str>) -> ConsoleResult<Me> {
    let mut body = serde_json::json!({"login": login, "password": password});
    if let Some(code) = code {
        body["code"] = serde_json::json!(code);
    }
    let answer: MeAnswer = post("/api/auth/login", &body).await?;
    Ok(answer.user)
}

pub async fn logout() -> ConsoleResult<()> {
    #[cfg(feature = "office")]
    crate::early::clear();
    let _: Value = post("/api/auth/logout", &serde_json::json!({})).await?;
    Ok(())
}

// ---- registry ------------------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct PersonRef {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// One row of `GET /api/elders`.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ElderRow {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub sex: String,
    #[serde(default)]
    pub birth_date: Option<String>,
    #[serde(default)]
    pub age: Option<u32>,
    pub region_code: String,
    #[serde(default)]
    pub community: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub consent: String,
    #[serde(default)]
    pub in_scope: bool,
    #[serde(default)]
    pub id_number_masked: Option<String>,
    #[serde(default)]
    pub responsible: Option<PersonRef>,
    #[serde(default)]
    pub backup: Option<PersonRef>,
    #[serde(default)]
    pub last_visit_date: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ElderPage {
    pub items: Vec<ElderRow>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// Filters of the registry list.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ElderQuery {
    pub q: String,
    pub region: String,
    pub category: String,
    pub tier: String,
    pub unassigned: bool,
    pub page: u64,
    pub page_size: u64,
}

impl ElderQuery {
    pub fn to_query_string(&self) -> String {
        query(&[
            ("q", self.q.trim().to_string()),
            ("region", self.region.clone()),
            ("category", self.category.clone()),
            ("tier", self.tier.clone()),
            (
                "unassigned",
                if self.unassigned {
                    "1".into()
                } else {
                    String::new()
                },
            ),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
            (
                "page_size",
                if self.page_size > 0 {
                    self.page_size.to_string()
                } else {
                    String::new()
                },
            ),
        ])
    }
}

pub async fn elders(filter: &ElderQuery) -> ConsoleResult<ElderPage> {
    get(&format!("/api/elders{}", filter.to_query_string())).await
}

// ---- the registry's compact list (`GET /api/elders/index`) ---------------------------------

/// One elder of the compact list: what the registry shows and filters on, nothing more.
#[derive(Clone, Debug, PartialEq)]
pub struct IndexRow {
    pub id: String,
    pub name: String,
    /// The name's pinyin search key, computed by the server (no pinyin table in the browser).
    pub search_key: String,
    pub address: String,
    pub region_code: String,
    pub community: Option<String>,
    pub categories: Vec<String>,
    pub tier: Option<String>,
    pub consent: String,
    pub birth_date: Option<chrono::NaiveDate>,
    pub id_number_masked: Option<String>,
    /// The responsible visitor's name; `None` when nobody is responsible.
    pub responsible: Option<String>,
    pub last_visit_date: Option<String>,
    pub in_scope: bool,
}

/// Every elder of the coordinator's scope, in the paged list's order (region, pinyin, id).
#[derive(Clone, Debug, PartialEq, Default)]
pub struct ElderIndex {
    /// The server's today (China Standard Time), for ages.
    pub today: Option<chrono::NaiveDate>,
    pub rows: Vec<IndexRow>,
}

/// The wire row: an array in the order of the answer's `columns`.
type WireIndexRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Vec<String>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i64,
);

/// The columns this client reads, in order (checked against the answer): the wire format is
/// domain's, shared with the worker that writes it.
pub use tanfang_domain::sync::ELDER_INDEX_COLUMNS as INDEX_COLUMNS;

#[derive(Deserialize)]
struct WireIndex {
    today: String,
    columns: Vec<String>,
    rows: Vec<WireIndexRow>,
}

/// Decodes a compact answer (a `columns` list and one array per row) and checks that its
/// columns are `expected`, the wire format domain defines for it: the registry's list and the
/// due board's answer are read this way.
fn decode_compact<W: DeserializeOwned>(
    text: &str,
    expected: &[&str],
    columns: fn(&W) -> &[String],
) -> ConsoleResult<W> {
    let bad = |message: String| ConsoleError::Server {
        status: 200,
        message,
    };
    let wire: W = serde_json::from_str(text).map_err(|e| bad(format!("unexpected answer: {e}")))?;
    if columns(&wire) != expected {
        return Err(bad(format!("unexpected columns: {:?}", columns(&wire))));
    }
    Ok(wire)
}

/// Decodes the answer of `GET /api/elders/index`.
pub fn parse_index(text: &str) -> ConsoleResult<ElderIndex> {
    let wire: WireIndex = decode_compact(text, &INDEX_COLUMNS, |wire: &WireIndex| &wire.columns)?;
    let date = |text: &str| tanfang_domain::date::parse_date(text).ok();
    let rows = wire
        .rows
        .into_iter()
        .map(|r| IndexRow {
            id: r.0,
            name: r.1,
            search_key: r.2,
            address: r.3,
            region_code: r.4,
            community: r.5,
            categories: r.6,
            tier: r.7,
            consent: r.8,
            birth_date: r.9.as_deref().and_then(date),
            id_number_masked: r.10,
            responsible: r.11,
            last_visit_date: r.12,
            in_scope: r.13 != 0,
        })
        .collect();
    Ok(ElderIndex {
        today: date(&wire.today),
        rows,
    })
}

/// `GET /api/elders/index`: the compact list of every elder in the coordinator's scope (one
/// request; the registry and the due board filter it in the browser).
pub async fn elder_index() -> ConsoleResult<ElderIndex> {
    let response = credentials(Request::get("/api/elders/index"))
        .send()
        .await?;
    let status = response.status();
    let text = response.text().await.map_err(|e| ConsoleError::Server {
        status,
        message: e.to_string(),
    })?;
    if !(200..300).contains(&status) {
        return Err(error_from(status, &text));
    }
    parse_index(&text)
}

/// `GET /api/elders/:id`: the full file (ID numbers masked) and what the server derived.
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ElderDetail {
    pub elder: Value,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub requirements: Vec<Value>,
    #[serde(default)]
    pub in_scope: bool,
    #[serde(default)]
    pub field_versions: BTreeMap<String, u64>,
    #[serde(default)]
    pub visits: Vec<Value>,
}

impl ElderDetail {
    pub fn file(&self) -> ConsoleResult<ElderFile> {
        ElderFile::from_json(&self.elder).map_err(|e| ConsoleError::Field {
            code: "bad_value".into(),
            field: e.field,
            message: e.message,
        })
    }
}

pub async fn elder(id: &str) -> ConsoleResult<ElderDetail> {
    get(&format!("/api/elders/{}", encode(id))).await
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct SavedElder {
    pub id: String,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub in_scope: bool,
    #[serde(default)]
    pub requirements: Vec<Value>,
    /// Per-field versions after an update (the base of the next edit).
    #[serde(default)]
    pub field_versions: Option<BTreeMap<String, u64>>,
}

pub async fn create_elder(file: &ElderFile, confirm_duplicate: bool) -> ConsoleResult<SavedElder> {
    let path = if confirm_duplicate {
        "/api/elders?confirm_duplicate=1"
    } else {
        "/api/elders"
    };
    post(path, file).await
}

pub async fn update_elder(
    id: &str,
    file: &ElderFile,
    base_versions: &BTreeMap<String, u64>,
) -> ConsoleResult<SavedElder> {
    let mut body = serde_json::to_value(file).map_err(|e| ConsoleError::Server {
        status: 0,
        message: e.to_string(),
    })?;
    body["base_versions"] = serde_json::to_value(base_versions).unwrap_or(Value::Null);
    put(&format!("/api/elders/{}", encode(id)), &body).await
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Revealed {
    #[serde(default)]
    pub id_number: Option<String>,
    #[serde(default)]
    pub disability_certificate_number: Option<String>,
}

/// `POST /api/elders/:id/reveal` with a reason (audited on the server).
pub async fn reveal(id: &str, reason: &str) -> ConsoleResult<Revealed> {
    post(
        &format!("/api/elders/{}/reveal", encode(id)),
        &serde_json::json!({"reason": reason}),
    )
    .await
}

// ---- regions -------------------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct RegionNode {
    pub code: String,
    pub name: String,
    pub level: String,
    #[serde(default)]
    pub children: Vec<RegionNode>,
}

impl RegionNode {
    /// Every node of the subtree, depth first, with its depth.
    pub fn flatten(&self, depth: usize, out: &mut Vec<(usize, RegionNode)>) {
        out.push((
            depth,
            RegionNode {
                children: Vec::new(),
                ..self.clone()
            },
        ));
        for child in &self.children {
            child.flatten(depth + 1, out);
        }
    }

    pub fn find(&self, code: &str) -> Option<&RegionNode> {
        if self.code == code {
            return Some(self);
        }
        self.children.iter().find_map(|child| child.find(code))
    }

    /// The significant prefix of the code (`120101001` for a street).
    pub fn prefix(&self) -> String {
        tanfang_domain::region::RegionCode::parse(&self.code)
            .map(|code| code.prefix().to_string())
            .unwrap_or_else(|_| self.code.clone())
    }

    pub fn contains_code(&self, code: &str) -> bool {
        code.starts_with(&self.prefix())
    }
}

#[derive(Deserialize)]
struct RegionsAnswer {
    regions: Vec<RegionNode>,
}

pub async fn regions() -> ConsoleResult<Vec<RegionNode>> {
    Ok(get::<RegionsAnswer>("/api/regions").await?.regions)
}

/// All nodes of a forest, depth first.
pub fn flatten_regions(roots: &[RegionNode]) -> Vec<(usize, RegionNode)> {
    let mut out = Vec::new();
    for root in roots {
        root.flatten(0, &mut out);
    }
    out
}

/// The communities (leaves at community level) of a forest.
pub fn communities(roots: &[RegionNode]) -> Vec<RegionNode> {
    flatten_regions(roots)
        .into_iter()
        .map(|(_, node)| node)
        .filter(|node| node.level == "community" || node.level == "village")
        .collect()
}

// ---- people and assignments ----------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Load {
    #[serde(default)]
    pub responsible: u64,
    #[serde(default)]
    pub backup: u64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Person {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub volunteer_kind: Option<String>,
    #[serde(default)]
    pub region: Option<RegionRef>,
    #[serde(default)]
    pub group_id: Option<String>,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub disabled: bool,
    #[serde(default)]
    pub load: Load,
}

#[derive(Deserialize)]
struct PeopleAnswer {
    people: Vec<Person>,
}

pub async fn people() -> ConsoleResult<Vec<Person>> {
    Ok(get::<PeopleAnswer>("/api/people").await?.people)
}

/// Active volunteers (the people elders can be assigned to).
pub fn visitors(people: &[Person]) -> Vec<Person> {
    people
        .iter()
        .filter(|p| p.role == "volunteer" && !p.disabled)
        .cloned()
        .collect()
}

/// Body of `POST /api/assignments`: explicit elders, or a community (optionally one tier).
#[derive(Serialize, Clone, Debug, Default, PartialEq)]
pub struct AssignRequest {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub elder_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    pub only_unassigned: bool,
    pub responsible_id: Option<String>,
    pub backup_id: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Assigned {
    pub assigned: u64,
}

pub async fn assign(request: &AssignRequest) -> ConsoleResult<Assigned> {
    post("/api/assignments", request).await
}

// ---- due board -----------------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DueRequirement {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub mode: String,
    #[serde(default)]
    pub count: u32,
    #[serde(default)]
    pub per: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DueStatus {
    pub requirement: DueRequirement,
    #[serde(default)]
    pub period_start: String,
    #[serde(default)]
    pub period_end: String,
    #[serde(default)]
    pub done: u32,
    #[serde(default)]
    pub next_due_by: String,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub surge: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DueItem {
    pub elder_id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub community: Option<String>,
    #[serde(default)]
    pub region_code: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub responsible_name: Option<String>,
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub last_visit_date: Option<String>,
    pub status: DueStatus,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DeclinedElder {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub community: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DueBoard {
    pub today: String,
    pub total: u64,
    pub items: Vec<DueItem>,
    /// The elders who declined visits, by name (none in the first page: [`DuePart::First`]).
    #[serde(default)]
    pub declined: Vec<DeclinedElder>,
    /// How many elders declined, when the answer counts them instead of naming them.
    #[serde(default)]
    pub declined_count: Option<u64>,
}

impl DueBoard {
    /// How many elders declined visits.
    pub fn declined_total(&self) -> u64 {
        self.declined_count.unwrap_or(self.declined.len() as u64)
    }

    /// Whether the answer counts elders who declined without naming them (the first page).
    pub fn lacks_declined_names(&self) -> bool {
        self.declined_total() > self.declined.len() as u64
    }
}

/// One row of the due board's compact answer, in the order of [`DUE_COLUMNS`].
type WireDueRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    String,
    String,
    u32,
    String,
    u32,
    String,
    u8,
    Option<String>,
    Option<String>,
);

/// The columns of the due board's compact answer this client reads, in order (checked against
/// the answer): the wire format is domain's, shared with the worker that writes it.
pub use tanfang_domain::sync::DUE_BOARD_COLUMNS as DUE_COLUMNS;

#[derive(Deserialize)]
struct WireDueBoard {
    today: String,
    total: u64,
    columns: Vec<String>,
    rows: Vec<WireDueRow>,
    #[serde(default)]
    declined: Vec<DeclinedElder>,
    #[serde(default)]
    declined_count: Option<u64>,
}

/// Decodes the compact answer of `GET /api/due?format=rows` into the board's items (the
/// fields the board does not draw — period, region code, address — stay empty).
pub fn parse_due_board(text: &str) -> ConsoleResult<DueBoard> {
    let wire: WireDueBoard =
        decode_compact(text, &DUE_COLUMNS, |wire: &WireDueBoard| &wire.columns)?;
    let items = wire
        .rows
        .into_iter()
        .map(|r| DueItem {
            elder_id: r.0,
            name: r.1,
            community: r.2,
            region_code: None,
            address: None,
            responsible_name: r.3,
            tier: r.4,
            last_visit_date: r.13,
            status: DueStatus {
                requirement: DueRequirement {
                    kind: r.5,
                    mode: r.6,
                    count: r.7,
                    per: r.8,
                },
                period_start: String::new(),
                period_end: String::new(),
                done: r.9,
                next_due_by: r.10,
                overdue: r.11 != 0,
                surge: r.12,
            },
        })
        .collect();
    Ok(DueBoard {
        today: wire.today,
        total: wire.total,
        items,
        declined: wire.declined,
        declined_count: wire.declined_count,
    })
}

/// `GET /api/due?format=rows`: `part` of the due board of `region` (empty = the caller's scope),
/// most urgent first, in the compact form.
pub async fn due(region: &str, part: DuePart) -> ConsoleResult<DueBoard> {
    parse_due_board(&due_text(region, part).await?)
}

/// Items in the due board's first page.
pub const DUE_FIRST_PAGE: u32 = 200;

/// Most due items the server sends at once (its cap).
pub const DUE_LIMIT: u32 = 5000;

/// Which part of the due board to ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DuePart {
    /// The [`DUE_FIRST_PAGE`] most urgent items, drawn while the rest loads, and how many elders
    /// declined visits, not their names (`declined=count`: at 20,000 elders the names are 60 of
    /// the page's 84 KB). `app/static/index.html` asks for this page before the bundle has loaded
    /// (`crate::early`).
    First,
    /// Up to [`DUE_LIMIT`] items, and the names of the elders who declined.
    Whole,
}

impl DuePart {
    /// The most items this part asks for.
    pub fn limit(self) -> u32 {
        match self {
            DuePart::First => DUE_FIRST_PAGE,
            DuePart::Whole => DUE_LIMIT,
        }
    }
}

/// `/api/due?…` of `part` of the board's compact answer for `region` (empty = the caller's
/// scope).
pub fn due_url(region: &str, part: DuePart) -> String {
    let mut params = vec![
        ("region", region.to_string()),
        ("limit", part.limit().to_string()),
        ("format", "rows".to_string()),
    ];
    if part == DuePart::First {
        params.push(("declined", "count".to_string()));
    }
    format!("/api/due{}", query(&params))
}

/// The text of a successful `GET /api/due?format=rows` (decoded by [`parse_due_board`]); the
/// HTML's early answer when it asked for the same (`crate::early`).
pub async fn due_text(region: &str, part: DuePart) -> ConsoleResult<String> {
    let url = due_url(region, part);
    #[cfg(feature = "office")]
    if let Some((_, text)) = crate::early::take(&url).await {
        return Ok(text);
    }
    let response = credentials(Request::get(&url)).send().await?;
    let status = response.status();
    let text = response.text().await.map_err(|e| ConsoleError::Server {
        status,
        message: e.to_string(),
    })?;
    if !(200..300).contains(&status) {
        return Err(error_from(status, &text));
    }
    Ok(text)
}

// ---- monthly statistics --------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct TierCount {
    #[serde(default)]
    pub in_scope: u32,
    #[serde(default)]
    pub visited: u32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    pub month: String,
    #[serde(default)]
    pub in_scope: u32,
    #[serde(default)]
    pub declined: u32,
    #[serde(default)]
    pub visited: u32,
    #[serde(default)]
    pub rate: f64,
    #[serde(default)]
    pub by_tier: BTreeMap<String, TierCount>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct CommunityRate {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub in_scope: u32,
    #[serde(default)]
    pub visited: u32,
    #[serde(default)]
    pub declined: u32,
    #[serde(default)]
    pub rate: f64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct MonthlyStats {
    pub region: String,
    pub report: Report,
    #[serde(default)]
    pub by_community: Vec<CommunityRate>,
    /// Milliseconds since the epoch of the newest tally update.
    #[serde(default)]
    pub updated_at: Option<i64>,
    /// `id@version` of the policy the month is computed under (issue 16).
    #[serde(default)]
    pub policy: Option<String>,
    /// Whether the month is closed for this region (issue 16).
    #[serde(default)]
    pub closed: bool,
}

pub async fn monthly(region: &str, month: &str) -> ConsoleResult<MonthlyStats> {
    get(&format!(
        "/api/stats/monthly{}",
        query(&[("region", region.to_string()), ("month", month.to_string())])
    ))
    .await
}

// ---- surges --------------------------------------------------------------------------------

#[derive(Deserialize, Serialize, Clone, Debug, PartialEq)]
pub struct SurgeRequirement {
    pub kind: String,
    pub mode: String,
    pub count: u32,
    pub per: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Surge {
    pub id: String,
    pub region_code: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    #[serde(default)]
    pub tiers: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub requirement: Option<SurgeRequirement>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct NewSurge {
    pub region_code: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub tiers: Vec<String>,
    pub categories: Vec<String>,
    pub requirement: SurgeRequirement,
}

#[derive(Deserialize)]
struct SurgesAnswer {
    surges: Vec<Surge>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Created {
    pub id: String,
}

pub async fn surges() -> ConsoleResult<Vec<Surge>> {
    Ok(get::<SurgesAnswer>("/api/surges").await?.surges)
}

pub async fn create_surge(surge: &NewSurge) -> ConsoleResult<Created> {
    post("/api/surges", surge).await
}

// ---------------------------------------------------------------------------------------------
// The escalation ladder (issue 15): the at-risk list and the missed requirements' reasons
// ---------------------------------------------------------------------------------------------

/// One requirement at a step of the ladder (`GET /api/escalations`).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct AtRisk {
    pub elder_id: String,
    pub elder_name: String,
    pub community_code: String,
    #[serde(default)]
    pub community: Option<String>,
    /// The worker's key of the requirement: `kind.mode.count/per[@surge]`.
    pub requirement: String,
    pub period_start: String,
    pub period_end: String,
    /// `reminded` | `handed_to_backup` | `community_staff` | `missed`.
    pub step: String,
    pub reached_on: String,
    #[serde(default)]
    pub responsible_id: Option<String>,
    #[serde(default)]
    pub responsible_name: Option<String>,
    #[serde(default)]
    pub backup_name: Option<String>,
    #[serde(default)]
    pub substitute: Option<String>,
    #[serde(default)]
    pub non_qualifying_visits: u32,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub reason_text: String,
    #[serde(default)]
    pub reason_by_name: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct AtRiskList {
    pub today: String,
    /// Requirements at each step (`reminded`, `handed_to_backup`, `community_staff`, `missed`).
    pub counts: std::collections::BTreeMap<String, u32>,
    pub items: Vec<AtRisk>,
}

/// `GET /api/escalations?region=&counts=1`: how many requirements are at each step.
pub async fn escalation_counts(region: &str) -> ConsoleResult<AtRiskList> {
    get(&format!(
        "/api/escalations{}",
        query(&[("region", region.to_string()), ("counts", "1".to_string())])
    ))
    .await
}

/// `GET /api/escalations?region=&step=`.
pub async fn escalations(region: &str, step: &str) -> ConsoleResult<AtRiskList> {
    get(&format!(
        "/api/escalations{}",
        query(&[("region", region.to_string()), ("step", step.to_string())])
    ))
    .await
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct MissedReasonInput {
    pub elder_id: String,
    pub requirement: String,
    pub period_start: String,
    pub reason: String,
    pub reason_text: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct MissedReasonSaved {
    pub reason: String,
    pub reason_text: String,
}

/// `POST /api/escalations/reason`: why a requirement was missed.
pub async fn record_missed_reason(input: &MissedReasonInput) -> ConsoleResult<MissedReasonSaved> {
    post("/api/escalations/reason", input).await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The HTML's early requests (`crate::early`) are of the very URLs the pages ask for.
    #[test]
    fn the_html_starts_the_requests_the_console_pages_make_first() {
        let html = include_str!("../static/index.html");
        for url in ["/api/me".to_string(), due_url("", DuePart::First)] {
            assert!(
                html.contains(&format!("'{url}'")),
                "index.html does not ask for {url}"
            );
        }
    }

    #[test]
    fn field_errors_keep_the_field() {
        let error = error_from(
            422,
            r#"{"error":{"code":"invalid_field","message":"缺少姓名","field":"name"}}"#,
        );
        assert_eq!(
            error,
            ConsoleError::Field {
                code: "invalid_field".into(),
                field: "name".into(),
                message: "缺少姓名".into()
            }
        );
        assert_eq!(error_from(404, "{}"), ConsoleError::NotFound);
        assert_eq!(error_from(401, ""), ConsoleError::Unauthenticated);
    }

    #[test]
    fn the_compact_due_board_decodes_into_items_and_other_columns_are_refused() {
        let columns = serde_json::to_string(&DUE_COLUMNS).unwrap();
        let text = format!(
            r#"{{"today":"2026-11-29","total":7,"columns":{columns},"rows":[
              ["e1","王秀英","蓝天社区",null,"disabled","visit","home",1,"month",0,"2026-11-30",1,null,"2026-10-27"],
              ["e2","李四",null,"张三","general","community_help","any",2,"quarter",1,"2026-12-31",0,"s1",null]
            ],"declined":[{{"id":"e3","name":"赵五","community":"蓝天社区"}}]}}"#
        );
        let board = parse_due_board(&text).unwrap();
        assert_eq!((board.today.as_str(), board.total), ("2026-11-29", 7));
        assert_eq!(board.items.len(), 2);
        let first = &board.items[0];
        assert_eq!(first.elder_id, "e1");
        assert_eq!(first.name.as_deref(), Some("王秀英"));
        assert_eq!(first.community.as_deref(), Some("蓝天社区"));
        assert_eq!(first.responsible_name, None);
        assert_eq!(first.tier, "disabled");
        assert_eq!(
            first.status.requirement,
            DueRequirement {
                kind: "visit".into(),
                mode: "home".into(),
                count: 1,
                per: "month".into()
            }
        );
        assert_eq!(first.status.next_due_by, "2026-11-30");
        assert!(first.status.overdue);
        assert_eq!(first.last_visit_date.as_deref(), Some("2026-10-27"));
        let second = &board.items[1];
        assert_eq!(second.responsible_name.as_deref(), Some("张三"));
        assert_eq!(
            (second.status.done, second.status.requirement.count),
            (1, 2)
        );
        assert!(!second.status.overdue);
        assert_eq!(second.status.surge.as_deref(), Some("s1"));
        assert_eq!(board.declined[0].id, "e3");
        // An answer in another column order is refused rather than misread.
        let mut swapped = DUE_COLUMNS.to_vec();
        swapped.swap(1, 2);
        let other = text.replace(&columns, &serde_json::to_string(&swapped).unwrap());
        assert!(parse_due_board(&other).is_err());
    }

    #[test]
    fn the_first_page_counts_the_elders_who_declined_and_the_whole_board_names_them() {
        assert_eq!(
            due_url("", DuePart::First),
            "/api/due?limit=200&format=rows&declined=count"
        );
        assert_eq!(
            due_url("", DuePart::Whole),
            "/api/due?limit=5000&format=rows"
        );
        let columns = serde_json::to_string(&DUE_COLUMNS).unwrap();
        let first = parse_due_board(&format!(
            r#"{{"today":"2026-11-29","total":0,"columns":{columns},"rows":[],"declined_count":2}}"#
        ))
        .unwrap();
        assert_eq!(first.declined_total(), 2);
        assert!(first.lacks_declined_names());
        let whole = parse_due_board(&format!(
            r#"{{"today":"2026-11-29","total":0,"columns":{columns},"rows":[],
              "declined":[{{"id":"e3","name":"赵五"}},{{"id":"e4","name":"钱六"}}]}}"#
        ))
        .unwrap();
        assert_eq!(whole.declined_total(), 2);
        assert!(!whole.lacks_declined_names());
    }

    #[test]
    fn query_strings_encode_chinese() {
        assert_eq!(
            query(&[("q", "王".into()), ("tier", String::new())]),
            "?q=%E7%8E%8B"
        );
        assert_eq!(query(&[]), "");
    }
}

// ---- policy versions and monthly close (issue 16) ------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct PolicyVersion {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub name_zh: String,
    pub effective_from: String,
    #[serde(default)]
    pub local: bool,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct BuiltinPolicy {
    pub id: String,
    pub name_zh: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct PolicyState {
    pub current: PolicyVersion,
    pub versions: Vec<PolicyVersion>,
    #[serde(default)]
    pub closed_months: Vec<String>,
    #[serde(default)]
    pub latest_closed: Option<String>,
    #[serde(default)]
    pub builtins: Vec<BuiltinPolicy>,
}

/// `POST /api/policy`: a built-in `policy` or a local `profile` (JSON) from `effective_from`.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct PolicyChange {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile: Option<Value>,
    pub effective_from: String,
    pub reason: String,
}

pub async fn policy() -> ConsoleResult<PolicyState> {
    get("/api/policy").await
}

pub async fn change_policy(change: &PolicyChange) -> ConsoleResult<Value> {
    post("/api/policy", change).await
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct CloseSummary {
    pub id: String,
    pub month: String,
    pub region_code: String,
    #[serde(default)]
    pub region_name: Option<String>,
    pub policy: String,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub closed_by: Option<String>,
    #[serde(default)]
    pub rate: Option<f64>,
    #[serde(default)]
    pub in_scope: Option<u32>,
    #[serde(default)]
    pub visited: Option<u32>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Correction {
    pub visit_id: String,
    pub elder_id: String,
    #[serde(default)]
    pub elder_name: Option<String>,
    pub date: String,
    pub mode: String,
    pub reason: String,
    #[serde(default)]
    pub entered_by: Option<String>,
    /// Who gave the reason of a held late visit (`None` when it came with the visit).
    #[serde(default)]
    pub reason_by: Option<String>,
}

/// A late visit pushed for a closed month without a reason: kept, but held out of the month
/// until a coordinator gives the reason (待补充原因).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct HeldVisit {
    pub visit_id: String,
    pub elder_id: String,
    #[serde(default)]
    pub elder_name: Option<String>,
    pub date: String,
    pub mode: String,
    #[serde(default)]
    pub entered_by: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Figure {
    #[serde(default)]
    pub rate: f64,
    #[serde(default)]
    pub in_scope: u32,
    #[serde(default)]
    pub visited: u32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Difference {
    pub field: String,
    pub snapshot: Value,
    pub recomputed: Value,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Recompute {
    pub matches: bool,
    pub policy: String,
    #[serde(default)]
    pub differences: Vec<Difference>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct MonthView {
    pub month: String,
    pub region_code: String,
    pub closed: bool,
    #[serde(default)]
    pub policy: Option<String>,
    #[serde(default)]
    pub close: Option<CloseSummary>,
    #[serde(default)]
    pub corrections: Vec<Correction>,
    #[serde(default)]
    pub held: Vec<HeldVisit>,
    #[serde(default)]
    pub with_corrections: Option<Figure>,
    #[serde(default)]
    pub recompute: Option<Recompute>,
}

#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct NewCorrection {
    pub elder_id: String,
    pub date: String,
    pub mode: String,
    pub reason: String,
}

pub async fn month_view(month: &str, region: &str) -> ConsoleResult<MonthView> {
    get(&format!(
        "/api/months/{}{}",
        encode(month),
        query(&[("region", region.to_string())])
    ))
    .await
}

pub async fn recompute_month(month: &str, region: &str) -> ConsoleResult<MonthView> {
    post(
        &format!(
            "/api/months/{}/recompute{}",
            encode(month),
            query(&[("region", region.to_string())])
        ),
        &serde_json::json!({}),
    )
    .await
}

pub async fn close_month(month: &str, region: &str) -> ConsoleResult<Value> {
    post(
        &format!("/api/months/{}/close", encode(month)),
        &serde_json::json!({ "region_code": region }),
    )
    .await
}

/// Gives the reason of a held late visit: it becomes a correction of the month.
pub async fn give_held_reason(month: &str, visit_id: &str, reason: &str) -> ConsoleResult<Value> {
    post(
        &format!(
            "/api/months/{}/held/{}/reason",
            encode(month),
            encode(visit_id)
        ),
        &serde_json::json!({ "reason": reason }),
    )
    .await
}

pub async fn add_correction(month: &str, correction: &NewCorrection) -> ConsoleResult<Value> {
    post(
        &format!("/api/months/{}/corrections", encode(month)),
        correction,
    )
    .await
}
