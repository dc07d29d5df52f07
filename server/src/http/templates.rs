//! `/api/admin/provider-templates`: the same template service the pages call.

use app::dto::{ListResponse, TemplateDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::templates::{NewTemplate, TemplatePatch};
use http::StatusCode;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{nullable, path_id, AdminUser, ApiJson};
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};

#[utoipa::path(get, path = "/api/admin/provider-templates", tag = "templates", security(("session" = [])),
    responses((status = 200, body = ListResponse<TemplateDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<TemplateDto>>, ApiError> {
    let rows = state.services.templates.list(&admin).await?;
    Ok(Json(ListResponse::of(rows)))
}

#[utoipa::path(get, path = "/api/admin/provider-templates/{id}", tag = "templates", security(("session" = [])), params(("id" = Uuid, Path)),
    responses((status = 200, body = TemplateDto), AdminErrors))]
pub async fn get(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<TemplateDto>, ApiError> {
    Ok(Json(
        state.services.templates.get(&admin, path_id(&id)?).await?.into(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateTemplateRequest {
    key: String,
    name: String,
    description: Option<String>,
    default_base_url: Option<String>,
    /// Auth scheme, extra headers, fields, test and model-list requests.
    #[schema(value_type = Option<Object>)]
    definition: Option<serde_json::Value>,
    /// The id or key of a template to copy.
    clone_from: Option<String>,
}

/// A custom template from a definition, or a copy of another template (`cloneFrom`).
#[utoipa::path(post, path = "/api/admin/provider-templates", tag = "templates", security(("session" = [])), request_body = CreateTemplateRequest, responses(
    (status = 201, body = TemplateDto), (status = 409, description = "The key is taken", body = ErrorBody), AdminErrors))]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateTemplateRequest {
    name: Option<String>,
    description: Option<String>,
    /// `null` clears it.
    #[serde(default, deserialize_with = "nullable")]
    #[schema(value_type = Option<String>)]
    default_base_url: Option<Option<String>>,
    #[schema(value_type = Option<Object>)]
    definition: Option<serde_json::Value>,
}

/// Changes a custom template; built-ins are refused (clone them).
#[utoipa::path(patch, path = "/api/admin/provider-templates/{id}", tag = "templates", security(("session" = [])), params(("id" = Uuid, Path)),
    request_body = UpdateTemplateRequest, responses((status = 200, body = TemplateDto), AdminErrors))]
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

#[utoipa::path(delete, path = "/api/admin/provider-templates/{id}", tag = "templates", security(("session" = [])), params(("id" = Uuid, Path)), responses(
    (status = 204, description = "Deleted"), (status = 409, description = "Providers use it", body = ErrorBody), AdminErrors))]
pub async fn delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.templates.delete(&admin, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
