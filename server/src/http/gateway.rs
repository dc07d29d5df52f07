//! The gateway's routes: `/v1/chat/completions`, `/v1/embeddings`, `/v1/messages`,
//! `/v1/models` (OpenAI's shapes, errors included), and `/api/usage`.

use app::dto::UsageDto;
use app::ssr::authenticate;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequestParts, Request, State};
use axum::response::Response;
use axum::Json;
use domain::access::Caller;
use domain::error::DomainError;
use domain::gateway::{Endpoint, GatewayCaller, Reply, ReplyBody};
use http::request::Parts;
use http::{header, HeaderValue, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

mod error;

pub use self::error::{GatewayErrors, OpenAiError};
use super::extract::{ApiCaller, ApiQuery};
use super::middleware::{is_cross_origin, REQUEST_ID_HEADER};
use super::openapi::SignedInErrors;
use super::{ApiError, AppState};

const ATTEMPTS: &str = "x-switchyard-attempts";
const CREDENTIAL: &str = "x-switchyard-credential";

/// A gateway caller: an API token (`Authorization: Bearer sy_…` or `x-api-key`) checked
/// in memory, or a signed-in user's session from the same site.
pub struct GatewayAuth(pub GatewayCaller);

impl FromRequestParts<AppState> for GatewayAuth {
    type Rejection = OpenAiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")));
        let api_key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
        if let Some(raw) = bearer.or(api_key) {
            return Ok(Self(state.services.gateway.authenticate(raw).await?));
        }
        // A cookie rides along on any request a browser sends, so a session counts only
        // from this site's own pages.
        if !parts.method.is_safe() && is_cross_origin(&parts.headers) {
            return Err(
                DomainError::Denied("Cross-origin requests that change data are refused.".into()).into(),
            );
        }
        match authenticate(&state.services, parts).await {
            Ok(user) => Ok(Self(GatewayCaller::session(&user))),
            Err(_) => Err(DomainError::unauthorized(
                "Send an API token as `Authorization: Bearer sy_…` (or `x-api-key`).",
            )
            .into()),
        }
    }
}

/// The request body, at most the gateway's limit.
async fn body_of(state: &AppState, request: Request) -> Result<Bytes, OpenAiError> {
    let limit = state.gateway_max_body_bytes;
    axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| {
            OpenAiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                "request_too_large",
                format!("The request body is larger than {limit} bytes (SWITCHYARD_GATEWAY_MAX_BODY_BYTES)."),
            )
        })
}

fn request_id(request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned()
}

async fn forward(state: AppState, caller: GatewayCaller, endpoint: Endpoint, request: Request) -> Response {
    let id = request_id(&request);
    let body = match body_of(&state, request).await {
        Ok(body) => body,
        Err(error) => return error.in_dialect(endpoint),
    };
    match state.services.gateway.forward(&caller, endpoint, body, &id).await {
        Ok(reply) => reply_response(reply),
        Err(failure) => OpenAiError::from(failure).in_dialect(endpoint),
    }
}

/// Any other path under `/v1`: OpenAI's 404, not the site's page.
pub async fn unknown_route() -> OpenAiError {
    OpenAiError::new(
        StatusCode::NOT_FOUND,
        "invalid_request_error",
        "unknown_url",
        "Switchyard's gateway serves /v1/chat/completions, /v1/embeddings, /v1/messages and /v1/models.",
    )
}

/// The upstream's status, content type and body; never its other headers.
fn reply_response(reply: Reply) -> Response {
    let body = match reply.body {
        ReplyBody::Full(bytes) => Body::from(bytes),
        ReplyBody::Stream(stream) => Body::from_stream(stream),
    };
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::BAD_GATEWAY);
    let headers = response.headers_mut();
    if let Some(value) = reply.content_type.and_then(|t| HeaderValue::from_str(&t).ok()) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // Names may hold any letter; a header carries ASCII, so the rest is percent-encoded.
    if let Ok(value) = HeaderValue::from_str(&header_safe(&reply.credential)) {
        headers.insert(CREDENTIAL, value);
    }
    headers.insert(ATTEMPTS, HeaderValue::from(reply.attempts));
    response
}

