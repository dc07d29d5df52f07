//! The registry as a whole: its status counts and a refresh that keeps edits.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(registry_status_counts_match_and_a_refresh_keeps_edits);

async fn registry_status_counts_match_and_a_refresh_keeps_edits(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    for (method, path) in [
        (Method::GET, "/api/admin/providers/registry-status"),
        (Method::POST, "/api/admin/providers/refresh-registry"),
    ] {
        let (status, _) = json_of(&user, method, app.url(path), None).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }
    let body = json!({"identifier": "acme-llm", "name": "Acme", "templateId": "openai-compatible", "baseUrl": "https://acme.example/v1", "enabled": false});
    let (status, _) = json_of(&admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);

    let (status, before) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers/registry-status"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(before["templates"], 10);
    assert_eq!(before["builtinTemplates"], 10);
    assert_eq!(before["systemProviders"], 8);
    assert_eq!(before["customProviders"], 1);
    assert_eq!(before["enabledProviders"], 8);
    assert_eq!(before["models"], 0);
    assert!(before["lastSeededAt"].is_string());

    let id = app.provider_id("openai").await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"name": "OpenAI (EU)"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, refresh) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/providers/refresh-registry"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(refresh["changed"], false);
    assert_eq!(refresh["providersAdded"], json!([]));
    let (_, openai) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(openai["name"], "OpenAI (EU)");
    let (_, after) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers/registry-status"),
        None,
    )
    .await;
    assert_eq!(after["customProviders"], 1);
}
