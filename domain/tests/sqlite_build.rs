//! The bundled SQLite is built with the options `.cargo/config.toml` gives it; without
//! them every `LIMIT ?` statement is re-planned at each run and connections queue on
//! process-wide mutexes (see the comment there).

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

use domain::db;
use sea_orm::{ConnectionTrait, Statement};
use tempfile::TempDir;

#[tokio::test]
async fn sqlite_is_built_for_a_server() {
    let dir = TempDir::new().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
    let conn = db::connect(&url).await.unwrap();
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            "PRAGMA compile_options",
        ))
        .await
        .unwrap();
    let options: Vec<String> = rows
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).unwrap())
        .collect();
    assert!(options.iter().any(|o| o == "ENABLE_QPSG"), "{options:?}");
    assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
    assert!(
        !options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"),
        "{options:?}"
    );
}
