//! `/api/admin/backups`: list the archives, make one now, verify one. Restoring is the
//! command line's (`switchyard backup restore`): it replaces every row of the database.

use app::dto::{BackupDto, BackupVerificationDto, BackupsDto};
use axum::extract::{Path, State};
use axum::Json;
use http::StatusCode;

use super::extract::AdminUser;
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};

/// The archives, newest first, with their last verification, and the next scheduled backup.
#[utoipa::path(get, path = "/api/admin/backups", tag = "system", security(("session" = [])),
    responses((status = 200, body = BackupsDto), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<BackupsDto>, ApiError> {
    let services = &state.services;
    let overview = services
        .scheduler
        .backup_overview(&admin, &services.backups)
        .await?;
    Ok(Json(overview.into()))
}

/// Makes a backup now, from one consistent snapshot, while the server keeps serving.
#[utoipa::path(post, path = "/api/admin/backups", tag = "system", security(("session" = [])),
    responses((status = 201, body = BackupDto), (status = 503, body = ErrorBody), AdminErrors))]
pub async fn create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<(StatusCode, Json<BackupDto>), ApiError> {
    let backup = state.services.backups.create_as(&admin).await?;
    Ok((StatusCode::CREATED, Json(backup.into())))
}

/// Checks one archive: checksums, that it loads, and that this instance's master key
/// opens it and decrypts every secret. 400 says what is wrong with a damaged one (or a
/// name that is not an archive's).
#[utoipa::path(post, path = "/api/admin/backups/{name}/verify", tag = "system", security(("session" = [])),
    params(("name" = String, Path)),
    responses((status = 200, body = BackupVerificationDto), (status = 400, body = ErrorBody),
        (status = 404, body = ErrorBody), AdminErrors))]
pub async fn verify(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Json<BackupVerificationDto>, ApiError> {
    Ok(Json(
        state.services.backups.verify_as(&admin, &name).await?.into(),
    ))
}
