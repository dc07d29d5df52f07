//! Connecting to SQLite or PostgreSQL with the same code, and running migrations.

use std::time::Duration;

use migrations::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend,
    SqliteTransactionMode, TransactionOptions, TransactionTrait,
};

use crate::error::{DomainError, DomainResult};

/// Opens a pool. SQLite gets WAL, full sync, foreign keys and a busy timeout; the file is
/// created when missing (at connect only).
pub async fn connect(url: &str) -> DomainResult<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .sqlx_logging(false)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5));
    if url.starts_with("sqlite:") {
        create_sqlite_file(url)?;
        options
            .max_connections(4)
            .min_connections(1)
            .map_sqlx_sqlite_pool_opts(|pool| pool.before_acquire(|conn, _| Box::pin(not_stuck(conn))))
            .map_sqlx_sqlite_opts(|opts| {
                // Created above, once: a pool connection opened after the file was
                // deleted must fail (and the health checks say so), not start an empty one.
                opts.create_if_missing(false)
                    .journal_mode(SqliteJournalMode::Wal)
                    // An acknowledged write survives a power loss, not only a crash:
                    // writes here are few and precious (keys). Measured cost: ~0.22 ms
                    // more per commit (README, "Failure behaviour").
                    .synchronous(SqliteSynchronous::Full)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(5))
            });
    } else {
        options
            .max_connections(16)
            .min_connections(1)
            .map_sqlx_postgres_pool_opts(|pool| pool.before_acquire(|conn, _| Box::pin(not_stuck(conn))))
            .map_sqlx_postgres_opts(|opts| {
                // A write held behind another's lock gives up well inside the HTTP
                // timeout (30 s), so its answer (503) and the database agree; SQLite's
                // busy timeout does the same. An abandoned transaction frees its locks.
                opts.options([
                    ("lock_timeout", "5s"),
                    ("idle_in_transaction_session_timeout", "60s"),
                ])
            });
    }
    Database::connect(options).await.map_err(|err| {
        DomainError::Unavailable(format!("cannot open the database: {}", describe_db_error(&err)))
    })
}

/// Whether a pooled connection may be handed out. One still inside a transaction when
/// it is asked for again is stuck: its commit failed (a full disk) and the rollback did
/// not clear it. Reused, it would run every later "transaction" as a savepoint inside
/// the dead one, acknowledged and never committed, while holding SQLite's write lock.
/// Refused, the pool closes it, which rolls back and releases the lock.
async fn not_stuck<C: sea_orm::sqlx::Connection>(conn: &mut C) -> Result<bool, sea_orm::sqlx::Error> {
    let stuck = conn.is_in_transaction();
    if stuck {
        tracing::warn!("a database connection was left inside a failed transaction; closing it");
    }
    Ok(!stuck)
}

/// An empty file is an empty SQLite database. It is created readable by its owner only
/// (0600), and SQLite gives its WAL and shared-memory files the same mode.
fn create_sqlite_file(url: &str) -> DomainResult<()> {
    let rest = url.trim_start_matches("sqlite://").trim_start_matches("sqlite:");
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || std::path::Path::new(path).exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
        .open(path)
        .map(drop)
        .map_err(|err| DomainError::Unavailable(format!("cannot create the database file: {err}")))
}

/// The database error without the URL (which may hold a password).
fn describe_db_error(err: &sea_orm::DbErr) -> String {
    let text = err.to_string();
    // sqlx errors name the failing operation, never the URL; cap the length anyway.
    text.chars().take(300).collect()
}

/// A transaction that will write. On SQLite it takes the write lock at BEGIN, so it
/// waits for other writers (the busy timeout) instead of failing when one wrote after
/// it read; PostgreSQL ignores the mode.
pub async fn write_transaction(db: &DatabaseConnection) -> Result<DatabaseTransaction, sea_orm::DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..Default::default()
    })
    .await
}

/// What a transaction may hold alone across instances (`serialize_on`).
#[derive(Clone, Copy, Debug)]
#[repr(i64)]
pub enum Serial {
    /// Appending to the audit chain.
    AuditChain = 0x5357_4954_4348_4149, // "SWITCHAI"
    /// Starting or adopting a "test all" run.
    TestAllStart = 0x5357_5445_5354_414c, // "SWTESTAL"
}

/// Makes `txn` the only one of its kind until it ends: on PostgreSQL a transaction-scoped
/// advisory lock; on SQLite the write lock every write transaction takes at `BEGIN`
/// already does it.
pub async fn serialize_on(txn: &DatabaseTransaction, serial: Serial) -> Result<(), sea_orm::DbErr> {
    if txn.get_database_backend() == DbBackend::Postgres {
        let key = serial as i64;
        txn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({key})"))
            .await?;
    }
    Ok(())
}

pub async fn migrate_up(db: &DatabaseConnection) -> DomainResult<()> {
    Migrator::up(db, None)
        .await
        .map_err(|err| DomainError::Unavailable(format!("migration failed: {err}")))
}

/// Applies the first `count` migrations (those not applied yet among them).
pub async fn migrate_to(db: &DatabaseConnection, count: usize) -> DomainResult<()> {
    let (applied, _) = migration_status(db).await?;
    let steps = count.saturating_sub(applied.len());
    if steps == 0 {
        return Ok(());
    }
    Migrator::up(db, Some(u32::try_from(steps).unwrap_or(u32::MAX)))
        .await
        .map_err(|err| DomainError::Unavailable(format!("migration failed: {err}")))
}

/// Every migration this release knows, oldest first: the schema versions it can read.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect()
}

pub async fn migrate_down(db: &DatabaseConnection, steps: u32) -> DomainResult<()> {
    Migrator::down(db, Some(steps))
        .await
        .map_err(|err| DomainError::Unavailable(format!("migration failed: {err}")))
}

/// Applied and pending migration names, oldest first.
pub async fn migration_status(db: &DatabaseConnection) -> DomainResult<(Vec<String>, Vec<String>)> {
    let applied = Migrator::get_applied_migrations(db).await?;
    let pending = Migrator::get_pending_migrations(db).await?;
    let names = |list: Vec<migrations::Migration>| list.iter().map(|m| m.name().to_owned()).collect();
    Ok((names(applied), names(pending)))
}

/// The newest applied migration, which names the schema version.
pub async fn schema_version(db: &DatabaseConnection) -> DomainResult<Option<String>> {
    let (applied, _) = migration_status(db).await?;
    Ok(applied.last().cloned())
}

pub async fn ping(db: &DatabaseConnection) -> DomainResult<()> {
    db.ping()
        .await
        .map_err(|_| DomainError::Unavailable("the database is not reachable".into()))
}

/// Whether the database answers within `timeout`. A SQLite file that was removed counts
/// as gone even though the open connection could still read it.
pub async fn is_healthy(
    db: &DatabaseConnection,
    sqlite_file: Option<&std::path::Path>,
    timeout: Duration,
) -> bool {
    if sqlite_file.is_some_and(|file| !file.exists()) {
        return false;
    }
    matches!(tokio::time::timeout(timeout, ping(db)).await, Ok(Ok(())))
}

pub fn backend_name(db: &DatabaseConnection) -> &'static str {
    match db.get_database_backend() {
        DbBackend::Sqlite => "sqlite",
        DbBackend::Postgres => "postgres",
        _ => "other",
    }
}
