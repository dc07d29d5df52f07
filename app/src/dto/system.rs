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

/// A file size as people read it: `532 B`, `4.2 KiB`, `81.0 MiB`.
pub fn human_size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MiB", b as f64 / f64::from(1 << 20)),
        b if b >= 1 << 10 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// A backup archive in the backup directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupDto {
    /// The archive's file name (`switchyard-20261206T020000Z.tar.gz`).
    pub name: String,
    pub size_bytes: u64,
    /// From the manifest; absent when the manifest is unreadable (`problem` says why).
    pub created_at: Option<DateTime<Utc>>,
    pub schema_version: Option<String>,
    pub switchyard_version: Option<String>,
    /// `sqlite` or `postgres`.
    pub made_on: Option<String>,
    pub rows: Option<u64>,
    pub problem: Option<String>,
    /// The last verification; absent before the first.
    pub verification: Option<BackupVerificationDto>,
}

/// How a backup's last verification went.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupVerificationDto {
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// Whether the master key was tried (data keys unwrap, every secret decrypts).
    pub with_key: bool,
    pub message: String,
}

/// The backups page: the archives, and when the scheduler makes the next one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct BackupsDto {
    pub data: Vec<BackupDto>,
    /// Where the archives are, on the server.
    pub dir: String,
    /// The next scheduled backup; absent when `SWITCHYARD_BACKUP_SCHEDULE` is not set.
    pub next_scheduled: Option<DateTime<Utc>>,
}

#[cfg(feature = "ssr")]
mod backups_from_domain {
    use super::*;
    use domain::backups::{Backup, Verification};

    impl From<Verification> for BackupVerificationDto {
        fn from(v: Verification) -> Self {
            Self {
                at: v.at,
                ok: v.ok,
                with_key: v.with_key,
                message: v.message,
            }
        }
    }

    impl From<domain::scheduler::BackupOverview> for BackupsDto {
        fn from(o: domain::scheduler::BackupOverview) -> Self {
            Self {
                data: o.backups.into_iter().map(Into::into).collect(),
                dir: o.dir.display().to_string(),
                next_scheduled: o.next_scheduled,
            }
        }
    }

    impl From<Backup> for BackupDto {
        fn from(b: Backup) -> Self {
            let manifest = b.manifest.as_ref();
            Self {
                size_bytes: b.size,
                created_at: manifest.map(|m| m.created_at),
                schema_version: manifest.map(|m| m.schema_version.clone()),
                switchyard_version: manifest.map(|m| m.switchyard_version.clone()),
                made_on: manifest.map(|m| m.made_on.clone()),
                rows: manifest.map(|m| m.rows()),
                problem: b.problem,
                verification: b.verification.map(Into::into),
                name: b.name,
            }
        }
    }
}
