//! `POST /api/resolve`: which credential to use for a provider or a model, in order,
//! and why each other one is left out.

use app::dto::ResolutionDto;
use axum::extract::State;
use axum::Json;
use domain::routing::Target;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{ApiJson, AuthUser};
use super::openapi::SignedInErrors;
use super::{ApiError, AppError, AppState};

/// Exactly one of `provider` (an identifier) and `model` (a model id).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    provider: Option<String>,
    model: Option<String>,
}

/// The caller's own connections first (unless an admin turned that off), then the global
/// credentials; each group by priority, equal priorities shared by weight.
#[utoipa::path(post, path = "/api/resolve", tag = "resolve", security(("session" = [])),
    request_body = ResolveRequest, responses((status = 200, body = ResolutionDto), SignedInErrors))]
pub async fn resolve(
    AuthUser(user): AuthUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResolveRequest>,
) -> Result<Json<ResolutionDto>, ApiError> {
    let target = match (body.provider, body.model) {
        (Some(provider), None) => Target::Provider(provider),
        (None, Some(model)) => Target::Model(model),
        _ => {
            return Err(AppError::Validation {
                field: "provider".into(),
                message: "give either a provider or a model".into(),
            }
            .into())
        }
    };
    let resolution = state.services.resolve.resolve(&user, &target).await?;
    Ok(Json(resolution.into()))
}
