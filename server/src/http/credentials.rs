//! `/api/admin/credentials` (global, admins) and `/api/connections` (a user's own): one
//! credential service, scoped by `Owner`. Secret values are accepted, never returned.

use std::collections::HashMap;

use app::dto::{ConnectionSummaryDto, CredentialDto, ImportResultDto, ListResponse};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::access::Owner;
use domain::credentials::{CredentialPatch, ListQuery, NewCredential};
use domain::error::optional_word;
use domain::values::{Page, ProviderRef};
use http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::{nullable, path_id, AdminUser, ApiJson, ApiQuery, AuthUser};
use super::openapi::{AdminErrors, ErrorBody, SignedInErrors};
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct CredentialQuery {
    /// A provider's identifier (`gemini`) or id.
    provider: Option<String>,
    /// Keeps the names holding this text, in any case.
    search: Option<String>,
    /// `priority` (the default), `name` or `last-used` (the most recent first).
    order: Option<String>,
    /// From 1.
    page: Option<u64>,
    /// 1 to 200; 50 when left out.
    per_page: Option<u64>,
}

impl TryFrom<CredentialQuery> for ListQuery {
    type Error = ApiError;

    fn try_from(q: CredentialQuery) -> Result<Self, ApiError> {
        Ok(ListQuery {
            provider: ProviderRef::parse_filter(q.provider.as_deref()),
            search: q.search,
            order: optional_word("order", q.order.as_deref())?.unwrap_or_default(),
            page: Page::new(q.page, q.per_page)?,
        })
    }
}

/// Only `name`, `provider` and the template's required fields are mandatory.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateCredentialRequest {
    /// Required to create; a connection test ignores it.
    #[serde(default)]
    name: String,
    /// The provider's identifier (`gemini`) or id.
    provider: String,
    /// The template's fields, e.g. `{"api_key": "…"}`; secret ones are encrypted.
    #[serde(default)]
    #[schema(value_type = HashMap<String, String>)]
    fields: HashMap<String, SecretString>,
    /// 0 to 10,000, lower first; the provider's default priority when left out.
    priority: Option<i64>,
    /// 1 to 1000: shares load between equal priorities.
    weight: Option<i64>,
    active: Option<bool>,
    rate_limit_per_minute: Option<i64>,
    monthly_quota: Option<i64>,
    /// Failed health checks in a row before it is disabled (1 to 1000); the
    /// `SWITCHYARD_AUTO_DISABLE_AFTER` setting when left out.
    auto_disable_after: Option<i64>,
    /// Overrides the provider's base URL.
    endpoint: Option<String>,
}

impl From<CreateCredentialRequest> for NewCredential {
    fn from(b: CreateCredentialRequest) -> Self {
        NewCredential {
            name: b.name,
            provider: ProviderRef::parse(&b.provider),
            fields: b.fields,
            priority: b.priority,
            weight: b.weight,
            active: b.active,
            rate_limit_per_minute: b.rate_limit_per_minute,
            monthly_quota: b.monthly_quota,
            auto_disable_after: b.auto_disable_after,
            endpoint: b.endpoint,
        }
    }
}

/// Fields left out stay as they are; `null` clears the optional ones.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateCredentialRequest {
    name: Option<String>,
    /// Replaces the values given (a secret's replacement); an empty secret keeps the stored one.
    #[schema(value_type = Option<HashMap<String, String>>)]
    fields: Option<HashMap<String, SecretString>>,
    priority: Option<i64>,
    weight: Option<i64>,
    active: Option<bool>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    rate_limit_per_minute: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    monthly_quota: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<i64>)]
    auto_disable_after: Option<Option<i64>>,
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    endpoint: Option<Option<String>>,
}

