//! Models: manual ones, and syncs against a fake provider on 127.0.0.1.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use axum::response::IntoResponse;
use axum::routing::get;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

const KEY: &str = "sk-fake-canary-key-0123456789";

on_both_databases!(
    models_are_added_by_hand_and_synced_after_review,
    every_way_a_model_list_can_fail_is_explained,
    a_sync_with_no_key_typed_uses_the_first_active_saved_key,
    a_provider_that_needs_no_key_syncs_with_nothing_typed
);

type Listed = Arc<Mutex<Vec<&'static str>>>;

/// A provider that answers the way real ones do, one behaviour per path prefix.
async fn fake_provider(listed: Listed) -> String {
    async fn good(State(listed): State<Listed>, headers: HeaderMap) -> axum::response::Response {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {KEY}")) {
            return (
                AxumStatus::UNAUTHORIZED,
                axum::Json(json!({"error": {"message": "Incorrect API key"}})),
            )
                .into_response();
        }
        let data: Vec<Value> = listed
            .lock()
            .unwrap()
            .iter()
            .map(|id| json!({"id": id, "object": "model"}))
            .collect();
        axum::Json(json!({"object": "list", "data": data})).into_response()
    }
    let app = axum::Router::new()
        .route("/good/models", get(good))
        .route("/empty/models", get(|| async { axum::Json(json!({"data": []})) }))
        .route(
            "/ollama/api/tags",
            get(|| async { axum::Json(json!({"models": [{"name": "llama3"}]})) }),
        )
        .route("/garbage/models", get(|| async { "{\"data\": [" }))
        .route(
            "/html/models",
            get(|| async { axum::response::Html("<html><body>Sign in</body></html>") }),
        )
        .route(
            "/error/models",
            get(|| async { (AxumStatus::SERVICE_UNAVAILABLE, "overloaded") }),
        )
        .route(
            "/slow/models",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                axum::Json(json!({"data": []}))
            }),
        )
        .route(
            "/huge/models",
            get(|| async { format!("{{\"data\": [\"{}\"]}}", "x".repeat(6 * 1024 * 1024)) }),
        )
        .with_state(listed);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}

