//! Leases between real processes on one PostgreSQL: a killed holder's scheduled round and
//! "test all" run are taken over, a stopped one lets go at once, and two instances
//! pressed at once make one run.

use std::time::Duration;

use chrono::Utc;
use reqwest::{Client, Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::helpers::{json_of, Db, TestApp};
use crate::polling;
use crate::process::{instance, signed_in, ServerProcess};
use domain::entities::{scheduler_jobs, test_run_results, test_runs};

const CHECK_INTERVAL_SECS: i64 = 3;
const TEST_ALL: &str = "/api/admin/credentials/test-all";

/// Settings of instances that check every few seconds, one probe at a time.
fn checking() -> Vec<(&'static str, String)> {
    vec![
        (
            "SWITCHYARD_HEALTH_CHECK_INTERVAL",
            CHECK_INTERVAL_SECS.to_string(),
        ),
        ("SWITCHYARD_PROBE_CONCURRENCY", "1".into()),
        ("SWITCHYARD_PROBE_TIMEOUT", "10".into()),
    ]
}

/// Settings of instances that run no scheduled checks.
fn quiet() -> Vec<(&'static str, String)> {
    vec![
        ("SWITCHYARD_SCHEDULER", "false".into()),
        ("SWITCHYARD_PROBE_CONCURRENCY", "1".into()),
        ("SWITCHYARD_PROBE_TIMEOUT", "10".into()),
    ]
}

/// Which of `instances` a lease owner's name (`host/pid/random`) points at.
fn held_by(instances: &[ServerProcess], owner: &str) -> usize {
    let pid: u32 = owner
        .split('/')
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("an owner names its pid");
    instances
        .iter()
        .position(|p| p.pid() == pid)
        .unwrap_or_else(|| panic!("{owner} is none of the instances"))
}

async fn health_job(app: &TestApp) -> Option<scheduler_jobs::Model> {
    scheduler_jobs::Entity::find_by_id("health_checks".to_owned())
        .one(&app.db)
        .await
        .unwrap()
}

/// Polls the health-check job's row until `done` holds.
async fn until_job(
    app: &TestApp,
    what: &str,
    done: impl Fn(&scheduler_jobs::Model) -> bool,
) -> scheduler_jobs::Model {
    polling::until(
        what,
        Duration::from_secs(20),
        Duration::from_millis(100),
        || health_job(app),
        |row| row.as_ref().is_some_and(&done),
    )
    .await
    .expect("the job has a row")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_lease_holder_is_taken_over_and_a_stopped_one_lets_go() {
    let Some(app) = TestApp::spawn_with(Db::Postgres, |c| c.scheduler = false).await else {
        return;
    };
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    // Each check takes 4 s: longer than a lease (3 s), so only renewals keep it.
    register(&app, &admin, &fake.url("slow")).await;
    add_credential(&app, &admin, "slow to answer", json!({})).await;
    let dirs = [
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
    ];
    let mut instances = [
        instance(&app, &dirs[0], &checking()),
        instance(&app, &dirs[1], &checking()),
    ];

    let first = until_job(&app, "an instance runs a round", |row| row.lease_owner.is_some()).await;
    let owner = first.lease_owner.clone().unwrap();
    tokio::time::sleep(Duration::from_millis(3300)).await;
    let renewed = health_job(&app).await.unwrap();
    assert_eq!(
        (renewed.lease_owner.as_deref(), renewed.taken_over_from.as_deref()),
        (Some(owner.as_str()), None),
        "past its first lease, the holder still holds the round it is running"
    );

    let dead = held_by(&instances, &owner);
    instances[dead].kill();
    let killed_at = Utc::now();
    let taken = until_job(&app, "another instance takes the round over", |row| {
        row.taken_over_from.as_deref() == Some(owner.as_str())
    })
    .await;
    let survivor_owner = taken.lease_owner.clone().unwrap();
    let survivor = held_by(&instances, &survivor_owner);
    assert_ne!(dead, survivor);
    let waited = taken.last_started_at.unwrap() - killed_at;
    assert!(
        waited <= chrono::Duration::seconds(2 * CHECK_INTERVAL_SECS),
        "the round was taken over {waited} after the kill"
    );
    let (_, jobs) = json_of(&admin, Method::GET, app.url("/api/scheduler/jobs"), None).await;
    let health = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "health_checks")
        .unwrap();
    assert_eq!(
        (&health["status"], &health["heldBy"], &health["takenOverFrom"]),
        (&json!("running"), &json!(survivor_owner), &json!(owner)),
        "{health}"
    );

    // SIGTERM in the middle of the survivor's 4-second round.
    instances[survivor].terminate();
    let released = health_job(&app).await.unwrap();
    assert_eq!(released.lease_owner, None, "a clean stop frees the lease");
    assert_eq!(released.last_status.as_deref(), Some("interrupted"));
    assert!(
        released.next_run_at <= Utc::now(),
        "the cut-short round is due again at once"
    );
    let (_, jobs) = json_of(&admin, Method::GET, app.url("/api/scheduler/jobs"), None).await;
    let health = jobs["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["name"] == "health_checks")
        .unwrap();
    assert_eq!(health["status"], "interrupted", "{health}");
}

async fn start(client: &Client, process: &ServerProcess) -> String {
    let (status, started) = json_of(client, Method::POST, process.url(TEST_ALL), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    started["jobId"].as_str().unwrap().to_owned()
}

async fn progress(client: &Client, process: &ServerProcess, run: &str) -> Value {
    let (status, run) = json_of(
        client,
        Method::GET,
        process.url(&format!("{TEST_ALL}/{run}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{run}");
    run
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_test_all_run_across_instances_adopted_when_its_instance_dies() {
    let Some(app) = TestApp::spawn_with(Db::Postgres, |c| c.scheduler = false).await else {
        return;
    };
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("slow")).await;
    for n in 0..3 {
        add_credential(&app, &admin, &format!("slow {n}"), json!({})).await;
    }
    let dirs = [
        tempfile::TempDir::new().unwrap(),
        tempfile::TempDir::new().unwrap(),
    ];
    let instances = [
        instance(&app, &dirs[0], &quiet()),
        instance(&app, &dirs[1], &quiet()),
    ];
    let clients = [signed_in(&instances[0]).await, signed_in(&instances[1]).await];

    for attempt in 0..4 {
        let (one, other) = tokio::join!(
            start(&clients[0], &instances[0]),
            start(&clients[1], &instances[1])
        );
        assert_eq!(one, other, "attempt {attempt}: two starts at once made two runs");
        let cancel = instances[0].url(&format!("{TEST_ALL}/{one}/cancel"));
        let (status, cancelled) = json_of(&clients[0], Method::POST, cancel, None).await;
        assert!(status.is_success(), "{cancelled}");
    }
    let runs = test_runs::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(runs.len(), 4, "one run per pair of starts");

    let [mut first, second] = instances;
    let run = start(&clients[0], &first).await;
    polling::until(
        "the run makes progress",
        Duration::from_secs(20),
        Duration::from_millis(100),
        || progress(&clients[1], &second, &run),
        |run| run["done"] != 0,
    )
    .await;
    first.kill();
    let finished = polling::until(
        "the orphaned run is finished",
        Duration::from_secs(40),
        Duration::from_millis(200),
        || progress(&clients[1], &second, &run),
        |run| run["finished"] == true,
    )
    .await;
    assert_eq!(
        (&finished["total"], &finished["done"]),
        (&json!(3), &json!(3)),
        "{finished}"
    );
    let row = test_runs::Entity::find_by_id(run.parse::<uuid::Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(
        row.owner
            .as_deref()
            .is_some_and(|o| !o.contains(&format!("/{}/", first.pid()))),
        "another instance adopted it: {row:?}"
    );
    let mut tested: Vec<uuid::Uuid> = test_run_results::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.run_id == row.id)
        .map(|r| r.credential_id)
        .collect();
    tested.sort();
    tested.dedup();
    assert_eq!(tested.len(), 3, "every credential tested once");
}
