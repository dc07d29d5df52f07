//! The instance: its counts and its scheduled jobs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{Job, JobStatus};

/// The figures on the overview page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Overview {
    pub providers: u64,
    pub enabled_providers: u64,
    pub credentials: u64,
    pub active_credentials: u64,
    pub users: u64,
    pub templates: u64,
}

/// A scheduled job: how often it runs, when it ran and will run, how it went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct JobDto {
    pub name: Job,
    pub interval_seconds: i64,
    /// Running while an instance holds its lease, else how the last run ended.
    pub status: JobStatus,
    pub last_started_at: Option<DateTime<Utc>>,
    pub last_finished_at: Option<DateTime<Utc>>,
    pub last_duration_ms: Option<i32>,
    pub last_error: Option<String>,
    pub next_run_at: Option<DateTime<Utc>>,
    pub runs: i32,
    /// The instance holding the lease (running, or cut short when it stopped renewing).
    pub held_by: Option<String>,
    /// The instance whose cut-short run the last run took over.
    pub taken_over_from: Option<String>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::system::Counts;

    impl From<domain::scheduler::JobState> for JobDto {
        fn from(job: domain::scheduler::JobState) -> Self {
            let row = job.row.as_ref();
            Self {
                name: job.job,
                interval_seconds: job.interval.num_seconds(),
                status: job.status,
                last_started_at: row.and_then(|r| r.last_started_at),
                last_finished_at: row.and_then(|r| r.last_finished_at),
                last_duration_ms: row.and_then(|r| r.last_duration_ms),
                last_error: row.and_then(|r| r.last_error.clone()),
                next_run_at: row.map(|r| r.next_run_at),
                runs: row.map_or(0, |r| r.runs),
                held_by: row.and_then(|r| r.lease_owner.clone()),
                taken_over_from: row.and_then(|r| r.taken_over_from.clone()),
            }
        }
    }

    impl From<Counts> for Overview {
        fn from(c: Counts) -> Self {
            Self {
                providers: c.providers,
                enabled_providers: c.enabled_providers,
                credentials: c.credentials,
                active_credentials: c.active_credentials,
                users: c.users,
                templates: c.templates,
            }
        }
    }
}
