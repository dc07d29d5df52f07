//! Background jobs on an interval. Each run is taken through a lease row, so with
//! several instances on one database a job runs once per interval, by one of them.

mod leases;

use chrono::{Duration, Utc};

pub use leases::{Leases, RunStatus};

use crate::alerts::Dispatcher;
use crate::auth::Admin;
use crate::entities::scheduler_jobs;
use crate::health::HealthChecks;
use crate::logs::RequestLogs;
use crate::DomainResult;

pub const HEALTH_CHECKS: &str = "health_checks";
pub const LOG_PRUNING: &str = "log_pruning";

/// Pruning old request logs does not need to run more often than this.
const PRUNE_EVERY: Duration = Duration::hours(1);

/// A job as admins see it: `status` is `running` while an instance holds its lease,
/// else its last run's `ok` or `failed`, or `scheduled` before the first run.
pub struct JobState {
    pub name: &'static str,
    pub interval: Duration,
    pub status: String,
    pub row: Option<scheduler_jobs::Model>,
}

#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub health_check_interval: Duration,
    pub log_retention_days: u32,
}

#[derive(Clone)]
pub struct Scheduler {
    leases: Leases,
    health: HealthChecks,
    logs: RequestLogs,
    alerts: Dispatcher,
    schedule: Schedule,
}

impl Scheduler {
    pub fn new(
        leases: Leases,
        health: HealthChecks,
        logs: RequestLogs,
        alerts: Dispatcher,
        schedule: Schedule,
    ) -> Self {
        Self {
            leases,
            health,
            logs,
            alerts,
            schedule,
        }
    }

    /// The jobs and how often each runs.
    pub fn jobs(&self) -> [(&'static str, Duration); 2] {
        [
            (HEALTH_CHECKS, self.schedule.health_check_interval),
            (LOG_PRUNING, PRUNE_EVERY),
        ]
    }

    /// Runs `job` if it is due and this instance takes its lease; `Ok(false)` otherwise.
    pub async fn run_if_due(&self, job: &'static str, interval: Duration) -> DomainResult<bool> {
        let now = Utc::now();
        // Long enough for a slow round; a crashed holder's lease frees itself then.
        let lease = interval.max(Duration::minutes(10));
        if !self.leases.try_take(job, interval, lease, now).await? {
            return Ok(false);
        }
        let outcome = self.run(job).await;
        let (status, error) = match &outcome {
            Ok(()) => (RunStatus::Ok, None),
            Err(err) => {
                tracing::warn!(job, %err, "a scheduled job failed");
                (RunStatus::Failed, Some(err.to_string()))
            }
        };
        self.leases.finish(job, status, error, now).await?;
        Ok(true)
    }

    async fn run(&self, job: &str) -> DomainResult<()> {
        match job {
            HEALTH_CHECKS => {
                let round = self.health.run_due(Utc::now()).await?;
                for alert in &round.alerts {
                    tracing::warn!(credential = %alert.credential_id, event = alert.event.as_str(), "credential health changed");
                }
                // Queued only: the delivery loop sends them, so a slow webhook never holds the round.
                self.alerts.raise(&round.alerts).await?;
                tracing::info!(
                    checked = round.checked,
                    ok = round.ok,
                    failed = round.failed,
                    unreadable = round.unreadable,
                    "health checks done"
                );
                Ok(())
            }
            LOG_PRUNING => {
                let pruned = self
                    .logs
                    .prune(self.schedule.log_retention_days, Utc::now())
                    .await?;
                tracing::info!(
                    logs = pruned.logs,
                    runs = pruned.runs,
                    deliveries = pruned.deliveries,
                    "old request logs, test runs and webhook deliveries pruned"
                );
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Every job with its interval, status and lease row (none before its first schedule).
    pub async fn list(&self, _admin: &Admin) -> DomainResult<Vec<JobState>> {
        let rows = self.leases.list().await?;
        let now = Utc::now();
        Ok(self
            .jobs()
            .into_iter()
            .map(|(name, interval)| {
                let row = rows.iter().find(|r| r.name == name).cloned();
                let running = row
                    .as_ref()
                    .and_then(|r| r.lease_until)
                    .is_some_and(|until| until > now);
                let status = match (&row, running) {
                    (_, true) => "running".to_owned(),
                    (Some(r), false) => r.last_status.clone().unwrap_or_else(|| "scheduled".into()),
                    (None, false) => "scheduled".to_owned(),
                };
                JobState {
                    name,
                    interval,
                    status,
                    row,
                }
            })
            .collect())
    }
}
