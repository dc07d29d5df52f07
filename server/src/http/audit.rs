//! `GET /api/admin/audit`: the audit log, newest first unless asked otherwise.

use app::dto::{AuditEventDto, ListResponse};
use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use domain::audit::AuditFilter;
use domain::error::optional_word;
use domain::values::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::extract::{AdminUser, ApiQuery};
use super::openapi::AdminErrors;
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// e.g. `credential.create`, `credential.reveal`, `token.revoke`.
    action: Option<String>,
    /// The acting user's id.
    actor: Option<Uuid>,
    since: Option<DateTime<Utc>>,
    /// Keeps the events whose actor's email, target or details hold this text, in any case.
    search: Option<String>,
    /// `newest` (the default) or `oldest`.
    order: Option<String>,
    page: Option<u64>,
    /// 1 to 200; 50 when left out.
    per_page: Option<u64>,
}

#[utoipa::path(get, path = "/api/admin/audit", tag = "audit", security(("session" = [])),
    params(AuditQuery), responses((status = 200, body = ListResponse<AuditEventDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<ListResponse<AuditEventDto>>, ApiError> {
    let filter = AuditFilter {
        action: optional_word("action", query.action.as_deref())?,
        actor: query.actor.map(Into::into),
        since: query.since,
        search: query.search,
        order: optional_word("order", query.order.as_deref())?.unwrap_or_default(),
        page: Page::new(query.page, query.per_page)?,
    };
    let (rows, total) = state.services.audit.list(&admin, &filter).await?;
    Ok(Json(ListResponse::page(rows, total)))
}
