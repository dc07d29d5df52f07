//! Two instances on one PostgreSQL database: a change made through one reaches the
//! other's routing within a second, and a credential's rate limit is one limit for both.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::json;

use super::{call, chat_body, Scene};
use crate::helpers::{Db, TestApp};

/// The credential that serves a chat sent to `app`.
async fn served_by(app: &TestApp, token: &str) -> String {
    let response = call(app, token, "/v1/chat/completions", chat_body("fake-chat")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.headers()["x-switchyard-credential"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// How long until `app` routes to `credential` (chats sent every 20 ms, 5 s at most).
async fn time_until_served_by(app: &TestApp, token: &str, credential: &str) -> Duration {
    let started = Instant::now();
    while served_by(app, token).await != credential {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "never switched to {credential}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    started.elapsed()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_disabled_through_one_instance_is_skipped_by_the_other_within_a_second() {
    let Some(app) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let scene = Scene::new(app).await;
    let first = scene.route("first", "ok", 10, json!({})).await;
    scene.route("second", "ok", 20, json!({})).await;
    let token = scene.token(json!({})).await;
    let other = scene.app.sibling().await;
    assert_eq!(served_by(&other, &token).await, "first");

    scene.update(&first, json!({"active": false})).await;

    let switched = time_until_served_by(&other, &token, "second").await;
    assert!(switched < Duration::from_secs(1), "switched after {switched:?}");

    // Both instances share this process, which also hears its own announcements; a write
    // by another process raises only the counter, which alone must be enough.
    let enable = format!(
        "UPDATE credentials SET active = true, disabled_reason = NULL WHERE id = '{first}';
         UPDATE change_counter SET generation = generation + 1;"
    );
    scene.app.db.execute_unprepared(&enable).await.unwrap();
    let switched = time_until_served_by(&other, &token, "first").await;
    assert!(
        switched < Duration::from_secs(1),
        "switched back after {switched:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credentials_rate_limit_is_shared_by_the_instances() {
    let Some(app) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let scene = Scene::new(app).await;
    // 60 a minute: a burst of 3 (5%, at least 1), then one a second.
    scene
        .route("metered", "ok", 10, json!({"rateLimitPerMinute": 60}))
        .await;
    let token = scene.token(json!({})).await;
    let other = scene.app.sibling().await;

    let started = Instant::now();
    let mut admitted = 0;
    for i in 0..16 {
        let app = if i % 2 == 0 { &scene.app } else { &other };
        match call(app, &token, "/v1/chat/completions", chat_body("fake-chat"))
            .await
            .status()
        {
            StatusCode::OK => admitted += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            status => panic!("request {i}: {status}"),
        }
    }
    let elapsed = started.elapsed();

    // Two separate limits would admit a burst each (6) before the first second is out.
    assert!(elapsed < Duration::from_secs(3), "too slow to tell: {elapsed:?}");
    let allowed = 3 + elapsed.as_secs();
    assert!(
        (3..=allowed).contains(&admitted),
        "admitted {admitted} in {elapsed:?}"
    );
}
