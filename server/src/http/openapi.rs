//! The OpenAPI 3.1 document at `/api/openapi.json`. It is built from the same
//! annotated handlers the router serves (utoipa-axum), so a route cannot exist
//! without being documented.

use std::sync::Arc;

use axum::response::IntoResponse;
use axum::Extension;
use http::header;
use serde::Serialize;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, Http, HttpAuthScheme, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDocument, Ref, RefOr, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Switchyard",
        license(name = "Apache-2.0", identifier = "Apache-2.0"),
        description = "Control plane for AI provider credentials. JSON is camelCase; lists are \
                       `{\"data\": [...], \"total\": n}`; errors are `{\"error\": {\"code\", \"message\", \"field\"?}}`.",
    ),
    modifiers(&SessionCookie),
    tags(
        (name = "auth", description = "Signing in and out"),
        (name = "users", description = "Accounts (admin)"),
        (name = "providers", description = "The provider registry"),
        (name = "models", description = "Models per provider (admin)"),
        (name = "templates", description = "Provider templates (admin)"),
        (name = "credentials", description = "Global credentials, ordered by priority (admin)"),
        (name = "connections", description = "A user's own connections"),
        (name = "resolve", description = "Which credential to use, and why not the others"),
        (name = "tokens", description = "API tokens: shown once, stored as a hash"),
        (name = "audit", description = "The tamper-evident audit log (admin)"),
        (name = "logs", description = "Requests sent to providers: tests, scheduled checks, gateway calls (admin)"),
        (name = "webhooks", description = "Where alerts are posted, and what was delivered (admin)"),
        (name = "system", description = "Health probes and instance status"),
    )
)]
pub struct ApiDoc;

/// The security scheme every authenticated route names.
pub const SESSION: &str = "session";
/// API tokens (`sy_…`), for the routes services call.
pub const TOKEN: &str = "token";

struct SessionCookie;

impl Modify for SessionCookie {
    fn modify(&self, openapi: &mut OpenApiDocument) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            SESSION,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                domain::auth::session::SESSION_COOKIE,
            ))),
        );
        // Also accepted as `x-api-key: sy_…`.
        components.add_security_scheme(TOKEN, SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// `{"error": {...}}`, the body of every failed request.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable and machine-readable: `validation_failed`, `not_found`, `conflict`, …
    pub code: String,
    pub message: String,
    /// The request field the error is about, for validation errors and conflicts.
    pub field: Option<String>,
}

/// What any route behind a sign-in may answer besides its own result. These enums
/// only describe responses; `ApiError` builds the bodies.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum SignedInErrors {
    /// Not signed in.
    #[response(status = 401)]
    Unauthorized(#[to_schema] ErrorBody),
    /// Malformed input; `field` names it.
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody),
}

/// What an admin route may answer besides its own result.
#[allow(dead_code)]
#[derive(IntoResponses)]
pub enum AdminErrors {
    #[response(status = 401)]
    Unauthorized(#[to_schema] ErrorBody),
    /// Signed in, but not an admin.
    #[response(status = 403)]
    Forbidden(#[to_schema] ErrorBody),
    #[response(status = 400)]
    BadRequest(#[to_schema] ErrorBody),
    /// No such thing (a malformed id too).
    #[response(status = 404)]
    NotFound(#[to_schema] ErrorBody),
}

/// The document, serialized once when the router is built.
#[derive(Clone)]
pub struct Published(pub Arc<str>);

/// The document itself.
#[utoipa::path(get, path = "/api/openapi.json", tag = "system",
    responses((status = 200, description = "This OpenAPI 3.1 document", body = Object)))]
pub async fn document(Extension(Published(json)): Extension<Published>) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], json.to_string())
}

/// Serializes the collected document for [`document`] to serve, with the one answer
/// every route that takes a body shares (its extractor gives it, not the handler).
pub fn publish(api: &OpenApiDocument) -> anyhow::Result<Published> {
    let mut api = api.clone();
    document_body_rejections(&mut api);
    Ok(Published(api.to_json()?.into()))
}

/// A route with a JSON body answers 415 when the body is not sent as JSON.
fn document_body_rejections(api: &mut OpenApiDocument) {
    let not_json = ResponseBuilder::new()
        .description("The body was not sent as JSON (`Content-Type: application/json`)")
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("ErrorBody")))
                .build(),
        )
        .build();
    for item in api.paths.paths.values_mut() {
        let operations = [&mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for operation in operations.into_iter().flatten() {
            if operation.request_body.is_some() {
                operation
                    .responses
                    .responses
                    .entry("415".to_owned())
                    .or_insert_with(|| RefOr::T(not_json.clone()));
            }
        }
    }
}
