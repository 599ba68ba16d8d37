//! One error type for the app, shown in plain words by the ErrorBoundary and the sync bar.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AppError {
    /// IndexedDB failed (quota, blocked upgrade, private mode…).
    Storage(String),
    /// No connection to the server (offline, DNS, refused).
    Offline,
    /// The server answered with an error status.
    Server { status: u16, message: String },
    /// The session is no longer valid on the server: log in again.
    Unauthorized,
    /// A coordinator ended this device's session (a lost phone): erase the local files but
    /// keep the outbox, then log in again.
    EndedRemotely,
    /// Bad input, naming the field.
    Invalid { field: String, message: String },
    /// Something that should exist locally does not.
    NotFound(String),
}

impl fmt::Display for AppError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AppError::Storage(message) => write!(f, "本机存储出错 (storage error): {message}"),
            AppError::Offline => write!(f, "无法连接服务器，稍后自动重试 (offline, will retry)"),
            AppError::Server { status, message } => {
                write!(f, "服务器出错 {status} (server error): {message}")
            }
            AppError::Unauthorized => {
                write!(f, "登录已失效，请重新登录 (session expired, log in again)")
            }
            AppError::EndedRemotely => write!(
                f,
                "协调员已结束此设备的登录，请重新登录 (a coordinator signed this device out)"
            ),
            AppError::Invalid { field, message } => write!(f, "{field}: {message}"),
            AppError::NotFound(what) => write!(f, "找不到 (not found): {what}"),
        }
    }
}

impl std::error::Error for AppError {}

impl From<indexed_db_futures::error::Error> for AppError {
    fn from(error: indexed_db_futures::error::Error) -> Self {
        AppError::Storage(error.to_string())
    }
}

impl From<indexed_db_futures::error::OpenDbError> for AppError {
    fn from(error: indexed_db_futures::error::OpenDbError) -> Self {
        AppError::Storage(error.to_string())
    }
}

impl From<gloo::net::Error> for AppError {
    fn from(error: gloo::net::Error) -> Self {
        match error {
            gloo::net::Error::JsError(_) => AppError::Offline,
            other => AppError::Server {
                status: 0,
                message: other.to_string(),
            },
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
