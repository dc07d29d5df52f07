//! Connection tests and "test all" runs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{CredentialId, Outcome, RunId, RunStatus};

/// One connection test: how it ended and a sentence a person understands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProbeResultDto {
    pub ok: bool,
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub latency_ms: u32,
    /// How many models the key can see, when the probe lists them.
    pub model_count: Option<u32>,
    pub message: String,
    pub tested_at: DateTime<Utc>,
}

/// A "test all" run: progress counters and the results so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TestRunDto {
    pub job_id: RunId,
    pub status: RunStatus,
    pub total: i32,
    pub done: i32,
    pub ok: i32,
    /// Failed for any reason but a rate limit.
    pub failed: i32,
    pub rate_limited: i32,
    /// True once nothing more will arrive (finished or cancelled).
    pub finished: bool,
    pub results: Vec<TestRunResultDto>,
}

/// One credential's result in a run. `outcome` is a test's outcome, or `not_tested`
/// when the stored secret could not be read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TestRunResultDto {
    pub credential_id: CredentialId,
    pub name: String,
    pub provider: String,
    pub ok: bool,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    pub model_count: Option<i32>,
    pub message: String,
    pub tested_at: DateTime<Utc>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::entities::{test_run_results, test_runs};

    impl From<domain::probe::ProbeReport> for ProbeResultDto {
        fn from(report: domain::probe::ProbeReport) -> Self {
            Self {
                ok: report.ok(),
                outcome: report.outcome,
                http_status: report.http_status,
                latency_ms: report.latency_ms,
                model_count: report.model_count,
                message: report.message,
                tested_at: report.tested_at,
            }
        }
    }

    impl From<(test_runs::Model, Vec<test_run_results::Model>)> for TestRunDto {
        fn from((run, results): (test_runs::Model, Vec<test_run_results::Model>)) -> Self {
            let status = RunStatus::parse(&run.status).unwrap_or(RunStatus::Cancelled);
            Self {
                job_id: RunId::from_uuid(run.id),
                finished: status != RunStatus::Running,
                status,
                total: run.total,
                done: run.done,
                ok: run.ok,
                failed: run.failed,
                rate_limited: run.rate_limited,
                results: results
                    .into_iter()
                    .map(|r| TestRunResultDto {
                        credential_id: CredentialId::from_uuid(r.credential_id),
                        name: r.credential_name,
                        provider: r.provider,
                        ok: r.outcome == Outcome::Ok.as_str(),
                        outcome: r.outcome,
                        http_status: r.http_status,
                        latency_ms: r.latency_ms,
                        model_count: r.model_count,
                        message: r.message,
                        tested_at: r.tested_at,
                    })
                    .collect(),
            }
        }
    }
}
