//! `GET /api/scheduler/jobs`: the background jobs, their last and next runs.

use app::dto::{JobDto, ListResponse};
use axum::extract::State;
use axum::Json;

use super::extract::AdminUser;
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

/// Each job with its interval, status (`running`, `ok`, `failed` or `scheduled`), last
/// run (start, end, duration, error), next run and number of runs, across instances.
#[utoipa::path(get, path = "/api/scheduler/jobs", tag = "system", security(("session" = [])),
    responses((status = 200, body = ListResponse<JobDto>), AdminErrors))]
pub async fn jobs(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<JobDto>>, ApiError> {
    Ok(Json(ListResponse::of(
        state.services.scheduler.list(&admin).await?,
    )))
}
