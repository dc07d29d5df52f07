//! The overview's health figures over 1,000,000 request_logs rows, on SQLite and on
//! PostgreSQL, in two layouts: spread over 30 days (the default retention, so about
//! 33,000 rows fall in the 24-hour window) and all within the last 24 hours (the worst
//! case: every row is in the window).

use std::time::{Duration, Instant};

use chrono::Utc;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, EntityTrait};
use uuid::Uuid;

use crate::harness::{sign_in, wait_ready, Instance};
use crate::Result;

const ROWS: usize = 1_000_000;
/// Rows per write (one transaction each).
const BATCH: usize = 10_000;
const RUNS: usize = 20;
const PG_PORT: u16 = 3978;
const OUTCOMES: [&str; 4] = ["timeout", "upstream_error", "rate_limited", "auth_rejected"];

/// Fills request_logs (emptied first) with `ROWS` rows over `span`, ending now.
async fn fill(db: &DatabaseConnection, span: chrono::Duration) -> Result<()> {
    use domain::entities::{providers, request_logs};
    db.execute_unprepared("DELETE FROM request_logs").await?;
    db.execute_unprepared("DELETE FROM request_stats").await?;
    let providers: Vec<Uuid> = providers::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .take(8)
        .map(|p| p.id)
        .collect();
    let now = Utc::now();
    let step = span.num_milliseconds() / ROWS as i64;
    let started = Instant::now();
    for chunk in (0..ROWS).collect::<Vec<_>>().chunks(BATCH) {
        let rows = chunk.iter().map(|&i| {
            // A cheap spread: mostly 100–900 ms, a slow tail, about 5 % errors.
            let mix = (i as u64).wrapping_mul(2_654_435_761) % 1000;
            let latency = if mix < 950 {
                100 + mix as i32 * 5 / 6
            } else {
                900 + mix as i32 * 40
            };
            let status = if mix.is_multiple_of(20) {
                OUTCOMES[(mix / 20 % 4) as usize]
            } else {
                "ok"
            };
            request_logs::Model {
                id: Uuid::now_v7(),
                credential_id: None,
                provider_id: Some(providers[i % providers.len()]),
                user_id: None,
                token_id: None,
                kind: "gateway".into(),
                status: status.into(),
                http_status: Some(200),
                latency_ms: latency,
                model: None,
                error: None,
                created_at: now - chrono::Duration::milliseconds(step * i as i64),
                request_id: None,
                ttfb_ms: None,
                prompt_tokens: None,
                completion_tokens: None,
                endpoint: None,
            }
        });
        // The app's own write path: the logs and their hourly counts.
        domain::logs::RequestLogs::new(db.clone())
            .record(rows.collect())
            .await?;
    }
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // What autovacuum does after a bulk load: statistics and the visibility map.
        db.execute_unprepared("VACUUM ANALYZE request_logs").await?;
        db.execute_unprepared("VACUUM ANALYZE request_stats").await?;
    }
    println!(
        "  filled {ROWS} request_logs rows in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `RUNS` sequential requests after two warm-ups; prints p50 and the slowest.
async fn time_requests(client: &reqwest::Client, url: &str, cookie: &str, label: &str) -> Result<()> {
    let mut times = Vec::new();
    for run in 0..RUNS + 2 {
        let sent = Instant::now();
        let response = client.get(url).header("cookie", cookie).send().await?;
        if !response.status().is_success() {
            return Err(format!("{url} answered {}", response.status()).into());
        }
        response.bytes().await?;
        if run >= 2 {
            times.push(sent.elapsed());
        }
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "  {label}: p50 {:.1} ms, slowest of {RUNS} {:.1} ms",
        ms(times[RUNS / 2]),
        ms(times[RUNS - 1])
    );
    Ok(())
}

pub async fn overview_figures(
    client: &reqwest::Client,
    base: &str,
    db_url: &str,
    cookie: &str,
    database: &str,
) -> Result<()> {
    let db = Database::connect(db_url).await?;
    for (layout, span) in [
        ("spread over 30 days", chrono::Duration::days(30)),
        (
            "all in the last 24 hours",
            chrono::Duration::hours(24) - chrono::Duration::minutes(1),
        ),
    ] {
        println!("overview on {database}, {ROWS} rows {layout}:");
        fill(&db, span).await?;
        time_requests(
            client,
            &format!("{base}/api/admin/overview"),
            cookie,
            "GET /api/admin/overview",
        )
        .await?;
        time_requests(client, &format!("{base}/"), cookie, "overview page with charts").await?;
    }
    db.execute_unprepared("DELETE FROM request_logs").await?;
    db.execute_unprepared("DELETE FROM request_stats").await?;
    db.close().await?;
    Ok(())
}

/// The same on a fresh PostgreSQL database (`SWITCHYARD_TEST_POSTGRES_URL`), when set.
pub async fn on_postgres(binary: &std::path::Path, client: &reqwest::Client) -> Result<()> {
    let Some(server_url) = std::env::var("SWITCHYARD_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        println!("overview on PostgreSQL skipped: SWITCHYARD_TEST_POSTGRES_URL is not set");
        return Ok(());
    };
    let name = format!("switchyard_bench_{}", Uuid::now_v7().simple());
    let admin_db = Database::connect(&server_url).await?;
    admin_db
        .execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await?;
    let db_url = format!(
        "{}/{name}",
        server_url
            .rsplit_once('/')
            .map_or(server_url.as_str(), |(base, _)| base)
    );
    let data = tempfile::TempDir::new()?;
    let outcome = async {
        let instance = Instance::new(binary, data.path(), Some(db_url.clone()));
        instance.create_admin()?;
        let mut server = instance.serve(PG_PORT)?;
        let base = format!("http://127.0.0.1:{PG_PORT}");
        wait_ready(client, &base).await?;
        let cookie = sign_in(client, &base).await?;
        let figures = overview_figures(client, &base, &db_url, &cookie, "PostgreSQL").await;
        server.stop();
        figures
    }
    .await;
    admin_db
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await?;
    outcome
}
