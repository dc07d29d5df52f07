//! Backups: one portable archive of every table (secrets stay encrypted as stored, the
//! wrapped data keys come along, the master key never does), listed, verified and
//! restored on SQLite or PostgreSQL alike.
//!
//! Verifying and restoring go through a staging SQLite database first: the archive is
//! loaded at its own schema version, migrated forward, and opened with the master key.
//! Only then is the target touched, in one transaction: it ends as it was or as the
//! archive says, never a mixture.

mod archive;
mod copy;
pub mod retention;
mod tables;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

pub use archive::{Manifest, TableEntry};
pub use retention::Keep;

use crate::access::Admin;
use crate::db;
use crate::error::{DomainError, DomainResult};
use crate::keys::KeyService;
use crate::vault::{MasterKey, Vault};

const PREFIX: &str = "switchyard-";
const VERIFIED_SUFFIX: &str = ".verified.json";

/// A backup as `list` shows it.
#[derive(Clone, Debug)]
pub struct Backup {
    pub name: String,
    pub size: u64,
    /// `None` when the manifest cannot be read; `problem` says why.
    pub manifest: Option<Manifest>,
    pub problem: Option<String>,
    pub verification: Option<Verification>,
}

/// The last verification of a backup, kept beside it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Verification {
    pub at: DateTime<Utc>,
    pub ok: bool,
    /// Whether the master key was tried too (the data keys unwrap, every secret decrypts).
    pub with_key: bool,
    pub message: String,
}

/// Whether the master key in use opens an archive's data keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyCheck {
    Opens { unreadable: usize },
    DoesNotOpen,
    NotTried,
}

/// What a restore would do (a dry run) or did.
#[derive(Clone, Debug)]
pub struct RestorePlan {
    pub manifest: Manifest,
    pub database_schema: Option<String>,
    /// Migrations the archive's rows go through after loading (0 when it is current).
    pub migrated_forward: usize,
    /// Each table with its rows now and after the restore.
    pub tables: Vec<(String, u64, u64)>,
    pub key: KeyCheck,
}

/// Archives in one directory, and the database they are made from and restored into.
#[derive(Clone)]
pub struct Backups {
    db: DatabaseConnection,
    dir: PathBuf,
    version: String,
    /// The running instance's vault, whose master key verifies scheduled backups and
    /// admins' "Verify"; the command line passes the key itself.
    vault: Option<Arc<Vault>>,
}

impl Backups {
    /// `version`: the Switchyard release, recorded in each manifest.
    pub fn new(db: DatabaseConnection, dir: PathBuf, version: impl Into<String>) -> Self {
        Self {
            db,
            dir,
            version: version.into(),
            vault: None,
        }
    }

    pub fn with_vault(self, vault: Arc<Vault>) -> Self {
        Self {
            vault: Some(vault),
            ..self
        }
    }

    pub async fn list_as(&self, _admin: &Admin) -> DomainResult<Vec<Backup>> {
        self.list().await
    }

    /// "Back up now".
    pub async fn create_as(&self, admin: &Admin) -> DomainResult<Backup> {
        let backup = self.create().await?;
        tracing::info!(backup = %backup.name, admin = %admin.user().id(), "backup made on an admin's request");
        Ok(backup)
    }

    pub async fn verify_as(&self, _admin: &Admin, name: &str) -> DomainResult<Verification> {
        self.verify_with_vault(name).await
    }

