//! `/api/admin/provider-templates`: the same template service the pages call.

use app::dto::{ListResponse, TemplateDto};
use axum::extract::{Path, State};
use axum::Json;

use super::extract::{path_id, AdminUser};
use super::{ApiError, AppState};

pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<TemplateDto>>, ApiError> {
    let rows = state.services.templates.list(&admin).await?;
    Ok(Json(
        rows.into_iter().map(TemplateDto::from).collect::<Vec<_>>().into(),
    ))
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
