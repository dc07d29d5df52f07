//! Connection tests: `POST /api/admin/credentials/{id}/test` and
//! `POST /api/connections/{id}/test` probe a saved credential; `…/test` without an id
//! probes the values of a create body without saving them.

use app::dto::ProbeResultDto;
use axum::extract::{Path, State};
use axum::Json;
use domain::credentials::Owner;

use super::credentials::CreateCredentialRequest;
use super::extract::{path_id, AdminUser, ApiJson, AuthUser};
use super::openapi::{AdminErrors, SignedInErrors};
use super::{ApiError, AppState};

async fn test_saved(state: &AppState, owner: Owner<'_>, id: &str) -> Result<Json<ProbeResultDto>, ApiError> {
    let report = state.services.credentials.test(owner, path_id(id)?).await?;
    Ok(Json(report.into()))
}

async fn test_unsaved(
    state: &AppState,
    owner: Owner<'_>,
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
    test_saved(&state, Owner::Admins(&admin), &id).await
}

/// Probes the values of a create body without saving anything (`name` may be left out).
#[utoipa::path(post, path = "/api/admin/credentials/test", tag = "credentials", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 200, body = ProbeResultDto), AdminErrors))]
pub async fn admin_test_unsaved(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_unsaved(&state, Owner::Admins(&admin), body).await
}

#[utoipa::path(post, path = "/api/connections/{id}/test", tag = "connections", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 200, body = ProbeResultDto), SignedInErrors))]
pub async fn own_test(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_saved(&state, Owner::User(&user), &id).await
}

#[utoipa::path(post, path = "/api/connections/test", tag = "connections", security(("session" = [])),
    request_body = CreateCredentialRequest, responses((status = 200, body = ProbeResultDto), SignedInErrors))]
pub async fn own_test_unsaved(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateCredentialRequest>,
) -> Result<Json<ProbeResultDto>, ApiError> {
    test_unsaved(&state, Owner::User(&user), body).await
}
