//! Webhook targets and their delivery log.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A webhook target; its signing secret is never shown, only whether it has one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct WebhookDto {
    pub id: Uuid,
    pub url: String,
    /// `json` (the event as JSON) or `slack` (`{"text": …}`).
    pub kind: String,
    pub enabled: bool,
    /// The events it receives.
    pub events: Vec<String>,
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
    pub id: Uuid,
    pub webhook_id: Uuid,
    pub event: String,
    /// `pending`, `delivered` or `failed` (out of attempts).
    pub status: String,
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
    use domain::alerts::{WebhookView, PENDING};
    use domain::entities::webhook_deliveries;

    impl From<WebhookView> for WebhookDto {
        fn from(v: WebhookView) -> Self {
            Self {
                id: v.row.id,
                url: v.row.url,
                kind: v.row.kind,
                enabled: v.row.enabled,
                events: v.events.iter().map(|e| e.as_str().to_owned()).collect(),
                has_secret: v.has_secret,
                created_at: v.row.created_at,
                updated_at: v.row.updated_at,
            }
        }
    }

    impl From<webhook_deliveries::Model> for WebhookDeliveryDto {
        fn from(d: webhook_deliveries::Model) -> Self {
            Self {
                next_attempt_at: (d.status == PENDING).then_some(d.next_attempt_at),
                id: d.id,
                webhook_id: d.webhook_id,
                event: d.event,
                status: d.status,
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
