//! An upstream that echoes the key it was sent (OpenAI quotes it in a 401; the fake's
//! 400 repeats it plain, in base64 and upper-cased): the key reaches neither the caller
//! nor the request logs, and the caller's own 400 keeps its status.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{assert_no_key, Scene};
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(a_key_an_upstream_echoes_reaches_neither_the_caller_nor_the_logs);

async fn a_key_an_upstream_echoes_reaches_neither_the_caller_nor_the_logs(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("quoted in a 401", "badkey", 10, json!({})).await;
    scene.route("echoed in a 400", "reject", 20, json!({})).await;
    let token = scene.token(json!({})).await;

    let response = scene.chat(&token).await;

    assert_eq!(
        response.status(),
        StatusCode::BAD_REQUEST,
        "the caller's problem, passed on"
    );
    assert_eq!(response.headers()["x-switchyard-credential"], "echoed in a 400");
    let body = response.text().await.unwrap();
    assert!(
        body.contains("messages: field required"),
        "the provider's message stays: {body}"
    );
    assert!(
        body.contains("[redacted]"),
        "the key was cut out where it was: {body}"
    );
    assert_no_key(&body, "the answer");
    let rows = scene.rows(2).await;
    let statuses: Vec<&str> = rows.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert!(
        statuses.contains(&"auth_rejected") && statuses.contains(&"rejected"),
        "{rows:?}"
    );
    assert!(
        rows.iter()
            .all(|r| r["error"].as_str().unwrap().contains("[redacted]")),
        "{rows:?}"
    );
    let (status, logs) = scene.send(Method::GET, "/api/admin/logs?perPage=200", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_no_key(&logs.to_string(), "the logs");
}
