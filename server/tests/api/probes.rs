//! Connection tests against a fake provider: every outcome classified with a sentence,
//! saved and unsaved values, owners only, and no key in any answer.

use reqwest::{Client, Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider, GOOD_KEY};
use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_probe_outcome_is_classified_and_explained,
    a_saved_credential_is_tested_with_its_stored_values,
    only_the_owner_tests_a_connection,
);

async fn test_unsaved(
    app: &TestApp,
    client: &Client,
    path: &str,
    key: &str,
    endpoint: &str,
) -> (StatusCode, Value) {
    let body = json!({"provider": "fake", "fields": {"api_key": key}, "endpoint": endpoint});
    json_of(client, Method::POST, app.url(path), Some(body)).await
}

async fn every_probe_outcome_is_classified_and_explained(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let wrong_key = "sk-wrong-probe-key-555555555";
    let cases: Vec<(String, &str, &str, Option<u64>, &str)> = vec![
        (fake.url("ok"), GOOD_KEY, "ok", Some(200), "3 models"),
        (
            fake.url("ok"),
            wrong_key,
            "auth_rejected",
            Some(401),
            "the provider rejected the key (401)",
        ),
        (
            fake.url("forbidden"),
            GOOD_KEY,
            "forbidden",
            Some(403),
            "project lacks access",
        ),
        (
            fake.url("missing"),
            GOOD_KEY,
            "not_found",
            Some(404),
            "is the base URL right?",
        ),
        (
            fake.url("limited"),
            GOOD_KEY,
            "rate_limited",
            Some(429),
            "rate limited (429), retry after 20 s",
        ),
        (
            fake.url("broken"),
            GOOD_KEY,
            "upstream_error",
            Some(500),
            "the provider had an error (500)",
        ),
        (
            fake.url("slow"),
            GOOD_KEY,
            "timeout",
            None,
            "no answer within 2 s",
        ),
        (
            fake.url("garbage"),
            GOOD_KEY,
            "bad_response",
            Some(200),
            "not valid JSON",
        ),
        (
            fake.url("html"),
            GOOD_KEY,
            "bad_response",
            Some(200),
            "HTML, not JSON — is the path right?",
        ),
        (
            fake.url("huge"),
            GOOD_KEY,
            "bad_response",
            None,
            "larger than 5 MB",
        ),
        (
            fake.url("binary"),
            GOOD_KEY,
            "bad_response",
            Some(200),
            "invalid UTF-8",
        ),
        (
            fake.url("redirect"),
            GOOD_KEY,
            "not_found",
            Some(302),
            "redirects",
        ),
        (
            fake.cut_off.clone(),
            GOOD_KEY,
            "bad_response",
            None,
            "closed in the middle",
        ),
        (
            fake.refused.clone(),
            GOOD_KEY,
            "connect_failed",
            None,
            "connection refused at 127.0.0.1:",
        ),
    ];
    for (endpoint, key, outcome, http_status, words) in cases {
        let (status, result) =
            test_unsaved(&app, &admin, "/api/admin/credentials/test", key, &endpoint).await;
        assert_eq!(status, StatusCode::OK, "{endpoint}: {result}");
        assert_eq!(result["outcome"], outcome, "{endpoint}: {result}");
        assert_eq!(result["ok"], outcome == "ok", "{endpoint}");
        assert_eq!(result["httpStatus"].as_u64(), http_status, "{endpoint}: {result}");
        let message = result["message"].as_str().unwrap();
        assert!(message.contains(words), "{endpoint}: {message}");
        assert!(
            result["latencyMs"].is_u64() && result["testedAt"].is_string(),
            "{result}"
        );
        let text = result.to_string();
        assert!(
            !text.contains(key) && !text.contains(GOOD_KEY),
            "a key leaked: {text}"
        );
    }
    let (_, ok) = test_unsaved(
        &app,
        &admin,
        "/api/admin/credentials/test",
        GOOD_KEY,
        &fake.url("ok"),
    )
    .await;
    assert_eq!(ok["modelCount"], 3);

    // Bad input is refused before anything is sent; nothing was saved by any of this.
    let (status, error) =
        test_unsaved(&app, &admin, "/api/admin/credentials/test", "", &fake.url("ok")).await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("fields.api_key")),
        "{error}"
    );
    let (status, error) =
        test_unsaved(&app, &admin, "/api/admin/credentials/test", GOOD_KEY, "ftp://x").await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("endpoint")),
        "{error}"
    );
    let (_, list) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(list["total"], 0);
    let probes = domain::entities::request_logs::Entity::find()
        .filter(domain::entities::request_logs::Column::Kind.eq("probe"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(probes, 15, "every probe sent leaves one request-log row");
}

async fn a_saved_credential_is_tested_with_its_stored_values(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let id = &add_credential(&app, &admin, "main", json!({})).await;
    let (status, result) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{id}/test")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (result["outcome"].as_str(), result["modelCount"].as_u64()),
        (Some("ok"), Some(3)),
        "{result}"
    );
    let saved = app.credential(&admin, id).await;
    assert_eq!(saved["lastTestStatus"], "ok");
    assert!(
        saved["lastTestLatencyMs"].is_i64() && saved["lastTestAt"].is_string(),
        "{saved}"
    );
    assert_eq!(saved["lastTestError"], Value::Null);

    // A saved endpoint that fails: the failure is recorded, nothing else changes.
    let patch = json!({"endpoint": fake.url("broken")});
    let (_, before) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/credentials/{id}")),
        Some(patch),
    )
    .await;
    let (_, result) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{id}/test")),
        None,
    )
    .await;
    assert_eq!(result["outcome"], "upstream_error");
    let after = app.credential(&admin, id).await;
    assert_eq!(after["lastTestStatus"], "upstream_error");
    assert!(after["lastTestError"].as_str().unwrap().contains("500"));
    for field in [
        "active",
        "hint",
        "priority",
        "endpoint",
        "updatedAt",
        "consecutiveFailures",
        "cooldownUntil",
    ] {
        assert_eq!(after[field], before[field], "{field} changed");
    }

    // A disabled provider's credentials are not tested.
    let (_, providers) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?search=fake"),
        None,
    )
    .await;
    let provider = providers["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["identifier"] == "fake")
        .unwrap();
    let provider_url = app.url(&format!(
        "/api/admin/providers/{}",
        provider["id"].as_str().unwrap()
    ));
    json_of(
        &admin,
        Method::PATCH,
        provider_url,
        Some(json!({"enabled": false})),
    )
    .await;
    let (status, error) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{id}/test")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("disabled"),
        "{error}"
    );
}

