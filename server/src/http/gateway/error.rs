//! The gateway's errors: OpenAI's shape on the wire (Anthropic's on `/v1/messages`), and
//! their description in the OpenAPI document.

use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::error::DomainError;
use domain::gateway::{Endpoint, Failure};
use http::{header, HeaderValue, StatusCode};
use serde_json::json;
use utoipa::ToSchema;

use super::ATTEMPTS;

/// An error in OpenAI's shape: `{"error": {"message", "type", "code", "param"}}`.
pub struct OpenAiError {
    status: StatusCode,
    kind: &'static str,
    code: &'static str,
    message: String,
    param: Option<String>,
    retry_after_secs: Option<u64>,
    attempts: u32,
}

impl OpenAiError {
    pub(super) fn new(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            code,
            message: message.into(),
            param: None,
            retry_after_secs: None,
            attempts: 0,
        }
    }
}

impl From<DomainError> for OpenAiError {
    fn from(error: DomainError) -> Self {
        use StatusCode as S;
        match error {
            DomainError::Unauthorized(message) => Self::new(
                S::UNAUTHORIZED,
                "invalid_request_error",
                "invalid_api_key",
                message,
            ),
            DomainError::Forbidden => Self::new(
                S::FORBIDDEN,
                "permission_error",
                "forbidden",
                "You may not do this.",
            ),
            DomainError::Denied(message) => Self::new(S::FORBIDDEN, "permission_error", "forbidden", message),
            DomainError::Validation { field, message } | DomainError::Conflict { field, message } => Self {
                param: Some(field),
                ..Self::new(
                    S::BAD_REQUEST,
                    "invalid_request_error",
                    "invalid_request",
                    message,
                )
            },
            DomainError::NotFound => {
                Self::new(S::NOT_FOUND, "invalid_request_error", "not_found", "Not found.")
            }
            DomainError::RateLimited { retry_after_secs } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..Self::new(
                    S::TOO_MANY_REQUESTS,
                    "rate_limit_error",
                    "rate_limit_exceeded",
                    format!("Too many requests; try again in {retry_after_secs} s."),
                )
            },
            DomainError::Exhausted {
                message,
                retry_after_secs,
            } => Self {
                retry_after_secs: Some(retry_after_secs),
                ..Self::new(
                    S::TOO_MANY_REQUESTS,
                    "rate_limit_error",
                    "rate_limit_exceeded",
                    message,
                )
            },
            DomainError::Upstream(message) => Self::new(
                S::SERVICE_UNAVAILABLE,
                "upstream_error",
                "no_credential_served",
                message,
            ),
            DomainError::Unavailable(message) => {
                tracing::warn!(%message, "the gateway cannot serve");
                Self::new(
                    S::SERVICE_UNAVAILABLE,
                    "server_error",
                    "unavailable",
                    "The service is temporarily unavailable. Try again shortly.",
                )
            }
            DomainError::Internal(cause) => {
                tracing::error!(%cause, "internal error in the gateway");
                Self::new(
                    S::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "internal_error",
                    "Something went wrong on our side; the request id names it in our logs.",
                )
            }
        }
    }
}

impl From<Failure> for OpenAiError {
    fn from(failure: Failure) -> Self {
        Self {
            attempts: failure.attempts,
            ..failure.error.into()
        }
    }
}

impl OpenAiError {
    /// The same error in the shape of the API the caller speaks: Anthropic's for
    /// `/v1/messages` (`{"type": "error", "error": {"type", "message"}}`), else OpenAI's.
    pub(super) fn in_dialect(self, endpoint: Endpoint) -> Response {
        if endpoint != Endpoint::Messages {
            return self.into_response();
        }
        let kind = match self.status.as_u16() {
            400 => "invalid_request_error",
            401 => "authentication_error",
            403 => "permission_error",
            404 => "not_found_error",
            413 => "request_too_large",
            429 => "rate_limit_error",
            503 => "overloaded_error",
            _ => "api_error",
        };
        // Anthropic's errors have no `param`: the field leads the message instead.
        let message = match &self.param {
            Some(field) => format!("{field}: {}", self.message),
            None => self.message.clone(),
        };
        let body = json!({"type": "error", "error": {"type": kind, "message": message}});
        self.respond(body)
    }

    fn respond(self, body: serde_json::Value) -> Response {
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        headers.insert(ATTEMPTS, HeaderValue::from(self.attempts));
        response
    }
}

impl IntoResponse for OpenAiError {
    fn into_response(self) -> Response {
        let body = json!({
            "error": {
                "message": self.message,
                "type": self.kind,
                "code": self.code,
                "param": self.param,
            }
        });
        self.respond(body)
    }
}

/// The error body of the gateway's routes, for the OpenAPI document: OpenAI's shape
/// (`/v1/messages` answers Anthropic's, `{"type": "error", "error": {"type", "message"}}`,
/// which this also describes).
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GatewayErrorBody {
    #[schema(inline)]
    error: GatewayErrorDetail,
}

#[derive(ToSchema)]
#[allow(dead_code)]
pub struct GatewayErrorDetail {
    message: String,
    #[schema(rename = "type")]
    kind: String,
    code: Option<String>,
    /// The request field at fault, when one is.
    param: Option<String>,
}

/// What a gateway route may answer besides the provider's own answer.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum GatewayErrors {
    /// A body without a model, a model nothing offers (`param` names the field).
    #[response(status = 400)]
    BadRequest(#[to_schema] GatewayErrorBody),
    /// No token or session, or an unknown, revoked or expired token.
    #[response(status = 401)]
    Unauthorized(#[to_schema] GatewayErrorBody),
    /// A token without the `gateway` scope, or outside its allow-lists.
    #[response(status = 403)]
    Forbidden(#[to_schema] GatewayErrorBody),
    /// A body over `SWITCHYARD_GATEWAY_MAX_BODY_BYTES`.
    #[response(status = 413)]
    TooLarge(#[to_schema] GatewayErrorBody),
    /// Every credential is at its rate limit or quota, or the token at its own; see `Retry-After`.
    #[response(status = 429)]
    RateLimited(#[to_schema] GatewayErrorBody),
    /// Every credential failed; the message names each and why.
    #[response(status = 503)]
    Unavailable(#[to_schema] GatewayErrorBody),
}
