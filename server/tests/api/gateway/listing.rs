//! What a caller can see: `GET /v1/models` (OpenAI's list, only the models a usable
//! credential serves, within the token's allow-lists) and `GET /api/usage`.

use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::Scene;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    the_model_list_holds_only_what_the_caller_can_reach,
    usage_moves_after_requests
);

async fn get(scene: &Scene, token: &str, path: &str) -> Value {
    let response = Client::new()
        .get(scene.app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The model ids `GET /v1/models` lists for `token`, checking the list's shape.
async fn listed(scene: &Scene, token: &str) -> Vec<String> {
    let list = get(scene, token, "/v1/models").await;
    assert_eq!(list["object"], "list");
    let data = list["data"].as_array().unwrap();
    for model in data {
        assert_eq!(model["object"], "model", "{model}");
        assert!(model["created"].as_i64().is_some_and(|t| t > 0), "{model}");
        assert!(model["owned_by"].is_string(), "{model}");
    }
    data.iter()
        .map(|m| m["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn the_model_list_holds_only_what_the_caller_can_reach(app: TestApp) {
    let scene = Scene::new(app).await;
    // A provider with a model but no credential, and one whose only credential is off.
    scene.provider("idle", "openai-compatible", &["idle-model"]).await;
    scene.provider("off", "openai-compatible", &["off-model"]).await;
    let body = json!({"name": "off key", "provider": "off", "fields": {"api_key": "sk-off-0123456789"}, "active": false});
    let (status, created) = scene
        .send(reqwest::Method::POST, "/api/admin/credentials", Some(body))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    scene.route("main", "ok", 10, json!({})).await;
    let everything = scene.token(json!({})).await;
    let embed_only = scene.token(json!({"allowedModels": ["fake-embed"]})).await;
    let idle_only = scene.token(json!({"allowedProviders": ["idle"]})).await;

    assert_eq!(listed(&scene, &everything).await, ["fake-chat", "fake-embed"]);
    assert_eq!(listed(&scene, &embed_only).await, ["fake-embed"]);
    assert!(listed(&scene, &idle_only).await.is_empty());
    let list = get(&scene, &everything, "/v1/models").await;
    assert_eq!(list["data"][0]["owned_by"], "up");
}

async fn usage_moves_after_requests(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;
    let before = get(&scene, &token, "/api/usage").await;
    assert_eq!(before["requests"], 0, "{before}");

    for _ in 0..2 {
        assert_eq!(scene.chat(&token).await.status(), StatusCode::OK);
    }

    // The writer is a moment behind the answers.
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut after = get(&scene, &token, "/api/usage").await;
    while after["requests"] != 2 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
        after = get(&scene, &token, "/api/usage").await;
    }
    assert_eq!(
        (after["requests"].as_i64(), after["promptTokens"].as_i64()),
        (Some(2), Some(22)),
        "{after}"
    );
    assert_eq!(after["completionTokens"], 14);
    assert_eq!(after["days"].as_array().unwrap().len(), 1, "{after}");
}
