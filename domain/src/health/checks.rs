//! The scheduled checks: every credential that is due, probed with bounded concurrency,
//! and for each one check applied whole: the probe's result, the health rule's verdict,
//! the request-log row, the audit event of a change of state and the alerts, written in
//! one transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

use crate::credentials::ownership::rested;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use vocab::{CredentialId, DisabledReason, LogKind};

use super::apply::{apply, Source, Verdict};
use super::policy::HealthPolicy;
use crate::alerts::{Alert, Dispatcher};
use crate::credentials::testing::with_test_result;
use crate::credentials::{with_provider, CredentialService};
use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};
use crate::probe::ProbeReport;

/// What one round of checks did.
#[derive(Debug, Default)]
pub struct CheckRound {
    pub checked: usize,
    pub ok: usize,
    pub failed: usize,
    /// Credentials whose secret no longer decrypts: nothing was sent for them.
    pub unreadable: usize,
    /// What changed, as the alerts queued for the webhooks.
    pub alerts: Vec<Alert>,
}

#[derive(Clone)]
pub struct HealthChecks {
    db: DatabaseConnection,
    credentials: CredentialService,
    alerts: Dispatcher,
    policy: HealthPolicy,
    concurrency: usize,
}

impl HealthChecks {
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        alerts: Dispatcher,
        policy: HealthPolicy,
        concurrency: usize,
    ) -> Self {
        Self {
            db,
            credentials,
            alerts,
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
                    .add(credentials::Column::DisabledReason.eq(DisabledReason::Health.as_str())),
            )
            .filter(rested(now))
            .all(&self.db)
            .await?;
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for pair in due {
            let (row, provider) = with_provider(pair)?;
            let (this, permits) = (self.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                (row.id, this.check_one(&row, &provider).await)
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
        if !round.alerts.is_empty() {
            self.alerts.wake();
        }
        Ok(round)
    }

    /// Probes one credential and applies the health rule to it. When an admin changed
    /// the credential's state while the probe ran, their change wins.
    ///
    /// # Errors
    /// `Internal` when its secret no longer decrypts (nothing is sent then).
    async fn check_one(
        &self,
        row: &credentials::Model,
        provider: &providers::Model,
    ) -> DomainResult<(ProbeReport, Vec<Alert>)> {
        let report = self.credentials.probe_saved(row, provider).await?;
        let verdict = Verdict {
            outcome: report.outcome,
            retry_after_secs: report.retry_after_secs,
            message: report.message.clone(),
            at: Utc::now(),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        with_test_result(credentials::Entity::update_many(), &report)
            .filter(credentials::Column::Id.eq(row.id))
            .exec(&txn)
            .await?;
        let log = crate::logs::probe_row(
            LogKind::ScheduledCheck,
            None,
            Some(CredentialId::from_uuid(row.id)),
            provider,
            &report,
        );
        crate::logs::record(&txn, vec![log]).await?;
        let owner = crate::credentials::owner_email(&txn, row).await?;
        let alerts = apply(
            &txn,
            row,
            &provider.identifier,
            owner,
            &verdict,
            &self.policy,
            Source::ScheduledCheck,
            &self.alerts,
        )
        .await?;
        txn.commit().await?;
        Ok((report, alerts))
    }
}
