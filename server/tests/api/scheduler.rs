//! Scheduled health checks with a one-second interval: failures, cooldown, automatic
//! disable and recovery; and two instances on one database running each round once.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::helpers::{json_of, Db, TestApp};
use crate::polling;

fn quick(config: &mut server::config::Config) {
    config.health_check_interval = 1;
    // Long enough that a poll sees the cooldown before it ends (an ended one reads as none).
    config.cooldown_base = 2;
    config.cooldown_max = 2;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_checks_cool_down_disable_and_recover_sqlite() {
    failing_checks_cool_down_disable_and_recover(TestApp::spawn_with(Db::Sqlite, quick).await.unwrap()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_checks_cool_down_disable_and_recover_postgres() {
    if let Some(app) = TestApp::spawn_with(Db::Postgres, quick).await {
        failing_checks_cool_down_disable_and_recover(app).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_on_one_postgres_run_each_round_once() {
    let Some(first) = TestApp::spawn_with(Db::Postgres, quick).await else {
        return;
    };
    // The admin first: a second instance started before it would issue a new set-up link.
    let admin = first.admin().await;
    let second = first.sibling().await;
    let fake = FakeProvider::start().await;
    register(&first, &admin, &fake.url("ok")).await;
    let id = add_credential(&first, &admin, "watched", json!({})).await;
    tokio::time::sleep(Duration::from_secs(5)).await;
    drop(second);
    let checks: Vec<chrono::DateTime<chrono::Utc>> = domain::entities::request_logs::Entity::find()
        .filter(domain::entities::request_logs::Column::CredentialId.eq(id.parse::<uuid::Uuid>().unwrap()))
        .filter(domain::entities::request_logs::Column::Kind.eq("health"))
        .order_by_asc(domain::entities::request_logs::Column::CreatedAt)
        .all(&first.db)
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.created_at)
        .collect();
    assert!(checks.len() >= 2, "the checks ran: {checks:?}");
    for pair in checks.windows(2) {
        let gap = (pair[1] - pair[0]).num_milliseconds();
        // Rounds start a second apart; a probe's own delay can shorten a gap a little,
        // a round run by both instances shows up as a few milliseconds.
        assert!(gap >= 500, "two checks {gap} ms apart: a round ran twice");
    }
}

/// Polls the credential until `done` holds (at most 15 s).
async fn wait_for(
    app: &TestApp,
    admin: &Client,
    id: &str,
    what: &str,
    done: impl Fn(&Value) -> bool,
) -> Value {
    let url = app.url(&format!("/api/admin/credentials/{id}"));
    polling::json_until(admin, &url, what, Duration::from_secs(15), done).await
}

async fn failing_checks_cool_down_disable_and_recover(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("flaky")).await;
    // Its own count (2) instead of the instance's (5).
    let id = add_credential(&app, &admin, "watched", json!({"autoDisableAfter": 2})).await;
    let body = json!({"name": "bad", "provider": "fake", "fields": {"api_key": "sk-whatever-123456"}, "autoDisableAfter": 0});
    let (status, error) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials"),
        Some(body),
    )
    .await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("autoDisableAfter"))
    );
    let manual = add_credential(&app, &admin, "turned off", json!({"active": false})).await;
    wait_for(&app, &admin, &id, "a check passed", |c| {
        c["lastTestStatus"] == "ok"
    })
    .await;

    fake.flaky.fail(true);
    let cooling = wait_for(&app, &admin, &id, "a failure counted", |c| {
        c["consecutiveFailures"] == 1
    })
    .await;
    assert!(cooling["cooldownUntil"].is_string(), "{cooling}");
    assert_eq!(cooling["active"], true);
    let disabled = wait_for(&app, &admin, &id, "disabled", |c| c["active"] == false).await;
    assert_eq!(disabled["disabledReason"], "health");
    assert!(
        disabled["disabledAt"].is_string() && disabled["lastTestError"].as_str().unwrap().contains("503")
    );
    let (_, resolved) = json_of(
        &admin,
        Method::POST,
        app.url("/api/resolve"),
        Some(json!({"provider": "fake"})),
    )
    .await;
    let reasons: Vec<&str> = resolved["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["reason"].as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"disabled automatically after failing health checks"),
        "{resolved}"
    );

    fake.flaky.fail(false);
    let recovered = wait_for(&app, &admin, &id, "recovered", |c| c["active"] == true).await;
    assert_eq!(
        (
            recovered["disabledReason"].clone(),
            recovered["consecutiveFailures"].clone()
        ),
        (Value::Null, json!(0))
    );
    assert_eq!(recovered["cooldownUntil"], Value::Null);

    // An admin's "off" is never undone by a passing check.
    let (_, still_off) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/credentials/{manual}")),
        None,
    )
    .await;
    assert_eq!(
        (still_off["active"].clone(), still_off["disabledReason"].clone()),
        (json!(false), json!("manual"))
    );

    let (_, audit) = json_of(&admin, Method::GET, app.url("/api/admin/audit"), None).await;
    let actions: Vec<&str> = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"credential.auto_disabled") && actions.contains(&"credential.recovered"),
        "{actions:?}"
    );

    let (status, jobs) = json_of(&admin, Method::GET, app.url("/api/scheduler/jobs"), None).await;
    assert_eq!(status, StatusCode::OK);
    let health = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "health_checks")
        .unwrap();
    assert_eq!(health["intervalSeconds"], 1);
    assert!(
        health["runs"].as_i64().unwrap() >= 3 && health["lastFinishedAt"].is_string(),
        "{health}"
    );
    assert!(jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["name"] == "log_pruning"));
}

/// "Run now" makes a job due: an instance runs it within its poll (at most 5 s), once;
/// a job this instance does not run is 404, and users may not ask.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_now_runs_a_job_within_seconds() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let user = app.user(&admin, "jobs-user@example.com").await;
    let pruning = |jobs: &Value| {
        jobs["data"]
            .as_array()
            .unwrap()
            .iter()
            .find(|j| j["name"] == "log_pruning")
            .cloned()
            .unwrap()
    };
    let jobs_url = app.url("/api/scheduler/jobs");
    let (_, before) = json_of(&admin, Method::GET, jobs_url.clone(), None).await;
    assert_eq!(
        pruning(&before)["runs"],
        0,
        "hourly: not run yet at start: {before}"
    );

    let run = |client: &Client, name: &str| {
        let (client, url) = (
            client.clone(),
            app.url(&format!("/api/scheduler/jobs/{name}/run")),
        );
        async move { json_of(&client, Method::POST, url, None).await.0 }
    };
    assert_eq!(run(&user, "log_pruning").await, StatusCode::FORBIDDEN);
    assert_eq!(
        run(&admin, "backups").await,
        StatusCode::NOT_FOUND,
        "no backup schedule here"
    );
    assert_eq!(run(&admin, "no_such_job").await, StatusCode::NOT_FOUND);
    assert_eq!(run(&admin, "log_pruning").await, StatusCode::ACCEPTED);
    let after = polling::json_until(
        &admin,
        &jobs_url,
        "log pruning ran",
        Duration::from_secs(15),
        |jobs| pruning(jobs)["runs"] == 1 && pruning(jobs)["status"] == "ok",
    )
    .await;
    let next = pruning(&after)["nextRunAt"].as_str().unwrap().to_owned();
    let next = chrono::DateTime::parse_from_rfc3339(&next).unwrap();
    assert!(
        next > chrono::Utc::now() + chrono::Duration::minutes(30),
        "the schedule goes on: {after}"
    );
}