impl From<UpdateCredentialRequest> for CredentialPatch {
    fn from(b: UpdateCredentialRequest) -> Self {
        CredentialPatch {
            name: b.name,
            fields: b.fields,
            priority: b.priority,
            weight: b.weight,
            active: b.active,
            rate_limit_per_minute: b.rate_limit_per_minute,
            monthly_quota: b.monthly_quota,
            auto_disable_after: b.auto_disable_after,
            endpoint: b.endpoint,
        }
    }
}

async fn list(
    state: &AppState,
    owner: &Owner,
    query: CredentialQuery,
) -> Result<Json<ListResponse<CredentialDto>>, ApiError> {
    let (rows, total) = state.services.credentials.list(owner, &query.try_into()?).await?;
    Ok(Json(ListResponse::page(rows, total)))
}

async fn create(
    state: &AppState,
    owner: &Owner,
    body: CreateCredentialRequest,
) -> Result<impl IntoResponse, ApiError> {
    let view = state.services.credentials.create(owner, body.into()).await?;
    Ok((StatusCode::CREATED, Json(CredentialDto::from(view))))
}

async fn get(state: &AppState, owner: &Owner, id: &str) -> Result<Json<CredentialDto>, ApiError> {
    let view = state.services.credentials.get(owner, path_id(id)?).await?;
    Ok(Json(view.into()))
}

async fn update(
    state: &AppState,
    owner: &Owner,
    id: &str,
    body: UpdateCredentialRequest,
) -> Result<Json<CredentialDto>, ApiError> {
    let view = state
        .services
        .credentials
        .update(owner, path_id(id)?, body.into())
        .await?;
    Ok(Json(view.into()))
}

async fn delete(state: &AppState, owner: &Owner, id: &str) -> Result<StatusCode, ApiError> {
    state.services.credentials.delete(owner, path_id(id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every global credential's metadata as CSV (no secret, no key hint), in the order they
/// are used; cells a spreadsheet would run as formulas start with an apostrophe.
#[utoipa::path(get, path = "/api/admin/credentials/export.csv", tag = "credentials", security(("session" = [])),
    responses((status = 200, description = "`text/csv`, one row per credential after a header row",
        content_type = "text/csv", body = String), AdminErrors))]
pub async fn admin_export(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let csv = state.services.credentials.export_csv(&admin).await?;
    Ok((
        [
            (http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"credentials.csv\"",
            ),
        ],
        csv,
    ))
}

/// Keys to import for one provider.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct ImportRequest {
    /// The provider's identifier or id.
    provider: String,
    /// One key per line, or `name,key` lines (a `name,key` header is skipped); at most 200.
    #[schema(value_type = String)]
    keys: SecretString,
    /// Save the keys that fail their test too (inactive); by default they are not saved.
    #[serde(default)]
    save_failed: bool,
    /// The key to start from (from 0): the `next` of the answer before. Each answer
    /// covers one batch, so that no request runs long, however slow the provider.
    #[serde(default)]
    from: usize,
}

/// Tests a batch of the keys against the provider before saving each as a global
/// credential; one result per key, in order (the same key twice is tried once). While the
/// answer has a `next`, send the same body again with `from` set to it.
#[utoipa::path(post, path = "/api/admin/credentials/import", tag = "credentials", security(("session" = [])),
    request_body = ImportRequest, responses((status = 200, body = ImportResultDto), AdminErrors))]
pub async fn admin_import(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ImportRequest>,
) -> Result<Json<ImportResultDto>, ApiError> {
    let batch = state
        .services
        .credentials
        .import(
            &admin,
            ProviderRef::parse(&body.provider),
            &body.keys,
            body.save_failed,
            body.from,
        )
        .await?;
    Ok(Json(batch.into()))
}

/// Global credentials by priority (lower first), then name.
#[utoipa::path(get, path = "/api/admin/credentials", tag = "credentials", security(("session" = [])),
    params(CredentialQuery), responses((status = 200, body = ListResponse<CredentialDto>), AdminErrors))]
pub async fn admin_list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CredentialQuery>,
) -> Result<Json<ListResponse<CredentialDto>>, ApiError> {
    list(&state, &Owner::Admins(admin), query).await
}