fn header_safe(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            ' '..='~' if c != '%' => c.to_string(),
            other => other.to_string().bytes().map(|b| format!("%{b:02X}")).collect(),
        })
        .collect()
}

/// Chat completions, plain or streamed, through the best credential that answers.
#[utoipa::path(post, path = "/v1/chat/completions", tag = "gateway", security(("token" = []), ("session" = [])),
    request_body(content = serde_json::Value, description = "OpenAI's chat completion request, passed on as sent"),
    responses((status = 200, description = "The provider's answer (JSON, or `text/event-stream` with `stream: true`)"),
    GatewayErrors))]
pub async fn chat(
    GatewayAuth(caller): GatewayAuth,
    State(state): State<AppState>,
    request: Request,
) -> Response {
    forward(state, caller, Endpoint::Chat, request).await
}

/// Embeddings through the best credential that answers.
#[utoipa::path(post, path = "/v1/embeddings", tag = "gateway", security(("token" = []), ("session" = [])),
    request_body(content = serde_json::Value, description = "OpenAI's embeddings request"),
    responses((status = 200, description = "The provider's answer"), GatewayErrors))]
pub async fn embeddings(
    GatewayAuth(caller): GatewayAuth,
    State(state): State<AppState>,
    request: Request,
) -> Response {
    forward(state, caller, Endpoint::Embeddings, request).await
}

/// Anthropic's Messages API, for providers whose template speaks it natively.
#[utoipa::path(post, path = "/v1/messages", tag = "gateway", security(("token" = []), ("session" = [])),
    request_body(content = serde_json::Value, description = "Anthropic's messages request"),
    responses((status = 200, description = "The provider's answer"), GatewayErrors))]
pub async fn messages(
    caller: Result<GatewayAuth, OpenAiError>,
    State(state): State<AppState>,
    request: Request,
) -> Response {
    match caller {
        Ok(GatewayAuth(caller)) => forward(state, caller, Endpoint::Messages, request).await,
        Err(refused) => refused.in_dialect(Endpoint::Messages),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ModelObject {
    id: String,
    object: &'static str,
    created: i64,
    /// The identifier of the provider that serves it first.
    owned_by: String,
}

#[derive(Serialize, ToSchema)]
pub struct ModelList {
    object: &'static str,
    data: Vec<ModelObject>,
}

/// The enabled models this caller can reach through at least one usable credential.
#[utoipa::path(get, path = "/v1/models", tag = "gateway", security(("token" = []), ("session" = [])),
    responses((status = 200, body = ModelList), GatewayErrors))]
pub async fn models(GatewayAuth(caller): GatewayAuth, State(state): State<AppState>) -> Json<ModelList> {
    let data = state
        .services
        .gateway
        .models(&caller)
        .await
        .into_iter()
        .map(|m| ModelObject {
            id: m.id,
            object: "model",
            created: m.created,
            owned_by: m.owned_by,
        })
        .collect();
    Json(ModelList { object: "list", data })
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// Days back, today included (1 to 366; 30 when left out).
    days: Option<i64>,
}

/// The caller's own gateway usage per day: a session's user through every token and the
/// UI; a token its own.
#[utoipa::path(get, path = "/api/usage", tag = "gateway", security(("session" = []), ("token" = [])),
    params(UsageQuery), responses((status = 200, body = UsageDto), SignedInErrors))]
pub async fn usage(
    ApiCaller(caller): ApiCaller,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageDto>, ApiError> {
    let caller = match &caller {
        Caller::Session(user) => GatewayCaller::session(user),
        Caller::Token(token) => GatewayCaller::reading(token),
    };
    let report = state
        .services
        .gateway
        .usage(&caller, query.days.unwrap_or(30))
        .await?;
    Ok(Json(report.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_names_become_header_safe() {
        assert_eq!(header_safe("main key"), "main key");
        assert_eq!(header_safe("clé 100%"), "cl%C3%A9 100%25");
        assert!(HeaderValue::from_str(&header_safe("名前\n")).is_ok());
    }
}
