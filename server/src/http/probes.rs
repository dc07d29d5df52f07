//! Connection tests: `POST /api/admin/credentials/{id}/test` and
//! `POST /api/connections/{id}/test` probe a saved credential; `…/test` without an id
//! probes the values of a create body without saving them; `…/test-all` tests every
//! global credential in the background.

use app::dto::{ProbeResultDto, TestRunDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::access::Owner;
use http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;
use vocab::RunId;

use super::credentials::CreateCredentialRequest;
use super::extract::{path_id, AdminUser, ApiJson, AuthUser};
use super::openapi::{AdminErrors, ErrorBody, SignedInErrors};
use super::{ApiError, AppState};

async fn test_saved(state: &AppState, owner: &Owner, id: &str) -> Result<Json<ProbeResultDto>, ApiError> {
    let report = state.services.credentials.test(owner, path_id(id)?).await?;
    Ok(Json(report.into()))
}

async fn test_unsaved(
    state: &AppState,
    owner: &Owner,
    body: CreateCredentialRequest,
) -> Result<Json<ProbeResultDto>, ApiError> {
    let report = state
        .services
        .credentials
        .test_unsaved(owner, &body.into(), None)
        .await?;
    Ok(Json(report.into()))
}

/// Sends the provider's probe with the stored values. A failed probe is a 200 whose
/// `outcome` says how it failed; the result is kept as the credential's last test.
#[utoipa::path(post, path = "/api/admin/credentials/{id}/test", tag = "credentials", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ProbeResultDto), AdminErrors))]
pub async fn admin_test(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_saved(&state, &Owner::Admins(admin), &id).await
}

/// Probes the values of a create body without saving anything (`name` may be left out).
#[utoipa::path(post, path = "/api/admin/credentials/test", tag = "credentials", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 200, body = ProbeResultDto), AdminErrors))]
pub async fn admin_test_unsaved(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_unsaved(&state, &Owner::Admins(admin), body).await
}

/// As the admins' test, for one of the caller's connections; a user's tests are limited
/// to 10 a minute.
#[utoipa::path(post, path = "/api/connections/{id}/test", tag = "connections", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ProbeResultDto),
    (status = 404, description = "Not one of yours", body = ErrorBody),
    (status = 429, description = "Too many tests this minute; see Retry-After", body = ErrorBody), SignedInErrors))]
pub async fn own_test(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_saved(&state, &Owner::User(user), &id).await
}

/// Probes the values of a create body without saving anything; counted with the
/// caller's other tests (10 a minute).
#[utoipa::path(post, path = "/api/connections/test", tag = "connections", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 200, body = ProbeResultDto),
    (status = 429, description = "Too many tests this minute; see Retry-After", body = ErrorBody), SignedInErrors))]
pub async fn own_test_unsaved(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_unsaved(&state, &Owner::User(user), body).await
}

#[derive(Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct TestAllStarted {
    job_id: RunId,
}

/// Tests every global credential of an enabled provider in the background (the
/// `SWITCHYARD_PROBE_CONCURRENCY` setting bounds how many at once). While a run is
/// going, starting again returns that run's id.
#[utoipa::path(post, path = "/api/admin/credentials/test-all", tag = "credentials", security(("session" = [])),
    responses((status = 202, body = TestAllStarted), AdminErrors))]
pub async fn start_test_all(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let job_id = state.services.test_all.start(&admin).await?;
    Ok((StatusCode::ACCEPTED, Json(TestAllStarted { job_id })))
}

/// Progress and the results so far.
#[utoipa::path(get, path = "/api/admin/credentials/test-all/{jobId}", tag = "credentials", security(("session" = [])),
    params(("jobId" = Uuid, Path)), responses((status = 200, body = TestRunDto), AdminErrors))]
pub async fn test_all_progress(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Json<TestRunDto>, ApiError> {
    let run = state
        .services
        .test_all
        .progress(&admin, path_id(&job_id)?)
        .await?;
    Ok(Json(run.into()))
}

/// Stops a run: probes already sent finish, no new one starts.
#[utoipa::path(post, path = "/api/admin/credentials/test-all/{jobId}/cancel", tag = "credentials", security(("session" = [])),
    params(("jobId" = Uuid, Path)), responses((status = 200, body = TestRunDto),
    (status = 409, description = "The run already ended", body = super::openapi::ErrorBody), AdminErrors))]
pub async fn cancel_test_all(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(job_id): Path<String>,
) -> Result<Json<TestRunDto>, ApiError> {
    let id = path_id(&job_id)?;
    let test_all = &state.services.test_all;
    test_all.cancel(&admin, id).await?;
    Ok(Json(test_all.progress(&admin, id).await?.into()))
}
