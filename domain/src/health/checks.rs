//! The scheduled checks: every credential that is due, probed with bounded concurrency,
//! and for each one check applied whole: the probe's result, the health rule's verdict,
//! the request-log row, the audit event of a change of state and the alerts, written in
//! one transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use vocab::{CredentialId, DisabledReason, LogKind, ProviderId};

use super::policy::{Health, HealthEvent, HealthPolicy};
use crate::alerts::{Alert, Dispatcher};
use crate::audit::{self, Actor, AuditEntry};
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
            .filter(
                Condition::any()
                    .add(credentials::Column::CooldownUntil.is_null())
                    .add(credentials::Column::CooldownUntil.lte(now)),
            )
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
    /// the credential's state while the probe ran, their change wins and nothing is
    /// reported.
    ///
    /// # Errors
    /// `Internal` when its secret no longer decrypts (nothing is sent then).
    async fn check_one(
        &self,
        row: &credentials::Model,
        provider: &providers::Model,
    ) -> DomainResult<(ProbeReport, Vec<Alert>)> {
        let report = self.credentials.probe_saved(row, provider).await?;
        let before = Health {
            active: row.active,
            disabled_reason: row.disabled_reason.clone(),
            disabled_at: row.disabled_at,
            consecutive_failures: row.consecutive_failures,
            cooldown_until: row.cooldown_until,
        };
        let own_limit = row.auto_disable_after.and_then(|n| u32::try_from(n).ok());
        let (after, events) = before.after_check(
            report.outcome,
            report.retry_after_secs,
            Utc::now(),
            &self.policy,
            own_limit,
        );
        let unchanged_reason = match &row.disabled_reason {
            Some(reason) => credentials::Column::DisabledReason.eq(reason.clone()),
            None => credentials::Column::DisabledReason.is_null(),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let updated = with_test_result(credentials::Entity::update_many(), &report)
            .col_expr(credentials::Column::Active, Expr::value(after.active))
            .col_expr(
                credentials::Column::DisabledReason,
                Expr::value(after.disabled_reason.clone()),
            )
            .col_expr(credentials::Column::DisabledAt, Expr::value(after.disabled_at))
            .col_expr(
                credentials::Column::ConsecutiveFailures,
                Expr::value(after.consecutive_failures),
            )
            .col_expr(
                credentials::Column::CooldownUntil,
                Expr::value(after.cooldown_until),
            )
            .filter(credentials::Column::Id.eq(row.id))
            .filter(credentials::Column::Active.eq(row.active))
            .filter(unchanged_reason)
            .exec(&txn)
            .await?;
        let log = crate::logs::probe_row(
            LogKind::ScheduledCheck,
            None,
            Some(CredentialId::from_uuid(row.id)),
            ProviderId::from_uuid(provider.id),
            &report,
        );
        crate::logs::record(&txn, vec![log]).await?;
        if updated.rows_affected == 0 {
            txn.commit().await?;
            return Ok((report, Vec::new()));
        }
        for action in events.iter().filter_map(|event| event.audited()) {
            let entry = AuditEntry {
                action,
                target: Some(format!("credential:{}", row.id)),
                details: serde_json::json!({
                    "name": row.name,
                    "provider": provider.identifier,
                    "reason": report.message,
                    "consecutiveFailures": after.consecutive_failures,
                }),
            };
            audit::record(&txn, &Actor::operator(), entry).await?;
        }
        let owner = crate::credentials::owner_email(&txn, row).await?;
        let alerts = alerts(row, &provider.identifier, owner, &report, &events);
        self.alerts.queue(&txn, &alerts).await?;
        txn.commit().await?;
        Ok((report, alerts))
    }
}

/// The alerts for what one check changed, with the probe's (redacted) message as reason.
fn alerts(
    row: &credentials::Model,
    provider: &str,
    owner: Option<String>,
    report: &ProbeReport,
    events: &[HealthEvent],
) -> Vec<Alert> {
    events
        .iter()
        .map(|event| {
            let reason = match event {
                HealthEvent::TestFailed => format!("its scheduled check failed: {}", report.message),
                HealthEvent::AutoDisabled => {
                    format!("disabled after failing its scheduled checks: {}", report.message)
                }
                HealthEvent::Recovered => format!("its scheduled check passed again: {}", report.message),
            };
            Alert {
                event: event.alert(),
                credential_id: CredentialId::from_uuid(row.id),
                credential_name: row.name.clone(),
                provider: provider.to_owned(),
                owner: owner.clone(),
                reason,
                at: report.tested_at,
            }
        })
        .collect()
}
