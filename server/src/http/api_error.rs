//! REST errors: `{"error": {"code", "message", "field"?}}` with the matching status.

use app::AppError;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::DomainError;
use http::{header, HeaderValue, StatusCode};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError {
    error: AppError,
    status: Option<StatusCode>,
    message: Option<String>,
}

impl ApiError {
    /// Keeps the code but says something more specific.
    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Keeps the code but answers with another status (415 for a wrong content type).
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }
}

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        Self {
            error,
            status: None,
            message: None,
        }
    }
}

impl From<DomainError> for ApiError {
    fn from(error: DomainError) -> Self {
        AppError::from(error).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self
            .status
            .or_else(|| StatusCode::from_u16(self.error.status()).ok())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = self.message.unwrap_or_else(|| self.error.to_string());
        let mut body = json!({ "code": self.error.code(), "message": message });
        if let AppError::Validation { field, .. } | AppError::Conflict { field, .. } = &self.error {
            body["field"] = json!(field);
        }
        let mut response = (status, Json(json!({ "error": body }))).into_response();
        if let AppError::RateLimited { retry_after_secs } = self.error {
            if let Ok(value) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}

pub async fn unknown_route() -> ApiError {
    ApiError::from(AppError::NotFound).with_message("There is no such API route.")
}
