use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    probes_answer_with_their_exact_shapes,
    database_loss_fails_readiness_but_not_liveness,
    a_database_that_takes_no_write_is_not_ready
);

async fn get(app: &TestApp, path: &str) -> (StatusCode, Value) {
    let response = reqwest::get(app.url(path)).await.unwrap();
    (response.status(), response.json().await.unwrap())
}

fn is_rfc3339(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|s| chrono::DateTime::parse_from_rfc3339(s).is_ok())
}

async fn probes_answer_with_their_exact_shapes(app: TestApp) {
    let (status, body) = get(&app, "/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["service"], "switchyard");
    assert_eq!(body["version"], env!("CARGO_PKG_VERSION"));
    assert!(is_rfc3339(&body["timestamp"]));

    let (status, body) = get(&app, "/health/db").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "healthy");
    assert_eq!(body["database"], "connected");
    assert!(body["db_name"].as_str().is_some_and(|n| !n.is_empty()));
    assert!(is_rfc3339(&body["timestamp"]));

    let (status, body) = get(&app, "/health/ready").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"]["database"], "ok");
    assert_eq!(body["checks"]["database_writes"], "ok");
    assert_eq!(body["checks"]["application"], "ok");

    let (status, body) = get(&app, "/health/live").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "alive");
    assert!(body["uptime"].is_u64());

    let (status, body) = get(&app, "/api/test").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["message"], "Server is working");
    assert!(is_rfc3339(&body["timestamp"]));
}

async fn database_loss_fails_readiness_but_not_liveness(app: TestApp) {
    let admin = app.admin().await;
    app.lose_database().await;

    let (status, body) = get(&app, "/health/db").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "unhealthy");
    assert_eq!(body["database"], "disconnected");
    assert_eq!(body["error"], "Database connection failed");

    let (status, body) = get(&app, "/health/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready");
    assert_eq!(body["checks"]["database"], "failed");

    let (status, body) = get(&app, "/health/live").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "alive");

    // Open SQLite connections keep reading a deleted file; a dropped PostgreSQL
    // database answers nothing, and a page that cannot load its data says so.
    if matches!(app.kind, crate::helpers::Db::Postgres) {
        for path in ["/", "/credentials", "/logs"] {
            let (status, page) = crate::helpers::page_of(&admin, app.url(path)).await;
            assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{path}: {page}");
            assert!(page.contains("temporarily unavailable"), "{path}: {page}");
        }
    }
}

/// A write held behind another transaction's lock: the database still answers reads,
/// but a change would wait past any client's patience, so the instance is not ready.
async fn a_database_that_takes_no_write_is_not_ready(app: TestApp) {
    use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
    let holder = domain::db::connect(&app.config.database_url()).await.unwrap();
    let txn = match app.kind {
        crate::helpers::Db::Sqlite => domain::db::write_transaction(&holder).await.unwrap(),
        crate::helpers::Db::Postgres => {
            let txn = holder.begin().await.unwrap();
            let lock = sea_orm::Statement::from_string(
                DbBackend::Postgres,
                "LOCK TABLE app_settings IN ACCESS EXCLUSIVE MODE",
            );
            txn.execute_raw(lock).await.unwrap();
            txn
        }
    };
    let (status, body) = get(&app, "/health/ready").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["checks"]["database_writes"], "failed");
    let (status, _) = get(&app, "/health/live").await;
    assert_eq!(status, StatusCode::OK);

    txn.rollback().await.unwrap();
    let (status, body) = get(&app, "/health/ready").await;
    assert_eq!(
        status,
        StatusCode::OK,
        "ready again once the lock is gone: {body}"
    );
}
