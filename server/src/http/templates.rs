//! `/api/admin/provider-templates`: the same template service the pages call.

use app::dto::{ListResponse, TemplateDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::templates::{NewTemplate, TemplatePatch};
use http::StatusCode;
use serde::{Deserialize, Deserializer};

use super::extract::{path_id, AdminUser, ApiJson};
use super::{ApiError, AppState};

pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<TemplateDto>>, ApiError> {
    let rows = state.services.templates.list(&admin).await?;
    Ok(Json(ListResponse::of(rows)))
}

pub async fn get(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TemplateDto>, ApiError> {
    Ok(Json(
        state.services.templates.get(&admin, path_id(&id)?).await?.into(),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTemplateRequest {
    key: String,
    name: String,
    description: Option<String>,
    default_base_url: Option<String>,
    definition: Option<serde_json::Value>,
    /// The id or key of a template to copy.
    clone_from: Option<String>,
}

pub async fn create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateTemplateRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let new = NewTemplate {
        key: body.key,
        name: body.name,
        description: body.description,
        default_base_url: body.default_base_url,
        definition: body.definition,
        clone_from: body.clone_from,
    };
    let row = state.services.templates.create(&admin, new).await?;
    Ok((StatusCode::CREATED, Json(TemplateDto::from(row))))
}

/// Tells "absent" (leave it) from `null` (clear it).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(deserializer).map(Some)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateTemplateRequest {
    name: Option<String>,
    description: Option<String>,
    #[serde(default, deserialize_with = "present")]
    default_base_url: Option<Option<String>>,
    definition: Option<serde_json::Value>,
}

pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateTemplateRequest>,
) -> Result<Json<TemplateDto>, ApiError> {
    let patch = TemplatePatch {
        name: body.name,
        description: body.description,
        default_base_url: body.default_base_url,
        definition: body.definition,
    };
    Ok(Json(
        state
            .services
            .templates
            .update(&admin, path_id(&id)?, patch)
            .await?
            .into(),
    ))
}

pub async fn delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.templates.delete(&admin, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
