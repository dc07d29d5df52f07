//! `GET|PATCH /api/admin/settings`: instance-wide settings an admin may change.

use axum::extract::State;
use axum::Json;
use domain::routing::{Settings, SettingsPatch};
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
pub struct SettingsRequest {
    resolve_personal_first: Option<bool>,
}

impl From<Settings> for SettingsResponse {
    fn from(settings: Settings) -> Self {
        Self {
            resolve_personal_first: settings.personal_first,
        }
    }
}

#[utoipa::path(get, path = "/api/admin/settings", tag = "system", security(("session" = [])),
    responses((status = 200, body = SettingsResponse), AdminErrors))]
pub async fn get(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<SettingsResponse>, ApiError> {
    Ok(Json(state.services.resolve.settings().get(&admin).await?.into()))
}

#[utoipa::path(patch, path = "/api/admin/settings", tag = "system", security(("session" = [])),
    request_body = SettingsRequest, responses((status = 200, body = SettingsResponse), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SettingsRequest>,
) -> Result<Json<SettingsResponse>, ApiError> {
    let patch = SettingsPatch {
        personal_first: body.resolve_personal_first,
    };
    Ok(Json(
        state
            .services
            .resolve
            .settings()
            .update(&admin, patch)
            .await?
            .into(),
    ))
}
