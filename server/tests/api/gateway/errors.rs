//! What the gateway refuses, in OpenAI's error shape: who calls (token, scope,
//! allow-lists), what they ask for (the model, the body's size).

use reqwest::{Client, StatusCode};
use serde_json::json;
use server::Config;

use super::{chat_body, openai_error, Scene};
use crate::helpers::TestApp;
use crate::{on_both_databases, on_both_databases_with};

on_both_databases_with!(small_bodies:
    callers_without_a_valid_gateway_token_are_refused,
    the_model_decides_the_provider_and_a_pinned_one_reaches_the_upstream_bare,
    a_body_over_the_limit_is_refused_413
);

fn small_bodies(config: &mut Config) {
    config.gateway_max_body_bytes = 4096;
}

async fn callers_without_a_valid_gateway_token_are_refused(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let no_gateway = scene.token(json!({"scopes": ["resolve"]})).await;
    let embed_only = scene.token(json!({"allowedModels": ["fake-embed"]})).await;
    let other_provider = scene.token(json!({"allowedProviders": ["openai"]})).await;

    let (status, error) = openai_error(scene.chat("sy_not-a-real-token").await).await;
    assert_eq!(
        (status, error["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("invalid_api_key"))
    );
    assert_eq!(error["type"], "invalid_request_error");
    let anonymous = Client::new()
        .post(scene.app.url("/v1/chat/completions"))
        .json(&chat_body("fake-chat"));
    let (status, _) = openai_error(anonymous.send().await.unwrap()).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, error) = openai_error(scene.chat(&no_gateway).await).await;
    assert_eq!(
        (status, error["type"].as_str()),
        (StatusCode::FORBIDDEN, Some("permission_error"))
    );
    assert!(error["message"].as_str().unwrap().contains("gateway"), "{error}");
    let (status, error) = openai_error(scene.chat(&embed_only).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("may not use the model `fake-chat`"),
        "{error}"
    );
    let (status, error) = openai_error(scene.chat(&other_provider).await).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(
        error["message"]
            .as_str()
            .unwrap()
            .contains("may not use the providers"),
        "{error}"
    );
    assert!(scene.upstream.seen.all().is_empty(), "nothing was sent");
}

async fn the_model_decides_the_provider_and_a_pinned_one_reaches_the_upstream_bare(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let unknown = scene
        .call(&token, "/v1/chat/completions", chat_body("no-such-model"))
        .await;
    let (status, error) = openai_error(unknown).await;
    assert_eq!(
        (status, error["param"].as_str()),
        (StatusCode::BAD_REQUEST, Some("model"))
    );
    assert!(
        error["message"].as_str().unwrap().contains("no-such-model"),
        "{error}"
    );

    let pinned = scene
        .call(&token, "/v1/chat/completions", chat_body("up/fake-chat"))
        .await;
    assert_eq!(pinned.status(), StatusCode::OK);
    let seen = scene.upstream.seen.all();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body["model"], "fake-chat");
    assert_eq!(
        seen[0].body["messages"][0]["content"], "hi",
        "the rest passes on as sent"
    );
}

async fn a_body_over_the_limit_is_refused_413(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;
    let mut body = chat_body("fake-chat");
    body["messages"][0]["content"] = json!("x".repeat(5000));

    let (status, error) = openai_error(scene.call(&token, "/v1/chat/completions", body).await).await;

    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error["code"], "request_too_large");
    assert!(scene.upstream.seen.all().is_empty());
    assert_eq!(
        scene.chat(&token).await.status(),
        StatusCode::OK,
        "a small one still passes"
    );
}

on_both_databases!(each_dialect_gets_its_own_error_shape);

/// `/v1/messages` answers in Anthropic's shape, the rest in OpenAI's; an unknown `/v1`
/// path is OpenAI's 404, not the site's page.
async fn each_dialect_gets_its_own_error_shape(app: TestApp) {
    let client = reqwest::Client::new();
    let anthropic: serde_json::Value = client
        .post(app.url("/v1/messages"))
        .header("x-api-key", "sy_not-a-token")
        .json(&serde_json::json!({"model": "m", "max_tokens": 5, "messages": []}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anthropic["type"], "error", "{anthropic}");
    assert_eq!(anthropic["error"]["type"], "authentication_error");
    let unknown = client.get(app.url("/v1/completions")).send().await.unwrap();
    assert_eq!(unknown.status(), reqwest::StatusCode::NOT_FOUND);
    let body: serde_json::Value = unknown.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_url", "{body}");
}
