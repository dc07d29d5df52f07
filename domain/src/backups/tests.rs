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

    // A restore writes the bulk tables unstaged: no table may refer to one of them.
    for bulk in tables::BULK {
        assert!(migrated.iter().any(|t| t == bulk), "{bulk} is not a table");
    }
    let mut references = 0;
    for table in &migrated {
        let keys = database
            .query_all_raw(sea_orm::Statement::from_string(
                database.get_database_backend(),
                format!("SELECT \"table\" FROM pragma_foreign_key_list('{table}')"),
            ))
            .await
            .unwrap();
        for key in keys {
            let target: String = key.try_get_by_index(0).unwrap();
            assert!(
                !tables::BULK.contains(&target.as_str()),
                "{table} refers to {target}"
            );
            references += 1;
        }
    }
    assert!(references >= 5, "the foreign keys were read: {references}");
}
