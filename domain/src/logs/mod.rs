//! Request logs: one row per probe and gateway attempt, kept for a number of days and
//! listed for admins with filters. Each row is also counted into `request_stats`, the
//! overview's hourly figures, in the same transaction.

mod listing;

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter, Set};
use uuid::Uuid;
use vocab::{CredentialId, LogKind, Outcome, UserId};

use crate::entities::{providers, request_logs, request_stats};
use crate::error::{DomainError, DomainResult};
use crate::probe::ProbeReport;

pub use listing::{LogFilter, LogRecord};

/// Rows per INSERT: well under SQLite's 32,766 bound values at 17 columns a row.
const BATCH: usize = 1_500;

/// Writes request-log rows that the providers' figures leave out (users' own tests).
pub async fn record_uncounted(txn: &DatabaseTransaction, rows: Vec<request_logs::Model>) -> DomainResult<()> {
    for chunk in rows.chunks(BATCH) {
        let logs = chunk.iter().cloned().map(request_logs::ActiveModel::from);
        request_logs::Entity::insert_many(logs).exec(txn).await?;
    }
    Ok(())
}

/// Writes request-log rows and counts them into the hourly figures, in the caller's
/// transaction: the figures count exactly the rows the logs hold.
pub async fn record(txn: &DatabaseTransaction, rows: Vec<request_logs::Model>) -> DomainResult<()> {
    // Here only: its `max` would shadow `Ord::max` elsewhere in this file.
    use sea_orm::sea_query::ExprTrait;
    // (hour, provider, latency) -> (requests, successes, tokens)
    type Bucket = (DateTime<Utc>, Uuid, i32);
    let mut counts: HashMap<Bucket, (i64, i64, i64)> = HashMap::new();
    for row in &rows {
        let Some(provider) = row.provider_id else { continue };
        let hour = row
            .created_at
            .duration_trunc(Duration::hours(1))
            .map_err(DomainError::internal)?;
        let count = counts.entry((hour, provider, row.latency_ms)).or_default();
        count.0 += 1;
        count.1 += i64::from(row.status == Outcome::Ok.as_str());
        count.2 += i64::from(row.prompt_tokens.unwrap_or(0)) + i64::from(row.completion_tokens.unwrap_or(0));
    }
    record_uncounted(txn, rows).await?;
    let stats: Vec<request_stats::ActiveModel> = counts
        .into_iter()
        .map(
            |((hour, provider_id, latency_ms), (requests, ok, tokens))| request_stats::ActiveModel {
                hour: Set(hour),
                provider_id: Set(provider_id),
                latency_ms: Set(latency_ms),
                requests: Set(requests),
                ok: Set(ok),
                tokens: Set(tokens),
            },
        )
        .collect();
    let added = |column: request_stats::Column| {
        Expr::col((request_stats::Entity, column)).add(Expr::col((Alias::new("excluded"), column)))
    };
    for chunk in stats.chunks(BATCH) {
        request_stats::Entity::insert_many(chunk.to_vec())
            .on_conflict(
                OnConflict::columns([
                    request_stats::Column::Hour,
                    request_stats::Column::ProviderId,
                    request_stats::Column::LatencyMs,
                ])
                .value(
                    request_stats::Column::Requests,
                    added(request_stats::Column::Requests),
                )
                .value(request_stats::Column::Ok, added(request_stats::Column::Ok))
                .value(
                    request_stats::Column::Tokens,
                    added(request_stats::Column::Tokens),
                )
                .to_owned(),
            )
            .exec(txn)
            .await?;
    }
    Ok(())
}

#[derive(Clone)]
pub struct RequestLogs {
    pub(super) db: DatabaseConnection,
}

impl RequestLogs {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Writes request-log rows (with their hourly figures) in a transaction of their own.
    pub async fn record(&self, rows: Vec<request_logs::Model>) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        record(&txn, rows).await?;
        Ok(txn.commit().await?)
    }

    /// Deletes the request logs and their hourly figures from before `cutoff`; returns
    /// how many log rows went.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> DomainResult<u64> {
        let logs = request_logs::Entity::delete_many()
            .filter(request_logs::Column::CreatedAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        request_stats::Entity::delete_many()
            .filter(request_stats::Column::Hour.lt(cutoff))
            .exec(&self.db)
            .await?;
        Ok(logs.rows_affected)
    }
}

/// The row for one probe sent to a provider (a test or a scheduled check); the probe is
/// counted for `/metrics` here, where every probe's row is made.
pub fn probe_row(
    kind: LogKind,
    user: Option<UserId>,
    credential: Option<CredentialId>,
    provider: &providers::Model,
    report: &ProbeReport,
) -> request_logs::Model {
    let took = std::time::Duration::from_millis(u64::from(report.latency_ms));
    crate::metrics::upstream_request(kind, &provider.identifier, report.outcome, took, (0, 0));
    request_logs::Model {
        id: Uuid::now_v7(),
        credential_id: credential.map(CredentialId::uuid),
        provider_id: Some(provider.id),
        user_id: user.map(UserId::uuid),
        token_id: None,
        kind: kind.as_str().to_owned(),
        status: report.outcome.as_str().to_owned(),
        http_status: report.http_status.map(i32::from),
        latency_ms: i32::try_from(report.latency_ms).unwrap_or(i32::MAX),
        model: None,
        error: (!report.ok()).then(|| report.message.clone()),
        created_at: Utc::now(),
        request_id: None,
        ttfb_ms: None,
        prompt_tokens: None,
        completion_tokens: None,
        endpoint: None,
    }
}
