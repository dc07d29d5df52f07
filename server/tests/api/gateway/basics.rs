//! A chat through the gateway, and the answer's headers.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::Scene;
use crate::fake_upstream::UPSTREAM_KEY;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(a_chat_goes_through_and_says_which_credential_served);

async fn a_chat_goes_through_and_says_which_credential_served(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main key", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let response = scene.chat(&token).await;

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    assert_eq!(headers["x-switchyard-credential"], "main key");
    assert_eq!(headers["x-switchyard-attempts"], "1");
    assert!(headers.contains_key("x-request-id"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["choices"][0]["message"]["content"], "hello from ok");
    let seen = scene.upstream.seen.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {UPSTREAM_KEY}").as_str())
    );
    let rows = scene.rows(1).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["status"], "ok");
    assert_eq!(rows[0]["requestId"], headers["x-request-id"].to_str().unwrap());
    assert_eq!(
        (
            rows[0]["promptTokens"].as_i64(),
            rows[0]["completionTokens"].as_i64()
        ),
        (Some(11), Some(7))
    );
}
