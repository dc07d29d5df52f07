//! `/api/admin/webhooks`: where alerts are posted, a test event, the delivery log.

use app::dto::{ListResponse, WebhookDeliveryDto, WebhookDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::alerts::{WebhookInput, WebhookPatch};
use http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::ToSchema;

use super::extract::{path_id, AdminUser, ApiJson};
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateWebhookRequest {
    /// http:// or https://.
    url: String,
    /// `json` (default) or `slack`.
    kind: Option<String>,
    /// True when left out.
    enabled: Option<bool>,
    /// Any of `credential.auto_disabled`, `credential.recovered`,
    /// `credential.quota_exhausted`, `credential.test_failed`; every event when left out.
    events: Option<Vec<String>>,
    /// 16 to 256 characters; signs each delivery (HMAC-SHA256). Never returned.
    #[schema(value_type = Option<String>)]
    secret: Option<SecretString>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateWebhookRequest {
    url: Option<String>,
    kind: Option<String>,
    enabled: Option<bool>,
    events: Option<Vec<String>>,
    /// A new signing secret.
    #[schema(value_type = Option<String>)]
    secret: Option<SecretString>,
    /// Stop signing deliveries.
    #[serde(default)]
    remove_secret: bool,
}

#[utoipa::path(get, path = "/api/admin/webhooks", tag = "webhooks", security(("session" = [])),
    responses((status = 200, body = ListResponse<WebhookDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
) -> Result<Json<ListResponse<WebhookDto>>, ApiError> {
    Ok(Json(ListResponse::of(
        state.services.webhooks.list(&admin).await?,
    )))
}

#[utoipa::path(post, path = "/api/admin/webhooks", tag = "webhooks", security(("session" = [])),
    request_body = CreateWebhookRequest, responses((status = 201, body = WebhookDto), AdminErrors))]
pub async fn create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateWebhookRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let input = WebhookInput {
        url: body.url,
        kind: body.kind,
        enabled: body.enabled,
        events: body.events.unwrap_or_default(),
        secret: body.secret,
    };
    let view = state.services.webhooks.create(&admin, input).await?;
    Ok((StatusCode::CREATED, Json(WebhookDto::from(view))))
}

#[utoipa::path(patch, path = "/api/admin/webhooks/{id}", tag = "webhooks", security(("session" = [])),
    params(("id" = Uuid, Path)), request_body = UpdateWebhookRequest,
    responses((status = 200, body = WebhookDto), (status = 404, body = ErrorBody), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateWebhookRequest>,
) -> Result<Json<WebhookDto>, ApiError> {
    let patch = WebhookPatch {
        url: body.url,
        kind: body.kind,
        enabled: body.enabled,
        events: body.events,
        secret: body.secret,
        remove_secret: body.remove_secret,
    };
    let view = state
        .services
        .webhooks
        .update(&admin, path_id(&id)?, patch)
        .await?;
    Ok(Json(view.into()))
}

/// Deletes the webhook and its delivery log.
#[utoipa::path(delete, path = "/api/admin/webhooks/{id}", tag = "webhooks", security(("session" = [])),
    params(("id" = Uuid, Path)), responses((status = 204), (status = 404, body = ErrorBody), AdminErrors))]
pub async fn delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.webhooks.delete(&admin, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues a `webhook.test` event (sent even while the webhook is disabled); 202 with
/// the delivery, whose outcome shows in the delivery log within the webhook timeout.
#[utoipa::path(post, path = "/api/admin/webhooks/{id}/test", tag = "webhooks", security(("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 202, body = WebhookDeliveryDto), (status = 404, body = ErrorBody), AdminErrors))]
pub async fn send_test(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let delivery = state.services.alerts.send_test(&admin, path_id(&id)?).await?;
    Ok((StatusCode::ACCEPTED, Json(WebhookDeliveryDto::from(delivery))))
}

/// The latest 50 deliveries, newest first.
#[utoipa::path(get, path = "/api/admin/webhooks/{id}/deliveries", tag = "webhooks", security(("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 200, body = ListResponse<WebhookDeliveryDto>), (status = 404, body = ErrorBody), AdminErrors))]
pub async fn deliveries(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<ListResponse<WebhookDeliveryDto>>, ApiError> {
    let rows = state.services.webhooks.deliveries(&admin, path_id(&id)?).await?;
    Ok(Json(ListResponse::of(rows)))
}
