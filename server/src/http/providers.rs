//! `/api/admin/providers` and `/api/providers`: the same provider service the pages call.

use app::dto::{AvailableProviderDto, ListResponse, ProviderDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::providers::{NewProvider, ProviderFilter, ProviderPatch};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::extract::{path_id, AdminUser, ApiJson, ApiQuery, AuthUser};
use super::openapi::{AdminErrors, ErrorBody, SignedInErrors};
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct ProviderQuery {
    /// `true`: system providers only; `false`: custom ones only.
    is_system: Option<bool>,
    enabled: Option<bool>,
    /// Part of the identifier or name, any case.
    search: Option<String>,
}

#[utoipa::path(get, path = "/api/admin/providers", tag = "providers", security(("session" = [])), params(ProviderQuery),
    responses((status = 200, body = ListResponse<ProviderDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ProviderQuery>,
) -> Result<Json<ListResponse<ProviderDto>>, ApiError> {
    let filter = ProviderFilter {
        is_system: query.is_system,
        enabled: query.enabled,
        search: query.search,
    };
    let rows = state.services.providers.list(&admin, &filter).await?;
    Ok(Json(ListResponse::of(rows)))
}

/// Enabled providers with their enabled models, for any signed-in user.
#[utoipa::path(get, path = "/api/providers", tag = "providers", security(("session" = [])),
    responses((status = 200, body = ListResponse<AvailableProviderDto>), SignedInErrors))]
pub async fn list_enabled(
    AuthUser(_user): AuthUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<AvailableProviderDto>>, ApiError> {
    let rows = state.services.providers.list_enabled().await?;
    Ok(Json(ListResponse::of(rows)))
}

#[utoipa::path(get, path = "/api/admin/providers/{id}", tag = "providers", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = ProviderDto), AdminErrors))]
pub async fn get(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProviderDto>, ApiError> {
    let row = state.services.providers.get(&admin, path_id(&id)?).await?;
    Ok(Json(row.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateProviderRequest {
    identifier: String,
    name: String,
    /// The template's id or key.
    template_id: String,
    base_url: Option<String>,
    default_priority: Option<i64>,
    enabled: Option<bool>,
    /// Whether users' connections may use their own endpoint (off when left out).
    allow_endpoint_override: Option<bool>,
}

#[utoipa::path(post, path = "/api/admin/providers", tag = "providers", security(("session" = [])), request_body = CreateProviderRequest, responses(
    (status = 201, body = ProviderDto), (status = 409, description = "The identifier is taken", body = ErrorBody), AdminErrors))]
pub async fn create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateProviderRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let new = NewProvider {
        identifier: body.identifier,
        name: body.name,
        template: body.template_id,
        base_url: body.base_url,
        default_priority: body.default_priority,
        enabled: body.enabled,
        allow_endpoint_override: body.allow_endpoint_override,
    };
    let row = state.services.providers.create(&admin, new).await?;
    Ok((StatusCode::CREATED, Json(ProviderDto::from(row))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateProviderRequest {
    name: Option<String>,
    base_url: Option<String>,
    default_priority: Option<i64>,
    enabled: Option<bool>,
    /// Whether users' connections may use their own endpoint.
    allow_endpoint_override: Option<bool>,
}

#[utoipa::path(patch, path = "/api/admin/providers/{id}", tag = "providers", security(("session" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateProviderRequest, responses((status = 200, body = ProviderDto), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateProviderRequest>,
) -> Result<Json<ProviderDto>, ApiError> {
    let patch = ProviderPatch {
        name: body.name,
        base_url: body.base_url,
        default_priority: body.default_priority,
        enabled: body.enabled,
        allow_endpoint_override: body.allow_endpoint_override,
    };
    let row = state
        .services
        .providers
        .update(&admin, path_id(&id)?, patch)
        .await?;
    Ok(Json(row.into()))
}

/// Deletes a custom provider; system providers (400) and providers with credentials (409) are refused.
#[utoipa::path(delete, path = "/api/admin/providers/{id}", tag = "providers", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 204, description = "Deleted"), (status = 409, description = "Credentials use it", body = ErrorBody), AdminErrors))]
pub async fn delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.providers.delete(&admin, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/admin/providers/registry-status", tag = "providers", security(("session" = [])), responses(
    (status = 200, description = "`{templates, builtinTemplates, customTemplates, systemProviders, customProviders, enabledProviders, models, lastSeededAt}`", body = Object), AdminErrors))]
pub async fn registry_status(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let s = state.services.system.registry_status(&admin).await?;
    Ok(Json(json!({
        "templates": s.builtin_templates + s.custom_templates,
        "builtinTemplates": s.builtin_templates,
        "customTemplates": s.custom_templates,
        "systemProviders": s.system_providers,
        "customProviders": s.custom_providers,
        "enabledProviders": s.enabled_providers,
        "models": s.models,
        "lastSeededAt": s.last_seeded_at,
    })))
}

/// Seeds again: adds built-ins that are missing, never touches what exists.
#[utoipa::path(post, path = "/api/admin/providers/refresh-registry", tag = "providers", security(("session" = [])), responses(
    (status = 200, description = "`{templatesAdded, providersAdded, changed}`", body = Object), AdminErrors))]
pub async fn refresh_registry(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let report = state.services.system.refresh_registry(&admin).await?;
    Ok(Json(json!({
        "templatesAdded": report.templates_added,
        "providersAdded": report.providers_added,
        "changed": !(report.templates_added.is_empty() && report.providers_added.is_empty()),
    })))
}
