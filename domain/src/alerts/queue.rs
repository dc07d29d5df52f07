//! Queuing alerts: one `webhook_deliveries` row per subscribed webhook, written in the
//! transaction of the change that raised it; and pruning the finished ones.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;
use vocab::{WebhookId, WebhookKind};

use super::delivery::{Dispatcher, PENDING};
use super::event::Alert;
use super::webhooks::{kind_of, subscribed};
use crate::access::Admin;
use crate::entities::{webhook_deliveries, webhooks};
use crate::error::DomainResult;

impl Dispatcher {
    /// Queues each alert for every enabled webhook subscribed to its event, in the
    /// caller's transaction (the alert is queued exactly when its cause commits); returns
    /// how many deliveries were queued. Call [`Dispatcher::wake`] after the commit: the
    /// delivery loop sends them (it also looks every second).
    pub async fn queue(&self, db: &impl ConnectionTrait, alerts: &[Alert]) -> DomainResult<usize> {
        if alerts.is_empty() {
            return Ok(0);
        }
        let targets = webhooks::Entity::find()
            .filter(webhooks::Column::Enabled.eq(true))
            .all(db)
            .await?;
        let rows: Vec<webhook_deliveries::ActiveModel> = alerts
            .iter()
            .flat_map(|alert| {
                targets
                    .iter()
                    .filter(|t| subscribed(t).contains(&alert.event))
                    .map(move |t| queued(t, alert))
            })
            .collect();
        let queued = rows.len();
        if queued > 0 {
            webhook_deliveries::Entity::insert_many(rows).exec(db).await?;
        }
        Ok(queued)
    }

    /// Tells the delivery loop that deliveries were queued.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Deletes finished deliveries from before `cutoff` (pending ones stay); returns how many.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> DomainResult<u64> {
        let deleted = webhook_deliveries::Entity::delete_many()
            .filter(webhook_deliveries::Column::CreatedAt.lt(cutoff))
            .filter(webhook_deliveries::Column::Status.ne(PENDING))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }

    /// Queues a test event for one webhook, enabled or not.
    pub async fn send_test(
        &self,
        admin: &Admin,
        webhook: WebhookId,
    ) -> DomainResult<webhook_deliveries::Model> {
        let target = self.webhooks.get(admin, webhook).await?.row;
        let row = webhook_deliveries::Entity::insert(queued(&target, &Alert::test(Utc::now())))
            .exec_with_returning(&self.db)
            .await?;
        self.wake.notify_one();
        Ok(row)
    }
}

/// A delivery row for one alert to one webhook, its body in the webhook's form.
fn queued(target: &webhooks::Model, alert: &Alert) -> webhook_deliveries::ActiveModel {
    let body = match kind_of(target) {
        WebhookKind::Slack => alert.slack(),
        WebhookKind::Json => alert.json(),
    };
    let now = Utc::now();
    webhook_deliveries::ActiveModel {
        id: Set(Uuid::now_v7()),
        webhook_id: Set(target.id),
        event: Set(alert.event.as_str().to_owned()),
        payload: Set(body.to_string()),
        status: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        lease_until: Set(None),
        response_status: Set(None),
        latency_ms: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        finished_at: Set(None),
    }
}
