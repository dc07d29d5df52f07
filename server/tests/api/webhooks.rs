//! Webhooks: managed over REST, a signed test event, retries with backoff, and the
//! alerts scheduled checks raise, delivered off the request path.

use std::time::{Duration, Instant};

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::helpers::{json_of, Db, TestApp};
use crate::on_both_databases;
use crate::polling;
use crate::receiver::{events, Answer, Receiver};

const SECRET: &str = "whsec-0123456789abcdef";

on_both_databases!(webhooks_are_managed_and_sent_a_signed_test_event);

async fn create(app: &TestApp, admin: &Client, body: Value) -> (StatusCode, Value) {
    json_of(admin, Method::POST, app.url("/api/admin/webhooks"), Some(body)).await
}

/// Queues a test event for webhook `id` through `app`.
async fn send_test(app: &TestApp, admin: &Client, id: &str) -> (StatusCode, Value) {
    json_of(
        admin,
        Method::POST,
        app.url(&format!("/api/admin/webhooks/{id}/test")),
        None,
    )
    .await
}

/// Polls a webhook's delivery log until `done` holds for its newest delivery (15 s at most).
async fn wait_for_delivery(
    app: &TestApp,
    admin: &Client,
    hook: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let url = app.url(&format!("/api/admin/webhooks/{hook}/deliveries"));
    let log = polling::json_until(
        admin,
        &url,
        "the delivery is logged",
        Duration::from_secs(15),
        |log| done(&log["data"][0]),
    )
    .await;
    log["data"][0].clone()
}

