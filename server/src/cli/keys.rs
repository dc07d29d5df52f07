//! `switchyard keys status | rotate | rewrap | retire`: the vault's data keys.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;
use domain::keys::{KeyService, RotationProgress};
use domain::vault::MasterKey;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;
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

pub async fn run(config: &Config, action: KeysAction) -> anyhow::Result<()> {
    let db = open_database(config).await?;
    let master = load_master_key(config)?;
    let keys = KeyService::open(db, master)
        .await
        .context("the master key does not open this database's vault")?;
    match action {
        KeysAction::Status => {
            let status = keys.status().await?;
            for (key, rows) in status.versions {
                println!(
                    "version {}  {:<8}  {rows} credential(s)  created {}",
                    key.version,
                    key.state.as_str(),
                    key.created_at.format("%Y-%m-%d %H:%M")
                );
            }
            println!("{} credential(s) cannot be decrypted", status.unreadable.len());
            Ok(())
        }
        KeysAction::Rotate { batch_size } => rotate(&keys, batch_size).await,
        KeysAction::Rewrap { new_master_key_file } => {
            let new = MasterKey::read_file(&new_master_key_file)?;
            let count = keys.rewrap(&new).await?;
            println!(
                "re-wrapped {count} data key(s). Start Switchyard with SWITCHYARD_MASTER_KEY_FILE={} from now on, and keep the old key until you have checked it starts.",
                new_master_key_file.display()
            );
            Ok(())
        }
        KeysAction::Retire { version } => {
            keys.retire(version).await?;
            println!("version {version} retired");
            Ok(())
        }
    }
}

async fn rotate(keys: &KeyService, batch: u64) -> anyhow::Result<()> {
    let mut bar = None;
    let mut done = 0;
    let report = keys
        .rotate(batch, |progress| match progress {
            RotationProgress::Started {
                version,
                left,
                resumed,
            } => {
                match resumed {
                    true => {
                        println!("resuming the rotation to key version {version}: {left} credential(s) left")
                    }
                    false => println!("rotating to key version {version}: {left} credential(s)"),
                }
                bar = progress_bar(left).map(|b| (b, left));
            }
            RotationProgress::Batch { rotated } => {
                done += rotated;
                match &bar {
                    Some((bar, _)) => bar.inc(rotated),
                    None => println!("rotated {done}"),
                }
            }
        })
        .await?;
    if let Some((bar, _)) = bar {
        bar.finish();
    }
    println!(
        "done: {} credential(s) and {} webhook secret(s) now use key version {}",
        report.rotated, report.webhook_secrets, report.version
    );
    if !report.unreadable.is_empty() {
        let ids: Vec<String> = report.unreadable.iter().map(ToString::to_string).collect();
        anyhow::bail!(
            "{} credential(s) could not be decrypted (altered in the database) and were left as they are: {}; replace their keys",
            ids.len(),
            ids.join(", ")
        );
    }
    Ok(())
}

/// A progress bar on a terminal; plain lines (one per batch) otherwise.
fn progress_bar(total: u64) -> Option<ProgressBar> {
    std::io::stdout().is_terminal().then(|| {
        let bar = ProgressBar::new(total);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} credentials ({eta} left)") {
            bar.set_style(style);
        }
        bar
    })
}
