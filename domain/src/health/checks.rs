//! The scheduled health checks: every credential that is due, probed with bounded
//! concurrency, the health rule applied to each.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::policy::{HealthEvent, HealthPolicy, HEALTH};
use crate::alerts::{Alert, AlertEvent};
use crate::credentials::CredentialService;
use crate::entities::{credentials, providers};
use crate::probe::ProbeReport;
use crate::{DomainError, DomainResult};

/// What one round of checks did.
#[derive(Debug, Default)]
pub struct CheckRound {
    pub checked: usize,
    pub ok: usize,
    pub failed: usize,
    /// Credentials whose secret no longer decrypts: nothing was sent for them.
    pub unreadable: usize,
    /// What changed, as alerts for the webhooks.
    pub alerts: Vec<Alert>,
}

#[derive(Clone)]
pub struct HealthChecks {
    db: DatabaseConnection,
    credentials: CredentialService,
    policy: HealthPolicy,
    concurrency: usize,
}

impl HealthChecks {
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        policy: HealthPolicy,
        concurrency: usize,
    ) -> Self {
        Self {
            db,
            credentials,
            policy,
            concurrency: concurrency.max(1),
        }
    }

    pub fn policy(&self) -> &HealthPolicy {
        &self.policy
    }

    /// Checks every credential that is active or was disabled by the checks (so it can
    /// recover), whose provider is enabled and whose cooldown is over.
    pub async fn run_due(&self, now: DateTime<Utc>) -> DomainResult<CheckRound> {
        let due = credentials::Entity::find()
            .find_also_related(providers::Entity)
            .filter(providers::Column::Enabled.eq(true))
            .filter(
                Condition::any()
                    .add(credentials::Column::Active.eq(true))
                    .add(credentials::Column::DisabledReason.eq(HEALTH)),
            )
            .filter(
                Condition::any()
                    .add(credentials::Column::CooldownUntil.is_null())
                    .add(credentials::Column::CooldownUntil.lte(now)),
            )
            .all(&self.db)
            .await?;
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for (row, provider) in due {
            let provider = provider.ok_or_else(|| DomainError::internal("credential without provider"))?;
            let (service, policy, permits) = (self.credentials.clone(), self.policy, permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let checked = service
                    .check_health(&row, &provider, &policy)
                    .await
                    .map(|(report, events)| {
                        let alerts = alerts(&row, &provider.identifier, &report, &events);
                        (report, alerts)
                    });
                (row.id, checked)
            });
        }
        let mut round = CheckRound::default();
        while let Some(joined) = tasks.join_next().await {
            let (id, checked) = joined.map_err(DomainError::internal)?;
            round.checked += 1;
            match checked {
                Ok((report, alerts)) => {
                    if report.ok() {
                        round.ok += 1;
                    } else {
                        round.failed += 1;
                    }
                    round.alerts.extend(alerts);
                }
                Err(DomainError::Internal(cause)) => {
                    tracing::error!(credential = %id, %cause, "a scheduled check could not read the credential");
                    round.unreadable += 1;
                }
                Err(other) => return Err(other),
            }
        }
        Ok(round)
    }
}

/// The alerts for what one check changed, with the probe's (redacted) message as reason.
fn alerts(
    row: &credentials::Model,
    provider: &str,
    report: &ProbeReport,
    events: &[HealthEvent],
) -> Vec<Alert> {
    events
        .iter()
        .map(|event| {
            let (event, reason) = match event {
                HealthEvent::TestFailed => (
                    AlertEvent::TestFailed,
                    format!("its scheduled check failed: {}", report.message),
                ),
                HealthEvent::AutoDisabled => (
                    AlertEvent::AutoDisabled,
                    format!("disabled after failing its scheduled checks: {}", report.message),
                ),
                HealthEvent::Recovered => (
                    AlertEvent::Recovered,
                    format!("its scheduled check passed again: {}", report.message),
                ),
            };
            Alert {
                event,
                credential_id: row.id,
                credential_name: row.name.clone(),
                provider: provider.to_owned(),
                reason,
                at: report.tested_at,
            }
        })
        .collect()
}
