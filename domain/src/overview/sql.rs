//! The two aggregate queries behind the overview, on SQLite and PostgreSQL alike but
//! for how an hour is cut out of a timestamp. Both read `idx_request_logs_overview`
//! (created_at first, then every column they use), so the window is one range of one
//! index and no table row is read. Rows without a provider form their own group, which
//! the caller leaves out (a filter on it would steer SQLite to a worse index).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use sea_orm::{DatabaseBackend, DatabaseConnection, FromQueryResult, Statement};
use uuid::Uuid;

use crate::{DomainError, DomainResult};

/// Requests, successes and summed latency of one provider in one hour.
pub struct HourRow {
    pub provider_id: Uuid,
    pub hour: DateTime<Utc>,
    pub requests: u64,
    pub ok: u64,
    pub latency_total: u64,
}

#[derive(FromQueryResult)]
struct RawHour {
    provider_id: Option<Uuid>,
    /// `2026-11-23T07`: the UTC hour.
    hour: String,
    requests: i64,
    ok: i64,
    latency_total: i64,
}

#[derive(FromQueryResult)]
struct RawPercentile {
    provider_id: Option<Uuid>,
    latency_ms: i32,
}

pub async fn hourly(db: &DatabaseConnection, since: DateTime<Utc>) -> DomainResult<Vec<HourRow>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT provider_id, {hour} AS hour, COUNT(*) AS requests, \
         SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) AS ok, \
         SUM(latency_ms) AS latency_total \
         FROM {logs} WHERE created_at >= {since} \
         GROUP BY provider_id, hour",
        hour = hour_of_created_at(backend),
        logs = logs_table(backend),
        since = placeholder(backend),
    );
    let rows = RawHour::find_by_statement(Statement::from_sql_and_values(backend, sql, [since.into()]))
        .all(db)
        .await?;
    rows.into_iter()
        .filter_map(|r| r.provider_id.map(|id| (id, r)))
        .map(|(provider_id, r)| {
            let hour = NaiveDateTime::parse_from_str(&format!("{}:00:00", r.hour), "%Y-%m-%dT%H:%M:%S")
                .map_err(|_| DomainError::internal(format!("an unreadable hour {:?}", r.hour)))?
                .and_utc();
            Ok(HourRow {
                provider_id,
                hour,
                requests: unsigned(r.requests),
                ok: unsigned(r.ok),
                latency_total: unsigned(r.latency_total),
            })
        })
        .collect()
}

/// p95 latency per provider by nearest rank: latencies are counted per value first
/// (few distinct values), then the running count finds the first value that covers
/// 95 % of the requests. Exact, with no percentile function (SQLite has none).
pub async fn p95(db: &DatabaseConnection, since: DateTime<Utc>) -> DomainResult<HashMap<Uuid, i64>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "WITH counted AS ( \
           SELECT provider_id, latency_ms, COUNT(*) AS n FROM {logs} \
           WHERE created_at >= {since} \
           GROUP BY provider_id, latency_ms), \
         running AS ( \
           SELECT provider_id, latency_ms, \
             SUM(n) OVER (PARTITION BY provider_id ORDER BY latency_ms) AS covered, \
             SUM(n) OVER (PARTITION BY provider_id) AS total \
           FROM counted) \
         SELECT provider_id, MIN(latency_ms) AS latency_ms FROM running \
         WHERE covered * 100 >= total * 95 GROUP BY provider_id",
        logs = logs_table(backend),
        since = placeholder(backend),
    );
    let rows = RawPercentile::find_by_statement(Statement::from_sql_and_values(backend, sql, [since.into()]))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| r.provider_id.map(|id| (id, i64::from(r.latency_ms))))
        .collect())
}

/// The UTC hour of `created_at` as `YYYY-MM-DDTHH`. SQLite stores RFC 3339 text in
/// UTC, so the hour is its first 13 characters, with no date parsing per row.
fn hour_of_created_at(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => r#"to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24')"#,
        _ => "substr(created_at, 1, 13)",
    }
}

/// SQLite's planner, without statistics, prefers (provider_id, created_at) and reads
/// every row; naming the covering index keeps the window one index range.
fn logs_table(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "request_logs",
        _ => "request_logs INDEXED BY idx_request_logs_overview",
    }
}

/// The one bound value's placeholder.
fn placeholder(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "$1",
        _ => "?",
    }
}

fn unsigned(count: i64) -> u64 {
    u64::try_from(count).unwrap_or(0)
}
