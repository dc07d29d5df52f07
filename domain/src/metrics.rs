//! What Switchyard counts for operators, through the `metrics` facade: the domain says
//! what happened, the server installs the Prometheus exporter and serves `/metrics`.
//! Labels are bounded words (kinds, outcomes, job names) and provider identifiers, which
//! admins choose; never a secret, an e-mail or a user's free text.

use std::time::Duration;

use vocab::{Job, JobStatus, LogKind, Outcome};

/// Requests sent to providers: gateway attempts, tests and scheduled checks.
pub const UPSTREAM_REQUESTS: &str = "switchyard_upstream_requests_total";
pub const UPSTREAM_SECONDS: &str = "switchyard_upstream_request_duration_seconds";
/// Tokens the providers reported, by direction (`prompt`, `completion`).
pub const UPSTREAM_TOKENS: &str = "switchyard_upstream_tokens_total";
/// Scheduler runs by job and how they ended.
pub const SCHEDULER_RUNS: &str = "switchyard_scheduler_runs_total";
/// Webhook delivery attempts by how they ended.
pub const WEBHOOK_ATTEMPTS: &str = "switchyard_webhook_delivery_attempts_total";

/// How one attempt to deliver a webhook ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryAttempt {
    Delivered,
    /// It failed and will be tried again.
    Retrying,
    /// It failed for the last time, or could not be sent at all.
    GivenUp,
}

/// One request sent to a provider, however it ended.
pub fn upstream_request(kind: LogKind, provider: &str, outcome: Outcome, took: Duration, tokens: (i64, i64)) {
    let provider = provider.to_owned();
    metrics::counter!(UPSTREAM_REQUESTS, "kind" => kind.as_str(), "provider" => provider.clone(),
        "outcome" => outcome.as_str())
    .increment(1);
    metrics::histogram!(UPSTREAM_SECONDS, "kind" => kind.as_str(), "provider" => provider.clone())
        .record(took.as_secs_f64());
    for (direction, count) in [("prompt", tokens.0), ("completion", tokens.1)] {
        if let Ok(count @ 1..) = u64::try_from(count) {
            metrics::counter!(UPSTREAM_TOKENS, "provider" => provider.clone(), "direction" => direction)
                .increment(count);
        }
    }
}

/// A scheduled run that ended (or was cut short).
pub fn scheduler_run(job: Job, status: JobStatus) {
    metrics::counter!(SCHEDULER_RUNS, "job" => job.as_str(), "status" => status.as_str()).increment(1);
}

/// One webhook delivery attempt, by how it ended.
pub fn webhook_attempt(outcome: DeliveryAttempt) {
    let outcome = match outcome {
        DeliveryAttempt::Delivered => "delivered",
        DeliveryAttempt::Retrying => "retrying",
        DeliveryAttempt::GivenUp => "given_up",
    };
    metrics::counter!(WEBHOOK_ATTEMPTS, "outcome" => outcome).increment(1);
}
