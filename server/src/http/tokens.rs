//! `/api/tokens` (a user's own) and `/api/admin/tokens` (service tokens, every token).

use app::dto::{ApiTokenDto, CreatedTokenDto, ListResponse};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::tokens::NewToken;
use http::StatusCode;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{path_id, AdminUser, ApiJson, AuthUser};
use super::openapi::{AdminErrors, ErrorBody, SignedInErrors};
use super::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTokenRequest {
    name: String,
    /// Any of `resolve`, `secrets:read` (admins only), `gateway`; `["gateway"]` when left out.
    scopes: Option<Vec<String>>,
    /// When it stops working; never when left out.
    expires_at: Option<DateTime<Utc>>,
    /// Model ids the gateway serves it (as asked, or `provider/model`); any when left out.
    allowed_models: Option<Vec<String>>,
    /// Provider identifiers the gateway may use for it; any when left out.
    allowed_providers: Option<Vec<String>>,
    /// Gateway requests per minute (1 to 1,000,000); no limit when left out.
    rate_limit_per_minute: Option<i64>,
}

impl From<CreateTokenRequest> for NewToken {
    fn from(b: CreateTokenRequest) -> Self {
        NewToken {
            name: b.name,
            scopes: b.scopes,
            expires_at: b.expires_at,
            allowed_models: b.allowed_models,
            allowed_providers: b.allowed_providers,
            rate_limit_per_minute: b.rate_limit_per_minute,
        }
    }
}

fn created(row: domain::entities::api_tokens::Model, token: &SecretString) -> impl IntoResponse {
    let body = CreatedTokenDto {
        token: token.expose_secret().to_owned(),
        details: row.into(),
    };
    (StatusCode::CREATED, Json(body))
}

/// The caller's own tokens, newest first.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens", security(("session" = [])),
    responses((status = 200, body = ListResponse<ApiTokenDto>), SignedInErrors))]
pub async fn own_list(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<ApiTokenDto>>, ApiError> {
    Ok(Json(ListResponse::of(
        state.services.tokens.list_own(&user).await?,
    )))
}

/// A personal token; the answer is the only time the token is shown.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens", security(("session" = [])),
    request_body = CreateTokenRequest, responses((status = 201, body = CreatedTokenDto), SignedInErrors))]
pub async fn own_create(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (row, token) = state.services.tokens.create_personal(&user, body.into()).await?;
    Ok(created(row, &token))
}

/// Revokes one of the caller's tokens; admins may revoke any.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ApiTokenDto),
    (status = 404, description = "Not one of yours", body = ErrorBody), SignedInErrors))]
pub async fn revoke(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ApiTokenDto>, ApiError> {
    let row = state.services.tokens.revoke(&user, path_id(&id)?).await?;
    Ok(Json(row.into()))
}

/// Every token, newest first.
#[utoipa::path(get, path = "/api/admin/tokens", tag = "tokens", security(("session" = [])),
    responses((status = 200, body = ListResponse<ApiTokenDto>), AdminErrors))]
pub async fn admin_list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<ApiTokenDto>>, ApiError> {
    Ok(Json(ListResponse::of(
        state.services.tokens.list_all(&admin).await?,
    )))
}

/// A service token: it reaches global credentials only, never anyone's connections.
#[utoipa::path(post, path = "/api/admin/tokens", tag = "tokens", security(("session" = [])),
    request_body = CreateTokenRequest, responses((status = 201, body = CreatedTokenDto), AdminErrors))]
pub async fn admin_create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateTokenRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (row, token) = state.services.tokens.create_service(&admin, body.into()).await?;
    Ok(created(row, &token))
}
