//! `GET /api/scheduler/jobs`: the background jobs, their last and next runs;
//! `POST /api/scheduler/jobs/{name}/run`: run one now.

use app::dto::{JobDto, ListResponse};
use axum::extract::{Path, State};
use axum::Json;

use super::extract::AdminUser;
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};
use app::AppError;
use vocab::Job;

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

/// Makes the job due now: the first instance to look (within a few seconds) runs it.
#[utoipa::path(post, path = "/api/scheduler/jobs/{name}/run", tag = "system", security(("session" = [])),
    params(("name" = String, Path, description = "`health_checks`, `log_pruning` or `backups`")),
    responses((status = 202, description = "Due now; it runs within a few seconds"),
        (status = 409, description = "A run is under way", body = ErrorBody), AdminErrors))]
pub async fn run_now(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<http::StatusCode, ApiError> {
    let job = Job::parse(&name).ok_or(ApiError::from(AppError::NotFound))?;
    state.services.scheduler.run_now(&admin, job).await?;
    Ok(http::StatusCode::ACCEPTED)
}
