//! API tokens over REST: shown once, scoped, revocable, expiring; and what resolve
//! gives a service token with `secrets:read`.

use chrono::{Duration, Utc};
use reqwest::{Client, Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    personal_tokens_resolve_with_their_scopes_and_stop_when_revoked_or_expired,
    a_service_token_with_secrets_read_gets_the_first_key_and_the_read_is_audited,
);

const KEY: &str = "AIza-token-test-key-000042";

async fn token(app: &TestApp, client: &Client, path: &str, body: Value) -> (StatusCode, Value) {
    json_of(client, Method::POST, app.url(path), Some(body)).await
}

/// A client with no cookies that sends `header: value` on every request.
fn bearer(header: &str, value: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::HeaderName::from_bytes(header.as_bytes()).unwrap(),
        value.parse().unwrap(),
    );
    Client::builder().default_headers(headers).build().unwrap()
}

async fn resolve_with(app: &TestApp, client: &Client) -> (StatusCode, Value) {
    json_of(
        client,
        Method::POST,
        app.url("/api/resolve"),
        Some(json!({"provider": "gemini"})),
    )
    .await
}

async fn personal_tokens_resolve_with_their_scopes_and_stop_when_revoked_or_expired(app: TestApp) {
    let admin = app.admin().await;
    let alice = app.user(&admin, "alice@example.com").await;
    let bob = app.user(&admin, "bob@example.com").await;
    let mine = app
        .post_json(
            &alice,
            "/api/connections",
            json!({"name": "mine", "provider": "gemini", "fields": {"api_key": KEY}}),
        )
        .await;
    assert_eq!(mine.status(), StatusCode::CREATED);

    let (status, created) = token(
        &app,
        &alice,
        "/api/tokens",
        json!({"name": "laptop", "scopes": ["resolve"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let raw = created["token"].as_str().unwrap().to_owned();
    assert!(raw.starts_with("sy_") && raw.len() > 40);
    assert_eq!(created["kind"], "personal");
    assert_eq!(created["scopes"], json!(["resolve"]));
    let (_, listed) = json_of(&alice, Method::GET, app.url("/api/tokens"), None).await;
    assert_eq!(listed["total"], 1);
    assert!(!listed.to_string().contains(&raw), "a token is shown once");
    assert!(raw.starts_with(listed["data"][0]["prefix"].as_str().unwrap()));

    for header in ["authorization", "x-api-key"] {
        let value = if header == "authorization" {
            format!("Bearer {raw}")
        } else {
            raw.clone()
        };
        let (status, answer) = resolve_with(&app, &bearer(header, &value)).await;
        assert_eq!(status, StatusCode::OK, "{header}: {answer}");
        assert_eq!(
            answer["candidates"][0]["name"], "mine",
            "a personal token reaches its owner's connections"
        );
        assert!(answer.get("secret").is_none());
    }
    let (_, after) = json_of(&alice, Method::GET, app.url("/api/tokens"), None).await;
    assert!(after["data"][0]["lastUsedAt"].is_string());

    // Tokens authenticate the routes services use, not the rest of the API.
    let (status, _) = json_of(
        &bearer("x-api-key", &raw),
        Method::GET,
        app.url("/api/connections"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (_, gateway_only) = token(
        &app,
        &alice,
        "/api/tokens",
        json!({"name": "gw", "scopes": ["gateway"]}),
    )
    .await;
    let (status, refused) = resolve_with(
        &app,
        &bearer("x-api-key", gateway_only["token"].as_str().unwrap()),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(refused["error"]["message"].as_str().unwrap().contains("resolve"));

    let bad = StatusCode::BAD_REQUEST;
    for (body, field) in [
        (json!({"name": "x", "scopes": ["secrets:read"]}), "scopes"),
        (json!({"name": "x", "scopes": []}), "scopes"),
        (json!({"name": "x", "scopes": ["admin"]}), "scopes"),
        (json!({"name": "", "scopes": ["resolve"]}), "name"),
        (
            json!({"name": "x", "scopes": ["resolve"], "expiresAt": "2020-01-01T00:00:00Z"}),
            "expiresAt",
        ),
    ] {
        let (status, answer) = token(&app, &alice, "/api/tokens", body.clone()).await;
        assert_eq!(
            (status, answer["error"]["field"].clone()),
            (bad, json!(field)),
            "{body}"
        );
    }

    // Bob cannot revoke Alice's token; Alice can, and it stops working at once.
    let id = created["id"].as_str().unwrap();
    let (status, _) = json_of(&bob, Method::DELETE, app.url(&format!("/api/tokens/{id}")), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, revoked) = json_of(
        &alice,
        Method::DELETE,
        app.url(&format!("/api/tokens/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(revoked["revokedAt"].is_string());
    let (status, answer) = resolve_with(&app, &bearer("x-api-key", &raw)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(answer["error"]["message"].as_str().unwrap().contains("revoked"));

    // Expired.
    let (_, short) = token(
        &app,
        &alice,
        "/api/tokens",
        json!({"name": "short", "scopes": ["resolve"],
        "expiresAt": (Utc::now() + Duration::hours(1)).to_rfc3339()}),
    )
    .await;
    domain::entities::api_tokens::ActiveModel {
        id: Set(short["id"].as_str().unwrap().parse::<Uuid>().unwrap()),
        expires_at: Set(Some(Utc::now() - Duration::minutes(1))),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
    let (status, answer) = resolve_with(&app, &bearer("x-api-key", short["token"].as_str().unwrap())).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(answer["error"]["message"].as_str().unwrap().contains("expired"));
    let (status, _) = resolve_with(&app, &bearer("x-api-key", "sy_not-a-real-token")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn a_service_token_with_secrets_read_gets_the_first_key_and_the_read_is_audited(app: TestApp) {
    let admin = app.admin().await;
    let alice = app.user(&admin, "alice@example.com").await;
    for (name, priority, key) in [("backup", 20, "AIza-backup-000000000001"), ("main", 10, KEY)] {
        let created = app
            .post_json(
                &admin,
                "/api/admin/credentials",
                json!({"name": name, "provider": "gemini", "priority": priority, "fields": {"api_key": key}}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
    }
    app.post_json(
        &alice,
        "/api/connections",
        json!({"name": "alices", "provider": "gemini", "fields": {"api_key": "AIza-alice-0000000000"}}),
    )
    .await;
    let (status, _) = token(
        &app,
        &alice,
        "/api/admin/tokens",
        json!({"name": "x", "scopes": ["resolve"]}),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "users make no service tokens");

    let (status, service) = token(
        &app,
        &admin,
        "/api/admin/tokens",
        json!({"name": "billing-service", "scopes": ["resolve", "secrets:read"]}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{service}");
    assert_eq!(service["kind"], "service");
    let client = bearer(
        "authorization",
        &format!("Bearer {}", service["token"].as_str().unwrap()),
    );
    let (status, answer) = resolve_with(&app, &client).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let names: Vec<&str> = answer["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["main", "backup"],
        "a service token never reaches personal connections"
    );
    assert_eq!(answer["secret"], json!({"api_key": KEY}));

    let (_, reads) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=credential.reveal"),
        None,
    )
    .await;
    assert_eq!(reads["total"], 1);
    let event = &reads["data"][0];
    assert_eq!(event["details"]["name"], "main");
    assert_eq!(event["details"]["token"], service["id"]);
    assert!(
        !reads.to_string().contains(KEY),
        "the audit log never holds a secret"
    );

    let (_, all) = json_of(&admin, Method::GET, app.url("/api/admin/tokens"), None).await;
    assert_eq!(all["total"], 1);
    let (status, _) = json_of(&alice, Method::GET, app.url("/api/admin/tokens"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}
