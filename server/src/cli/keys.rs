//! `switchyard keys status | rotate | rewrap | retire`: the vault's data keys.

use std::collections::HashSet;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use domain::alerts::WebhookService;
use domain::audit::{AuditEntry, AuditService};
use domain::credentials::CredentialService;
use domain::probe::Prober;
use domain::vault::{self, MasterKey, Vault};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;

use crate::config::Settings;
use crate::startup::{load_master_key, open_database};

#[derive(Subcommand, Debug)]
pub enum KeysAction {
    /// List the data-key versions and how many credentials each encrypts.
    Status,
    /// Add a data-key version and re-encrypt every secret with it, in batches. Run it
    /// again after an interruption: it continues where it stopped.
    Rotate {
        #[arg(long, default_value_t = 500)]
        batch_size: u64,
    },
    /// Wrap the data keys with a new master key (the secrets themselves are not touched).
    Rewrap {
        /// A file holding the new key (32 bytes, base64 or hex), e.g. from `openssl rand -base64 32`.
        #[arg(long)]
        new_master_key_file: PathBuf,
    },
    /// Mark an old data-key version retired; refused while any credential uses it.
    Retire {
        #[arg(long)]
        version: i32,
    },
}

pub async fn run(settings: &Settings, action: KeysAction) -> anyhow::Result<()> {
    let db = open_database(settings).await?;
    let master = load_master_key(settings)?;
    let credentials = credential_service(&db, &master).await?;
    match action {
        KeysAction::Status => {
            let counts = credentials.rows_per_key_version().await?;
            for key in vault::key_versions(&db).await? {
                let rows = counts.get(&key.version).copied().unwrap_or(0);
                println!(
                    "version {}  {:<8}  {rows} credential(s)  created {}",
                    key.version,
                    key.state,
                    key.created_at.format("%Y-%m-%d %H:%M")
                );
            }
            let unreadable = credentials.unreadable().await?;
            println!("{} credential(s) cannot be decrypted", unreadable.len());
            Ok(())
        }
        KeysAction::Rotate { batch_size } => rotate(&db, &master, credentials, batch_size.max(1)).await,
        KeysAction::Rewrap { new_master_key_file } => {
            let new = MasterKey::read_file(&new_master_key_file)?;
            let count = vault::rewrap(&db, &master, &new).await?;
            audit(&db, "vault.rewrap", serde_json::json!({"dataKeys": count})).await?;
            println!(
                "re-wrapped {count} data key(s). Start Switchyard with SWITCHYARD_MASTER_KEY_FILE={} from now on, and keep the old key until you have checked it starts.",
                new_master_key_file.display()
            );
            Ok(())
        }
        KeysAction::Retire { version } => {
            let rows = credentials
                .rows_per_key_version()
                .await?
                .get(&version)
                .copied()
                .unwrap_or(0)
                + webhook_service(&db, &master)
                    .await?
                    .secrets_on_version(version)
                    .await?;
            vault::retire(&db, version, rows).await?;
            audit(&db, "vault.retire", serde_json::json!({"version": version})).await?;
            println!("version {version} retired");
            Ok(())
        }
    }
}

async fn credential_service(
    db: &DatabaseConnection,
    master: &MasterKey,
) -> anyhow::Result<CredentialService> {
    let vault = Vault::open(db, master)
        .await
        .context("the master key does not open this database's vault")?;
    Ok(CredentialService::new(
        db.clone(),
        Arc::new(vault),
        AuditService::new(db.clone()),
        // Key commands never probe; the prober is there because the service has one.
        Prober::new(std::time::Duration::from_secs(10)),
    ))
}

async fn webhook_service(db: &DatabaseConnection, master: &MasterKey) -> anyhow::Result<WebhookService> {
    let vault = Vault::open(db, master)
        .await
        .context("the master key does not open this database's vault")?;
    Ok(WebhookService::new(
        db.clone(),
        Arc::new(vault),
        AuditService::new(db.clone()),
    ))
}

async fn rotate(
    db: &DatabaseConnection,
    master: &MasterKey,
    mut credentials: CredentialService,
    batch: u64,
) -> anyhow::Result<()> {
    let active = Vault::open(db, master).await?.active_version();
    let counts = credentials.rows_per_key_version().await?;
    let mut left: u64 = counts.iter().filter(|(v, _)| **v != active).map(|(_, n)| n).sum();
    let target = if left > 0 {
        println!("resuming the rotation to key version {active}: {left} credential(s) left");
        active
    } else {
        let version = vault::add_data_key(db, master).await?;
        credentials = credential_service(db, master).await?;
        left = counts.values().sum();
        println!("rotating to key version {version}: {left} credential(s)");
        version
    };
    let bar = progress(left);
    let mut unreadable = HashSet::new();
    let mut rotated = 0;
    loop {
        let (done, failed) = credentials.rotate_batch(batch, &unreadable).await?;
        unreadable.extend(failed);
        if done == 0 {
            break;
        }
        rotated += done;
        match &bar {
            Some(bar) => bar.inc(done),
            None => println!("rotated {rotated} of {left}"),
        }
    }
    if let Some(bar) = bar {
        bar.finish();
    }
    // Webhook signing secrets are few: one pass after the credentials.
    let webhook_secrets = webhook_service(db, master).await?.rotate_secrets().await?;
    audit(
        db,
        "vault.rotate",
        serde_json::json!({"version": target, "rotated": rotated, "unreadable": unreadable.len()}),
    )
    .await?;
    println!(
        "done: {rotated} credential(s) and {webhook_secrets} webhook secret(s) now use key version {target}"
    );
    if !unreadable.is_empty() {
        let ids: Vec<String> = unreadable.iter().map(ToString::to_string).collect();
        anyhow::bail!(
            "{} credential(s) could not be decrypted (altered in the database) and were left as they are: {}; replace their keys",
            ids.len(),
            ids.join(", ")
        );
    }
    Ok(())
}

/// A progress bar on a terminal; plain lines (one per batch) otherwise.
fn progress(total: u64) -> Option<ProgressBar> {
    std::io::stdout().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} credentials ({eta} left)") {
            bar.set_style(style);
        }
        bar
    })
}

async fn audit(
    db: &DatabaseConnection,
    action: &'static str,
    details: serde_json::Value,
) -> anyhow::Result<()> {
    let entry = AuditEntry {
        action,
        target: Some("vault".into()),
        details,
    };
    Ok(AuditService::new(db.clone()).record_operator(entry).await?)
}
