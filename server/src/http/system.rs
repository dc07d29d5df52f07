//! `GET /api/system/status`: what an admin needs to know about this instance.

use axum::extract::State;
use axum::Json;
use serde_json::json;

use super::extract::AdminUser;
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

#[utoipa::path(get, path = "/api/system/status", tag = "system", security(("session" = [])), responses(
    (status = 200, description = "`{version, uptime, database, schemaVersion, vaultKeyVersion, counts}`", body = Object), AdminErrors))]
pub async fn status(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let system = &state.services.system;
    let counts = system.counts(&admin).await?;
    let database = system.database(&admin).await?;
    Ok(Json(json!({
        "version": env!("CARGO_PKG_VERSION"),
        "uptime": state.started_at.elapsed().as_secs(),
        "database": database.backend,
        "schemaVersion": database.schema_version,
        "vaultKeyVersion": state.services.vault.active_version(),
        "counts": app::dto::Overview::from(counts),
    })))
}
