//! A clean stop as an orchestrator asks for it (SIGTERM) on a real process: a slow request
//! in flight finishes, readiness says 503 meanwhile, the gateway's queued log rows are
//! written, and the process exits 0.

use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::{json, Value};

use domain::entities::request_logs;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::gateway;
use crate::helpers::{Db, TestApp};
use crate::polling;
use crate::process::{instance, signed_in, ServerProcess};

/// A server process on `app`'s database with `settings`, one credential whose test takes
/// 4 s (the fake's slow model list), and a request testing it, started.
struct Scene {
    _app: TestApp,
    _fake: FakeProvider,
    _data: tempfile::TempDir,
    process: ServerProcess,
    client: reqwest::Client,
    credential: String,
}

impl Scene {
    async fn new(settings: &[(&str, &str)]) -> Self {
        let app = TestApp::spawn_with(Db::Sqlite, |c| c.scheduler = false)
            .await
            .unwrap();
        let admin = app.admin().await;
        let fake = FakeProvider::start().await;
        register(&app, &admin, &fake.url("slow")).await;
        let credential = add_credential(&app, &admin, "slow one", json!({})).await;
        let data = tempfile::TempDir::new().unwrap();
        let mut all = vec![("SWITCHYARD_SCHEDULER", "false".to_owned())];
        all.extend(settings.iter().map(|(name, value)| (*name, (*value).to_owned())));
        let process = instance(&app, &data, &all);
        let client = signed_in(&process).await;
        Self {
            _app: app,
            _fake: fake,
            _data: data,
            process,
            client,
            credential,
        }
    }

    /// Starts the 4-second test and gives it half a second to be in flight.
    async fn slow_request(&self) -> tokio::task::JoinHandle<reqwest::Result<reqwest::Response>> {
        let url = self
            .process
            .url(&format!("/api/admin/credentials/{}/test", self.credential));
        let request = tokio::spawn(self.client.post(url).send());
        tokio::time::sleep(Duration::from_millis(500)).await;
        request
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_answers_not_ready_meanwhile_and_exits_0() {
    let scene = Scene::new(&[
        ("SWITCHYARD_SHUTDOWN_DRAIN", "2"),
        ("SWITCHYARD_SHUTDOWN_GRACE", "20"),
    ])
    .await;
    let ready = scene
        .client
        .get(scene.process.url("/health/ready"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), StatusCode::OK);
    let slow = scene.slow_request().await;
    let mut process = scene.process;
    let asked = Instant::now();
    process.ask_to_stop();
    let ready_url = process.url("/health/ready");
    let (status, body) = polling::until(
        "readiness says the instance is stopping",
        Duration::from_secs(2),
        Duration::from_millis(50),
        || async {
            // A fresh connection each time: the drain period still accepts them.
            let answer = reqwest::Client::new().get(&ready_url).send().await.unwrap();
            (answer.status(), answer.json::<Value>().await.unwrap())
        },
        |(status, _)| *status == StatusCode::SERVICE_UNAVAILABLE,
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(body["status"], "not_ready", "{body}");
    assert_eq!(body["checks"]["application"], "stopping", "{body}");

    let answer = slow.await.unwrap().expect("the request in flight is answered");
    let status = answer.status();
    let result: Value = answer.json().await.unwrap();
    assert_eq!(status, StatusCode::OK, "the request in flight finished: {result}");
    assert!(result["ok"].is_boolean(), "a test result: {result}");
    let exit = process.terminate();
    assert!(exit.success(), "exit status {exit:?}\n{}", process.log());
    assert!(
        asked.elapsed() < Duration::from_secs(20),
        "it stopped within the grace period"
    );
    let log = process.log();
    assert!(log.contains("shutting down signal=\"terminate\""), "{log}");
    assert!(log.contains("stopped"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_longer_than_the_grace_period_is_cut_off_and_the_process_still_exits_0() {
    let scene = Scene::new(&[("SWITCHYARD_SHUTDOWN_GRACE", "1")]).await;
    let slow = scene.slow_request().await;
    let mut process = scene.process;
    let asked = Instant::now();
    let exit = process.terminate();
    let took = asked.elapsed();
    assert!(exit.success(), "exit status {exit:?}\n{}", process.log());
    assert!(
        took < Duration::from_secs(3),
        "exited {took:?} after SIGTERM with a 1 s grace period"
    );
    assert!(slow.await.unwrap().is_err(), "the cut-off request got no answer");
    assert!(
        process.log().contains("the grace period ended"),
        "{}",
        process.log()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_right_after_gateway_requests_still_writes_their_log_rows() {
    let app = TestApp::spawn_with(Db::Sqlite, |c| c.scheduler = false)
        .await
        .unwrap();
    let scene = gateway::Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;
    let data = tempfile::TempDir::new().unwrap();
    let mut process = instance(&scene.app, &data, &[("SWITCHYARD_SCHEDULER", "false".to_owned())]);
    let client = reqwest::Client::new();
    for _ in 0..5 {
        let answer = client
            .post(process.url("/v1/chat/completions"))
            .bearer_auth(&token)
            .json(&gateway::chat_body("fake-chat"))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), StatusCode::OK);
    }
    // At once: the rows are still queued for the writer, which waits to batch them.
    let exit = process.terminate();
    assert!(exit.success(), "exit status {exit:?}\n{}", process.log());
    let chats = request_logs::Entity::find()
        .filter(request_logs::Column::Endpoint.eq("chat"))
        .count(&scene.app.db)
        .await
        .unwrap();
    assert_eq!(
        chats,
        5,
        "every answered request has its log row\n{}",
        process.log()
    );
}
