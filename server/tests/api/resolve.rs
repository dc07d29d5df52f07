//! `POST /api/resolve`: the order of candidates and a reason for every credential left out.

use chrono::{Duration, Utc};
use reqwest::{Client, Method, StatusCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    candidates_come_in_order_and_every_exclusion_says_why,
    resolve_refuses_unclear_questions,
);

async fn add(app: &TestApp, client: &Client, path: &str, name: &str, extra: Value) -> Uuid {
    let mut body =
        json!({"name": name, "provider": "gemini", "fields": {"api_key": format!("AIza-{name}-0000000000")}});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let response = app.post_json(client, path, body).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    created["id"].as_str().unwrap().parse().unwrap()
}

async fn resolve(app: &TestApp, client: &Client, body: Value) -> (StatusCode, Value) {
    json_of(client, Method::POST, app.url("/api/resolve"), Some(body)).await
}

fn names(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

fn reason_of(answer: &Value, name: &str) -> String {
    answer["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .map(|c| c["reason"].as_str().unwrap().to_owned())
        .unwrap_or_else(|| panic!("{name} is not excluded: {answer}"))
}

async fn candidates_come_in_order_and_every_exclusion_says_why(app: TestApp) {
    let admin = app.admin().await;
    let alice = app.user(&admin, "alice@example.com").await;
    let bob = app.user(&admin, "bob@example.com").await;
    let global = "/api/admin/credentials";
    add(&app, &admin, global, "main", json!({})).await;
    add(&app, &admin, global, "first", json!({"priority": 5})).await;
    add(&app, &admin, global, "off", json!({"active": false})).await;
    add(&app, &admin, global, "spent", json!({"monthlyQuota": 0})).await;
    let cooling = add(&app, &admin, global, "cooling", json!({})).await;
    let limited = add(&app, &admin, global, "limited", json!({"rateLimitPerMinute": 1})).await;
    add(
        &app,
        &alice,
        "/api/connections",
        "alices",
        json!({"priority": 50}),
    )
    .await;

    let db = &app.db;
    let until = Utc::now() + Duration::minutes(10);
    domain::entities::credentials::ActiveModel {
        id: Set(cooling),
        cooldown_until: Set(Some(until)),
        ..Default::default()
    }
    .update(db)
    .await
    .unwrap();
    // The limiter holds rate limits: one request takes the only permit of the minute.
    let limit = domain::limits::PerMinute::new(1).unwrap();
    let key = domain::limits::credential_key(vocab::CredentialId::from_uuid(limited));
    app.services.limiter.acquire(&key, limit).await.unwrap().unwrap();

    let (status, answer) = resolve(&app, &alice, json!({"provider": "gemini"})).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(
        names(&answer["candidates"]),
        ["alices", "first", "main"],
        "own connections first, then priority"
    );
    assert_eq!(answer["candidates"][0]["scope"], "personal");
    assert_eq!(answer["candidates"][1]["priority"], 5);
    assert_eq!(reason_of(&answer, "off"), "inactive");
    assert_eq!(reason_of(&answer, "spent"), "monthly quota reached (0 of 0)");
    assert!(reason_of(&answer, "cooling").starts_with("in cooldown until 20"));
    assert!(
        reason_of(&answer, "limited").starts_with("rate limit reached (1 request a minute); free again in "),
        "{}",
        reason_of(&answer, "limited")
    );
    assert!(
        !answer.to_string().contains("AIza-"),
        "no secret without secrets:read"
    );

    // Bob never sees Alice's connection, not even as excluded.
    let (_, answer) = resolve(&app, &bob, json!({"provider": "gemini"})).await;
    assert_eq!(names(&answer["candidates"]), ["first", "main"]);
    assert!(!answer.to_string().contains("alices"));

    // By model: every provider offering it.
    let gemini = domain::entities::providers::Entity::find()
        .filter(domain::entities::providers::Column::Identifier.eq("gemini"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let added = app
        .post_json(
            &admin,
            &format!("/api/admin/providers/{}/models", gemini.id),
            json!({"modelId": "gemini-2.0-flash"}),
        )
        .await;
    assert_eq!(added.status(), StatusCode::CREATED);
    let (_, by_model) = resolve(&app, &alice, json!({"model": "gemini-2.0-flash"})).await;
    assert_eq!(names(&by_model["candidates"]), ["alices", "first", "main"]);

    // An admin setting puts global credentials first.
    let (status, settings) = json_of(
        &admin,
        Method::PATCH,
        app.url("/api/admin/settings"),
        Some(json!({"resolvePersonalFirst": false})),
    )
    .await;
    assert_eq!(
        (status, settings),
        (StatusCode::OK, json!({"resolvePersonalFirst": false}))
    );
    let (status, _) = json_of(
        &alice,
        Method::PATCH,
        app.url("/api/admin/settings"),
        Some(json!({"resolvePersonalFirst": true})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, answer) = resolve(&app, &alice, json!({"provider": "gemini"})).await;
    assert_eq!(names(&answer["candidates"]), ["first", "main", "alices"]);

    // A disabled provider leaves nothing to use, and says so for each.
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{}", gemini.id)),
        Some(json!({"enabled": false})),
    )
    .await;
    let (_, answer) = resolve(&app, &alice, json!({"provider": "gemini"})).await;
    assert_eq!(answer["candidates"], json!([]));
    assert_eq!(reason_of(&answer, "main"), "provider disabled");
}

async fn resolve_refuses_unclear_questions(app: TestApp) {
    let admin = app.admin().await;
    let cases = [
        (json!({}), "provider"),
        (json!({"provider": "gemini", "model": "x"}), "provider"),
        (json!({"provider": "nope"}), "provider"),
        (json!({"model": "no-such-model"}), "model"),
    ];
    for (body, field) in cases {
        let (status, answer) = resolve(&app, &admin, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["error"]["field"], field, "{body}");
    }
    let (status, _) = resolve(&app, &app.client(), json!({"provider": "gemini"})).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
