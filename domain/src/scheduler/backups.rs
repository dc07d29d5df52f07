//! The scheduled backup: at each slot of its cron schedule one instance (the lease
//! holder) makes a backup, verifies it with the master key, and prunes the old ones by
//! the retention policy. A failure raises `backup.failed` to the webhooks.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use croner::parser::{CronParser, Seconds};
use croner::Cron;
use sea_orm::DatabaseConnection;
use vocab::AlertEvent;

use crate::alerts::{About, Alert, Dispatcher};
use crate::backups::{Backups, Keep};
use crate::error::{DomainError, DomainResult};

#[derive(Clone)]
pub struct ScheduledBackups {
    backups: Backups,
    cron: Arc<Cron>,
    keep: Keep,
    alerts: Dispatcher,
    db: DatabaseConnection,
}

/// Reads a cron schedule: `minute hour day month weekday` (UTC), optionally with
/// seconds first, or an alias such as `@daily`.
///
/// # Errors
/// `Validation` naming the setting and what is wrong.
pub fn parse_schedule(text: &str) -> DomainResult<Cron> {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .build()
        .parse(text.trim())
        .map_err(|err| {
            DomainError::validation(
                "SWITCHYARD_BACKUP_SCHEDULE",
                format!("{text:?} is not a cron schedule ({err}); for example `0 2 * * *` is every day at 02:00 UTC"),
            )
        })
}

impl ScheduledBackups {
    /// # Errors
    /// `Validation` when `schedule` is not a cron schedule.
    pub fn new(
        backups: Backups,
        schedule: &str,
        keep: Keep,
        alerts: Dispatcher,
        db: DatabaseConnection,
    ) -> DomainResult<Self> {
        Ok(Self {
            backups,
            cron: Arc::new(parse_schedule(schedule)?),
            keep,
            alerts,
            db,
        })
    }

    /// The first slot after `now` (a year on when the schedule never matches again).
    pub fn next_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.cron
            .find_next_occurrence(&now, false)
            .unwrap_or(now + chrono::Duration::days(365))
    }

    pub async fn run(&self) -> DomainResult<()> {
        let mut made = None;
        let outcome = async {
            let backup = self.backups.create().await?;
            made = Some(backup.name.clone());
            let verified = self.backups.verify_with_vault(&backup.name).await?;
            let removed = self.backups.prune(self.keep).await?;
            tracing::info!(
                backup = %backup.name,
                size = backup.size,
                verified = %verified.message,
                removed = removed.len(),
                "scheduled backup made and verified; old ones pruned"
            );
            Ok::<(), DomainError>(())
        }
        .await;
        if let Err(err) = &outcome {
            let alert = Alert {
                event: AlertEvent::BackupFailed,
                about: About::Backup { name: made },
                reason: err.to_string(),
                at: Utc::now(),
            };
            match self.alerts.queue(&self.db, &[alert]).await {
                Ok(_) => self.alerts.wake(),
                Err(queue_err) => tracing::warn!(%queue_err, "the backup.failed alert could not be queued"),
            }
        }
        outcome
    }
}