async fn webhooks_are_managed_and_sent_a_signed_test_event(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::start(&[]).await;
    for (body, field) in [
        (json!({"url": "ftp://example.com/hook"}), "url"),
        (json!({"url": "hooks.example.com/x"}), "url"),
        (json!({"url": receiver.url, "kind": "teams"}), "kind"),
        (
            json!({"url": receiver.url, "events": ["credential.deleted"]}),
            "events",
        ),
        (json!({"url": receiver.url, "secret": "short"}), "secret"),
    ] {
        let (status, error) = create(&app, &admin, body.clone()).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{body}: {error}"
        );
    }
    let (status, _) = create(&app, &admin, json!({"url": receiver.url, "colour": "red"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (_, none) = json_of(&admin, Method::GET, app.url("/api/admin/webhooks"), None).await;
    assert_eq!(none["total"], 0, "nothing was saved by bad input");

    let (status, hook) = create(&app, &admin, json!({"url": receiver.url, "secret": SECRET})).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    assert_eq!(
        (
            hook["kind"].clone(),
            hook["enabled"].clone(),
            hook["hasSecret"].clone()
        ),
        (json!("json"), json!(true), json!(true))
    );
    assert_eq!(
        hook["events"].as_array().unwrap().len(),
        vocab::AlertEvent::SUBSCRIBABLE.len(),
        "every event when none is named: {hook}"
    );
    let id = hook["id"].as_str().unwrap().to_owned();
    let (_, listed) = json_of(&admin, Method::GET, app.url("/api/admin/webhooks"), None).await;
    assert_eq!(listed["total"], 1);
    assert!(!listed.to_string().contains(SECRET) && !hook.to_string().contains(SECRET));

    let (status, queued) = send_test(&app, &admin, &id).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{queued}");
    assert_eq!(queued["event"], "webhook.test");
    let got = receiver
        .wait_for(Duration::from_secs(10), "the test event", |r| !r.is_empty())
        .await;
    let event = &got[0];
    assert_eq!(event.body["event"], "webhook.test");
    assert_eq!(
        event.body.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["at", "credential", "event", "reason"]
    );
    assert_eq!(event.headers["x-switchyard-event"], "webhook.test");
    let timestamp: i64 = event.headers["x-switchyard-timestamp"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        event.headers["x-switchyard-signature"].to_str().unwrap(),
        domain::alerts::signature(SECRET.as_bytes(), timestamp, &event.raw).unwrap(),
        "the signature checks out with the secret"
    );
    let delivered = wait_for_delivery(&app, &admin, &id, |d| d["status"] == "delivered").await;
    assert_eq!(
        (delivered["attempts"].clone(), delivered["responseStatus"].clone()),
        (json!(1), json!(200))
    );

    // Slack form, unsigned, disabled: a test event still goes, as {"text"}.
    let patch = |body: Value| {
        let url = app.url(&format!("/api/admin/webhooks/{id}"));
        let admin = admin.clone();
        async move { json_of(&admin, Method::PATCH, url, Some(body)).await }
    };
    let (status, error) = patch(json!({"secret": "another-secret-of-16", "removeSecret": true})).await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("secret"))
    );
    let (status, changed) = patch(json!({"kind": "slack", "removeSecret": true, "enabled": false})).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(
        (
            changed["kind"].clone(),
            changed["hasSecret"].clone(),
            changed["enabled"].clone()
        ),
        (json!("slack"), json!(false), json!(false))
    );
    send_test(&app, &admin, &id).await;
    let got = receiver
        .wait_for(Duration::from_secs(10), "the Slack test event", |r| r.len() == 2)
        .await;
    assert!(
        got[1].body["text"].as_str().unwrap().starts_with("Switchyard: "),
        "{:?}",
        got[1].body
    );
    assert!(got[1].headers.get("x-switchyard-signature").is_none());

    let unknown = "0195f1a0-0000-7000-8000-000000000000";
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/webhooks/{unknown}")),
        Some(json!({"enabled": true})),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::GET, app.url("/api/admin/webhooks"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = create(&app, &user, json!({"url": receiver.url})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let (_, audit) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=webhook.updated"),
        None,
    )
    .await;
    assert!(audit["total"].as_u64().unwrap() >= 1, "{audit}");
    assert!(
        !audit.to_string().contains("/hook"),
        "the audit keeps the host only: {audit}"
    );

    let (status, _) = json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/webhooks/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/webhooks/{id}/deliveries")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

fn retry_quickly(config: &mut server::config::Config) {
    config.webhook_retry_base = 1;
    config.webhook_max_attempts = 3;
    config.webhook_timeout = 1;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_then_given_up_sqlite() {
    failed_deliveries_are_retried_then_given_up(
        TestApp::spawn_with(Db::Sqlite, retry_quickly).await.unwrap(),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_deliveries_are_retried_then_given_up_postgres() {
    if let Some(app) = TestApp::spawn_with(Db::Postgres, retry_quickly).await {
        failed_deliveries_are_retried_then_given_up(app).await;
    }
}

async fn failed_deliveries_are_retried_then_given_up(app: TestApp) {
    let admin = app.admin().await;
    let recovering = Receiver::start(&[Answer::Status(500), Answer::Status(503)]).await;
    let broken = Receiver::start(&[Answer::Status(500); 5]).await;
    let silent = Receiver::start(&[Answer::Silence(Duration::from_secs(30)); 5]).await;
    let mut hooks = Vec::new();
    for url in [
        &recovering.url,
        &broken.url,
        &silent.url,
        "http://127.0.0.1:9/hook",
    ] {
        let (_, hook) = create(&app, &admin, json!({"url": url})).await;
        let id = hook["id"].as_str().unwrap().to_owned();
        let started = Instant::now();
        let (status, _) = send_test(&app, &admin, &id).await;
        assert_eq!(status, StatusCode::ACCEPTED);
        // Queued, not sent: a silent or unreachable receiver never holds the request.
        assert!(
            started.elapsed() < Duration::from_millis(900),
            "{:?}",
            started.elapsed()
        );
        hooks.push(id);
    }

    let recovered = wait_for_delivery(&app, &admin, &hooks[0], |d| d["status"] == "delivered").await;
    assert_eq!(
        (recovered["attempts"].clone(), recovered["responseStatus"].clone()),
        (json!(3), json!(200))
    );
    let bodies = recovering.received();
    assert_eq!(bodies.len(), 3);
    assert!(
        bodies.iter().all(|b| b.raw == bodies[0].raw),
        "every attempt sends the same body"
    );

    let given_up = wait_for_delivery(&app, &admin, &hooks[1], |d| d["status"] == "failed").await;
    assert_eq!(given_up["attempts"], 3);
    assert_eq!(
        given_up["lastError"],
        "the receiver answered 500 Internal Server Error"
    );
    assert_eq!(broken.received().len(), 3, "no attempt after the last");

    let timed_out = wait_for_delivery(&app, &admin, &hooks[2], |d| d["attempts"].as_i64() >= Some(1)).await;
    assert_eq!(timed_out["lastError"], "no answer within 1 s");
    let refused = wait_for_delivery(&app, &admin, &hooks[3], |d| d["attempts"].as_i64() >= Some(1)).await;
    assert_eq!(refused["lastError"], "could not connect to the receiver");
    assert_eq!(refused["responseStatus"], Value::Null);
}

fn quick_checks(config: &mut server::config::Config) {
    config.health_check_interval = 1;
    config.cooldown_base = 1;
    config.cooldown_max = 1;
    config.webhook_timeout = 2;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_checks_alert_the_webhooks_sqlite() {
    scheduled_checks_alert_the_webhooks(TestApp::spawn_with(Db::Sqlite, quick_checks).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_checks_alert_the_webhooks_postgres() {
    if let Some(app) = TestApp::spawn_with(Db::Postgres, quick_checks).await {
        scheduled_checks_alert_the_webhooks(app).await;
    }
}

async fn scheduled_checks_alert_the_webhooks(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("flaky")).await;
    let receiver = Receiver::start(&[]).await;
    let slack = Receiver::start(&[]).await;
    let silent = Receiver::start(&[Answer::Silence(Duration::from_secs(60)); 20]).await;
    create(&app, &admin, json!({"url": receiver.url})).await;
    create(
        &app,
        &admin,
        json!({"url": slack.url, "kind": "slack", "events": ["credential.auto_disabled"]}),
    )
    .await;
    create(&app, &admin, json!({"url": silent.url})).await;
    let (_, off) = create(&app, &admin, json!({"url": receiver.url, "enabled": false})).await;
    assert_eq!(off["enabled"], false);

    let id = add_credential(&app, &admin, "watched", json!({"autoDisableAfter": 2})).await;
    let manual = add_credential(&app, &admin, "manual-only", json!({"active": false})).await;
    fake.flaky.fail(true);
    // A manual test that fails raises nothing.
    let (_, tested) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{manual}/test")),
        None,
    )
    .await;
    assert_eq!(tested["ok"], false, "{tested}");

    receiver
        .wait_for(Duration::from_secs(20), "disabled", |r| {
            events(r).contains(&"credential.auto_disabled".to_owned())
        })
        .await;
    fake.flaky.fail(false);
    let got = receiver
        .wait_for(Duration::from_secs(20), "recovered", |r| {
            events(r).contains(&"credential.recovered".to_owned())
        })
        .await;
    assert_eq!(
        events(&got),
        [
            "credential.test_failed",
            "credential.auto_disabled",
            "credential.recovered"
        ],
        "one webhook, each event once (the disabled webhook got nothing)"
    );
    for event in &got {
        assert_eq!(event.body["credential"]["id"], id.as_str());
        assert_eq!(event.body["credential"]["name"], "watched");
        assert_eq!(event.body["credential"]["provider"], "fake");
        assert!(chrono::DateTime::parse_from_rfc3339(event.body["at"].as_str().unwrap()).is_ok());
    }
    assert!(
        got[1].body["reason"].as_str().unwrap().contains("503"),
        "{}",
        got[1].body
    );

    let slack_got = slack
        .wait_for(Duration::from_secs(5), "the Slack alert", |r| !r.is_empty())
        .await;
    assert_eq!(slack_got.len(), 1, "subscribed to auto_disabled only");
    let text = slack_got[0].body["text"].as_str().unwrap();
    assert!(text.contains("*watched* (fake) disabled automatically"), "{text}");

    // The silent receiver held every delivery to it, yet the rounds kept their pace.
    let (_, jobs) = json_of(&admin, Method::GET, app.url("/api/scheduler/jobs"), None).await;
    let round = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "health_checks")
        .unwrap();
    assert!(round["lastDurationMs"].as_i64().unwrap() < 1000, "{round}");
    assert!(
        silent.received().len() >= 3,
        "the silent receiver was sent the alerts too"
    );
}

on_both_databases!(a_key_used_up_to_its_quota_alerts_once);

async fn a_key_used_up_to_its_quota_alerts_once(app: TestApp) {
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("ok")).await;
    let receiver = Receiver::start(&[]).await;
    create(
        &app,
        &admin,
        json!({"url": receiver.url, "events": ["credential.quota_exhausted"]}),
    )
    .await;
    let id = add_credential(&app, &admin, "metered", json!({"monthlyQuota": 2})).await;
    let client = app.secrets_reader(&admin).await;
    let resolve = || {
        json_of(
            &client,
            Method::POST,
            app.url("/api/resolve"),
            Some(json!({"provider": "fake"})),
        )
    };

    for _ in 0..2 {
        let (status, answer) = resolve().await;
        assert_eq!(status, StatusCode::OK, "{answer}");
        assert!(answer["secret"]["api_key"].is_string(), "{answer}");
    }
    let (_, spent) = resolve().await;
    assert_eq!(spent["candidates"], json!([]), "{spent}");
    assert_eq!(spent["excluded"][0]["reason"], "monthly quota reached (2 of 2)");
    let credential = app.credential(&admin, &id).await;
    assert_eq!(
        (
            credential["usageCount"].clone(),
            credential["currentMonthUsage"].clone()
        ),
        (json!(2), json!(2))
    );
    assert!(credential["lastUsedAt"].is_string());

    let got = receiver
        .wait_for(Duration::from_secs(10), "the quota alert", |r| !r.is_empty())
        .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        receiver.received().len(),
        1,
        "once, by the use that reached the quota"
    );
    assert_eq!(got[0].body["event"], "credential.quota_exhausted");
    assert_eq!(got[0].body["credential"]["name"], "metered");
    assert_eq!(
        got[0].body["reason"],
        "used 2 of its monthly quota of 2; it is left out until the month ends"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_send_each_delivery_once() {
    let Some(first) = TestApp::spawn(Db::Postgres).await else {
        return;
    };
    let admin = first.admin().await;
    let second = first.sibling().await;
    // Slow answers keep deliveries in flight while the other instance looks for work.
    let receiver = Receiver::start(&[Answer::Silence(Duration::from_millis(700)); 12]).await;
    let (_, hook) = create(&first, &admin, json!({"url": receiver.url})).await;
    let id = hook["id"].as_str().unwrap().to_owned();
    // Queued on both instances; either may send any of them.
    for app in [&first, &second, &first, &second, &first, &second] {
        let (status, _) = send_test(app, &admin, &id).await;
        assert_eq!(status, StatusCode::ACCEPTED);
    }
    receiver
        .wait_for(Duration::from_secs(10), "six deliveries", |r| r.len() >= 6)
        .await;
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut ids: Vec<String> = receiver
        .received()
        .iter()
        .map(|r| r.headers["x-switchyard-delivery"].to_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(
        (receiver.received().len(), ids.len()),
        (6, 6),
        "each delivery sent once"
    );
}
