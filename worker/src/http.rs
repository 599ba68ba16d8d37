//! Request/response plumbing: bounded JSON bodies, JSON answers, cookies, client address.

use crate::error::{AppError, AppResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use worker::{Request, Response};

/// Largest accepted request body (1 MiB): a push of a few hundred visits fits easily.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

pub const SESSION_COOKIE: &str = "tanfang_session";

/// Reads the body as JSON. Syntax errors → 400; well-formed JSON with a wrong or unknown value
/// → 422 naming the field path (e.g. `mutations[0].kind`); too large → 413.
pub async fn read_json<T: DeserializeOwned>(req: &mut Request) -> AppResult<T> {
    if let Ok(Some(length)) = req.headers().get("content-length") {
        if length
            .parse::<usize>()
            .map(|n| n > MAX_BODY_BYTES)
            .unwrap_or(false)
        {
            return Err(AppError::PayloadTooLarge);
        }
    }
    let bytes = req
        .bytes()
        .await
        .map_err(|e| AppError::bad_request(format!("unreadable body: {e}")))?;
    if bytes.len() > MAX_BODY_BYTES {
        return Err(AppError::PayloadTooLarge);
    }
    parse_json(&bytes)
}

/// Parses JSON bytes with the field path on data errors.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> AppResult<T> {
    if bytes.is_empty() {
        return Err(AppError::bad_request(
            "请求体为空 Empty body, JSON expected",
        ));
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => {
            deserializer
                .end()
                .map_err(|e| AppError::bad_request(format!("JSON 格式错误 Malformed JSON: {e}")))?;
            Ok(value)
        }
        Err(error) => {
            let mut path = error.path().to_string();
            let inner = error.into_inner();
            // "missing field `x`" is reported at the parent: name the field itself.
            let text = inner.to_string();
            if let Some(rest) = text.strip_prefix("missing field `") {
                if let Some(name) = rest.split('`').next() {
                    path = if path == "." || path.is_empty() {
                        name.to_string()
                    } else {
                        format!("{path}.{name}")
                    };
                }
            }
            match inner.classify() {
                serde_json::error::Category::Data => Err(AppError::Invalid {
                    code: "invalid_field",
                    field: if path == "." { String::new() } else { path },
                    message: format!("字段无效 Invalid value: {inner}"),
                }),
                _ => Err(AppError::bad_request(format!(
                    "JSON 格式错误 Malformed JSON: {inner}"
                ))),
            }
        }
    }
}

/// A JSON answer with status 200.
pub fn json<T: Serialize>(value: &T) -> AppResult<Response> {
    json_status(value, 200)
}

pub fn json_status<T: Serialize>(value: &T, status: u16) -> AppResult<Response> {
    json_text(serde_json::to_string(value)?, status)
}

/// A JSON answer whose text is already written (e.g. by SQLite, passed through unparsed).
pub fn json_text(body: String, status: u16) -> AppResult<Response> {
    let mut response = Response::ok(body)?.with_status(status);
    let headers = response.headers_mut();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(response)
}

/// The session token from the `tanfang_session` cookie, if any.
pub fn session_token(req: &Request) -> Option<String> {
    let cookies = req.headers().get("cookie").ok().flatten()?;
    cookies.split(';').find_map(|part| {
        let (name, value) = part.trim().split_once('=')?;
        (name == SESSION_COOKIE && !value.is_empty()).then(|| value.to_string())
    })
}

/// `Set-Cookie` value for a new session (HttpOnly, Secure, SameSite=Lax, Path=/).
pub fn session_cookie(token: &str, max_age_secs: u64) -> String {
    format!(
        "{SESSION_COOKIE}={token}; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age={max_age_secs}"
    )
}

/// `Set-Cookie` value that deletes the session cookie.
pub fn cleared_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; HttpOnly; Secure; SameSite=Lax; Path=/; Max-Age=0")
}

/// The client's address: `CF-Connecting-IP` (set by Cloudflare, and by wrangler dev), else
/// the first `X-Forwarded-For` entry, else "unknown".
pub fn client_ip(req: &Request) -> String {
    let headers = req.headers();
    if let Ok(Some(ip)) = headers.get("cf-connecting-ip") {
        return ip;
    }
    if let Ok(Some(forwarded)) = headers.get("x-forwarded-for") {
        if let Some(first) = forwarded.split(',').next() {
            return first.trim().to_string();
        }
    }
    "unknown".to_string()
}

/// Query parameter `name` (decoded).
pub fn query_param(req: &Request, name: &str) -> Option<String> {
    let url = req.url().ok()?;
    url.query_pairs()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}
