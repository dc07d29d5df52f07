//! Extractors for REST handlers: a JSON body whose errors are ours, and the guards.

use app::ssr::{authenticate, client_ip};
use app::AppError;
use axum::extract::rejection::{JsonDataError, JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use domain::access::{Admin, Caller, CurrentUser};
use http::request::Parts;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::{ApiError, AppState};

/// `Json<T>` whose rejections use the API's error shape and never echo values back.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let message = match &rejection {
        JsonRejection::MissingJsonContentType(_) => {
            "Send the body as JSON with Content-Type: application/json.".to_owned()
        }
        JsonRejection::JsonSyntaxError(_) => "The body is not valid JSON.".to_owned(),
        JsonRejection::JsonDataError(error) => {
            // Axum answers a body of the wrong shape with 422; it is a field's error, a 400.
            let path = path_of(error);
            let message = describe_data_error(&rejection.body_text(), path.as_deref());
            let named = path.or_else(|| named_field(&message));
            if let Some(field) = named {
                return AppError::Validation { field, message }.into();
            }
            return ApiError::from(AppError::BadRequest(message.clone())).with_message(message);
        }
        _ => "The request body could not be read.".to_owned(),
    };
    ApiError::from(AppError::BadRequest(message.clone()))
        .with_message(message)
        .with_status(rejection.status())
}

/// Where in the body serde was when it failed, as the body spells it (`monthlyQuota`,
/// `fields.api_key`, `scopes[0]`); `None` at the top level, or inside a body that is an
/// array rather than an object.
fn path_of(error: &JsonDataError) -> Option<String> {
    use std::error::Error;
    error
        .source()
        .and_then(|inner| inner.source())
        .and_then(|inner| inner.downcast_ref::<serde_path_to_error::Error<serde_json::Error>>())
        .map(|detail| detail.path().to_string())
        .filter(|path| path != "." && !path.starts_with('['))
}

/// The unknown or missing field a top-level error names.
fn named_field(message: &str) -> Option<String> {
    let (_, rest) = message.split_once('`')?;
    rest.split_once('`').map(|(name, _)| name.to_owned())
}

/// Names the field for unknown and missing fields, and the place of a value of the
/// wrong type; never the value, since serde's text can quote it (it may be a secret).
fn describe_data_error(text: &str, path: Option<&str>) -> String {
    for marker in ["unknown field `", "missing field `"] {
        if let Some(start) = text.find(marker) {
            let rest = &text[start + marker.len()..];
            if let Some(end) = rest.find('`') {
                let kind = marker.trim_end_matches(" `");
                return format!("The JSON body has an {kind} `{}`.", &rest[..end])
                    .replace("an missing", "a missing");
            }
        }
    }
    let location = text
        .find(" at line ")
        .map(|i| text[i..].to_owned())
        .unwrap_or_default();
    match path {
        Some(path) => format!("`{path}` in the JSON body has the wrong type or format{location}."),
        None => format!("A value in the JSON body has the wrong type or format{location}."),
    }
}

/// `Query<T>` whose rejections use the API's error shape.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(query_rejection(&rejection)),
        }
    }
}

fn query_rejection(rejection: &QueryRejection) -> ApiError {
    let message = describe_data_error(&rejection.body_text(), None).replace("JSON body", "query string");
    ApiError::from(AppError::BadRequest(message.clone())).with_message(message)
}

/// Parses a path id; a malformed one names nothing, so it is the same 404 as an unknown one.
pub fn path_id<Id: From<uuid::Uuid>>(raw: &str) -> Result<Id, ApiError> {
    uuid::Uuid::parse_str(raw)
        .map(Id::from)
        .map_err(|_| ApiError::from(AppError::NotFound))
}

/// Any signed-in, active user.
pub struct AuthUser(pub CurrentUser);

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(authenticate(&state.services, parts).await?))
    }
}

/// Who calls a route that services use: an API token (`Authorization: Bearer sy_…` or
/// `x-api-key: sy_…`), or else a signed-in user's session.
pub struct ApiCaller(pub Caller);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let api_key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
        match bearer.or(api_key) {
            Some(raw) => {
                let caller = state.services.tokens.authenticate(raw).await?;
                Ok(Self(Caller::Token(caller.at(client_ip(parts)))))
            }
            None => Ok(Self(Caller::Session(authenticate(&state.services, parts).await?))),
        }
    }
}

/// A signed-in admin; a user gets 403.
pub struct AdminUser(pub Admin);

impl FromRequestParts<AppState> for AdminUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let AuthUser(user) = AuthUser::from_request_parts(parts, state).await?;
        Ok(Self(user.require_admin()?))
    }
}

/// For `Option<Option<T>>` fields of a PATCH body: tells "absent" (leave it, with
/// `#[serde(default)]`) from `null` (clear it).
pub fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_errors_name_fields_but_never_values() {
        let unknown = describe_data_error(
            "Failed to deserialize: unknown field `pasword`, expected one of `email`",
            None,
        );
        assert_eq!(unknown, "The JSON body has an unknown field `pasword`.");
        let missing = describe_data_error("missing field `email` at line 1 column 2", None);
        assert_eq!(missing, "The JSON body has a missing field `email`.");
        let typed = describe_data_error(
            "invalid type: string \"hunter2-secret\", expected u64 at line 1 column 30",
            None,
        );
        assert!(!typed.contains("hunter2"), "{typed}");
        assert!(typed.contains("line 1 column 30"));
        let placed = describe_data_error(
            "Failed to deserialize the JSON body into the target type: monthlyQuota: invalid type: \
             string \"hunter2-secret\", expected i64 at line 1 column 30",
            Some("monthlyQuota"),
        );
        assert_eq!(
            placed,
            "`monthlyQuota` in the JSON body has the wrong type or format at line 1 column 30."
        );
    }
}
