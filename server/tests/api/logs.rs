//! `GET /api/admin/logs`: filters, pages and names; old rows pruned by retention.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider, GOOD_KEY};
use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(request_logs_filter_page_and_prune);

async fn request_logs_filter_page_and_prune(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let id = add_credential(&app, &admin, "main", json!({})).await;
    for _ in 0..3 {
        json_of(
            &admin,
            Method::POST,
            app.url(&format!("/api/admin/credentials/{id}/test")),
            None,
        )
        .await;
    }
    let wrong = json!({"provider": "fake", "fields": {"api_key": "sk-wrong-log-key-1234567"}});
    json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials/test"),
        Some(wrong),
    )
    .await;
    let logs = |query: &str| {
        let url = app.url(&format!("/api/admin/logs{query}"));
        let admin = admin.clone();
        async move { json_of(&admin, Method::GET, url, None).await }
    };

    let (status, all) = logs("").await;
    assert_eq!(
        (status, all["total"].as_u64()),
        (StatusCode::OK, Some(4)),
        "{all}"
    );
    let newest = &all["data"][0];
    assert_eq!(
        (newest["status"].as_str(), newest["kind"].as_str()),
        (Some("auth_rejected"), Some("probe"))
    );
    assert_eq!(
        (newest["provider"].as_str(), newest["credentialName"].clone()),
        (Some("fake"), Value::Null)
    );
    assert!(!all.to_string().contains(GOOD_KEY) && !all.to_string().contains("sk-wrong-log-key"));

    let (_, mine) = logs(&format!("?credential={id}&status=ok")).await;
    assert_eq!(mine["total"], 3);
    assert!(mine["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["credentialName"] == "main" && r["httpStatus"] == 200));
    let (_, paged) = logs("?provider=fake&perPage=2&page=2").await;
    assert_eq!(
        (paged["total"].as_u64(), paged["data"].as_array().unwrap().len()),
        (Some(4), 2)
    );
    let (_, none) = logs("?kind=gateway").await;
    assert_eq!(none["total"], 0);
    let later = (Utc::now() + Duration::hours(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let (_, future) = logs(&format!("?since={later}")).await;
    assert_eq!(future["total"], 0);

    for (query, field) in [
        ("?provider=nope", "provider"),
        (&*format!("?since={later}&until=2020-01-01T00:00:00Z"), "until"),
    ] {
        let (status, error) = logs(query).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{query}"
        );
    }
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::GET, app.url("/api/admin/logs"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Retention: rows older than the setting go, the rest stay.
    domain::entities::request_logs::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        credential_id: Set(None),
        provider_id: Set(None),
        user_id: Set(None),
        token_id: Set(None),
        kind: Set("probe".into()),
        status: Set("ok".into()),
        http_status: Set(Some(200)),
        latency_ms: Set(5),
        model: Set(None),
        error: Set(None),
        created_at: Set(Utc::now() - Duration::days(31)),
        request_id: Set(None),
        ttfb_ms: Set(None),
        prompt_tokens: Set(None),
        completion_tokens: Set(None),
        endpoint: Set(None),
    }
    .insert(&app.db)
    .await
    .unwrap();
    // And "test all" runs that ended before the cutoff, with their results; a running
    // one stays whatever its age.
    for status in ["finished", "running"] {
        domain::entities::test_runs::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            started_by: Set(None),
            status: Set(status.into()),
            total: Set(0),
            done: Set(0),
            ok: Set(0),
            failed: Set(0),
            rate_limited: Set(0),
            created_at: Set(Utc::now() - Duration::days(40)),
            updated_at: Set(Utc::now() - Duration::days(40)),
            finished_at: Set(None),
            // Held by a live instance elsewhere, so nobody here adopts it.
            owner: Set(Some("elsewhere".into())),
            lease_until: Set(Some(Utc::now() + Duration::hours(1))),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    // And finished webhook deliveries; one still pending stays to be sent.
    let (_, hook) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/webhooks"),
        Some(json!({"url": "http://127.0.0.1:9/hook", "enabled": false})),
    )
    .await;
    for status in ["delivered", "pending"] {
        domain::entities::webhook_deliveries::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            webhook_id: Set(hook["id"].as_str().unwrap().parse().unwrap()),
            event: Set("credential.recovered".into()),
            payload: Set("{}".into()),
            status: Set(status.into()),
            attempts: Set(1),
            next_attempt_at: Set(Utc::now() + Duration::days(1)),
            lease_until: Set(None),
            response_status: Set(None),
            latency_ms: Set(None),
            last_error: Set(None),
            created_at: Set(Utc::now() - Duration::days(40)),
            finished_at: Set(None),
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let pruned = app.services.scheduler.prune(Utc::now()).await.unwrap();
    assert_eq!((pruned.logs, pruned.runs, pruned.deliveries), (1, 1, 1));
    let (_, kept) = logs("").await;
    assert_eq!(kept["total"], 4);
}
