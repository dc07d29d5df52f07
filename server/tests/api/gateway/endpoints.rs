//! The routes besides chat: embeddings, and Anthropic's Messages API for a provider whose
//! template speaks it (its key in `x-api-key`), refused for one that does not.

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::Scene;
use crate::fake_upstream::UPSTREAM_KEY;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    embeddings_go_through,
    messages_reach_an_anthropic_provider_and_no_other
);

fn message(model: &str) -> Value {
    json!({"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]})
}

async fn embeddings_go_through(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let response = scene
        .call(
            &token,
            "/v1/embeddings",
            json!({"model": "fake-embed", "input": "hello"}),
        )
        .await;

    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["data"][0]["embedding"], json!([0.25, -0.5, 0.125]));
    let seen = scene.upstream.seen.all();
    assert_eq!(
        (seen[0].path.as_str(), &seen[0].body["input"]),
        ("/embeddings", &json!("hello"))
    );
    let rows = scene.rows(1).await;
    assert_eq!(
        (rows[0]["endpoint"].as_str(), rows[0]["promptTokens"].as_i64()),
        (Some("embeddings"), Some(4))
    );
}

async fn messages_reach_an_anthropic_provider_and_no_other(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("compatible", "ok", 10, json!({})).await;
    scene.provider("claude", "anthropic", &["claude-fake"]).await;
    let body = json!({"name": "claude key", "provider": "claude", "fields": {"api_key": UPSTREAM_KEY}});
    let (status, created) = scene
        .send(reqwest::Method::POST, "/api/admin/credentials", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let token = scene.token(json!({})).await;

    let response = scene.call(&token, "/v1/messages", message("claude-fake")).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-switchyard-credential"], "claude key");
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["content"][0]["text"], "hello from messages");
    let rows = scene.rows(1).await;
    assert_eq!(
        (
            rows[0]["promptTokens"].as_i64(),
            rows[0]["completionTokens"].as_i64()
        ),
        (Some(21), Some(13))
    );

    let refused = scene.call(&token, "/v1/messages", message("fake-chat")).await;
    assert_eq!(refused.status(), StatusCode::SERVICE_UNAVAILABLE);
    // In Anthropic's shape, as its SDK expects.
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        (&body["type"], &body["error"]["type"]),
        (&json!("error"), &json!("overloaded_error"))
    );
    let text = body["error"]["message"].as_str().unwrap();
    assert!(
        text.contains(
            "compatible: the gateway cannot use it: its provider does not speak Anthropic's Messages API"
        ),
        "{text}"
    );
    assert_eq!(
        scene.upstream.seen.all().len(),
        1,
        "only the Anthropic request was sent"
    );
}
