//! `switchyard backup create | list | verify | restore`.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use anyhow::Context;
use app::dto::human_size;
use clap::Subcommand;
use domain::backups::{Backup, Backups, KeyCheck, RestorePlan};
use domain::vault::MasterKey;

use crate::config::Config;
use crate::startup::{load_master_key, open_database};

#[derive(Subcommand, Debug)]
pub enum BackupAction {
    /// Write an archive of every table (secrets stay encrypted; the master key is never
    /// in it). Safe while the server runs.
    Create {
        /// Where to write it; SWITCHYARD_BACKUP_DIR (or <data dir>/backups) when omitted.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// The backups in the backup directory, newest first.
    List,
    /// Check a backup: checksums, that it loads, and that the master key opens it.
    Verify { name: String },
    /// Replace this database's rows with a backup's, in one transaction.
    Restore {
        name: String,
        /// Say what would change, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Do not ask for confirmation (for scripts).
        #[arg(long)]
        yes: bool,
    },
}

pub async fn run(config: &Config, action: BackupAction) -> anyhow::Result<()> {
    let dir = match &action {
        BackupAction::Create { out: Some(dir) } => dir.clone(),
        _ => config.backup_dir(),
    };
    let db = open_database(config).await?;
    let backups = Backups::new(db, dir, env!("CARGO_PKG_VERSION"));
    match action {
        BackupAction::Create { .. } => {
            let backup = backups.create().await?;
            println!(
                "created {} ({}, {} rows) in {}",
                backup.name,
                human_size(backup.size),
                backup.manifest.as_ref().map_or(0, |m| m.rows()),
                backups.dir().display()
            );
            println!(
                "The master key is not in the archive. Keep it ({}) safe apart from the backups: without it their secrets cannot be read.",
                config.master_key.as_ref().map_or_else(
                    || config.master_key_path().display().to_string(),
                    |_| "SWITCHYARD_MASTER_KEY".to_owned()
                )
            );
            Ok(())
        }
        BackupAction::List => {
            let listed = backups.list().await?;
            if listed.is_empty() {
                println!("no backups in {}", backups.dir().display());
            }
            for backup in listed {
                println!("{}", line(&backup));
            }
            Ok(())
        }
        BackupAction::Verify { name } => {
            let master = existing_master_key(config)?;
            if master.is_none() {
                println!("no master key is set up here: checking the archive without it");
            }
            let verification = backups.verify(&name, master.as_ref()).await?;
            println!("{name}: good: {}", verification.message);
            Ok(())
        }
        BackupAction::Restore { name, dry_run, yes } => {
            let master = existing_master_key(config)?.context(
                "no master key: set SWITCHYARD_MASTER_KEY_FILE (or SWITCHYARD_MASTER_KEY) to the key the backup was made under",
            )?;
            let plan = backups.plan(&name, &master).await?;
            print_plan(&plan);
            if dry_run {
                println!("dry run: nothing was changed");
                return Ok(());
            }
            if plan.key == KeyCheck::DoesNotOpen {
                anyhow::bail!(
                    "the master key in use does not open this backup's data keys: start with the key it was made under (nothing was changed)"
                );
            }
            if !yes && !confirmed()? {
                anyhow::bail!("not restored: nothing was changed");
            }
            backups
                .restore(&name, &master, |table| {
                    println!("writing {} ({} rows)", table.name, table.rows);
                })
                .await?;
            println!("restored {name}. Restart every instance that uses this database.");
            Ok(())
        }
    }
}

/// The master key if one is set up; never creates one (a new key opens no backup).
fn existing_master_key(config: &Config) -> anyhow::Result<Option<MasterKey>> {
    match config.master_key.is_some() || config.master_key_path().exists() {
        true => load_master_key(config).map(Some),
        false => Ok(None),
    }
}

fn confirmed() -> anyhow::Result<bool> {
    if !std::io::stdin().is_terminal() {
        anyhow::bail!("restore replaces every row of this database: confirm with --yes when not at a terminal (nothing was changed)");
    }
    print!("Replace every row of this database with the backup's? Type yes: ");
    std::io::stdout().flush()?;
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(answer.trim() == "yes")
}

fn print_plan(plan: &RestorePlan) {
    let manifest = &plan.manifest;
    println!(
        "backup made {} by Switchyard {} on {}, schema {}",
        manifest.created_at.format("%Y-%m-%d %H:%M:%S UTC"),
        manifest.switchyard_version,
        manifest.made_on,
        manifest.schema_version
    );
    println!(
        "this database: schema {}",
        plan.database_schema.as_deref().unwrap_or("(empty)")
    );
    if plan.migrated_forward > 0 {
        println!(
            "the backup's rows are migrated forward through {} migration(s) to this release's schema",
            plan.migrated_forward
        );
    }
    println!("{:<22} {:>10} {:>10}", "table", "now", "after");
    for (table, before, after) in &plan.tables {
        println!("{table:<22} {before:>10} {after:>10}");
    }
    match plan.key {
        KeyCheck::Opens { unreadable: 0 } => {
            println!("the master key in use opens the backup's data keys; every secret decrypts")
        }
        KeyCheck::Opens { unreadable } => println!(
            "the master key in use opens the backup's data keys; {unreadable} secret(s) do not decrypt"
        ),
        KeyCheck::DoesNotOpen => {
            println!("the master key in use does NOT open the backup's data keys")
        }
        KeyCheck::NotTried => println!("the master key was not tried"),
    }
}

/// One `list` line: name, time, size, schema, verification.
fn line(backup: &Backup) -> String {
    let verified = match (&backup.problem, &backup.verification) {
        (Some(problem), _) => format!("unreadable: {problem}"),
        (None, Some(v)) if v.ok => format!("verified {}", v.at.format("%Y-%m-%d %H:%M")),
        (None, Some(v)) => format!("FAILED verification: {}", v.message),
        (None, None) => "not verified".to_owned(),
    };
    match &backup.manifest {
        Some(m) => format!(
            "{}  {}  {:>9}  schema {}  {verified}",
            backup.name,
            m.created_at.format("%Y-%m-%d %H:%M:%S"),
            human_size(backup.size),
            m.schema_version
        ),
        None => format!("{}  {:>9}  {verified}", backup.name, human_size(backup.size)),
    }
}
