//! `POST /api/resolve`: which credential to use for a provider or a model, in order,
//! and why each other one is left out.

use std::collections::BTreeMap;

use app::dto::{ResolutionDto, ResolvedCredentialDto};
use axum::extract::State;
use axum::Json;
use domain::routing::Target;
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::extract::{ApiCaller, ApiJson};
use super::openapi::SignedInErrors;
use super::{ApiError, AppState};

/// Exactly one of `provider` (an identifier) and `model` (a model id).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveRequest {
    provider: Option<String>,
    model: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ResolveResponse {
    candidates: Vec<ResolvedCredentialDto>,
    excluded: Vec<ResolvedCredentialDto>,
    /// The first candidate's decrypted fields: only for a token with `secrets:read`.
    #[serde(skip_serializing_if = "Option::is_none")]
    secret: Option<BTreeMap<String, String>>,
}

/// The caller's own connections first (unless an admin turned that off; never for a
/// service token), then the global credentials; each group by priority, equal priorities
/// shared by weight. Sessions and tokens with the `resolve` scope may ask.
#[utoipa::path(post, path = "/api/resolve", tag = "resolve", security(("session" = []), ("token" = [])),
    request_body = ResolveRequest, responses((status = 200, body = ResolveResponse),
    (status = 403, description = "The token lacks the resolve scope", body = super::openapi::ErrorBody), SignedInErrors))]
pub async fn resolve(
    ApiCaller(caller): ApiCaller,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ResolveRequest>,
) -> Result<Json<ResolveResponse>, ApiError> {
    let target = Target::from_request(body.provider, body.model)?;
    let answer = state.services.resolve.answer(&caller, &target).await?;
    let ResolutionDto { candidates, excluded } = answer.resolution.into();
    let secret = answer.secret.map(|fields| {
        fields
            .into_iter()
            .map(|(name, value)| (name, value.expose_secret().to_owned()))
            .collect()
    });
    Ok(Json(ResolveResponse {
        candidates,
        excluded,
        secret,
    }))
}
