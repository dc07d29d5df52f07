//! The overview's figures: per provider over the last 24 hours or 7 days, requests,
//! tokens, success rate, average and p95 latency and errors per bucket, aggregated in SQL
//! from the hourly request counts that `logs::record` keeps; and the credentials that
//! are resting (cooldown) or disabled, with why.

mod sql;

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};

use crate::credentials::ownership::cooling;
use uuid::Uuid;

use vocab::{CredentialId, DisabledReason, Scope, Window};

use crate::access::Admin;
use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};

/// A window's buckets: how many, and how many hours each; the last one ends with the
/// current hour.
pub const fn buckets(window: Window) -> (usize, i64) {
    match window {
        Window::Day => (24, 1),
        Window::Week => (28, 6),
    }
}

/// One provider's figures over the window. Every request_logs row counts: tests,
/// scheduled checks and gateway attempts; an error is any outcome other than `ok`.
#[derive(Clone, Debug, PartialEq)]
pub struct ProviderFigures {
    pub provider_id: Uuid,
    pub provider: String,
    pub name: String,
    pub requests: u64,
    pub ok: u64,
    /// Prompt and completion tokens the gateway's answers reported.
    pub tokens: u64,
    /// `ok / requests`, from 0 to 1; `None` without requests.
    pub success_rate: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    /// Nearest rank: the smallest latency that at least 95 % of the requests stay within.
    pub p95_latency_ms: Option<i64>,
    /// Requests and errors in each bucket of the window, oldest first.
    pub hourly: Vec<HourFigures>,
}

/// One bucket's counts; `hour` is the bucket's first hour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HourFigures {
    pub hour: DateTime<Utc>,
    pub requests: u64,
    pub errors: u64,
    pub tokens: u64,
}

/// Why a credential is out of the rotation at the moment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Sideline {
    /// Failing checks; resting until then.
    Cooldown { until: DateTime<Utc> },
    /// Disabled by the health checks after failures in a row.
    HealthDisabled { since: Option<DateTime<Utc>> },
    /// Disabled by an admin.
    ManuallyDisabled,
}

pub struct SidelinedCredential {
    pub id: CredentialId,
    pub name: String,
    pub provider: String,
    pub scope: Scope,
    pub sideline: Sideline,
    pub consecutive_failures: i32,
    /// The last test's message (the provider's words with secrets cut out).
    pub last_error: Option<String>,
}

pub struct Figures {
    pub window: Window,
    /// Hours per bucket of `ProviderFigures::hourly`.
    pub bucket_hours: i64,
    /// The first hour of the window.
    pub since: DateTime<Utc>,
    pub providers: Vec<ProviderFigures>,
    pub sidelined: Vec<SidelinedCredential>,
}

#[derive(Clone)]
pub struct OverviewService {
    db: DatabaseConnection,
}

impl OverviewService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// The figures of every provider that is enabled or had requests in the window,
    /// busiest first.
    pub async fn figures(&self, _admin: &Admin, now: DateTime<Utc>, window: Window) -> DomainResult<Figures> {
        let (count, hours) = buckets(window);
        // Buckets start on whole multiples of their length since the epoch: hours, or
        // 00/06/12/18 UTC, so a day's label marks a bucket that starts at midnight. The
        // last one is the bucket under way.
        let current = now
            .duration_trunc(Duration::hours(hours))
            .map_err(DomainError::internal)?;
        let since = current - Duration::hours((count as i64 - 1) * hours);
        // Independent reads: on separate connections they run side by side.
        let (hourly, p95, known) =
            tokio::try_join!(sql::hourly(&self.db, since), sql::p95(&self.db, since), async {
                Ok(providers::Entity::find()
                    .order_by_asc(providers::Column::Identifier)
                    .all(&self.db)
                    .await?)
            },)?;
        let mut figures: Vec<ProviderFigures> = known
            .into_iter()
            .filter(|p| p.enabled || hourly.iter().any(|row| row.provider_id == p.id))
            .map(|p| {
                let rows: Vec<&sql::HourRow> = hourly.iter().filter(|r| r.provider_id == p.id).collect();
                let requests: u64 = rows.iter().map(|r| unsigned(r.requests)).sum();
                let ok: u64 = rows.iter().map(|r| unsigned(r.ok)).sum();
                let latency_total: u64 = rows.iter().map(|r| unsigned(r.latency_total)).sum();
                let tokens: u64 = rows.iter().map(|r| unsigned(r.tokens)).sum();
                let mut per_bucket: Vec<HourFigures> = (0..count)
                    .map(|i| HourFigures {
                        hour: since + Duration::hours(i as i64 * hours),
                        requests: 0,
                        errors: 0,
                        tokens: 0,
                    })
                    .collect();
                for row in &rows {
                    let index = usize::try_from((row.hour - since).num_hours() / hours).unwrap_or(0);
                    if let Some(bucket) = per_bucket.get_mut(index) {
                        bucket.requests += unsigned(row.requests);
                        bucket.errors += unsigned(row.requests - row.ok);
                        bucket.tokens += unsigned(row.tokens);
                    }
                }
                ProviderFigures {
                    provider_id: p.id,
                    provider: p.identifier,
                    name: p.name,
                    requests,
                    ok,
                    tokens,
                    success_rate: (requests > 0).then(|| ok as f64 / requests as f64),
                    avg_latency_ms: (requests > 0).then(|| latency_total as f64 / requests as f64),
                    p95_latency_ms: p95.get(&p.id).copied(),
                    hourly: per_bucket,
                }
            })
            .collect();
        figures.sort_by(|a, b| {
            b.requests
                .cmp(&a.requests)
                .then_with(|| a.provider.cmp(&b.provider))
        });
        Ok(Figures {
            window,
            bucket_hours: hours,
            since,
            providers: figures,
            sidelined: self.sidelined(now).await?,
        })
    }

    /// Credentials in cooldown or disabled: health-disabled first, then resting, then
    /// those an admin disabled.
    async fn sidelined(&self, now: DateTime<Utc>) -> DomainResult<Vec<SidelinedCredential>> {
        let rows = credentials::Entity::find()
            .find_also_related(providers::Entity)
            .filter(
                Condition::any()
                    .add(credentials::Column::Active.eq(false))
                    .add(cooling(now)),
            )
            .order_by_asc(credentials::Column::Name)
            .all(&self.db)
            .await?;
        let mut sidelined: Vec<SidelinedCredential> = rows
            .into_iter()
            .map(|(row, provider)| {
                let reason = row.disabled_reason.as_deref().and_then(DisabledReason::parse);
                let sideline = match (row.active, reason) {
                    (false, Some(DisabledReason::Health)) => Sideline::HealthDisabled {
                        since: row.disabled_at,
                    },
                    (false, _) => Sideline::ManuallyDisabled,
                    (true, _) => Sideline::Cooldown {
                        until: row.cooldown_until.unwrap_or(now),
                    },
                };
                SidelinedCredential {
                    id: CredentialId::from_uuid(row.id),
                    scope: crate::credentials::scope_of(&row),
                    name: row.name,
                    provider: provider.map(|p| p.identifier).unwrap_or_default(),
                    sideline,
                    consecutive_failures: row.consecutive_failures,
                    last_error: row.last_test_error,
                }
            })
            .collect();
        sidelined.sort_by_key(|c| match c.sideline {
            Sideline::HealthDisabled { .. } => 0,
            Sideline::Cooldown { .. } => 1,
            Sideline::ManuallyDisabled => 2,
        });
        Ok(sidelined)
    }
}

fn unsigned(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}
