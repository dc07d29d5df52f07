//! Webhook targets and their delivery log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{AlertEvent, DeliveryId, DeliveryStatus, WebhookId, WebhookKind};

/// A webhook target; its signing secret is never shown, only whether it has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDto {
    pub id: WebhookId,
    pub url: String,
    /// `json` (the event as JSON) or `slack` (`{"text": …}`).
    pub kind: WebhookKind,
    pub enabled: bool,
    /// The events it receives.
    pub events: Vec<AlertEvent>,
    /// Deliveries carry `X-Switchyard-Signature: sha256=<HMAC of "{timestamp}.{body}">`.
    pub has_secret: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One event sent (or being sent) to a webhook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDeliveryDto {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    pub event: AlertEvent,
    /// Failed means out of attempts.
    pub status: DeliveryStatus,
    pub attempts: i32,
    /// The receiver's HTTP status on the last attempt.
    pub response_status: Option<i32>,
    pub latency_ms: Option<i32>,
    pub last_error: Option<String>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// The body as sent.
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::alerts::WebhookView;
    use domain::entities::webhook_deliveries;

    impl From<WebhookView> for WebhookDto {
        fn from(v: WebhookView) -> Self {
            Self {
                id: WebhookId::from_uuid(v.row.id),
                url: v.row.url,
                kind: v.kind,
                enabled: v.row.enabled,
                events: v.events,
                has_secret: v.has_secret,
                created_at: v.row.created_at,
                updated_at: v.row.updated_at,
            }
        }
    }

    impl From<webhook_deliveries::Model> for WebhookDeliveryDto {
        fn from(d: webhook_deliveries::Model) -> Self {
            let status = DeliveryStatus::parse(&d.status).unwrap_or(DeliveryStatus::Failed);
            Self {
                next_attempt_at: (status == DeliveryStatus::Pending).then_some(d.next_attempt_at),
                id: DeliveryId::from_uuid(d.id),
                webhook_id: WebhookId::from_uuid(d.webhook_id),
                event: AlertEvent::parse(&d.event).unwrap_or(AlertEvent::Test),
                status,
                attempts: d.attempts,
                response_status: d.response_status,
                latency_ms: d.latency_ms,
                last_error: d.last_error,
                payload: d.payload,
                created_at: d.created_at,
                finished_at: d.finished_at,
            }
        }
    }
}