#[utoipa::path(post, path = "/api/admin/credentials", tag = "credentials", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 201, body = CredentialDto),
    (status = 409, description = "A global credential has this name", body = ErrorBody), AdminErrors))]
pub async fn admin_create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<impl IntoResponse, ApiError> {
    create(&state, &Owner::Admins(admin), body).await
}

#[utoipa::path(get, path = "/api/admin/credentials/{id}", tag = "credentials", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = CredentialDto), AdminErrors))]
pub async fn admin_get(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CredentialDto>, ApiError> {
    get(&state, &Owner::Admins(admin), &id).await
}

#[utoipa::path(patch, path = "/api/admin/credentials/{id}", tag = "credentials", security(("session" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateCredentialRequest,
    responses((status = 200, body = CredentialDto),
    (status = 409, description = "Another global credential has this name", body = ErrorBody), AdminErrors))]
pub async fn admin_update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCredentialRequest>,
) -> Result<Json<CredentialDto>, ApiError> {
    update(&state, &Owner::Admins(admin), &id, body).await
}

#[utoipa::path(delete, path = "/api/admin/credentials/{id}", tag = "credentials", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 204, description = "Deleted"), AdminErrors))]
pub async fn admin_delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &Owner::Admins(admin), &id).await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    page: Option<u64>,
    per_page: Option<u64>,
}

/// Every user's connections: that they exist, whose, their state; never a hint or a field.
#[utoipa::path(get, path = "/api/admin/connections", tag = "connections", security(("session" = [])),
    params(PageQuery), responses((status = 200, body = ListResponse<ConnectionSummaryDto>), AdminErrors))]
pub async fn admin_connections(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<ListResponse<ConnectionSummaryDto>>, ApiError> {
    let (rows, total) = state
        .services
        .credentials
        .list_all_connections(&admin, Page::new(query.page, query.per_page)?)
        .await?;
    Ok(Json(ListResponse::page(rows, total)))
}

/// The caller's own connections; nobody else's, admins included.
#[utoipa::path(get, path = "/api/connections", tag = "connections", security(("session" = [])),
    params(CredentialQuery), responses((status = 200, body = ListResponse<CredentialDto>), SignedInErrors))]
pub async fn own_list(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<CredentialQuery>,
) -> Result<Json<ListResponse<CredentialDto>>, ApiError> {
    list(&state, &Owner::User(user), query).await
}

/// A connection of the caller's to an enabled provider.
#[utoipa::path(post, path = "/api/connections", tag = "connections", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 201, body = CredentialDto),
    (status = 409, description = "You have a connection with this name", body = ErrorBody), SignedInErrors))]
pub async fn own_create(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<impl IntoResponse, ApiError> {
    create(&state, &Owner::User(user), body).await
}

/// 404 for any id that is not one of the caller's connections.
#[utoipa::path(get, path = "/api/connections/{id}", tag = "connections", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = CredentialDto),
    (status = 404, description = "Not one of yours", body = ErrorBody), SignedInErrors))]
pub async fn own_get(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CredentialDto>, ApiError> {
    get(&state, &Owner::User(user), &id).await
}

#[utoipa::path(patch, path = "/api/connections/{id}", tag = "connections", security(("session" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateCredentialRequest, responses((status = 200, body = CredentialDto),
    (status = 404, description = "Not one of yours", body = ErrorBody),
    (status = 409, description = "You have another connection with this name", body = ErrorBody), SignedInErrors))]
pub async fn own_update(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateCredentialRequest>,
) -> Result<Json<CredentialDto>, ApiError> {
    update(&state, &Owner::User(user), &id, body).await
}

#[utoipa::path(delete, path = "/api/connections/{id}", tag = "connections", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 204, description = "Deleted"),
    (status = 404, description = "Not one of yours", body = ErrorBody), SignedInErrors))]
pub async fn own_delete(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    delete(&state, &Owner::User(user), &id).await
}
