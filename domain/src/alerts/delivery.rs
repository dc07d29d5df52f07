//! Delivery of alerts, off the request path: raising an alert only writes a
//! `webhook_deliveries` row per webhook; a background loop sends the due ones, each
//! taken through a lease (several instances never send one twice), and retries
//! failures with a doubling wait until it runs out of attempts.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use sha2::Sha256;
use tokio::sync::{Notify, Semaphore};
use vocab::DeliveryStatus;

use super::event::AlertEvent;
use super::webhooks::WebhookService;
use crate::egress::{refused_by_policy, Egress};
use crate::entities::{webhook_deliveries, webhooks};
use crate::error::{DomainError, DomainResult};
use crate::metrics::DeliveryAttempt;

pub(super) const PENDING: &str = DeliveryStatus::Pending.as_str();
const DELIVERED: &str = DeliveryStatus::Delivered.as_str();
const FAILED: &str = DeliveryStatus::Failed.as_str();

/// Deliveries sent at once by one instance.
const IN_FLIGHT: usize = 8;
/// The longest wait between two attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(3600);
/// The error text kept per attempt.
const ERROR_LEN: usize = 300;

#[derive(Clone, Copy, Debug)]
pub struct AlertSettings {
    /// How long one attempt waits for the receiver.
    pub timeout: Duration,
    /// The wait before the first retry; each next one doubles.
    pub retry_base: Duration,
    /// Attempts before a delivery is given up as `failed`.
    pub max_attempts: u32,
}

impl Default for AlertSettings {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(5),
            retry_base: Duration::from_secs(10),
            max_attempts: 6,
        }
    }
}

#[derive(Clone)]
pub struct Dispatcher {
    pub(super) db: DatabaseConnection,
    pub(super) webhooks: WebhookService,
    http: reqwest::Client,
    egress: Egress,
    settings: AlertSettings,
    pub(super) wake: Arc<Notify>,
}

impl Dispatcher {
    /// Deliveries go out through `egress`, like every other outbound request.
    ///
    /// # Errors
    /// `Internal` when the HTTP client cannot be built.
    pub fn new(
        db: DatabaseConnection,
        webhooks: WebhookService,
        settings: AlertSettings,
        egress: Egress,
    ) -> DomainResult<Self> {
        let builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .user_agent(concat!("Switchyard-Webhook/", env!("CARGO_PKG_VERSION")));
        let http = egress.client(builder).map_err(DomainError::internal)?;
        Ok(Self {
            db,
            webhooks,
            http,
            egress,
            settings,
            wake: Arc::new(Notify::new()),
        })
    }

    /// Runs the delivery loop forever: starts every due delivery it can take (a few
    /// at a time, each on its own task, so a slow receiver holds up no other), and
    /// wakes when an alert is raised here, an attempt ends, a retry is due, or every
    /// second (for deliveries queued by other instances).
    pub async fn run(self) {
        let permits = Arc::new(Semaphore::new(IN_FLIGHT));
        loop {
            if let Err(err) = self.start_due(&permits).await {
                tracing::warn!(%err, "webhook deliveries could not be started");
            }
            let wait = self.until_next_due().await.unwrap_or(Duration::from_secs(1));
            let _ = tokio::time::timeout(wait, self.wake.notified()).await;
        }
    }

    async fn start_due(&self, permits: &Arc<Semaphore>) -> DomainResult<()> {
        let free = permits.available_permits();
        if free == 0 {
            return Ok(());
        }
        let now = Utc::now();
        let due = webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .filter(webhook_deliveries::Column::NextAttemptAt.lte(now))
            .filter(not_leased(now))
            .order_by_asc(webhook_deliveries::Column::NextAttemptAt)
            .limit(free as u64)
            .all(&self.db)
            .await?;
        for delivery in due {
            if !self.take(&delivery, now).await? {
                continue;
            }
            let permit = permits
                .clone()
                .acquire_owned()
                .await
                .map_err(DomainError::internal)?;
            let this = self.clone();
            tokio::spawn(async move {
                let id = delivery.id;
                if let Err(err) = this.attempt(delivery).await {
                    tracing::warn!(delivery = %id, %err, "a webhook delivery could not be recorded");
                }
                drop(permit);
                this.wake.notify_one();
            });
        }
        Ok(())
    }

