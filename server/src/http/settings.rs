//! `GET|PATCH /api/admin/settings`: instance-wide settings an admin may change.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{AdminUser, ApiJson};
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SettingsResponse {
    /// Resolve lists a caller's own connections before the global credentials.
    resolve_personal_first: bool,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SettingsPatch {
    resolve_personal_first: Option<bool>,
}

async fn current(state: &AppState) -> Result<Json<SettingsResponse>, ApiError> {
    Ok(Json(SettingsResponse {
        resolve_personal_first: state.services.resolve.personal_first().await?,
    }))
}

#[utoipa::path(get, path = "/api/admin/settings", tag = "system", security(("session" = [])),
    responses((status = 200, body = SettingsResponse), AdminErrors))]
pub async fn get(
    AdminUser(_admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<SettingsResponse>, ApiError> {
    current(&state).await
}

#[utoipa::path(patch, path = "/api/admin/settings", tag = "system", security(("session" = [])),
    request_body = SettingsPatch, responses((status = 200, body = SettingsResponse), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SettingsPatch>,
) -> Result<Json<SettingsResponse>, ApiError> {
    if let Some(on) = body.resolve_personal_first {
        state.services.resolve.set_personal_first(&admin, on).await?;
    }
    current(&state).await
}
