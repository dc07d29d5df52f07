//! `GET /api/admin/overview`: per-provider figures over the last 24 hours or 7 days.

use app::dto::FiguresDto;
use axum::extract::State;
use axum::Json;
use chrono::Utc;
use domain::error::optional_word;
use serde::Deserialize;
use utoipa::IntoParams;
use vocab::Window;

use super::extract::{AdminUser, ApiQuery};
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// `24h` (hourly buckets, the default) or `7d` (6-hour buckets).
    window: Option<String>,
}

/// Per provider: requests, success rate, average and p95 latency (ms), and requests and
/// errors per bucket over the window; and the credentials in cooldown or disabled, with why.
#[utoipa::path(get, path = "/api/admin/overview", tag = "logs", security(("session" = [])),
    params(OverviewQuery), responses((status = 200, body = FiguresDto), AdminErrors))]
pub async fn figures(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<OverviewQuery>,
) -> Result<Json<FiguresDto>, ApiError> {
    let window = optional_word("window", query.window.as_deref())?.unwrap_or(Window::Day);
    let overview = state
        .services
        .overview
        .figures(&admin, Utc::now(), window)
        .await?;
    Ok(Json(overview.into()))
}