    /// Until the next pending delivery nobody is sending is due, within 20 ms to 1 s.
    async fn until_next_due(&self) -> DomainResult<Duration> {
        let now = Utc::now();
        let next: Option<DateTime<Utc>> = webhook_deliveries::Entity::find()
            .select_only()
            .column(webhook_deliveries::Column::NextAttemptAt)
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .filter(not_leased(now))
            .order_by_asc(webhook_deliveries::Column::NextAttemptAt)
            .into_tuple()
            .one(&self.db)
            .await?;
        let wait = next.map_or(Duration::from_secs(1), |at| {
            (at - now).to_std().unwrap_or_default()
        });
        Ok(wait.clamp(Duration::from_millis(20), Duration::from_secs(1)))
    }

    /// Leases a delivery for one attempt; false when another instance has it.
    async fn take(&self, delivery: &webhook_deliveries::Model, now: DateTime<Utc>) -> DomainResult<bool> {
        let lease = chrono::Duration::from_std(self.settings.timeout * 2 + Duration::from_secs(30))
            .map_err(DomainError::internal)?;
        let taken = webhook_deliveries::Entity::update_many()
            .col_expr(webhook_deliveries::Column::LeaseUntil, Expr::value(now + lease))
            .filter(webhook_deliveries::Column::Id.eq(delivery.id))
            .filter(webhook_deliveries::Column::Status.eq(PENDING))
            .filter(not_leased(now))
            .exec(&self.db)
            .await?;
        Ok(taken.rows_affected == 1)
    }

    /// One attempt, and what it leaves: delivered, failed for good, or a retry later.
    async fn attempt(&self, delivery: webhook_deliveries::Model) -> DomainResult<()> {
        let target = webhooks::Entity::find_by_id(delivery.webhook_id)
            .one(&self.db)
            .await?;
        let is_test = delivery.event == AlertEvent::Test.as_str();
        let sent = match &target {
            Some(t) if t.enabled || is_test => self.post(t, &delivery).await?,
            _ => Sent::GaveUp("the webhook was disabled before this was sent".to_owned()),
        };
        let attempts = delivery.attempts + 1;
        let now = Utc::now();
        let mut row: webhook_deliveries::ActiveModel = delivery.into();
        row.attempts = Set(attempts);
        row.lease_until = Set(None);
        let outcome = match sent {
            Sent::Delivered { status, latency_ms } => {
                row.status = Set(DELIVERED.to_owned());
                row.response_status = Set(Some(status));
                row.latency_ms = Set(Some(latency_ms));
                row.last_error = Set(None);
                row.finished_at = Set(Some(now));
                DeliveryAttempt::Delivered
            }
            Sent::Failed {
                status,
                latency_ms,
                error,
            } => {
                row.response_status = Set(status);
                row.latency_ms = Set(Some(latency_ms));
                row.last_error = Set(Some(error));
                if u32::try_from(attempts).unwrap_or(u32::MAX) >= self.settings.max_attempts {
                    row.status = Set(FAILED.to_owned());
                    row.finished_at = Set(Some(now));
                    DeliveryAttempt::GivenUp
                } else {
                    row.next_attempt_at = Set(now + backoff(self.settings.retry_base, attempts));
                    DeliveryAttempt::Retrying
                }
            }
            Sent::GaveUp(error) => {
                row.status = Set(FAILED.to_owned());
                row.last_error = Set(Some(error));
                row.finished_at = Set(Some(now));
                DeliveryAttempt::GivenUp
            }
        };
        webhook_deliveries::Entity::update(row).exec(&self.db).await?;
        crate::metrics::webhook_attempt(outcome);
        Ok(())
    }