async fn provider_at(app: &TestApp, admin: &Client, identifier: &str, base_url: &str) -> String {
    let body = json!({"identifier": identifier, "name": identifier, "templateId": "openai-compatible", "baseUrl": base_url});
    let (status, created) = json_of(admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}

async fn models_are_added_by_hand_and_synced_after_review(app: TestApp) {
    let listed: Listed = Arc::new(Mutex::new(vec!["gpt-a", "gpt-b"]));
    let fake = fake_provider(listed.clone()).await;
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let id = provider_at(&app, &admin, "fake-good", &format!("{fake}/good")).await;
    let models_url = app.url(&format!("/api/admin/providers/{id}/models"));
    let sync_url = |apply: bool| app.url(&format!("/api/admin/providers/{id}/sync-models?apply={apply}"));
    let key = json!({"fields": {"api_key": KEY}});

    let (status, manual) = json_of(
        &admin,
        Method::POST,
        models_url.clone(),
        Some(json!({"modelId": "house-model", "displayName": "House model"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(
        (manual["source"].as_str(), manual["enabled"].as_bool()),
        (Some("manual"), Some(true))
    );
    let (status, _) = json_of(
        &admin,
        Method::POST,
        models_url.clone(),
        Some(json!({"modelId": "house-model"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);

    for (method, url) in [(Method::GET, models_url.clone()), (Method::POST, sync_url(true))] {
        let (status, _) = json_of(&user, method, url, Some(key.clone())).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    let (status, preview) = json_of(&admin, Method::POST, sync_url(false), Some(key.clone())).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        preview,
        json!({"added": ["gpt-a", "gpt-b"], "removed": [], "unchanged": 1, "applied": false})
    );
    let (_, list) = json_of(&admin, Method::GET, models_url.clone(), None).await;
    assert_eq!(list["total"], 1, "a preview changes nothing");

    let (_, applied) = json_of(&admin, Method::POST, sync_url(true), Some(key.clone())).await;
    assert_eq!(applied["applied"], true);
    let (_, list) = json_of(&admin, Method::GET, models_url.clone(), None).await;
    assert_eq!(list["total"], 3);

    *listed.lock().unwrap() = vec!["gpt-b", "gpt-c"];
    let (_, second) = json_of(&admin, Method::POST, sync_url(true), Some(key.clone())).await;
    assert_eq!(
        second,
        json!({"added": ["gpt-c"], "removed": ["gpt-a"], "unchanged": 2, "applied": true})
    );
    let (_, list) = json_of(&admin, Method::GET, models_url.clone(), None).await;
    let ids: Vec<&str> = list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["modelId"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["gpt-b", "gpt-c", "house-model"],
        "hand-added models survive a sync"
    );
    assert!(list["data"][0]["lastSyncedAt"].is_string());

    let model = list["data"][0]["id"].as_str().unwrap();
    let (status, disabled) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{id}/models/{model}")),
        Some(json!({"enabled": false})),
    )
    .await;
    assert_eq!(
        (status, disabled["enabled"].as_bool()),
        (StatusCode::OK, Some(false))
    );

    // Users see enabled providers with their enabled models only.
    let (status, available) = json_of(&user, Method::GET, app.url("/api/providers"), None).await;
    assert_eq!(status, StatusCode::OK);
    let fake = available["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identifier"] == "fake-good")
        .unwrap();
    let ids: Vec<&str> = fake["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["modelId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["gpt-c", "house-model"]);
}

async fn every_way_a_model_list_can_fail_is_explained(app: TestApp) {
    let fake = fake_provider(Arc::new(Mutex::new(vec!["gpt-a"]))).await;
    let admin = app.admin().await;
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        drop(listener);
        format!("http://127.0.0.1:{port}")
    };
    let cases: Vec<(&str, String, Value, StatusCode, &str)> = vec![
        (
            "wrong-key",
            format!("{fake}/good"),
            json!({"api_key": "sk-wrong-key-987654321"}),
            StatusCode::BAD_GATEWAY,
            "rejected the key",
        ),
        (
            "no-key",
            format!("{fake}/good"),
            json!({}),
            StatusCode::BAD_REQUEST,
            "no active saved key",
        ),
        (
            "garbage",
            format!("{fake}/garbage"),
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "not valid JSON",
        ),
        (
            "html",
            format!("{fake}/html"),
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "HTML",
        ),
        (
            "server-error",
            format!("{fake}/error"),
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "503",
        ),
        (
            "slow",
            format!("{fake}/slow"),
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "no answer within 2 s",
        ),
        (
            "huge",
            format!("{fake}/huge"),
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "larger than 5 MB",
        ),
        (
            "refused",
            closed,
            json!({"api_key": KEY}),
            StatusCode::BAD_GATEWAY,
            "connection refused at 127.0.0.1:",
        ),
    ];
    for (name, base, fields, status, says) in cases {
        let id = provider_at(&app, &admin, &format!("fake-{name}"), &base).await;
        let url = app.url(&format!("/api/admin/providers/{id}/sync-models?apply=true"));
        let (got, error) = json_of(&admin, Method::POST, url, Some(json!({"fields": fields}))).await;
        assert_eq!(got, status, "{name}: {error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{name}: {message}");
        assert!(
            !error.to_string().contains("sk-"),
            "{name}: a key leaked into {error}"
        );
        let (_, list) = json_of(
            &admin,
            Method::GET,
            app.url(&format!("/api/admin/providers/{id}/models")),
            None,
        )
        .await;
        assert_eq!(list["total"], 0, "{name}: a failed sync changes nothing");
    }
    let empty = provider_at(&app, &admin, "fake-empty", &format!("{fake}/empty")).await;
    let (status, diff) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/providers/{empty}/sync-models")),
        Some(json!({"fields": {"api_key": KEY}})),
    )
    .await;
    assert_eq!((status, diff["added"].clone()), (StatusCode::OK, json!([])));
}

async fn a_sync_with_no_key_typed_uses_the_first_active_saved_key(app: TestApp) {
    let fake = fake_provider(Arc::new(Mutex::new(vec!["gpt-a", "gpt-b"]))).await;
    let admin = app.admin().await;
    let id = provider_at(&app, &admin, "fake-saved", &format!("{fake}/good")).await;
    let sync_url = |apply: bool| app.url(&format!("/api/admin/providers/{id}/sync-models?apply={apply}"));
    let credential = |name: &str, key: &str, priority: i32| json!({"name": name, "provider": "fake-saved", "priority": priority, "fields": {"api_key": key}});
    let mut created = Vec::new();
    for body in [
        credential("first but off", "sk-off-key-000000000001", 1),
        credential("the good one", KEY, 2),
        credential("a later one", "sk-later-key-0000000001", 3),
    ] {
        let (status, row) = json_of(
            &admin,
            Method::POST,
            app.url("/api/admin/credentials"),
            Some(body),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{row}");
        created.push(row["id"].as_str().unwrap().to_owned());
    }
    // A user's own connection never serves an admin task.
    let user = app.user(&admin, "user@example.com").await;
    let own =
        json!({"name": "mine", "provider": "fake-saved", "fields": {"api_key": "sk-user-key-00000000001"}});
    let (status, _) = json_of(&user, Method::POST, app.url("/api/connections"), Some(own)).await;
    assert!(status.is_success(), "{status}");
    let deactivate = |id: String| {
        let (admin, url) = (admin.clone(), app.url(&format!("/api/admin/credentials/{id}")));
        async move {
            let (status, _) = json_of(&admin, Method::PATCH, url, Some(json!({"active": false}))).await;
            assert_eq!(status, StatusCode::OK);
        }
    };
    deactivate(created[0].clone()).await;
    // An active key before it that is cooling down (rate limited a moment ago) is asked last.
    let (status, cooling) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials"),
        Some(credential("cooling down", "sk-cool-key-00000000001", 0)),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{cooling}");
    {
        use domain::entities::credentials;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let id: uuid::Uuid = cooling["id"].as_str().unwrap().parse().unwrap();
        credentials::Entity::update_many()
            .col_expr(
                credentials::Column::CooldownUntil,
                Expr::value(chrono::Utc::now() + chrono::Duration::minutes(10)),
            )
            .filter(credentials::Column::Id.eq(id))
            .exec(&app.db)
            .await
            .unwrap();
    }

    // Nothing typed: the first active resting key lists the models, and the answer names it.
    let (status, preview) = json_of(&admin, Method::POST, sync_url(false), Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(
        preview,
        json!({"added": ["gpt-a", "gpt-b"], "removed": [], "unchanged": 0, "applied": false, "savedKey": "the good one"})
    );
    // Empty values count as nothing typed (a form posts its empty inputs).
    let (status, applied) = json_of(
        &admin,
        Method::POST,
        sync_url(true),
        Some(json!({"fields": {"api_key": " "}})),
    )
    .await;
    assert_eq!(
        (status, applied["applied"].clone()),
        (StatusCode::OK, json!(true)),
        "{applied}"
    );
    let (_, audit) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=models.sync"),
        None,
    )
    .await;
    assert_eq!(audit["data"][0]["details"]["savedKey"], "the good one", "{audit}");

    // A typed key wins over the saved ones, and the answer does not name one.
    let (status, typed) = json_of(
        &admin,
        Method::POST,
        sync_url(false),
        Some(json!({"fields": {"api_key": KEY}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{typed}");
    assert!(typed.get("savedKey").is_none(), "{typed}");

    // With the good key off too, the next active one is tried and its refusal explained.
    deactivate(created[1].clone()).await;
    let (status, error) = json_of(&admin, Method::POST, sync_url(false), Some(json!({}))).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{error}");
    assert!(!error.to_string().contains("sk-"), "a key leaked into {error}");
}

async fn a_provider_that_needs_no_key_syncs_with_nothing_typed(app: TestApp) {
    let fake = fake_provider(Arc::new(Mutex::new(vec![]))).await;
    let admin = app.admin().await;
    let body = json!({"identifier": "local-llama", "name": "Local llama", "templateId": "ollama",
        "baseUrl": format!("{fake}/ollama")});
    let (status, created) = json_of(&admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let url = app.url(&format!("/api/admin/providers/{id}/sync-models"));
    let (status, diff) = json_of(&admin, Method::POST, url, Some(json!({}))).await;
    assert_eq!(status, StatusCode::OK, "{diff}");
    assert_eq!(diff["added"], json!(["llama3"]));
    assert!(diff.get("savedKey").is_none(), "{diff}");
}
