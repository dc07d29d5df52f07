//! Live traffic feeds the health rule: five failures in a row disable a credential (and
//! the subscribed webhook hears of it); a success in between starts the count again.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use server::Config;

use super::Scene;
use crate::helpers::TestApp;
use crate::on_both_databases_with;
use crate::receiver::{events, Receiver};

on_both_databases_with!(one_second_cooldowns: five_failures_in_a_row_disable_a_credential_and_a_success_resets_the_count);

/// Each failure cools a credential down; a second keeps the test short.
fn one_second_cooldowns(config: &mut Config) {
    config.cooldown_base = 1;
    config.cooldown_max = 1;
}

/// Chats until the upstream has seen `count` requests of `flaky` (the credential is
/// skipped while it cools down).
async fn until_sent(scene: &Scene, token: &str, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while scene.upstream.seen.count("flaky") < count {
        assert!(
            Instant::now() < deadline,
            "only {} requests sent",
            scene.upstream.seen.count("flaky")
        );
        scene.chat(token).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The credential once `done` holds for it (its health is written a moment after).
async fn credential_when(scene: &Scene, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let credential = scene.credential(id).await;
        if done(&credential) || Instant::now() > deadline {
            return credential;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn five_failures_in_a_row_disable_a_credential_and_a_success_resets_the_count(app: TestApp) {
    let scene = Scene::new(app).await;
    let receiver = Receiver::start(&[]).await;
    let hook = json!({"url": receiver.url, "events": ["credential.auto_disabled"]});
    let (status, _) = scene.send(Method::POST, "/api/admin/webhooks", Some(hook)).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = scene.route("shaky", "flaky", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    scene.upstream.flaky.fail(true);
    until_sent(&scene, &token, 4).await;
    scene.upstream.flaky.fail(false);
    until_sent(&scene, &token, 5).await;
    scene.upstream.flaky.fail(true);
    until_sent(&scene, &token, 6).await;

    let shaky = credential_when(&scene, &id, |c| c["consecutiveFailures"] == 1).await;
    assert_eq!(
        (shaky["active"].as_bool(), shaky["consecutiveFailures"].as_i64()),
        (Some(true), Some(1)),
        "{shaky}"
    );
    until_sent(&scene, &token, 10).await;
    let shaky = credential_when(&scene, &id, |c| c["active"] == false).await;
    assert_eq!(shaky["active"], false, "{shaky}");
    assert_eq!(shaky["disabledReason"], "health");
    let got = receiver
        .wait_for(Duration::from_secs(10), "the alert", |r| !r.is_empty())
        .await;
    assert_eq!(events(&got), ["credential.auto_disabled"]);
    assert_eq!(got[0].body["credential"]["id"], id.as_str());
    // Skipped from now on.
    scene.upstream.flaky.fail(false);
    assert_eq!(scene.chat(&token).await.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(scene.upstream.seen.count("flaky"), 10);
}
