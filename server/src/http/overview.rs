//! `GET /api/admin/overview`: per-provider figures over the last 24 hours.

use app::dto::FiguresDto;
use axum::extract::State;
use axum::Json;
use chrono::Utc;

use super::extract::AdminUser;
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

/// Per provider: requests, success rate, average and p95 latency (ms), and requests and
/// errors per hour over 24 hours; and the credentials in cooldown or disabled, with why.
#[utoipa::path(get, path = "/api/admin/overview", tag = "logs", security(("session" = [])),
    responses((status = 200, body = FiguresDto), AdminErrors))]
pub async fn figures(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<FiguresDto>, ApiError> {
    let overview = state.services.overview.figures(&admin, Utc::now()).await?;
    Ok(Json(overview.into()))
}
