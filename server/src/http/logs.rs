//! `GET /api/admin/logs`: what Switchyard sent to providers, newest first unless asked otherwise.

use app::dto::{ListResponse, RequestLogDto};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::error::optional_word;
use domain::logs::LogFilter;
use domain::values::{Page, ProviderRef};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::extract::{AdminUser, ApiQuery};
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct LogQuery {
    /// A provider's identifier (`gemini`) or id.
    provider: Option<String>,
    credential: Option<Uuid>,
    /// An outcome: `ok`, `auth_rejected`, `forbidden`, `not_found`, `rate_limited`,
    /// `upstream_error`, `timeout`, `connect_failed`, `bad_response`, `rejected`.
    status: Option<String>,
    /// `probe` (a test), `health` (a scheduled check) or `gateway`.
    kind: Option<String>,
    /// The attempts of one gateway request (its `x-request-id`).
    request_id: Option<String>,
    /// From this time (inclusive), RFC 3339.
    since: Option<DateTime<Utc>>,
    /// Up to this time (exclusive), RFC 3339.
    until: Option<DateTime<Utc>>,
    /// Keeps the rows whose model, endpoint or error holds this text, in any case.
    search: Option<String>,
    /// `newest` (the default), `oldest` or `slowest`.
    order: Option<String>,
    page: Option<u64>,
    /// 1 to 200; 50 when left out.
    per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/admin/logs", tag = "logs", security(("session" = [])),
    params(LogQuery), responses((status = 200, body = ListResponse<RequestLogDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<LogQuery>,
) -> Result<Json<ListResponse<RequestLogDto>>, ApiError> {
    let filter = LogFilter {
        provider: ProviderRef::parse_filter(query.provider.as_deref()),
        credential: query.credential.map(Into::into),
        status: optional_word("status", query.status.as_deref())?,
        kind: optional_word("kind", query.kind.as_deref())?,
        request_id: query.request_id,
        since: query.since,
        until: query.until,
        search: query.search,
        order: optional_word("order", query.order.as_deref())?.unwrap_or_default(),
        page: Page::new(query.page, query.per_page)?,
    };
    let (rows, total) = state.services.logs.list(&admin, &filter).await?;
    Ok(Json(ListResponse::page(rows, total)))
}