async fn only_the_owner_tests_a_connection(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let alice = app.user(&admin, "alice@example.com").await;
    let bob = app.user(&admin, "bob@example.com").await;
    let body = json!({"name": "mine", "provider": "fake", "fields": {"api_key": GOOD_KEY}});
    let (_, created) = json_of(&alice, Method::POST, app.url("/api/connections"), Some(body)).await;
    let test_url = app.url(&format!(
        "/api/connections/{}/test",
        created["id"].as_str().unwrap()
    ));
    let (status, result) = json_of(&alice, Method::POST, test_url.clone(), None).await;
    assert_eq!((status, result["outcome"].as_str()), (StatusCode::OK, Some("ok")));
    let (status, _) = json_of(&bob, Method::POST, test_url.clone(), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let admin_url = test_url.replace("/api/connections/", "/api/admin/credentials/");
    let (status, _) = json_of(&admin, Method::POST, admin_url, None).await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a connection is not a global credential"
    );
    let (status, _) = test_unsaved(
        &app,
        &bob,
        "/api/admin/credentials/test",
        GOOD_KEY,
        &fake.url("ok"),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, result) = test_unsaved(&app, &bob, "/api/connections/test", GOOD_KEY, &fake.url("ok")).await;
    assert_eq!((status, result["outcome"].as_str()), (StatusCode::OK, Some("ok")));
}
