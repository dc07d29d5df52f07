//! Background jobs on an interval. Each run is taken through a lease row, so with
//! several instances on one database a job runs once per interval, by one of them.

mod backups;
mod leases;

use chrono::{DateTime, Duration, Utc};
use vocab::{Job, JobStatus};

pub use backups::{parse_schedule, ScheduledBackups};
pub use leases::{Leases, Taken};

use crate::access::Admin;
use crate::alerts::Dispatcher;
use crate::backups::{Backup, Backups};
use crate::entities::scheduler_jobs;
use crate::error::{DomainError, DomainResult};
use crate::health::HealthChecks;
use crate::idempotency::Idempotency;
use crate::logs::RequestLogs;
use crate::test_all::TestAll;

/// Pruning old request logs does not need to run more often than this.
const PRUNE_EVERY: Duration = Duration::hours(1);

/// How long a lease lasts unless renewed: its interval, within these bounds. Short, so
/// a crashed holder delays the job by seconds; renewed thrice per lease while it runs.
const LEASE_BOUNDS: (Duration, Duration) = (Duration::seconds(3), Duration::seconds(30));

/// A job as admins see it: running while an instance holds its lease, else how its
/// last run ended, or scheduled before the first run.
pub struct JobState {
    pub job: Job,
    pub interval: Duration,
    pub status: JobStatus,
    pub row: Option<scheduler_jobs::Model>,
}

/// The Backups page's facts.
pub struct BackupOverview {
    pub backups: Vec<Backup>,
    pub dir: std::path::PathBuf,
    pub next_scheduled: Option<DateTime<Utc>>,
}

/// How often the scheduled jobs run, and how long what they prune is kept.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    pub check_interval: Duration,
    pub log_retention_days: u32,
}

impl Default for Schedule {
    fn default() -> Self {
        Self {
            check_interval: Duration::minutes(5),
            log_retention_days: 30,
        }
    }
}

/// What one pruning deleted.
#[derive(Debug, PartialEq, Eq)]
pub struct Pruned {
    pub logs: u64,
    pub runs: u64,
    pub deliveries: u64,
    pub answers: u64,
}

/// What the retention job prunes: each owner deletes its own old rows.
#[derive(Clone)]
pub struct Retention {
    pub logs: RequestLogs,
    pub runs: TestAll,
    pub deliveries: Dispatcher,
    pub answers: Idempotency,
}

#[derive(Clone)]
pub struct Scheduler {
    leases: Leases,
    checks: HealthChecks,
    retention: Retention,
    schedule: Schedule,
    backups: Option<ScheduledBackups>,
}

impl Scheduler {
    pub fn new(
        leases: Leases,
        checks: HealthChecks,
        retention: Retention,
        schedule: Schedule,
        backups: Option<ScheduledBackups>,
    ) -> Self {
        Self {
            leases,
            checks,
            retention,
            schedule,
            backups,
        }
    }

    /// The jobs this instance runs: backups only when they are scheduled.
    pub fn jobs(&self) -> Vec<Job> {
        Job::ALL
            .iter()
            .copied()
            .filter(|job| *job != Job::Backups || self.backups.is_some())
            .collect()
    }

    /// When `job` runs next after `now`: its interval on, or its schedule's next slot.
    pub fn next_run(&self, job: Job, now: DateTime<Utc>) -> DateTime<Utc> {
        match (job, &self.backups) {
            (Job::Backups, Some(backups)) => backups.next_after(now),
            _ => now + self.interval(job),
        }
    }

    /// How often `job` runs (for a scheduled backup, the gap between its next two slots).
    pub fn interval(&self, job: Job) -> Duration {
        match job {
            Job::ScheduledChecks => self.schedule.check_interval,
            Job::LogPruning => PRUNE_EVERY,
            Job::Backups => match &self.backups {
                Some(backups) => {
                    let next = backups.next_after(Utc::now());
                    backups.next_after(next) - next
                }
                None => Duration::days(1),
            },
        }
    }

    /// How long `job`'s lease lasts between renewals.
    pub fn lease(&self, job: Job) -> Duration {
        self.interval(job).clamp(LEASE_BOUNDS.0, LEASE_BOUNDS.1)
    }

    /// Runs `job` if it is due (or its holder stopped renewing) and this instance takes
    /// its lease, renewing the lease while the work runs; `Ok(false)` otherwise.
    pub async fn run_if_due(&self, job: Job) -> DomainResult<bool> {
        let lease = self.lease(job);
        let now = Utc::now();
        let next = self.next_run(job, now);
        let Some(taken) = self.leases.try_take(job, next, lease, now).await? else {
            return Ok(false);
        };
        if let Taken::TakenOver { from } = &taken {
            tracing::warn!(job = job.as_str(), from = %from, "took over a run whose instance stopped renewing its lease");
        }
        let outcome = self.run_renewing(job, lease).await;
        let (status, error) = match &outcome {
            Ok(()) => (JobStatus::Ok, None),
            Err(err) => {
                tracing::warn!(job = job.as_str(), %err, "a scheduled job failed");
                (JobStatus::Failed, Some(err.to_string()))
            }
        };
        self.leases.finish(job, status, error, now).await?;
        Ok(true)
    }

