//! A canary secret goes in through every door; it must never come out of one: not in
//! a page, a server function, a REST answer (other than the audited secrets:read),
//! an error, or a line of the server's own log at debug level.

use app::api::credentials::ListCredentials;
use app::api::tokens::ListTokens;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use leptos::server_fn::ServerFn;
use serde_json::json;
use tempfile::TempDir;

use crate::process::{create_admin, ServerProcess};

const CANARY: &str = "sk-leak-canary-7f3a9c2e5b1d8046";
const PASSWORD: &str = "operator password 1";

/// Every form the canary could be found in.
fn forms() -> Vec<String> {
    vec![
        CANARY.to_owned(),
        "7f3a9c2e5b1d8046".to_owned(),
        STANDARD.encode(CANARY),
        URL_SAFE_NO_PAD.encode(CANARY),
        hex::encode(CANARY),
        CANARY.to_uppercase(),
    ]
}

fn assert_clean(what: &str, text: &str) {
    for form in forms() {
        assert!(!text.contains(&form), "{what} leaks the canary ({form}):\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canary_secret_never_leaves_through_pages_answers_errors_or_logs() {
    let data = TempDir::new().unwrap();
    create_admin(data.path(), "ops@example.com", PASSWORD);

    let data_dir = data.path().to_str().unwrap();
    let mut server = ServerProcess::start(&[
        ("SWITCHYARD_DATA_DIR", data_dir),
        ("SWITCHYARD_EGRESS_ALLOW", "127.0.0.1"),
        ("RUST_LOG", "debug"),
    ]);
    let base = server.base.clone();
    let admin = reqwest::Client::builder().cookie_store(true).build().unwrap();
    let post = |path: &str, body: serde_json::Value| admin.post(format!("{base}{path}")).json(&body).send();

    // In through every door: create, replace, and a string of bad inputs carrying it.
    let wrong = post(
        "/api/auth/signin",
        json!({"email": "ops@example.com", "password": CANARY}),
    )
    .await
    .unwrap();
    assert_clean("a failed sign-in", &wrong.text().await.unwrap());
    post(
        "/api/auth/signin",
        json!({"email": "ops@example.com", "password": PASSWORD}),
    )
    .await
    .unwrap();
    let created: serde_json::Value = post(
        "/api/admin/credentials",
        json!({"name": "Canary", "provider": "openai", "fields": {"api_key": CANARY}}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_clean("the create answer", &created.to_string());
    let id = created["id"].as_str().unwrap().to_owned();
    let bad_inputs = [
        json!({"name": "Bad", "provider": "azure-openai", "fields": {"api_key": CANARY, "endpoint": CANARY, "deployment": "d", "api_version": CANARY}}),
        json!({"name": "Bad", "provider": "openai", "fields": {"api_key": CANARY, "region": CANARY}}),
        json!({"name": "Bad", "provider": "openai", "fields": {"api_key": CANARY.repeat(1000)}}),
        json!({"name": "Bad", "provider": "openai", "fields": {"api_key": [CANARY]}}),
        json!({"name": "Canary", "provider": "openai", "fields": {"api_key": CANARY}}),
        json!({"name": CANARY, "provider": CANARY, "fields": {"api_key": CANARY}, "priority": CANARY}),
    ];
    for body in bad_inputs {
        let answer = post("/api/admin/credentials", body).await.unwrap();
        assert!(answer.status().is_client_error());
        assert_clean("an error answer", &answer.text().await.unwrap());
    }
    let replaced = admin
        .patch(format!("{base}/api/admin/credentials/{id}"))
        .json(&json!({"fields": {"api_key": format!("{CANARY}-2")}}))
        .send()
        .await
        .unwrap();
    assert_clean("the replace answer", &replaced.text().await.unwrap());
    let token: serde_json::Value = post(
        "/api/admin/tokens",
        json!({"name": "svc", "scopes": ["resolve", "secrets:read"]}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let revealed = reqwest::Client::new()
        .post(format!("{base}/api/resolve"))
        .header("x-api-key", token["token"].as_str().unwrap())
        .json(&json!({"provider": "openai"}))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        revealed.contains(CANARY),
        "secrets:read is the one door that opens, and it is audited"
    );

    // Failing probes: the fake provider quotes the key it was sent, as OpenAI does.
    let fake = crate::fake_provider::FakeProvider::start().await;
    let unsaved = post(
        "/api/admin/credentials/test",
        json!({"provider": "openai", "fields": {"api_key": CANARY}, "endpoint": fake.url("ok")}),
    )
    .await
    .unwrap()
    .text()
    .await
    .unwrap();
    assert!(unsaved.contains("auth_rejected"), "{unsaved}");
    assert_clean("an unsaved test", &unsaved);
    admin
        .patch(format!("{base}/api/admin/credentials/{id}"))
        // A stored key goes only where it was saved for: moving it means typing it again.
        .json(&json!({"endpoint": fake.url("ok"), "fields": {"api_key": CANARY}}))
        .send()
        .await
        .unwrap();
    let tested = post(&format!("/api/admin/credentials/{id}/test"), json!({}))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_clean("a saved test", &tested);
    let job: serde_json::Value = post("/api/admin/credentials/test-all", json!({}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let job = job["jobId"].as_str().unwrap().to_owned();
    for _ in 0..100 {
        let run: serde_json::Value = admin
            .get(format!("{base}/api/admin/credentials/test-all/{job}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if run["finished"] == true {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // A webhook signing secret: sealed like a key, never shown, not in a delivery.
    let receiver = crate::receiver::Receiver::start(&[]).await;
    let too_long = post(
        "/api/admin/webhooks",
        json!({"url": receiver.url, "secret": CANARY.repeat(20)}),
    )
    .await
    .unwrap();
    assert!(too_long.status().is_client_error());
    assert_clean("a webhook error", &too_long.text().await.unwrap());
    let hook: serde_json::Value = post(
        "/api/admin/webhooks",
        json!({"url": receiver.url, "secret": CANARY}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_clean("the webhook answer", &hook.to_string());
    let hook = hook["id"].as_str().unwrap().to_owned();
    post(&format!("/api/admin/webhooks/{hook}/test"), json!({}))
        .await
        .unwrap();
    let sent = receiver
        .wait_for(std::time::Duration::from_secs(10), "the test event", |r| {
            !r.is_empty()
        })
        .await;
    assert_clean(
        "a webhook delivery",
        &format!("{:?}{}", sent[0].headers, sent[0].raw),
    );

    // The gateway: the canary as a key, sent to upstreams that quote it back. The first
    // answers 401 with it (a failover), the second 400 with it in three encodings (passed on).
    let upstream = crate::fake_upstream::FakeUpstream::start().await;
    let provider: serde_json::Value = post(
        "/api/admin/providers",
        json!({"identifier": "leaky", "name": "Leaky", "templateId": "openai-compatible",
            "baseUrl": upstream.url("ok"), "allowEndpointOverride": true}),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let provider = provider["id"].as_str().unwrap().to_owned();
    post(
        &format!("/api/admin/providers/{provider}/models"),
        json!({"modelId": "fake-chat"}),
    )
    .await
    .unwrap();
    for (name, behaviour, priority) in [("leaky-first", "badkey", 1), ("leaky-second", "reject", 2)] {
        let made = post(
            "/api/admin/credentials",
            json!({"name": name, "provider": "leaky", "fields": {"api_key": CANARY},
                "endpoint": upstream.url(behaviour), "priority": priority}),
        )
        .await
        .unwrap();
        assert!(made.status().is_success());
    }
    let gateway_token: serde_json::Value = post("/api/tokens", json!({"name": "gw"}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let gateway_token = gateway_token["token"].as_str().unwrap().to_owned();
    for stream in [false, true] {
        let answer = reqwest::Client::new()
            .post(format!("{base}/v1/chat/completions"))
            .bearer_auth(&gateway_token)
            .json(&json!({"model": "fake-chat", "stream": stream, "messages": [{"role": "user", "content": "hi"}]}))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), reqwest::StatusCode::BAD_REQUEST);
        assert_clean("a gateway answer's headers", &format!("{:?}", answer.headers()));
        let body = answer.text().await.unwrap();
        assert!(body.contains("field required"), "the 400 is passed on: {body}");
        assert_clean("a gateway answer", &body);
    }
    // Two attempts, then one: the key that failed cools down and is skipped.
    assert_eq!(upstream.seen.all().len(), 3);
    // A model sync whose provider quotes the key back.
    let synced = post(
        &format!("/api/admin/providers/{provider}/sync-models"),
        json!({"fields": {"api_key": CANARY}}),
    )
    .await
    .unwrap();
    assert_clean("a model sync", &synced.text().await.unwrap());

    // Out: every page, server function and REST read an admin can reach.
    let mut reads: Vec<String> = [
        "/",
        "/providers",
        "/credentials",
        "/connections",
        "/tokens",
        "/audit",
        "/logs",
        "/templates",
        "/users",
        "/account",
        "/webhooks",
        "/gateway",
    ]
    .iter()
    .map(|p| (*p).to_owned())
    .collect();
    reads.extend([
        "/api/admin/credentials".to_owned(),
        format!("/api/admin/credentials/{id}"),
        "/api/admin/audit".to_owned(),
        "/api/admin/logs".to_owned(),
        "/api/scheduler/jobs".to_owned(),
        format!("/api/admin/credentials/test-all/{job}"),
        "/api/admin/tokens".to_owned(),
        "/api/tokens".to_owned(),
        "/api/system/status".to_owned(),
        "/api/providers".to_owned(),
        "/api/admin/webhooks".to_owned(),
        format!("/api/admin/webhooks/{hook}/deliveries"),
        "/api/admin/overview".to_owned(),
        "/api/usage".to_owned(),
        "/v1/models".to_owned(),
        format!("{}?scope=global&provider=&page=1", ListCredentials::PATH),
        ListTokens::PATH.to_owned(),
    ]);
    for path in reads {
        let body = admin
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_clean(&path, &body);
    }

    server.kill();
    let log = server.log();
    assert!(
        log.contains("POST") && log.contains("/api/admin/credentials"),
        "the log was captured: {log}"
    );
    assert_clean("the server log", &log);
}
