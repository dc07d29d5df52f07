//! `switchyard backup create`, `verify` and `restore` as an operator runs them, on
//! 10,000 sealed credentials and 1,000,000 request-log rows (targets: ≤ 10 s each), with
//! each command's CPU time beside its wall time.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use chrono::Utc;
use domain::entities::request_logs;
use sea_orm::{Database, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

use crate::harness::children_cpu_seconds;
use crate::rotation::store_sealed_credentials;
use crate::Result;

pub const CREDENTIALS: usize = 10_000;
pub const LOG_ROWS: usize = 1_000_000;
const INSERT_BATCH: usize = 1_000;

pub async fn backup_figures(binary: &Path, data: &Path) -> Result<()> {
    store_sealed_credentials(data, CREDENTIALS).await?;
    let seeded = Instant::now();
    add_logs(data, LOG_ROWS).await?;
    println!(
        "stored {LOG_ROWS} request-log rows in {:.1} s",
        seeded.elapsed().as_secs_f64()
    );
    let archives = data.join("backups");
    let run = |dir: &Path, args: &[&str]| -> Result<(String, f64, f64)> {
        let cpu_before = children_cpu_seconds()?;
        let started = Instant::now();
        let output = Command::new(binary)
            .arg("backup")
            .args(args)
            .env("SWITCHYARD_DATA_DIR", dir)
            .env("SWITCHYARD_MASTER_KEY_FILE", data.join("master.key"))
            .env("SWITCHYARD_BACKUP_DIR", &archives)
            .env("RUST_LOG", "warn")
            .output()?;
        let wall = started.elapsed().as_secs_f64();
        let cpu = children_cpu_seconds()? - cpu_before;
        let text = String::from_utf8_lossy(&output.stdout).into_owned();
        if !output.status.success() {
            return Err(format!(
                "`backup {}` failed: {text}{}",
                args.join(" "),
                String::from_utf8_lossy(&output.stderr)
            )
            .into());
        }
        Ok((text, wall, cpu))
    };
    let (created, wall, cpu) = run(data, &["create"])?;
    let name = created
        .split_whitespace()
        .nth(1)
        .ok_or("`backup create` named no archive")?
        .to_owned();
    let size = std::fs::metadata(archives.join(&name))?.len() as f64 / 1e6;
    println!(
        "backup create ({CREDENTIALS} credentials, {LOG_ROWS} log rows): {wall:.1} s (CPU {cpu:.1} s), archive {size:.1} MB (target ≤ 10 s)"
    );
    let (_, wall, cpu) = run(data, &["verify", &name])?;
    println!("backup verify with the master key: {wall:.1} s (CPU {cpu:.1} s)");
    let fresh = tempfile::TempDir::new()?;
    let (_, wall, cpu) = run(fresh.path(), &["restore", &name, "--yes"])?;
    println!("backup restore into an empty SQLite database: {wall:.1} s (CPU {cpu:.1} s) (target ≤ 10 s)");
    Ok(())
}

async fn add_logs(data: &Path, count: usize) -> Result<()> {
    let db_url = format!("sqlite://{}?mode=rwc", data.join("switchyard.db").display());
    let db = Database::connect(&db_url).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    for start in (0..count).step_by(INSERT_BATCH) {
        let rows = (start..(start + INSERT_BATCH).min(count)).map(|i| request_logs::ActiveModel {
            id: Set(Uuid::now_v7()),
            kind: Set("gateway".into()),
            status: Set(if i % 20 == 0 { "server_error" } else { "ok" }.into()),
            http_status: Set(Some(if i % 20 == 0 { 502 } else { 200 })),
            latency_ms: Set((i % 900) as i32),
            model: Set(Some(format!("model-{}", i % 7))),
            error: Set((i % 20 == 0).then(|| "the provider answered 502 Bad Gateway".to_owned())),
            created_at: Set(now - chrono::Duration::seconds((i % 86_400) as i64)),
            request_id: Set(Some(format!("req-{i:08}"))),
            endpoint: Set(Some("chat".into())),
            prompt_tokens: Set(Some((i % 500) as i32)),
            completion_tokens: Set(Some((i % 300) as i32)),
            ..Default::default()
        });
        request_logs::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    db.close().await?;
    Ok(())
}
