//! Typed client of the group APIs (`/api/groups…`, `/api/pairings…`, `/api/invites…`) for the
//! group admin pages, the sign-up-by-code page and the coordinator's review page.
//!
//! Design decisions: online only with the worker's HTTP-only session cookie (like the
//! coordinator console) — a group admin's pages hold no elder data, so nothing goes to
//! IndexedDB. Errors keep the worker's one error shape as [`GroupsError`] so a form can show a
//! `field` error next to the field it names.

use gloo::net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::fmt;
use web_sys::RequestCredentials;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupsError {
    Offline,
    Unauthenticated,
    Forbidden,
    NotFound,
    /// 409/422: `code`, the field named (may be empty) and the message.
    Rejected {
        code: String,
        field: String,
        message: String,
    },
    Server {
        status: u16,
        message: String,
    },
}

impl fmt::Display for GroupsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GroupsError::Offline => write!(f, "无法连接服务器 (cannot reach the server)"),
            GroupsError::Unauthenticated => write!(f, "请先登录 (please log in)"),
            GroupsError::Forbidden => write!(f, "无权访问 (not allowed)"),
            GroupsError::NotFound => write!(f, "未找到 (not found)"),
            GroupsError::Rejected { field, message, .. } if field.is_empty() => {
                write!(f, "{message}")
            }
            GroupsError::Rejected { field, message, .. } => write!(f, "{field}: {message}"),
            GroupsError::Server { status, message } => write!(f, "服务器出错 {status}: {message}"),
        }
    }
}

impl std::error::Error for GroupsError {}

pub type GroupsResult<T> = Result<T, GroupsError>;