    /// Runs `job`, renewing its lease three times per lease until the work ends.
    async fn run_renewing(&self, job: Job, lease: Duration) -> DomainResult<()> {
        let every = (lease / 3).to_std().unwrap_or(std::time::Duration::from_secs(1));
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let work = self.run(job);
        tokio::pin!(work);
        loop {
            tokio::select! {
                outcome = &mut work => return outcome,
                _ = beat.tick() => match self.leases.renew(job, lease).await {
                    Ok(true) => {}
                    Ok(false) => tracing::warn!(job = job.as_str(), "another instance took this job's lease"),
                    Err(err) => tracing::warn!(job = job.as_str(), %err, "the job's lease could not be renewed"),
                },
            }
        }
    }

    /// Frees this instance's leases on a clean stop, marking cut-short runs interrupted
    /// and due again, so another instance redoes them at once.
    pub async fn release(&self) -> DomainResult<u64> {
        self.leases.release_all().await
    }

    async fn run(&self, job: Job) -> DomainResult<()> {
        match job {
            Job::ScheduledChecks => {
                // Each check queues its own alerts; the delivery loop sends them, so a slow
                // webhook never holds the round.
                let round = self.checks.run_due(Utc::now()).await?;
                for alert in &round.alerts {
                    if let crate::alerts::About::Credential(credential) = &alert.about {
                        tracing::warn!(credential = %credential.id, event = alert.event.as_str(), "credential health changed");
                    }
                }
                tracing::info!(
                    checked = round.checked,
                    ok = round.ok,
                    failed = round.failed,
                    unreadable = round.unreadable,
                    "health checks done"
                );
                Ok(())
            }
            Job::LogPruning => {
                let Pruned {
                    logs,
                    runs,
                    deliveries,
                    answers,
                } = self.prune(Utc::now()).await?;
                tracing::info!(
                    logs,
                    runs,
                    deliveries,
                    answers,
                    "old request logs, test runs, webhook deliveries and kept answers pruned"
                );
                Ok(())
            }
            Job::Backups => match &self.backups {
                Some(backups) => backups.run().await,
                None => Ok(()),
            },
        }
    }

    /// Deletes the request logs (and their hourly figures), the ended "test all" runs and
    /// the finished webhook deliveries older than the retention, each by its owner.
    pub async fn prune(&self, now: DateTime<Utc>) -> DomainResult<Pruned> {
        let cutoff = now - Duration::days(i64::from(self.schedule.log_retention_days));
        Ok(Pruned {
            logs: self.retention.logs.prune(cutoff).await?,
            runs: self.retention.runs.prune(cutoff).await?,
            deliveries: self.retention.deliveries.prune(cutoff).await?,
            // Kept answers live a day, whatever the log retention.
            answers: self
                .retention
                .answers
                .prune(now - crate::idempotency::KEPT_FOR)
                .await?,
        })
    }

    /// The archives in `backups`' directory and when the next scheduled one is due
    /// (`None` when backups are not scheduled): what the Backups page shows.
    pub async fn backup_overview(&self, admin: &Admin, backups: &Backups) -> DomainResult<BackupOverview> {
        let next_scheduled = match self.backups {
            None => None,
            Some(_) => {
                let state = self.list(admin).await?;
                let row = state
                    .into_iter()
                    .find(|s| s.job == Job::Backups)
                    .and_then(|s| s.row);
                Some(match row {
                    Some(row) => row.next_run_at,
                    None => self.next_run(Job::Backups, Utc::now()),
                })
            }
        };
        Ok(BackupOverview {
            backups: backups.list_as(admin).await?,
            dir: backups.dir().to_path_buf(),
            next_scheduled,
        })
    }

    /// Asks for a run of `job` now: the first instance to look (within a few seconds)
    /// takes it as it takes a due run, and its schedule goes on from there.
    ///
    /// # Errors
    /// `NotFound` for a job this instance does not run (backups without a schedule);
    /// `Conflict` while a run is under way.
    pub async fn run_now(&self, _admin: &Admin, job: Job) -> DomainResult<()> {
        if !self.jobs().contains(&job) {
            return Err(DomainError::NotFound);
        }
        if !self.leases.bring_forward(job, Utc::now()).await? {
            return Err(DomainError::conflict("job", "a run of this job is under way"));
        }
        Ok(())
    }

    /// Every job with its interval, status and lease row (none before its first schedule).
    pub async fn list(&self, _admin: &Admin) -> DomainResult<Vec<JobState>> {
        let rows = self.leases.list().await?;
        let now = Utc::now();
        Ok(self
            .jobs()
            .into_iter()
            .map(|job| {
                let row = rows.iter().find(|r| r.name == job.as_str()).cloned();
                let lease = row.as_ref().and_then(|r| r.lease_until);
                let last = row
                    .as_ref()
                    .and_then(|r| r.last_status.as_deref())
                    .and_then(JobStatus::parse);
                let status = match (lease, last) {
                    (Some(until), _) if until > now => JobStatus::Running,
                    // Held by an instance that stopped renewing: the run was cut short.
                    (Some(_), _) => JobStatus::Interrupted,
                    (None, Some(last)) => last,
                    (None, None) => JobStatus::Scheduled,
                };
                JobState {
                    job,
                    interval: self.interval(job),
                    status,
                    row,
                }
            })
            .collect())
    }
}
