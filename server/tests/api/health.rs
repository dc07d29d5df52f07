use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    probes_answer_with_their_exact_shapes,
    database_loss_fails_readiness_but_not_liveness
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
}
