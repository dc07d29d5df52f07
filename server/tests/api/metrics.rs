//! `/metrics` after a known workload on a real process, parsed by Prometheus' own client
//! library (`server/tests/sdk/parse_metrics.py`): each counter equals what was done.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use crate::gateway::{chat_body, Scene};
use crate::helpers::{json_of, Db, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::polling;
use crate::process::{create_admin, instance, sign_in_as, signed_in, ServerProcess};
use crate::python::{python, workspace};
use crate::receiver::Receiver;

/// A port nobody listens on (a moment's race with other tests is harmless: start-up
/// would fail loudly).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The scrape's samples, as the Prometheus client parses them.
fn parse(text: &str) -> Vec<Value> {
    let mut child = Command::new(python())
        .arg(workspace().join("server/tests/sdk/parse_metrics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the tools' Python (scripts/test makes tools/venv)");
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the Prometheus client refused the scrape: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The value of the sample `name` whose labels include `labels`; fails naming the
/// samples of that name there are instead.
fn value(samples: &[Value], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found = samples
        .iter()
        .find(|s| s["name"] == name && labels.iter().all(|(key, want)| s["labels"][key] == *want));
    match found {
        Some(sample) => sample["value"].as_f64().unwrap(),
        None => panic!(
            "no {name} {labels:?} among {:#?}",
            samples.iter().filter(|s| s["name"] == name).collect::<Vec<_>>()
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_what_a_known_workload_did() {
    let app = TestApp::spawn_with(Db::Sqlite, |c| c.scheduler = false)
        .await
        .unwrap();
    let scene = Scene::new(app).await;
    let main = scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;
    let data = tempfile::TempDir::new().unwrap();
    let metrics_port = free_port();
    let settings = [
        ("SWITCHYARD_SCHEDULER", "false".to_owned()),
        ("SWITCHYARD_METRICS_ADDR", format!("127.0.0.1:{metrics_port}")),
    ];
    let process = instance(&scene.app, &data, &settings);
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let answer = client
            .post(process.url("/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&chat_body("fake-chat"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    let admin = signed_in(&process).await;
    let tested = admin
        .post(process.url(&format!("/api/admin/credentials/{main}/test")))
        .send()
        .await
        .unwrap();
    assert_eq!(tested.status(), StatusCode::OK);
    for _ in 0..2 {
        let missing = client
            .get(process.url("/api/no-such-route"))
            .send()
            .await
            .unwrap();
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    }

    let url = format!("http://127.0.0.1:{metrics_port}/metrics");
    let answer = client.get(&url).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    assert!(answer.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    let text = answer.text().await.unwrap();
    let scrape = parse(&text);

    let chats = [("kind", "gateway"), ("provider", "up"), ("outcome", "ok")];
    assert_eq!(value(&scrape, "switchyard_upstream_requests_total", &chats), 3.0);
    let tests = [("kind", "probe"), ("provider", "up")];
    assert_eq!(value(&scrape, "switchyard_upstream_requests_total", &tests), 1.0);
    let timed = [("kind", "gateway"), ("provider", "up")];
    assert_eq!(
        value(
            &scrape,
            "switchyard_upstream_request_duration_seconds_count",
            &timed
        ),
        3.0
    );
    let prompt = [("provider", "up"), ("direction", "prompt")];
    assert_eq!(value(&scrape, "switchyard_upstream_tokens_total", &prompt), 33.0);
    let completion = [("provider", "up"), ("direction", "completion")];
    assert_eq!(
        value(&scrape, "switchyard_upstream_tokens_total", &completion),
        21.0
    );

    let chat_route = [
        ("method", "POST"),
        ("route", "/v1/chat/completions"),
        ("status", "200"),
    ];
    assert_eq!(value(&scrape, "switchyard_http_requests_total", &chat_route), 3.0);
    let unknown = [("route", "/api/{*rest}"), ("status", "404")];
    assert_eq!(value(&scrape, "switchyard_http_requests_total", &unknown), 2.0);
    let timed_route = [("method", "POST"), ("route", "/v1/chat/completions")];
    assert_eq!(
        value(
            &scrape,
            "switchyard_http_request_duration_seconds_count",
            &timed_route
        ),
        3.0
    );

    assert_eq!(
        value(&scrape, "switchyard_credentials", &[("state", "active")]),
        1.0
    );
    assert_eq!(
        value(&scrape, "switchyard_credentials", &[("state", "disabled")]),
        0.0
    );
    assert_eq!(value(&scrape, "switchyard_build_info", &[]), 1.0);
    assert!(value(&scrape, "switchyard_db_pool_connections", &[("state", "idle")]) >= 0.0);

    // Labels hold words and identifiers only: no path with an id, no key, no e-mail.
    assert!(!text.contains(&main), "a credential id in a label");
    assert!(!text.contains("@example.com"));
    assert!(!text.contains(crate::fake_upstream::UPSTREAM_KEY));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_deliveries_and_the_queue_are_counted() {
    // One process alone: a second instance on the database could send the delivery.
    let data = tempfile::TempDir::new().unwrap();
    create_admin(data.path(), ADMIN_EMAIL, ADMIN_PASSWORD);
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let process = ServerProcess::start(&[
        ("SWITCHYARD_DATA_DIR", data.path().to_str().unwrap()),
        ("SWITCHYARD_EGRESS_ALLOW", "127.0.0.0/8"),
        ("SWITCHYARD_SCHEDULER", "false"),
        ("SWITCHYARD_METRICS_ADDR", &metrics_addr),
    ]);
    let admin = sign_in_as(&process, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let receiver = Receiver::start(&[]).await;
    let url = process.url("/api/admin/webhooks");
    let (status, created) = json_of(&admin, Method::POST, url, Some(json!({"url": receiver.url}))).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let hook = created["id"].as_str().unwrap();
    let sent = admin
        .post(process.url(&format!("/api/admin/webhooks/{hook}/test")))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success());
    receiver
        .wait_for(Duration::from_secs(15), "the test event arrives", |got| {
            !got.is_empty()
        })
        .await;

    let url = format!("http://{metrics_addr}/metrics");
    let scrape = polling::until(
        "the delivery is counted",
        Duration::from_secs(10),
        Duration::from_millis(100),
        || async { parse(&reqwest::get(&url).await.unwrap().text().await.unwrap()) },
        |samples| {
            samples.iter().any(|s| {
                s["name"] == "switchyard_webhook_delivery_attempts_total"
                    && s["labels"]["outcome"] == "delivered"
            })
        },
    )
    .await;
    let delivered = [("outcome", "delivered")];
    assert_eq!(
        value(&scrape, "switchyard_webhook_delivery_attempts_total", &delivered),
        1.0
    );
    assert_eq!(value(&scrape, "switchyard_webhook_queue", &[]), 0.0);
}

/// `/metrics` on the main listener: an admin's session or a token with the `metrics` scope
/// (admin-only: a user cannot grant it, and a demoted admin's token loses it); others are
/// refused. The scrape there parses and counts requests without a metrics listener.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_listener_serves_metrics_to_admins_and_metrics_tokens() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let user = app.user(&admin, "reader@example.com").await;
    let tokens = app.url("/api/tokens");
    let (status, refused) = json_of(
        &user,
        Method::POST,
        tokens.clone(),
        Some(json!({"name": "m", "scopes": ["metrics"]})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    assert!(
        refused.to_string().contains("only admins may grant metrics"),
        "{refused}"
    );
    let (status, made) = json_of(
        &admin,
        Method::POST,
        tokens.clone(),
        Some(json!({"name": "prometheus", "scopes": ["metrics"]})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let raw = made["token"].as_str().unwrap().to_owned();
    let (_, other) = json_of(
        &admin,
        Method::POST,
        tokens,
        Some(json!({"name": "r", "scopes": ["resolve"]})),
    )
    .await;
    let scrape = |auth: Option<String>| {
        let mut request = app.client().get(app.url("/metrics"));
        if let Some(token) = auth {
            request = request.bearer_auth(token);
        }
        async move {
            let response = request.send().await.unwrap();
            (response.status(), response.text().await.unwrap())
        }
    };
    let (status, text) = scrape(Some(raw.clone())).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    let samples = parse(&text);
    assert_eq!(value(&samples, "switchyard_build_info", &[]), 1.0);
    assert!(
        value(
            &samples,
            "switchyard_http_requests_total",
            &[("route", "/api/tokens"), ("status", "201")]
        ) >= 2.0,
        "requests are counted without a metrics listener"
    );
    assert_eq!(
        scrape(Some(other["token"].as_str().unwrap().to_owned())).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(scrape(None).await.0, StatusCode::UNAUTHORIZED);
    let (status, _) = json_of(&user, Method::GET, app.url("/metrics"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let response = admin.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}
