//! The one error that crosses the wire, to the browser and to REST clients alike.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{0}")]
    Unauthorized(String),
    #[error("You do not have access to this page.")]
    Forbidden,
    /// Not allowed, and why (a token without the scope a route needs).
    #[error("{0}")]
    Denied(String),
    #[error("Not found.")]
    NotFound,
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("Too many attempts. Try again in {retry_after_secs} s.")]
    RateLimited { retry_after_secs: u64 },
    #[error("{0}")]
    Unavailable(String),
    /// A provider answered badly; the message says how.
    #[error("{0}")]
    Upstream(String),
    #[error("Something went wrong on our side. Request id: {request_id}.")]
    Internal { request_id: String },
    /// The request itself was malformed or never arrived.
    #[error("The request failed: {0}")]
    BadRequest(String),
}

impl AppError {
    /// A stable, machine-readable code for REST clients.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthorized(_) => "unauthorized",
            AppError::Forbidden | AppError::Denied(_) => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation { .. } => "validation_failed",
            AppError::Conflict { .. } => "conflict",
            AppError::RateLimited { .. } => "rate_limited",
            AppError::Unavailable(_) => "unavailable",
            AppError::Upstream(_) => "upstream_error",
            AppError::Internal { .. } => "internal",
            AppError::BadRequest(_) => "bad_request",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized(_) => 401,
            AppError::Forbidden | AppError::Denied(_) => 403,
            AppError::NotFound => 404,
            AppError::Validation { .. } | AppError::BadRequest(_) => 400,
            AppError::Conflict { .. } => 409,
            AppError::RateLimited { .. } => 429,
            AppError::Unavailable(_) => 503,
            AppError::Upstream(_) => 502,
            AppError::Internal { .. } => 500,
        }
    }

    /// Whether this error is about `part` or something inside it (`fields` covers
    /// `fields[1].pattern`), so a form can show it in one place only.
    pub fn is_about(&self, part: &str) -> bool {
        match self {
            AppError::Validation { field, .. } | AppError::Conflict { field, .. } => field
                .strip_prefix(part)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '['])),
            _ => false,
        }
    }

    /// The message for a form field, when this error is about that field.
    pub fn for_field(&self, name: &str) -> Option<String> {
        match self {
            AppError::Validation { field, message } | AppError::Conflict { field, message }
                if field == name =>
            {
                Some(message.clone())
            }
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::BadRequest(value.to_string())
    }
}
