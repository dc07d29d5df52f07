//! "Test all": a background run over every global credential, joined when started
//! twice, with progress, a summary by outcome, and a cancel.

use std::time::Duration;

use reqwest::{Client, Method, StatusCode};
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;
use crate::polling;

on_both_databases!(
    test_all_reports_every_credential_and_joins_a_second_start,
    a_run_can_be_cancelled
);

const START: &str = "/api/admin/credentials/test-all";

async fn start(app: &TestApp, admin: &Client) -> String {
    let (status, started) = json_of(admin, Method::POST, app.url(START), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{started}");
    started["jobId"].as_str().unwrap().to_owned()
}

async fn until_finished(app: &TestApp, admin: &Client, job: &str) -> Value {
    let url = app.url(&format!("{START}/{job}"));
    polling::json_until(admin, &url, "the run finishes", Duration::from_secs(20), |run| {
        run["finished"] == true
    })
    .await
}

async fn test_all_reports_every_credential_and_joins_a_second_start(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    for name in ["first", "second"] {
        add_credential(&app, &admin, name, json!({})).await;
    }
    add_credential(&app, &admin, "limited", json!({"endpoint": fake.url("limited")})).await;
    add_credential(&app, &admin, "broken", json!({"endpoint": fake.url("broken")})).await;
    add_credential(&app, &admin, "slow", json!({"endpoint": fake.url("slow")})).await;
    let altered = add_credential(&app, &admin, "altered", json!({})).await;
    let row = domain::entities::credentials::Entity::find_by_id(altered.parse::<uuid::Uuid>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut tampered: domain::entities::credentials::ActiveModel = row.into();
    tampered.secret_fields = Set(json!({"api_key": "sy1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}));
    tampered.update(&app.db).await.unwrap();
    // A user's connection is not part of it.
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::POST, app.url(START), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let job = start(&app, &admin).await;
    assert_eq!(
        start(&app, &admin).await,
        job,
        "a second start joins the running one"
    );
    let run = until_finished(&app, &admin, &job).await;
    assert_eq!(
        [
            &run["status"],
            &run["total"],
            &run["done"],
            &run["ok"],
            &run["failed"],
            &run["rateLimited"]
        ],
        [
            &json!("finished"),
            &json!(6),
            &json!(6),
            &json!(2),
            &json!(3),
            &json!(1)
        ],
        "{run}"
    );
    let outcome_of = |name: &str| {
        let result = run["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap();
        result["outcome"].as_str().unwrap().to_owned()
    };
    assert_eq!(
        ["first", "limited", "broken", "slow", "altered"].map(outcome_of),
        ["ok", "rate_limited", "upstream_error", "timeout", "not_tested"]
    );
    let first = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "first")
        .unwrap();
    assert_eq!(
        (first["modelCount"].as_i64(), first["ok"].as_bool()),
        (Some(3), Some(true))
    );
    // The results are each credential's last test too.
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert!(list["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["name"] != "altered")
        .all(|c| c["lastTestAt"].is_string()));

    let (status, error) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("{START}/{job}/cancel")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT, "{error}");
    let (status, _) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("{START}/{}", uuid::Uuid::now_v7())),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_run_can_be_cancelled(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("slow")).await;
    for i in 0..20 {
        add_credential(&app, &admin, &format!("slow {i}"), json!({})).await;
    }
    let job = start(&app, &admin).await;
    let (status, cancelled) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("{START}/{job}/cancel")),
        None,
    )
    .await;
    assert_eq!(
        (status, cancelled["status"].as_str()),
        (StatusCode::OK, Some("cancelled")),
        "{cancelled}"
    );
    assert_eq!(cancelled["finished"], true);
    // The probes already sent (at most the concurrency, 8) finish; no others start.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (_, after) = json_of(&admin, Method::GET, app.url(&format!("{START}/{job}")), None).await;
    let done = after["done"].as_i64().unwrap();
    assert!(done <= 8, "{after}");
    assert_eq!(after["results"].as_array().unwrap().len() as i64, done);
    // A new start begins a new run.
    assert_ne!(start(&app, &admin).await, job);
}
