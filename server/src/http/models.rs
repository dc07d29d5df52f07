//! `/api/admin/providers/{id}/models` and `…/sync-models`: the model service's adapters.

use std::collections::HashMap;

use app::dto::{ListResponse, ModelDto, SyncDiffDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::extract::{path_id, AdminUser, ApiJson, ApiQuery};
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};

#[utoipa::path(get, path = "/api/admin/providers/{id}/models", tag = "models", security(("session" = [])), params(("id" = Uuid, Path, description = "The provider")),
    responses((status = 200, body = ListResponse<ModelDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(provider): Path<String>,
) -> Result<Json<ListResponse<ModelDto>>, ApiError> {
    let rows = state.services.models.list(&admin, path_id(&provider)?).await?;
    Ok(Json(ListResponse::of(rows)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddModelRequest {
    model_id: String,
    display_name: Option<String>,
}

/// Adds a model by hand (`source: manual`).
#[utoipa::path(post, path = "/api/admin/providers/{id}/models", tag = "models", security(("session" = [])), params(("id" = Uuid, Path, description = "The provider")),
    request_body = AddModelRequest, responses((status = 201, body = ModelDto), (status = 409, description = "The provider has it", body = ErrorBody), AdminErrors))]
pub async fn add(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ApiJson(body): ApiJson<AddModelRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let row = state
        .services
        .models
        .add(
            &admin,
            path_id(&provider)?,
            &body.model_id,
            body.display_name.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(ModelDto::from(row))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateModelRequest {
    enabled: bool,
}

#[utoipa::path(patch, path = "/api/admin/providers/{id}/models/{model}", tag = "models", security(("session" = [])),
    params(("id" = Uuid, Path, description = "The provider"), ("model" = Uuid, Path, description = "The model's id (not its model id)")),
    request_body = UpdateModelRequest, responses((status = 200, body = ModelDto), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path((provider, model)): Path<(String, String)>,
    ApiJson(body): ApiJson<UpdateModelRequest>,
) -> Result<Json<ModelDto>, ApiError> {
    let row = state
        .services
        .models
        .set_enabled(&admin, path_id(&provider)?, path_id(&model)?, body.enabled)
        .await?;
    Ok(Json(row.into()))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SyncQuery {
    /// Apply the difference instead of only returning it.
    #[serde(default)]
    apply: bool,
}

/// The credential fields to list models with, typed for this request and never stored.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    /// Field name to value, e.g. `{"api_key": "…"}`.
    #[serde(default)]
    #[schema(value_type = HashMap<String, String>)]
    fields: HashMap<String, SecretString>,
}

/// Lists the provider's models upstream and returns the difference; `?apply=true` applies it.
#[utoipa::path(post, path = "/api/admin/providers/{id}/sync-models", tag = "models", security(("session" = [])), params(("id" = Uuid, Path), SyncQuery),
    request_body = SyncRequest, responses((status = 200, body = SyncDiffDto),
    (status = 502, description = "The provider answered badly (the message says how)", body = ErrorBody), AdminErrors))]
pub async fn sync(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ApiQuery(query): ApiQuery<SyncQuery>,
    ApiJson(body): ApiJson<SyncRequest>,
) -> Result<Json<SyncDiffDto>, ApiError> {
    let diff = state
        .services
        .models
        .sync(&admin, path_id(&provider)?, &body.fields, query.apply)
        .await?;
    Ok(Json(diff.into()))
}
