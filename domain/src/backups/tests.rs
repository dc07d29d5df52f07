#![allow(clippy::unwrap_used, clippy::expect_used)]

use sea_orm::ConnectionTrait;

use super::tables;
use crate::db;

/// A table added by a migration and forgotten here would be missing from every backup:
/// the list must name exactly the tables a migrated database has, and every column must
/// have a type backups can carry (describing them fails otherwise).
#[tokio::test]
async fn backups_hold_every_table_the_migrations_make() {
    let dir = tempfile::tempdir().unwrap();
    let database = db::connect(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    db::migrate_up(&database).await.unwrap();
    let rows = database
        .query_all_raw(sea_orm::Statement::from_string(
            database.get_database_backend(),
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'seaql_migrations' ORDER BY name",
        ))
        .await
        .unwrap();
    let migrated: Vec<String> = rows.iter().map(|r| r.try_get_by_index(0).unwrap()).collect();
    let mut listed: Vec<String> = tables::all()
        .expect("every column has a type backups carry")
        .iter()
        .map(|t| t.name.to_owned())
        .collect();
    listed.sort();
    assert_eq!(listed, migrated);
}
