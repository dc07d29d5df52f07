//! Request logs: one row per probe and gateway attempt, kept for a number of days
//! (as are "test all" runs); listed for admins with filters. Each row is also counted
//! into `request_stats`, the overview's hourly figures.

use std::collections::HashMap;

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::sea_query::{Alias, Expr, OnConflict};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use crate::auth::Admin;
use crate::entities::{credentials, providers, request_logs, request_stats, test_runs, webhook_deliveries};
use crate::{DomainError, DomainResult};

/// Which rows to list; every filter is optional.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    /// A provider's identifier or id.
    pub provider: Option<String>,
    pub credential: Option<Uuid>,
    /// An outcome (`ok`, `timeout`, …).
    pub status: Option<String>,
    /// `probe` (a test), `health` (a scheduled check) or `gateway`.
    pub kind: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

/// Rows per INSERT: well under SQLite's 32,766 bound values at 12 columns a row.
const BATCH: usize = 2_000;

/// Writes request-log rows and counts them into the hourly figures, in one transaction:
/// the figures count exactly the rows the logs hold.
pub async fn record(db: &DatabaseConnection, rows: Vec<request_logs::Model>) -> DomainResult<()> {
    // Here only: its `max` would shadow `Ord::max` elsewhere in this file.
    use sea_orm::sea_query::ExprTrait;
    let mut counts: HashMap<(DateTime<Utc>, Uuid, i32), (i64, i64)> = HashMap::new();
    for row in &rows {
        let Some(provider) = row.provider_id else { continue };
        let hour = row
            .created_at
            .duration_trunc(Duration::hours(1))
            .map_err(DomainError::internal)?;
        let count = counts.entry((hour, provider, row.latency_ms)).or_default();
        count.0 += 1;
        count.1 += i64::from(row.status == crate::probe::Outcome::Ok.as_str());
    }
    let txn = crate::db::write_transaction(db).await?;
    for chunk in rows.chunks(BATCH) {
        let logs = chunk.iter().cloned().map(request_logs::ActiveModel::from);
        request_logs::Entity::insert_many(logs).exec(&txn).await?;
    }
    let stats: Vec<request_stats::ActiveModel> = counts
        .into_iter()
        .map(
            |((hour, provider_id, latency_ms), (requests, ok))| request_stats::ActiveModel {
                hour: Set(hour),
                provider_id: Set(provider_id),
                latency_ms: Set(latency_ms),
                requests: Set(requests),
                ok: Set(ok),
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
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// What one pruning deleted.
#[derive(Debug, PartialEq, Eq)]
pub struct Pruned {
    pub logs: u64,
    pub runs: u64,
    pub deliveries: u64,
}

/// A row with the names a person reads it by.
pub struct LogRecord {
    pub row: request_logs::Model,
    pub provider: Option<String>,
    pub credential_name: Option<String>,
}

#[derive(Clone)]
pub struct RequestLogs {
    db: DatabaseConnection,
}

impl RequestLogs {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Writes request-log rows (with their hourly figures).
    pub async fn record(&self, rows: Vec<request_logs::Model>) -> DomainResult<()> {
        record(&self.db, rows).await
    }

    /// Deletes the request logs (and their hourly figures), the ended "test all" runs
    /// (their results go with them) and the finished webhook deliveries older than
    /// `retention_days`; returns how many rows of each.
    pub async fn prune(&self, retention_days: u32, now: DateTime<Utc>) -> DomainResult<Pruned> {
        let cutoff = now - Duration::days(i64::from(retention_days));
        let logs = request_logs::Entity::delete_many()
            .filter(request_logs::Column::CreatedAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        request_stats::Entity::delete_many()
            .filter(request_stats::Column::Hour.lt(cutoff))
            .exec(&self.db)
            .await?;
        let runs = test_runs::Entity::delete_many()
            .filter(test_runs::Column::CreatedAt.lt(cutoff))
            .filter(test_runs::Column::Status.ne(crate::health::RUNNING))
            .exec(&self.db)
            .await?;
        let deliveries = webhook_deliveries::Entity::delete_many()
            .filter(webhook_deliveries::Column::CreatedAt.lt(cutoff))
            .filter(webhook_deliveries::Column::Status.ne(crate::alerts::PENDING))
            .exec(&self.db)
            .await?;
        Ok(Pruned {
            logs: logs.rows_affected,
            runs: runs.rows_affected,
            deliveries: deliveries.rows_affected,
        })
    }

    /// Newest first, one page and the total.
    ///
    /// # Errors
    /// `Validation` on `provider` for an unknown provider, on `until` for an empty range.
    pub async fn list(&self, _admin: &Admin, filter: &LogFilter) -> DomainResult<(Vec<LogRecord>, u64)> {
        let mut select = request_logs::Entity::find();
        if let Some(key) = filter
            .provider
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let provider = providers::Entity::find()
                .filter(match Uuid::parse_str(key) {
                    Ok(id) => providers::Column::Id.eq(id),
                    Err(_) => providers::Column::Identifier.eq(key),
                })
                .one(&self.db)
                .await?
                .ok_or_else(|| DomainError::validation("provider", "no such provider"))?;
            select = select.filter(request_logs::Column::ProviderId.eq(provider.id));
        }
        if let Some(credential) = filter.credential {
            select = select.filter(request_logs::Column::CredentialId.eq(credential));
        }
        if let Some(status) = filter.status.as_deref().filter(|s| !s.is_empty()) {
            select = select.filter(request_logs::Column::Status.eq(status));
        }
        if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
            select = select.filter(request_logs::Column::Kind.eq(kind));
        }
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if until < since {
                return Err(DomainError::validation(
                    "until",
                    "the range ends before it starts",
                ));
            }
        }
        if let Some(since) = filter.since {
            select = select.filter(request_logs::Column::CreatedAt.gte(since));
        }
        if let Some(until) = filter.until {
            select = select.filter(request_logs::Column::CreatedAt.lt(until));
        }
        let total = select.clone().count(&self.db).await?;
        let per_page = filter.per_page.clamp(1, 200);
        let rows = select
            .order_by_desc(request_logs::Column::CreatedAt)
            .order_by_desc(request_logs::Column::Id)
            .offset(filter.page.max(1).saturating_sub(1) * per_page)
            .limit(per_page)
            .all(&self.db)
            .await?;
        let names = self.names(&rows).await?;
        let records = rows
            .into_iter()
            .map(|row| LogRecord {
                provider: row.provider_id.and_then(|id| names.0.get(&id).cloned()),
                credential_name: row.credential_id.and_then(|id| names.1.get(&id).cloned()),
                row,
            })
            .collect();
        Ok((records, total))
    }

    /// Provider identifiers and credential names for a page of rows, two queries.
    async fn names(
        &self,
        rows: &[request_logs::Model],
    ) -> DomainResult<(HashMap<Uuid, String>, HashMap<Uuid, String>)> {
        let provider_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.provider_id).collect();
        let credential_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.credential_id).collect();
        let providers = providers::Entity::find()
            .filter(providers::Column::Id.is_in(provider_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.identifier))
            .collect();
        let credentials = credentials::Entity::find()
            .select_only()
            .column(credentials::Column::Id)
            .column(credentials::Column::Name)
            .filter(credentials::Column::Id.is_in(credential_ids))
            .into_tuple::<(Uuid, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok((providers, credentials))
    }
}
