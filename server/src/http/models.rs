//! `/api/admin/providers/{id}/models` and `…/sync-models`: the model service's adapters.

use std::collections::HashMap;

use app::dto::{ListResponse, ModelDto, SyncDiffDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;

use super::extract::{path_id, AdminUser, ApiJson, ApiQuery};
use super::{ApiError, AppState};

pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(provider): Path<String>,
) -> Result<Json<ListResponse<ModelDto>>, ApiError> {
    let rows = state.services.models.list(&admin, path_id(&provider)?).await?;
    Ok(Json(ListResponse::of(rows)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct AddModelRequest {
    model_id: String,
    display_name: Option<String>,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateModelRequest {
    enabled: bool,
}

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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncQuery {
    #[serde(default)]
    apply: bool,
}

/// The credential fields to list models with, typed for this request and never stored.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SyncRequest {
    #[serde(default)]
    fields: HashMap<String, SecretString>,
}

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
