//! Providers: the system ones, custom ones, and who may see and change them.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::{assert_refused, error_of, json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_fresh_registry_has_the_system_providers_in_priority_order,
    every_provider_route_checks_the_role,
    an_admin_creates_edits_and_deletes_a_custom_provider,
    bad_provider_input_gets_a_clear_error_and_changes_nothing,
    system_providers_are_never_deleted_and_edits_survive_a_restart,
    users_see_only_enabled_providers,
);

async fn a_fresh_registry_has_the_system_providers_in_priority_order(app: TestApp) {
    let admin = app.admin().await;
    let (status, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=true"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 8);
    let order: Vec<(String, i64)> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["identifier"].as_str().unwrap().to_owned(),
                p["defaultPriority"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        &order[..5],
        &[
            ("gemini".to_owned(), 10),
            ("groq".to_owned(), 20),
            ("openrouter".to_owned(), 30),
            ("openai".to_owned(), 40),
            ("anthropic".to_owned(), 50)
        ]
    );
    let rest: Vec<&str> = order[5..].iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(rest, ["mistral", "azure-openai", "ollama"]);
    let first = &list["data"][0];
    for field in [
        "id",
        "identifier",
        "name",
        "templateId",
        "baseUrl",
        "isSystem",
        "enabled",
        "defaultPriority",
        "createdAt",
        "updatedAt",
    ] {
        assert!(first.get(field).is_some(), "a provider has {field}");
    }
    let (_, custom) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=false"),
        None,
    )
    .await;
    assert_eq!(custom["total"], 0);
}

async fn every_provider_route_checks_the_role(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let anonymous = app.client();
    let id = app.provider_id("gemini").await;
    let routes = [
        (Method::GET, "/api/admin/providers".to_owned(), None),
        (
            Method::POST,
            "/api/admin/providers".to_owned(),
            Some(json!({"identifier": "x-y", "name": "X", "templateId": "openai"})),
        ),
        (Method::GET, format!("/api/admin/providers/{id}"), None),
        (
            Method::PATCH,
            format!("/api/admin/providers/{id}"),
            Some(json!({"enabled": false})),
        ),
        (Method::DELETE, format!("/api/admin/providers/{id}"), None),
    ];
    for (method, path, body) in routes {
        let (status, error) = json_of(&anonymous, method.clone(), app.url(&path), body.clone()).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(error["error"]["code"], "unauthorized");
        let (status, error) = json_of(&user, method.clone(), app.url(&path), body).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(error["error"]["code"], "forbidden");
    }
    let (status, _) = json_of(&anonymous, Method::GET, app.url("/api/providers"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, gemini) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(gemini["enabled"], true, "refused requests changed nothing");
}

async fn an_admin_creates_edits_and_deletes_a_custom_provider(app: TestApp) {
    let admin = app.admin().await;
    let body = json!({
        "identifier": "acme-llm",
        "name": "Acme internal LLM",
        "templateId": "openai-compatible",
        "baseUrl": "https://llm.acme.internal/v1/",
        "defaultPriority": 15
    });
    let (status, created) = json_of(&admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["identifier"], "acme-llm");
    assert_eq!(created["baseUrl"], "https://llm.acme.internal/v1");
    assert_eq!(created["isSystem"], false);
    assert_eq!(created["enabled"], true);
    let id = created["id"].as_str().unwrap();

    let (status, fetched) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, created, "GET returns the object itself");

    let (status, edited) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"name": "Acme LLM", "defaultPriority": 5, "enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (
            edited["name"].as_str(),
            edited["defaultPriority"].as_i64(),
            edited["enabled"].as_bool()
        ),
        (Some("Acme LLM"), Some(5), Some(false))
    );

    let (_, search) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?search=ACME"),
        None,
    )
    .await;
    assert_eq!(search["total"], 1);
    let (_, disabled) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?enabled=false"),
        None,
    )
    .await;
    assert_eq!(disabled["total"], 1);

    let deleted = admin
        .delete(app.url(&format!("/api/admin/providers/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let (status, _) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn bad_provider_input_gets_a_clear_error_and_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let cases = [
        (
            json!({"identifier": "gemini", "name": "Dup", "templateId": "openai"}),
            StatusCode::CONFLICT,
            "identifier",
        ),
        (
            json!({"identifier": "Bad Slug", "name": "X", "templateId": "openai"}),
            StatusCode::BAD_REQUEST,
            "identifier",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "no-such-template"}),
            StatusCode::BAD_REQUEST,
            "templateId",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai-compatible"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "baseUrl": "ftp://x.example"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "baseUrl": "https://u:p@x.example"}),
            StatusCode::BAD_REQUEST,
            "baseUrl",
        ),
        (
            json!({"identifier": "x-one", "name": "X", "templateId": "openai", "defaultPriority": 10001}),
            StatusCode::BAD_REQUEST,
            "defaultPriority",
        ),
        (
            json!({"identifier": "x-one", "name": "", "templateId": "openai"}),
            StatusCode::BAD_REQUEST,
            "name",
        ),
    ];
    assert_refused(&app, &admin, "/api/admin/providers", &cases).await;
    let (status, error) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?isSystem=maybe"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["error"]["code"], "bad_request");
    for path in [
        "/api/admin/providers/not-a-uuid",
        &format!("/api/admin/providers/{}", uuid::Uuid::now_v7()),
    ] {
        let (status, _) = json_of(&admin, Method::GET, app.url(path), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/providers"), None).await;
    assert_eq!(list["total"], 8, "nothing was created");
}

async fn system_providers_are_never_deleted_and_edits_survive_a_restart(app: TestApp) {
    let admin = app.admin().await;
    let id = app.provider_id("gemini").await;
    let refused = admin
        .delete(app.url(&format!("/api/admin/providers/{id}")))
        .send()
        .await
        .unwrap();
    let (status, _, message) = error_of(refused).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("disable"), "{message}");

    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"defaultPriority": 99, "baseUrl": "https://gemini-proxy.example/v1beta", "enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    // A second start on the same database seeds again, and must keep the edit.
    let again = server::Application::build(app.config.clone()).await.unwrap();
    drop(again);
    let (_, gemini) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/providers/{id}")),
        None,
    )
    .await;
    assert_eq!(gemini["defaultPriority"], 99);
    assert_eq!(gemini["baseUrl"], "https://gemini-proxy.example/v1beta");
    assert_eq!(gemini["enabled"], false);
}

async fn users_see_only_enabled_providers(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let id = app.provider_id("groq").await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}")),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, list) = json_of(&user, Method::GET, app.url("/api/providers"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 7);
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["identifier"] != "groq"));
}