    /// Verifies with the running instance's master key.
    pub async fn verify_with_vault(&self, name: &str) -> DomainResult<Verification> {
        let master = self.vault.as_ref().map(|vault| vault.master());
        self.verify(name, master).await
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// A working directory beside the archives (same file system, cleaned on drop).
    fn workspace(&self) -> DomainResult<tempfile::TempDir> {
        create_private_dir(&self.dir)?;
        tempfile::Builder::new()
            .prefix(".work-")
            .tempdir_in(&self.dir)
            .map_err(|err| DomainError::Unavailable(format!("cannot create a working directory: {err}")))
    }

    /// Writes an archive of every table as one moment's state, and returns it as listed.
    ///
    /// # Errors
    /// `Unavailable` when the database is not at this release's schema (run `migrate up`)
    /// or the directory cannot be written.
    pub async fn create(&self) -> DomainResult<Backup> {
        let (applied, pending) = db::migration_status(&self.db).await?;
        if !pending.is_empty() {
            return Err(DomainError::Unavailable(format!(
                "the database is not at this release's schema ({} migration(s) pending): run `switchyard migrate up` first",
                pending.len()
            )));
        }
        let schema_version = applied.last().cloned().unwrap_or_default();
        let work = self.workspace()?;
        let dumped = copy::dump(&self.db, &tables::all()?, work.path()).await?;
        let created_at = Utc::now();
        let (entries, files): (Vec<TableEntry>, Vec<PathBuf>) = dumped.into_iter().unzip();
        let manifest = Manifest {
            format: archive::FORMAT,
            created_at,
            switchyard_version: self.version.clone(),
            schema_version,
            made_on: db::backend_name(&self.db).to_owned(),
            tables: entries,
            checksum: String::new(),
        }
        .seal()?;
        let target = self.free_name(created_at);
        let name = file_name(&target);
        let kept = manifest.clone();
        let size = tokio::task::spawn_blocking(move || {
            let size = archive::write(&target, &kept, &files);
            drop(work);
            size
        })
        .await
        .map_err(DomainError::internal)??;
        tracing::info!(backup = %name, size, rows = manifest.rows(), "backup created");
        Ok(Backup {
            name,
            size,
            manifest: Some(manifest),
            problem: None,
            verification: None,
        })
    }

    /// `switchyard-20261206T020000Z.tar.gz`, with a counter when that name is taken.
    fn free_name(&self, at: DateTime<Utc>) -> PathBuf {
        let stem = format!("{PREFIX}{}", at.format("%Y%m%dT%H%M%SZ"));
        let mut candidate = self.dir.join(format!("{stem}{}", archive::EXTENSION));
        let mut counter = 1;
        while candidate.exists() || archive::partial_path(&candidate).exists() {
            counter += 1;
            candidate = self.dir.join(format!("{stem}-{counter}{}", archive::EXTENSION));
        }
        candidate
    }

    /// Every archive in the directory, newest first. A partial archive (a crash while
    /// writing) is never listed; one whose manifest is unreadable is, with the problem.
    pub async fn list(&self) -> DomainResult<Vec<Backup>> {
        let dir = self.dir.clone();
        tokio::task::spawn_blocking(move || list_in(&dir))
            .await
            .map_err(DomainError::internal)?
    }

    /// The path of the archive called `name` in the directory.
    ///
    /// # Errors
    /// `Validation` for a name that is not a plain archive name; `NotFound` when absent.
    fn path_of(&self, name: &str) -> DomainResult<PathBuf> {
        let plain = name.starts_with(PREFIX)
            && name.ends_with(archive::EXTENSION)
            && !name.contains(['/', '\\'])
            && !name.contains("..");
        if !plain {
            return Err(DomainError::validation(
                "name",
                format!("{name:?} is not a backup's name (see `switchyard backup list`)"),
            ));
        }
        let path = self.dir.join(name);
        match path.is_file() {
            true => Ok(path),
            false => Err(DomainError::NotFound),
        }
    }

    /// Checks an archive: readable to its end, every checksum and row count, loadable
    /// (into a staging database, migrated to this release's schema) and, given the
    /// master key, that its data keys unwrap and every secret decrypts. The outcome is
    /// kept beside the archive for `list`.
    pub async fn verify(&self, name: &str, master: Option<&MasterKey>) -> DomainResult<Verification> {
        let path = self.path_of(name)?;
        let outcome = match self.stage(&path, master, Depth::Everything).await {
            Ok(staged) => {
                let rows = staged.manifest.rows();
                match staged.key {
                    KeyCheck::DoesNotOpen => Err(DomainError::validation(
                        "master_key",
                        "the archive is whole, but the master key in use does not open its data keys",
                    )),
                    KeyCheck::Opens { unreadable } if unreadable > 0 => Err(DomainError::validation(
                        "archive",
                        format!("{unreadable} credential secret(s) in the archive do not decrypt"),
                    )),
                    KeyCheck::Opens { .. } => Ok(format!(
                        "{rows} rows in {} tables; every checksum matches; the data keys open and every secret decrypts",
                        staged.manifest.tables.len()
                    )),
                    KeyCheck::NotTried => Ok(format!(
                        "{rows} rows in {} tables; every checksum matches (the master key was not tried)",
                        staged.manifest.tables.len()
                    )),
                }
            }
            Err(err) => Err(err),
        };
        let verification = Verification {
            at: Utc::now(),
            ok: outcome.is_ok(),
            with_key: master.is_some(),
            message: match &outcome {
                Ok(message) => message.clone(),
                Err(err) => err.to_string(),
            },
        };
        let record = serde_json::to_vec_pretty(&verification).map_err(DomainError::internal)?;
        if let Err(err) = std::fs::write(verification_path(&path), record) {
            tracing::warn!(%err, backup = name, "the verification could not be recorded");
        }
        outcome.map(|_| verification)
    }

    /// Loads the archive into a staging SQLite database at its schema version, migrates
    /// it forward, tries the master key, and copies it back out as this release's tables.
    async fn stage(&self, path: &Path, master: Option<&MasterKey>, depth: Depth) -> DomainResult<Staged> {
        let work = self.workspace()?;
        let unpack_dir = work.path().join("archive");
        let staged_dir = work.path().join("staged");
        for dir in [&unpack_dir, &staged_dir] {
            std::fs::create_dir(dir).map_err(|err| {
                DomainError::Unavailable(format!("cannot create a working directory: {err}"))
            })?;
        }
        let archive_path = path.to_path_buf();
        let unpack_into = unpack_dir.clone();
        let (manifest, files) =
            tokio::task::spawn_blocking(move || archive::unpack(&archive_path, &unpack_into))
                .await
                .map_err(DomainError::internal)??;
        let known = db::known_migrations();
        let Some(position) = known.iter().position(|name| *name == manifest.schema_version) else {
            return Err(DomainError::validation(
                "archive",
                format!(
                    "the archive's schema ({}) is newer than this release knows (up to {}): restore it with Switchyard {} or newer",
                    manifest.schema_version,
                    known.last().map(String::as_str).unwrap_or("none"),
                    manifest.switchyard_version
                ),
            ));
        };
        let staging_url = format!("sqlite://{}", work.path().join("staging.db").display());
        let staging = db::connect(&staging_url).await?;
        db::migrate_to(&staging, position + 1).await?;
        let entries: Vec<(TableEntry, PathBuf)> = manifest.tables.iter().cloned().zip(files).collect();
        // At this release's schema the archive's own files are what a restore writes; only
        // what the key check reads, with the tables it refers to, goes through staging.
        let as_it_is = position + 1 == known.len() && depth == Depth::KeyCheck;
        let staged: Vec<(TableEntry, PathBuf)> = entries
            .iter()
            .filter(|(entry, _)| !as_it_is || !tables::BULK.contains(&entry.name.as_str()))
            .cloned()
            .collect();
        let txn = db::write_transaction(&staging).await?;
        copy::replace(&txn, &staged, |_| {}).await?;
        txn.commit().await?;
        let tables = match as_it_is {
            true => entries,
            false => {
                db::migrate_up(&staging).await?;
                copy::dump(&staging, &tables::all()?, &staged_dir).await?
            }
        };
        let key = match master {
            None => KeyCheck::NotTried,
            Some(master) => match KeyService::open(staging.clone(), master.duplicate()).await {
                Ok(keys) => KeyCheck::Opens {
                    unreadable: keys.status().await?.unreadable.len(),
                },
                Err(DomainError::Unavailable(_)) => KeyCheck::DoesNotOpen,
                Err(other) => return Err(other),
            },
        };
        staging.close().await?;
        Ok(Staged {
            migrated_forward: known.len() - (position + 1),
            manifest,
            tables,
            key,
            _work: work,
        })
    }

    /// What restoring `name` into this database would do; changes nothing.
    pub async fn plan(&self, name: &str, master: &MasterKey) -> DomainResult<RestorePlan> {
        let staged = self
            .stage(&self.path_of(name)?, Some(master), Depth::KeyCheck)
            .await?;
        self.plan_of(&staged).await
    }

    async fn plan_of(&self, staged: &Staged) -> DomainResult<RestorePlan> {
        let names: Vec<&str> = staged
            .tables
            .iter()
            .map(|(entry, _)| entry.name.as_str())
            .collect();
        let before = copy::count(&self.db, &names).await?;
        let tables = staged
            .tables
            .iter()
            .zip(before)
            .map(|((entry, _), before)| (entry.name.clone(), before, entry.rows))
            .collect();
        let database_schema = db::schema_version(&self.db).await.ok().flatten();
        Ok(RestorePlan {
            manifest: staged.manifest.clone(),
            database_schema,
            migrated_forward: staged.migrated_forward,
            tables,
            key: staged.key,
        })
    }

    /// Replaces every row of this database with the archive's, in one transaction,
    /// after migrating the database to this release's schema. `progress` hears of each
    /// table as it is written.
    ///
    /// # Errors
    /// `Validation` when the archive is damaged or the master key does not open it
    /// (nothing is changed then).
    pub async fn restore(
        &self,
        name: &str,
        master: &MasterKey,
        progress: impl FnMut(&TableEntry),
    ) -> DomainResult<RestorePlan> {
        let staged = self
            .stage(&self.path_of(name)?, Some(master), Depth::KeyCheck)
            .await?;
        if staged.key == KeyCheck::DoesNotOpen {
            return Err(DomainError::validation(
                "master_key",
                "the master key in use does not open this archive's data keys: start with the master key the backup was made under (nothing was changed)",
            ));
        }
        let plan = self.plan_of(&staged).await?;
        db::migrate_up(&self.db).await?;
        let txn = db::write_transaction(&self.db).await?;
        copy::replace(&txn, &staged.tables, progress).await?;
        txn.commit().await?;
        tracing::info!(backup = name, rows = plan.manifest.rows(), "backup restored");
        Ok(plan)
    }

    /// Deletes the archives `keep` does not keep; returns their names.
    pub async fn prune(&self, keep: Keep) -> DomainResult<Vec<String>> {
        let listed = self.list().await?;
        let made: Vec<DateTime<Utc>> = listed
            .iter()
            .filter_map(|backup| backup.manifest.as_ref().map(|m| m.created_at))
            .collect();
        let kept = retention::kept(&made, keep);
        let mut removed = Vec::new();
        for backup in listed {
            // Unreadable archives are left for an operator to look at.
            let Some(manifest) = &backup.manifest else {
                continue;
            };
            if kept.contains(&manifest.created_at) {
                continue;
            }
            let path = self.dir.join(&backup.name);
            std::fs::remove_file(&path)
                .map_err(|err| DomainError::Unavailable(format!("cannot delete {}: {err}", backup.name)))?;
            let _ = std::fs::remove_file(verification_path(&path));
            removed.push(backup.name);
        }
        Ok(removed)
    }
}

/// How much of an archive a staging database loads: all of it (verify: it must load), or
/// what the key check needs when the archive is at this release's schema (restore: its
/// files are then written as they are, checked by checksum and in the one transaction).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Depth {
    Everything,
    KeyCheck,
}

