//! `switchyard keys rotate` over 100,000 real secrets: sealed with the database's own
//! data key, then re-encrypted by the command while the server is stopped.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use domain::credentials::CredentialService;
use domain::egress::{AllowList, Egress};
use domain::entities::{credentials, providers};
use domain::probe::Prober;
use domain::vault::{MasterKey, Vault};
use sea_orm::{ConnectionTrait, Database, EntityTrait, Set, TransactionTrait};
use secrecy::SecretString;
use uuid::Uuid;

use crate::credentials::row;
use crate::Result;

pub const SECRETS: usize = 100_000;
const INSERT_BATCH: usize = 500;

/// Replaces the credentials with `SECRETS` sealed ones, then times the rotation.
pub async fn rotation_figures(binary: &Path, data: &Path) -> Result<()> {
    store_sealed_credentials(data, SECRETS).await?;
    let started = Instant::now();
    let output = Command::new(binary)
        .args(["keys", "rotate", "--batch-size", "1000"])
        .env("SWITCHYARD_DATA_DIR", data)
        .env("RUST_LOG", "warn")
        .output()?;
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().last().unwrap_or_default().to_owned();
    if !output.status.success() || !last.contains(&format!("done: {SECRETS} credential(s)")) {
        return Err(format!("`keys rotate` did not rotate every secret: {last}").into());
    }
    println!(
        "keys rotate of {SECRETS} secrets: {:.1} s ({:.0} secrets/s); {last}",
        elapsed.as_secs_f64(),
        SECRETS as f64 / elapsed.as_secs_f64()
    );
    Ok(())
}

/// Replaces the credentials of the SQLite database in `data` with `count` real secrets,
/// sealed with its own data key.
pub async fn store_sealed_credentials(data: &Path, count: usize) -> Result<()> {
    let db_url = format!("sqlite://{}?mode=rwc", data.join("switchyard.db").display());
    let db = Database::connect(&db_url).await?;
    let master = MasterKey::read_file(&data.join("master.key"))?;
    let vault = Vault::open(&db, &master).await?;
    let egress = Egress::new(AllowList::default(), Duration::from_secs(1));
    let service = CredentialService::new(
        db.clone(),
        Arc::new(vault),
        Prober::new(Duration::from_secs(1), egress)?,
    );
    let providers = providers::Entity::find().all(&db).await?;
    let sealed = Instant::now();
    db.execute_unprepared("DELETE FROM credentials").await?;
    let txn = db.begin().await?;
    for start in (0..count).step_by(INSERT_BATCH) {
        let mut rows = Vec::with_capacity(INSERT_BATCH);
        for i in start..(start + INSERT_BATCH).min(count) {
            let mut active = row(i, &providers[i % providers.len()], None);
            let id = Uuid::now_v7();
            let key = SecretString::from(format!("sk-bench-{i:012}-rotation-secret"));
            active.id = Set(id);
            active.name = Set(format!("rotate {i}"));
            let (sealed, version) = service.seal(id, &BTreeMap::from([("api_key".to_owned(), key)]))?;
            active.secret_fields = Set(sealed);
            active.key_version = Set(version);
            rows.push(active);
        }
        credentials::Entity::insert_many(rows).exec(&txn).await?;
    }
    txn.commit().await?;
    db.close().await?;
    println!(
        "sealed and stored {count} secrets in {:.1} s",
        sealed.elapsed().as_secs_f64()
    );
    Ok(())
}