    async fn post(
        &self,
        target: &webhooks::Model,
        delivery: &webhook_deliveries::Model,
    ) -> DomainResult<Sent> {
        let request = match self
            .egress
            .request(&self.http, reqwest::Method::POST, &target.url)
        {
            Ok(request) => request,
            Err(refused) => return Ok(Sent::GaveUp(refused.to_string())),
        };
        let mut request = request
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Switchyard-Event", &delivery.event)
            .header("X-Switchyard-Delivery", delivery.id.to_string());
        if let Some(secret) = self.webhooks.secret(target)? {
            let timestamp = Utc::now().timestamp();
            request = request
                .header("X-Switchyard-Timestamp", timestamp.to_string())
                .header(
                    "X-Switchyard-Signature",
                    signature(&secret, timestamp, &delivery.payload)?,
                );
        }
        let started = Instant::now();
        let answer = request.body(delivery.payload.clone()).send().await;
        let latency_ms = i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        Ok(match answer {
            Ok(response) if response.status().is_success() => Sent::Delivered {
                status: i32::from(response.status().as_u16()),
                latency_ms,
            },
            Ok(response) => Sent::Failed {
                status: Some(i32::from(response.status().as_u16())),
                latency_ms,
                error: format!("the receiver answered {}", response.status()),
            },
            Err(err) => Sent::Failed {
                status: None,
                latency_ms,
                error: transport_error(err, self.settings.timeout),
            },
        })
    }
}

/// No instance is sending it (a crashed sender's lease runs out).
fn not_leased(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(webhook_deliveries::Column::LeaseUntil.is_null())
        .add(webhook_deliveries::Column::LeaseUntil.lt(now))
}

enum Sent {
    Delivered {
        status: i32,
        latency_ms: i32,
    },
    Failed {
        status: Option<i32>,
        latency_ms: i32,
        error: String,
    },
    GaveUp(String),
}

/// The wait after the `attempts`-th failed attempt: base, 2×base, 4×base, … capped.
fn backoff(base: Duration, attempts: i32) -> chrono::Duration {
    let doublings = u32::try_from(attempts.saturating_sub(1)).unwrap_or(0).min(20);
    let wait = base
        .saturating_mul(2u32.saturating_pow(doublings))
        .min(MAX_BACKOFF);
    chrono::Duration::from_std(wait).unwrap_or(chrono::Duration::hours(1))
}

/// `sha256=<hex>` of HMAC-SHA256 over `"{timestamp}.{body}"`, so a receiver can check
/// both the body and its freshness.
pub fn signature(secret: &[u8], timestamp: i64, body: &str) -> DomainResult<String> {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret).map_err(DomainError::internal)?;
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    Ok(format!("sha256={}", hex::encode(mac.finalize().into_bytes())))
}

/// Our words for a failed send; never the URL (a Slack URL's path is a secret).
fn transport_error(err: reqwest::Error, timeout: Duration) -> String {
    let text = if let Some(refused) = refused_by_policy(&err) {
        refused
    } else if err.is_timeout() {
        format!("no answer within {} s", timeout.as_secs_f32())
    } else if err.is_connect() {
        "could not connect to the receiver".to_owned()
    } else {
        format!("the request failed: {}", err.without_url())
    };
    text.chars().take(ERROR_LEN).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_an_hour() {
        let base = Duration::from_secs(10);
        assert_eq!(backoff(base, 1).num_seconds(), 10);
        assert_eq!(backoff(base, 2).num_seconds(), 20);
        assert_eq!(backoff(base, 4).num_seconds(), 80);
        assert_eq!(backoff(base, 30).num_seconds(), 3600);
    }

    #[test]
    fn the_signature_covers_timestamp_and_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac s3cret-signing-key
        assert_eq!(
            signature(b"s3cret-signing-key", 1_700_000_000, r#"{"a":1}"#).unwrap(),
            "sha256=486bcecffe554c9380452c2eada0d3264617a57854a8ae0d917f0bf3f9296d25"
        );
        assert_ne!(
            signature(b"s3cret-signing-key", 1_700_000_001, r#"{"a":1}"#).unwrap(),
            signature(b"s3cret-signing-key", 1_700_000_000, r#"{"a":1}"#).unwrap()
        );
    }
}
