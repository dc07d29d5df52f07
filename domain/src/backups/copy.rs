//! Rows out of a database into table files (inside one read transaction, so the copy is
//! one moment's state while the server keeps writing), and table files into a database
//! (inside one write transaction, so a crash leaves it as it was).

use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use sea_orm::sea_query::{Asterisk, Expr, Func, Query};
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, IsolationLevel,
    StreamTrait, TransactionTrait,
};

use super::archive::{read_rows, TableEntry, TableWriter};
use super::tables::{ident, read, write, Table};
use crate::error::{DomainError, DomainResult};

/// Bound values per INSERT: under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_VALUES: usize = 30_000;

/// A read transaction that sees one snapshot from its first read to its end: SQLite's
/// WAL gives every read transaction that; PostgreSQL needs REPEATABLE READ for it.
async fn snapshot(db: &DatabaseConnection) -> DomainResult<DatabaseTransaction> {
    Ok(match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await?
        }
        _ => db.begin().await?,
    })
}

/// Copies every table in `tables` into a file under `dir`, all from one snapshot, each
/// table as one streamed query in key order.
pub async fn dump(
    db: &DatabaseConnection,
    tables: &[Table],
    dir: &Path,
) -> DomainResult<Vec<(TableEntry, PathBuf)>> {
    let txn = snapshot(db).await?;
    let mut out = Vec::with_capacity(tables.len());
    for (index, table) in tables.iter().enumerate() {
        let mut writer = TableWriter::create(dir.join(format!("{index:03}.jsonl")))?;
        let mut select = Query::select();
        select.from(ident(table.name));
        for column in &table.columns {
            select.column(ident(&column.name));
        }
        for key in &table.key {
            select.order_by(ident(key), sea_orm::Order::Asc);
        }
        let mut rows = txn.stream(&select).await?;
        while let Some(row) = rows.next().await {
            let row = row?;
            let values = table
                .columns
                .iter()
                .map(|column| read(&row, column))
                .collect::<DomainResult<Vec<_>>>()?;
            writer.row(&values)?;
        }
        drop(rows);
        let (path, rows, sha256) = writer.finish()?;
        let entry = TableEntry {
            name: table.name.to_owned(),
            columns: table.columns.clone(),
            rows,
            sha256,
        };
        out.push((entry, path));
    }
    txn.commit().await?;
    Ok(out)
}

/// Rows per table in `db`, for the tables in `tables` (0 for a table that does not exist yet).
pub async fn count(db: &DatabaseConnection, tables: &[&str]) -> DomainResult<Vec<u64>> {
    let mut counts = Vec::with_capacity(tables.len());
    for name in tables {
        let mut select = Query::select();
        select.expr(Func::count(Expr::col(Asterisk))).from(ident(name));
        let rows = match db.query_one(&select).await {
            Ok(Some(row)) => row.try_get_by_index::<i64>(0).unwrap_or(0),
            _ => 0,
        };
        counts.push(u64::try_from(rows).unwrap_or(0));
    }
    Ok(counts)
}

/// Empties every table of `tables` (last first, for the foreign keys), then writes each
/// table's rows from its file (first first). Inside the caller's transaction.
pub async fn replace(
    txn: &DatabaseTransaction,
    tables: &[(TableEntry, PathBuf)],
    mut progress: impl FnMut(&TableEntry),
) -> DomainResult<()> {
    for (entry, _) in tables.iter().rev() {
        let mut delete = Query::delete();
        delete.from_table(ident(&entry.name));
        txn.execute(&delete).await?;
    }
    for (entry, file) in tables {
        progress(entry);
        load(txn, entry, file).await?;
    }
    Ok(())
}

async fn load(txn: &DatabaseTransaction, entry: &TableEntry, file: &Path) -> DomainResult<()> {
    let per_insert = (MAX_VALUES / entry.columns.len().max(1)).clamp(1, 1_000);
    let mut batch = Vec::with_capacity(per_insert);
    for row in read_rows(file)? {
        let row = row?;
        if row.len() != entry.columns.len() {
            return Err(DomainError::validation(
                "archive",
                format!(
                    "table {}: a row has {} value(s) for {} column(s)",
                    entry.name,
                    row.len(),
                    entry.columns.len()
                ),
            ));
        }
        let values = entry
            .columns
            .iter()
            .zip(&row)
            .map(|(column, value)| write(&entry.name, column, value).map(Expr::val))
            .collect::<DomainResult<Vec<_>>>()?;
        batch.push(values);
        if batch.len() == per_insert {
            insert(txn, entry, std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        insert(txn, entry, batch).await?;
    }
    Ok(())
}

async fn insert(txn: &DatabaseTransaction, entry: &TableEntry, rows: Vec<Vec<Expr>>) -> DomainResult<()> {
    let mut insert = Query::insert();
    insert
        .into_table(ident(&entry.name))
        .columns(entry.columns.iter().map(|column| ident(&column.name)));
    for row in rows {
        insert
            .values(row)
            .map_err(|err| DomainError::internal(format!("table {}: {err}", entry.name)))?;
    }
    txn.execute(&insert).await?;
    Ok(())
}
