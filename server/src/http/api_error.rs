//! REST errors: `{"error": {"code", "message", "field"?}}` with the matching status.

use app::AppError;
use axum::response::{IntoResponse, Response};
use axum::Json;
use domain::error::DomainError;
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
            body["field"] = json!(body_key(field));
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

/// A field as the JSON body spells it. The domain names fields in snake_case and REST
/// bodies are camelCase; only the first segment is a body key, what follows a `.` is a
/// template field's own name (`fields.api_key`) and stays as it is.
fn body_key(field: &str) -> String {
    let (key, rest) = field.split_once('.').map_or((field, None), |(k, r)| (k, Some(r)));
    let mut camel = String::with_capacity(field.len());
    let mut upper = false;
    for c in key.chars() {
        match (c, upper) {
            ('_', _) => upper = true,
            (c, true) => {
                camel.extend(c.to_uppercase());
                upper = false;
            }
            (c, false) => camel.push(c),
        }
    }
    if let Some(rest) = rest {
        camel.push('.');
        camel.push_str(rest);
    }
    camel
}

pub async fn unknown_route() -> ApiError {
    ApiError::from(AppError::NotFound).with_message("There is no such API route.")
}

#[cfg(test)]
mod tests {
    use super::body_key;

    #[test]
    fn fields_are_named_as_the_body_spells_them() {
        assert_eq!(body_key("monthly_quota"), "monthlyQuota");
        assert_eq!(body_key("rate_limit_per_minute"), "rateLimitPerMinute");
        assert_eq!(body_key("name"), "name");
        assert_eq!(body_key("fields.api_key"), "fields.api_key");
        assert_eq!(
            body_key("test_request.items_pointer"),
            "testRequest.items_pointer"
        );
    }
}