struct Staged {
    manifest: Manifest,
    migrated_forward: usize,
    /// This release's tables, as files, in restore order.
    tables: Vec<(TableEntry, PathBuf)>,
    key: KeyCheck,
    _work: tempfile::TempDir,
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn verification_path(archive: &Path) -> PathBuf {
    archive.with_file_name(format!("{}{VERIFIED_SUFFIX}", file_name(archive)))
}

/// Backups hold every secret (encrypted): the directory is its owner's only.
fn create_private_dir(dir: &Path) -> DomainResult<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|err| {
        DomainError::Unavailable(format!(
            "cannot create the backup directory {}: {err}",
            dir.display()
        ))
    })
}

fn list_in(dir: &Path) -> DomainResult<Vec<Backup>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(err) => {
            return Err(DomainError::Unavailable(format!(
                "cannot read {}: {err}",
                dir.display()
            )))
        }
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = file_name(&path);
        if !name.starts_with(PREFIX) || !name.ends_with(archive::EXTENSION) || !path.is_file() {
            continue;
        }
        let (manifest, problem) = match archive::read_manifest(&path) {
            Ok(manifest) => (Some(manifest), None),
            Err(err) => (None, Some(err.to_string())),
        };
        let verification = std::fs::read(verification_path(&path))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        out.push(Backup {
            size: entry.metadata().map(|m| m.len()).unwrap_or(0),
            name,
            manifest,
            problem,
            verification,
        });
    }
    let newest_first = |backup: &Backup| {
        (
            backup.manifest.as_ref().map(|m| m.created_at),
            backup.name.clone(),
        )
    };
    out.sort_by_key(|backup| std::cmp::Reverse(newest_first(backup)));
    Ok(out)
}
