//! The one error type of the worker and its mapping to HTTP (the only place that picks status
//! codes). Every error answers `{"error": {"code", "message", "field"}}`; refusals never carry
//! data about the thing refused.

use serde_json::{json, Value};
use worker::Response;

#[derive(Debug)]
pub enum AppError {
    /// 400: the body is not JSON or not the expected shape.
    BadRequest { message: String },
    /// 401: no valid session.
    Unauthenticated,
    /// 401 on log-in: wrong login or password (never says which).
    BadCredentials,
    /// 401: a coordinator ended this session (a lost phone): erase local files, keep the outbox.
    SessionEndedRemotely,
    /// 403: authenticated but not allowed.
    Forbidden,
    /// 404: no such thing (or not in the caller's scope, when saying so would leak).
    NotFound,
    /// 405: known path, other method.
    MethodNotAllowed,
    /// 409: state conflict, e.g. a push that skips a sequence number.
    Conflict {
        code: &'static str,
        message: String,
        expected_seq: Option<u64>,
    },
    /// 413: body larger than [`crate::http::MAX_BODY_BYTES`].
    PayloadTooLarge,
    /// 422: a field has an invalid value.
    Invalid {
        code: &'static str,
        field: String,
        message: String,
    },
    /// 429: too many failed log-ins.
    RateLimited { retry_after_secs: u64 },
    /// 500: storage or runtime failure (details only in the log).
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid {
            code: "invalid_field",
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        AppError::BadRequest {
            message: message.into(),
        }
    }

    fn status_code_message_field(&self) -> (u16, &'static str, String, Option<String>) {
        match self {
            AppError::BadRequest { message } => (400, "bad_request", message.clone(), None),
            AppError::Unauthenticated => (
                401,
                "unauthenticated",
                "请先登录 Please log in".into(),
                None,
            ),
            AppError::BadCredentials => (
                401,
                "bad_credentials",
                "账号或密码错误 Wrong login or password".into(),
                None,
            ),
            AppError::SessionEndedRemotely => (
                401,
                "session_ended_remotely",
                "协调员已结束此设备的登录，请重新登录 A coordinator signed this device out: sign in again"
                    .into(),
                None,
            ),
            AppError::Forbidden => (403, "forbidden", "无权访问 Not allowed".into(), None),
            AppError::NotFound => (404, "not_found", "未找到 Not found".into(), None),
            AppError::MethodNotAllowed => (
                405,
                "method_not_allowed",
                "不支持的请求方法 Method not allowed".into(),
                None,
            ),
            AppError::Conflict { code, message, .. } => (409, code, message.clone(), None),
            AppError::PayloadTooLarge => (
                413,
                "payload_too_large",
                format!(
                    "请求过大 Request body larger than {} bytes",
                    crate::http::MAX_BODY_BYTES
                ),
                None,
            ),
            AppError::Invalid {
                code,
                field,
                message,
            } => (422, code, message.clone(), Some(field.clone())),
            AppError::RateLimited { .. } => (
                429,
                "rate_limited",
                "尝试次数过多，请稍后再试 Too many attempts, try again later".into(),
                None,
            ),
            AppError::Internal(_) => (500, "internal", "服务器错误 Server error".into(), None),
        }
    }

    /// The HTTP answer for this error.
    pub fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            worker::console_error!("internal error: {detail}");
        }
        let (status, code, message, field) = self.status_code_message_field();
        let mut error = json!({"code": code, "message": message, "field": field});
        if let AppError::Conflict {
            expected_seq: Some(expected),
            ..
        } = &self
        {
            error["expected_seq"] = Value::from(*expected);
        }
        let body = json!({ "error": error }).to_string();
        let mut response = Response::ok(body)
            .map(|r| r.with_status(status))
            .unwrap_or_else(|_| Response::empty().unwrap().with_status(500));
        let headers = response.headers_mut();
        let _ = headers.set("content-type", "application/json; charset=utf-8");
        let _ = headers.set("cache-control", "no-store");
        if let AppError::RateLimited { retry_after_secs } = &self {
            let _ = headers.set("retry-after", &retry_after_secs.to_string());
        }
        response
    }
}

impl From<worker::Error> for AppError {
    fn from(error: worker::Error) -> Self {
        let text = error.to_string();
        if text.contains("seq_race") {
            return AppError::Conflict {
                code: "seq_race",
                message: "另一设备同时提交，请重试 Concurrent push from this client, retry".into(),
                expected_seq: None,
            };
        }
        AppError::Internal(text)
    }
}

impl From<serde_json::Error> for AppError {
    fn from(error: serde_json::Error) -> Self {
        AppError::Internal(format!("json: {error}"))
    }
}
