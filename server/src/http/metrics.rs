//! `GET /metrics` on the main listener: for an admin's session or a token with the
//! `metrics` scope. The separate `SWITCHYARD_METRICS_ADDR` listener serves the same, open.

use axum::extract::State;
use axum::response::Response;
use vocab::TokenScope;

use super::extract::ApiCaller;
use super::openapi::SignedInErrors;
use super::{ApiError, AppState};

/// Prometheus' text format: requests, provider calls, credentials by state, scheduled
/// runs, webhook deliveries, the pool (README, "Metrics").
#[utoipa::path(get, path = "/metrics", tag = "system", security(("session" = []), ("token" = [])),
    responses((status = 200, description = "Prometheus' text format", content_type = "text/plain", body = String),
        (status = 403, description = "A user's session, or a token without the metrics scope", body = super::openapi::ErrorBody),
        SignedInErrors))]
pub async fn scrape(
    ApiCaller(caller): ApiCaller,
    State(state): State<AppState>,
) -> Result<Response, ApiError> {
    caller.require_admin_or(TokenScope::Metrics)?;
    Ok(crate::metrics::render(&state.services).await)
}
