//! The two aggregate queries behind the overview. They read `request_stats` (requests
//! per provider, hour and latency, kept as each request is logged), so their cost
//! follows the distinct latencies per hour, not the number of requests, and the same
//! SQL runs on SQLite and PostgreSQL.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{DatabaseBackend, DatabaseConnection, FromQueryResult, Statement};
use uuid::Uuid;

use crate::error::DomainResult;

/// Requests, successes, summed latency and tokens of one provider in one hour.
#[derive(FromQueryResult)]
pub struct HourRow {
    pub provider_id: Uuid,
    pub hour: DateTime<Utc>,
    pub requests: i64,
    pub ok: i64,
    pub latency_total: i64,
    pub tokens: i64,
}

#[derive(FromQueryResult)]
struct RawPercentile {
    provider_id: Uuid,
    latency_ms: i32,
}

pub async fn hourly(db: &DatabaseConnection, since: DateTime<Utc>) -> DomainResult<Vec<HourRow>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "SELECT provider_id, hour, CAST(SUM(requests) AS BIGINT) AS requests, \
         CAST(SUM(ok) AS BIGINT) AS ok, \
         CAST(SUM(CAST(latency_ms AS BIGINT) * requests) AS BIGINT) AS latency_total, \
         CAST(SUM(tokens) AS BIGINT) AS tokens \
         FROM request_stats WHERE hour >= {since} GROUP BY provider_id, hour",
        since = placeholder(backend),
    );
    Ok(
        HourRow::find_by_statement(Statement::from_sql_and_values(backend, sql, [since.into()]))
            .all(db)
            .await?,
    )
}

/// p95 latency per provider by nearest rank: the running count over latencies in
/// order finds the first latency that covers 95 % of the requests. Exact, with no
/// percentile function (SQLite has none).
pub async fn p95(db: &DatabaseConnection, since: DateTime<Utc>) -> DomainResult<HashMap<Uuid, i64>> {
    let backend = db.get_database_backend();
    let sql = format!(
        "WITH counted AS ( \
           SELECT provider_id, latency_ms, SUM(requests) AS n FROM request_stats \
           WHERE hour >= {since} GROUP BY provider_id, latency_ms), \
         running AS ( \
           SELECT provider_id, latency_ms, \
             SUM(n) OVER (PARTITION BY provider_id ORDER BY latency_ms) AS covered, \
             SUM(n) OVER (PARTITION BY provider_id) AS total \
           FROM counted) \
         SELECT provider_id, MIN(latency_ms) AS latency_ms FROM running \
         WHERE covered * 100 >= total * 95 GROUP BY provider_id",
        since = placeholder(backend),
    );
    let rows = RawPercentile::find_by_statement(Statement::from_sql_and_values(backend, sql, [since.into()]))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.provider_id, i64::from(r.latency_ms)))
        .collect())
}

/// The one bound value's placeholder.
fn placeholder(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "$1",
        _ => "?",
    }
}