/// The worker's error body → [`GroupsError`] (pure).
pub fn error_from(status: u16, body: &str) -> GroupsError {
    let error = serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").cloned())
        .unwrap_or(Value::Null);
    let text = |key: &str| {
        error
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    match status {
        401 => GroupsError::Unauthenticated,
        403 => GroupsError::Forbidden,
        404 => GroupsError::NotFound,
        400 | 409 | 422 => GroupsError::Rejected {
            code: text("code"),
            field: text("field"),
            message: text("message"),
        },
        _ => GroupsError::Server {
            status,
            message: text("message"),
        },
    }
}

impl GroupsError {
    /// The message when this error names `field`, for showing next to that field.
    pub fn for_field(&self, wanted: &str) -> Option<String> {
        match self {
            GroupsError::Rejected { field, message, .. }
                if field == wanted
                    || field.starts_with(&format!("{wanted}."))
                    || field.starts_with(&format!("{wanted}[")) =>
            {
                Some(message.clone())
            }
            _ => None,
        }
    }
}

fn with_credentials(builder: RequestBuilder) -> RequestBuilder {
    builder
        .credentials(RequestCredentials::Include)
        .header("accept", "application/json")
}

async fn read<T: DeserializeOwned>(response: Response) -> GroupsResult<T> {
    let status = response.status();
    if !response.ok() {
        let body = response.text().await.unwrap_or_default();
        return Err(error_from(status, &body));
    }
    response.json::<T>().await.map_err(|e| GroupsError::Server {
        status,
        message: e.to_string(),
    })
}

fn offline(_: gloo::net::Error) -> GroupsError {
    GroupsError::Offline
}

pub async fn get<T: DeserializeOwned>(path: &str) -> GroupsResult<T> {
    read(
        with_credentials(Request::get(path))
            .send()
            .await
            .map_err(offline)?,
    )
    .await
}

pub async fn post<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> GroupsResult<T> {
    let request = with_credentials(Request::post(path))
        .json(body)
        .map_err(|e| GroupsError::Server {
            status: 0,
            message: e.to_string(),
        })?;
    read(request.send().await.map_err(offline)?).await
}

pub async fn delete<T: DeserializeOwned>(path: &str) -> GroupsResult<T> {
    read(
        with_credentials(Request::delete(path))
            .send()
            .await
            .map_err(offline)?,
    )
    .await
}

// ---------------------------------------------------------------------------------------------

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct RegionRef {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct PairingView {
    pub id: String,
    pub community: RegionRef,
    pub status: String,
    #[serde(default)]
    pub status_zh: Option<String>,
    pub requested_by: String,
    pub start_date: String,
    #[serde(default)]
    pub end_date: Option<String>,
    #[serde(default)]
    pub decline_reason: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub kind_zh: String,
    pub status: String,
    #[serde(default)]
    pub status_zh: String,
    #[serde(default)]
    pub decline_reason: Option<String>,
    #[serde(default)]
    pub credit_code: Option<String>,
    #[serde(default)]
    pub region: Option<RegionRef>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    #[serde(default)]
    pub pairings: Vec<PairingView>,
    #[serde(default)]
    pub member_count: i64,
    #[serde(default)]
    pub elders_paired: i64,
    #[serde(default)]
    pub visits_this_month: i64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct MemberView {
    pub id: String,
    pub login: String,
    pub name: String,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub class_name: Option<String>,
    #[serde(default)]
    pub student_number: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct GroupList {
    pub groups: Vec<GroupView>,
    #[serde(default)]
    pub members: Vec<MemberView>,
}

/// `GET /api/groups[?status=…]`.
pub async fn groups(status: Option<&str>) -> GroupsResult<GroupList> {
    match status {
        Some(status) => get(&format!("/api/groups?status={status}")).await,
        None => get("/api/groups").await,
    }
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Registration {
    pub name: String,
    pub kind: String,
    pub credit_code: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub region_code: String,
    pub password: String,
}

#[derive(Deserialize, Clone, Debug)]
pub struct Registered {
    pub group: GroupView,
    pub login: String,
}

pub async fn register(form: &Registration) -> GroupsResult<Registered> {
    post("/api/groups", form).await
}

#[derive(Deserialize)]
struct GroupAnswer {
    #[allow(dead_code)]
    group: GroupView,
}

pub async fn approve(group_id: &str) -> GroupsResult<()> {
    let _: GroupAnswer = post(&format!("/api/groups/{group_id}/approve"), &json!({})).await?;
    Ok(())
}

pub async fn decline(group_id: &str, reason: &str) -> GroupsResult<()> {
    let _: GroupAnswer = post(
        &format!("/api/groups/{group_id}/decline"),
        &json!({ "reason": reason }),
    )
    .await?;
    Ok(())
}

pub async fn request_pairings(group_id: &str, communities: &[String]) -> GroupsResult<()> {
    let _: Value = post(
        &format!("/api/groups/{group_id}/pairings"),
        &json!({ "community_codes": communities }),
    )
    .await?;
    Ok(())
}

/// `action`: accept | decline | end.
pub async fn pairing_action(pairing_id: &str, action: &str, reason: &str) -> GroupsResult<()> {
    let _: Value = post(
        &format!("/api/pairings/{pairing_id}/{action}"),
        &json!({ "reason": reason }),
    )
    .await?;
    Ok(())
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct InviteCreated {
    pub code: String,
    pub expires_at: i64,
    pub link: String,
}

pub async fn create_invite(group_id: &str, days: u32) -> GroupsResult<InviteCreated> {
    post(
        &format!("/api/groups/{group_id}/invites"),
        &json!({ "days": days }),
    )
    .await
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct InviteGroup {
    pub name: String,
    pub kind: String,
    pub kind_zh: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct InviteCommunity {
    pub code: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// `GET /api/invites/:code`: a group invite (`kind` "group", `group`), a community's volunteer
/// invite ("volunteer") or pairing invitation ("pairing", `community`).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct InvitePreview {
    pub code: String,
    #[serde(default = "group_kind")]
    pub kind: String,
    #[serde(default)]
    pub group: Option<InviteGroup>,
    #[serde(default)]
    pub community: Option<InviteCommunity>,
    #[serde(default)]
    pub expires_at: i64,
    pub student_details_required: bool,
}

fn group_kind() -> String {
    "group".into()
}

impl InvitePreview {
    /// What the invite joins, in words (Chinese first).
    pub fn title(&self) -> String {
        let community = self
            .community
            .as_ref()
            .map(|c| c.name.clone().unwrap_or_else(|| c.code.clone()))
            .unwrap_or_default();
        match (self.kind.as_str(), &self.group) {
            ("group", Some(group)) => format!("加入：{}（{}）", group.name, group.kind_zh),
            ("pairing", _) => format!("与{community}结对 Pair with {community}"),
            _ => format!("加入{community}志愿者 Volunteer in {community}"),
        }
    }

    /// A pairing invitation is accepted by a group's admin: no name, no student details.
    pub fn is_pairing(&self) -> bool {
        self.kind == "pairing"
    }
}

/// One invite of a list (`GET /api/groups/:id/invites`, `GET /api/communities/:code/invites`).
#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct InviteListed {
    pub code: String,
    pub kind: String,
    pub link: String,
    pub created_at: i64,
    pub expires_at: i64,
    #[serde(default)]
    pub used_at: Option<i64>,
    /// open | used | expired
    pub status: String,
}

impl InviteListed {
    pub fn status_zh(&self) -> &'static str {
        match self.status.as_str() {
            "open" => "可用 Open",
            "used" => "已使用 Used",
            "expired" => "已过期 Expired",
            _ => "不可用 Closed",
        }
    }
}

#[derive(Deserialize)]
struct InviteList {
    invites: Vec<InviteListed>,
}

pub async fn group_invites(group_id: &str) -> GroupsResult<Vec<InviteListed>> {
    let list: InviteList = get(&format!("/api/groups/{}/invites", encode(group_id))).await?;
    Ok(list.invites)
}

pub async fn community_invites(community: &str) -> GroupsResult<Vec<InviteListed>> {
    let list: InviteList = get(&format!("/api/communities/{}/invites", encode(community))).await?;
    Ok(list.invites)
}

/// `kind`: volunteer | pairing.
pub async fn create_community_invite(
    community: &str,
    kind: &str,
    days: u32,
) -> GroupsResult<InviteListed> {
    post(
        &format!("/api/communities/{}/invites", encode(community)),
        &json!({ "kind": kind, "days": days }),
    )
    .await
}

/// `POST /api/auth/sms/request` — the ordinary sign-in code (same limits as the log-in page).
pub async fn request_sms_code(mobile: &str) -> GroupsResult<Value> {
    post("/api/auth/sms/request", &json!({ "mobile": mobile })).await
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct JoinBySms {
    pub mobile: String,
    pub sms_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub student: Option<Student>,
}

/// `POST /api/invites/:code/join` → `{user, joined}` and the session cookie.
pub async fn join_by_sms(code: &str, form: &JoinBySms) -> GroupsResult<Value> {
    post(&format!("/api/invites/{}/join", encode(code)), form).await
}

pub async fn invite(code: &str) -> GroupsResult<InvitePreview> {
    get(&format!("/api/invites/{}", encode(code))).await
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Student {
    pub school: String,
    pub class: String,
    pub student_number: String,
}

#[derive(Serialize, Clone, Debug, Default)]
pub struct Signup {
    pub name: String,
    pub phone: String,
    pub password: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub student: Option<Student>,
}

pub async fn signup(code: &str, form: &Signup) -> GroupsResult<Value> {
    post(&format!("/api/invites/{}/signup", encode(code)), form).await
}

pub async fn remove_member(group_id: &str, account_id: &str) -> GroupsResult<Value> {
    delete(&format!("/api/groups/{group_id}/members/{account_id}")).await
}

pub async fn assign(
    group_id: &str,
    elder_ids: &[String],
    member_id: &str,
    role: &str,
) -> GroupsResult<Value> {
    post(
        &format!("/api/groups/{group_id}/assignments"),
        &json!({ "elder_ids": elder_ids, "member_id": member_id, "role": role }),
    )
    .await
}

#[derive(Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Total {
    pub visits: u32,
    pub minutes: u64,
    pub hours: String,
    #[serde(default)]
    pub visits_without_duration: u32,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct MonthTotal {
    pub month: String,
    pub total: Total,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct DashboardMember {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub school: Option<String>,
    #[serde(default)]
    pub class_name: Option<String>,
    #[serde(default)]
    pub student_number: Option<String>,
    pub months: Vec<MonthTotal>,
    pub this_month: Total,
    pub this_term: Total,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct TermView {
    pub id: String,
    pub label: String,
    pub first_day: String,
    pub last_day: String,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct PairedElders {
    pub assigned: i64,
    pub visited_this_month: i64,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct Dashboard {
    pub group: GroupView,
    pub month: String,
    pub term: TermView,
    pub members: Vec<DashboardMember>,
    pub months: Vec<MonthTotal>,
    pub paired_elders: PairedElders,
}

pub async fn dashboard(group_id: &str) -> GroupsResult<Dashboard> {
    get(&format!("/api/groups/{group_id}/dashboard")).await
}

/// Link of the term CSV (a plain download: the browser sends the session cookie).
pub fn hours_csv_link(group_id: &str, term: &str) -> String {
    format!("/api/groups/{group_id}/hours.csv?term={}", encode(term))
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
pub struct ElderChoice {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub community: Option<String>,
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default)]
    pub backup: Option<Value>,
    #[serde(default)]
    pub responsible: Option<Value>,
}

#[derive(Deserialize, Clone, Debug, PartialEq)]
struct ElderItems {
    items: Vec<ElderChoice>,
}

/// The coordinator's elders of one community (`GET /api/elders?region=…`), for assigning.
pub async fn community_elders(community: &str) -> GroupsResult<Vec<ElderChoice>> {
    let answer: ElderItems = get(&format!(
        "/api/elders?region={}&page_size=200",
        encode(community)
    ))
    .await?;
    Ok(answer.items)
}

/// `POST /api/auth/login` (cookie session) → the user's role.
pub async fn login(login: &str, password: &str) -> GroupsResult<String> {
    let answer: Value = post(
        "/api/auth/login",
        &json!({ "login": login, "password": password }),
    )
    .await?;
    Ok(answer["user"]["role"].as_str().unwrap_or("").to_string())
}

/// Percent-encodes a query/path value.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value).into()
}

/// Adds the group pages' stylesheet once.
pub fn ensure_stylesheet() {
    crate::styles::add_once("groups-css", "groups.css");
}
