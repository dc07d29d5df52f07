//! The overview's health figures against request logs whose answers are known, and the
//! page that charts them.

use chrono::{DateTime, Duration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::fake_provider::{add_credential, register, FakeProvider};
use crate::helpers::{json_of, page_of, provider_figures, TestApp};
use crate::on_both_databases;
use domain::entities::{credentials, request_logs};

on_both_databases!(overview_figures_match_the_logs);

fn log(provider: Option<Uuid>, status: &str, latency_ms: i32, at: DateTime<Utc>) -> request_logs::Model {
    request_logs::Model {
        id: Uuid::now_v7(),
        credential_id: None,
        provider_id: provider,
        user_id: None,
        token_id: None,
        kind: "gateway".into(),
        status: status.into(),
        http_status: Some(200),
        latency_ms,
        model: None,
        error: None,
        created_at: at,
        request_id: None,
        ttfb_ms: None,
        prompt_tokens: None,
        completion_tokens: None,
        endpoint: None,
    }
}

async fn overview_figures_match_the_logs(app: TestApp) {
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    register(&app, &admin, &fake.url("ok")).await;
    let (fake_id, gemini_id) = (app.provider_id("fake").await, app.provider_id("gemini").await);
    let now = Utc::now();
    let two_hours_ago = now - Duration::hours(2);
    let mut rows = Vec::new();
    // fake: latencies 1..=100 ms, the first ten of them timeouts two hours ago.
    for latency in 1..=100 {
        let (status, at) = if latency <= 10 {
            ("timeout", two_hours_ago)
        } else {
            ("ok", now - Duration::minutes(1))
        };
        rows.push(log(Some(fake_id), status, latency, at));
    }
    // gemini: 10, 10 and 1000 ms, all ok: its p95 is the slowest; 5 + 2 tokens each.
    for latency in [10, 10, 1000] {
        rows.push(request_logs::Model {
            prompt_tokens: Some(5),
            completion_tokens: Some(2),
            ..log(Some(gemini_id), "ok", latency, now - Duration::minutes(5))
        });
    }
    // Outside the window, and without a provider: counted nowhere.
    rows.push(log(Some(fake_id), "timeout", 9000, now - Duration::hours(25)));
    rows.push(log(None, "timeout", 9000, now));
    // In two writes, the two 10 ms gemini rows one in each: the second adds to the
    // count the first made.
    let later = rows.split_off(101);
    app.services.logs.record(rows).await.unwrap();
    app.services.logs.record(later).await.unwrap();

    // Out of rotation: one resting, one disabled by the checks, one by an admin.
    let resting = add_credential(&app, &admin, "resting", json!({})).await;
    let broken = add_credential(&app, &admin, "broken", json!({})).await;
    add_credential(&app, &admin, "parked", json!({"active": false})).await;
    add_credential(&app, &admin, "fine", json!({})).await;
    let set = |id: &str, column: credentials::Column, value: Expr| {
        let db = app.db.clone();
        let id: Uuid = id.parse().unwrap();
        async move {
            credentials::Entity::update_many()
                .col_expr(column, value)
                .col_expr(credentials::Column::ConsecutiveFailures, Expr::value(3))
                .filter(credentials::Column::Id.eq(id))
                .exec(&db)
                .await
                .unwrap();
        }
    };
    set(
        &resting,
        credentials::Column::CooldownUntil,
        Expr::value(now + Duration::minutes(10)),
    )
    .await;
    set(&broken, credentials::Column::Active, Expr::value(false)).await;
    set(
        &broken,
        credentials::Column::DisabledReason,
        Expr::value("health"),
    )
    .await;

    let (status, overview) = json_of(&admin, Method::GET, app.url("/api/admin/overview"), None).await;
    assert_eq!(status, StatusCode::OK, "{overview}");
    let since: DateTime<Utc> = overview["since"].as_str().unwrap().parse().unwrap();
    assert!(
        since <= now - Duration::hours(23) && since > now - Duration::hours(24),
        "{since}"
    );
    let figures = |identifier: &str| provider_figures(&overview, identifier);
    let fake_figures = figures("fake");
    assert_eq!(
        [
            &fake_figures["requests"],
            &fake_figures["ok"],
            &fake_figures["errors"]
        ],
        [&json!(100), &json!(90), &json!(10)]
    );
    assert_eq!(fake_figures["successRate"].as_f64(), Some(0.9));
    assert_eq!(fake_figures["avgLatencyMs"].as_f64(), Some(50.5));
    assert_eq!(fake_figures["p95LatencyMs"], 95);
    let hourly = fake_figures["hourly"].as_array().unwrap();
    assert_eq!(hourly.len(), 24);
    let bucket = |at: DateTime<Utc>| usize::try_from((at - since).num_hours()).unwrap();
    assert_eq!(hourly[bucket(two_hours_ago)]["errors"], 10);
    assert!(
        hourly[bucket(now - Duration::minutes(1))]["requests"]
            .as_u64()
            .unwrap()
            >= 90
    );
    let errors: u64 = hourly.iter().map(|h| h["errors"].as_u64().unwrap()).sum();
    assert_eq!(errors, 10, "the row 25 hours old is outside the window");
    assert_eq!(
        (overview["window"].clone(), overview["bucketHours"].clone()),
        (json!("24h"), json!(1))
    );

    // Seven days in 6-hour buckets: the row 25 hours old is in, in its own bucket.
    let (status, week) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/overview?window=7d"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{week}");
    assert_eq!(
        (week["window"].clone(), week["bucketHours"].clone()),
        (json!("7d"), json!(6))
    );
    let week_since: DateTime<Utc> = week["since"].as_str().unwrap().parse().unwrap();
    // 27 whole buckets and the one under way, each starting at 00, 06, 12 or 18 UTC.
    use chrono::Timelike;
    assert!(
        week_since <= now - Duration::hours(162) && week_since > now - Duration::hours(168),
        "{week_since}"
    );
    assert_eq!(
        (week_since.hour() % 6, week_since.minute(), week_since.second()),
        (0, 0, 0),
        "{week_since}"
    );
    let fake_week = provider_figures(&week, "fake");
    assert_eq!(
        (fake_week["requests"].clone(), fake_week["errors"].clone()),
        (json!(101), json!(11))
    );
    let buckets = fake_week["hourly"].as_array().unwrap();
    assert_eq!(buckets.len(), 28);
    let in_bucket = |at: DateTime<Utc>| usize::try_from((at - week_since).num_hours() / 6).unwrap();
    let old = in_bucket(now - Duration::hours(25));
    assert_eq!(buckets[old]["requests"], 1, "{fake_week}");
    let requests: u64 = buckets.iter().map(|b| b["requests"].as_u64().unwrap()).sum();
    assert_eq!(requests, 101, "every request lands in a bucket");
    let (status, refused) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/overview?window=1y"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{refused}");
    let gemini = figures("gemini");
    assert_eq!(
        (gemini["requests"].clone(), gemini["p95LatencyMs"].clone()),
        (json!(3), json!(1000))
    );
    assert_eq!(gemini["avgLatencyMs"].as_f64(), Some(340.0));
    assert_eq!(
        (gemini["tokens"].clone(), fake_figures["tokens"].clone()),
        (json!(21), json!(0))
    );
    let gemini_hourly: u64 = gemini["hourly"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["tokens"].as_u64().unwrap())
        .sum();
    assert_eq!(gemini_hourly, 21);
    assert_eq!(overview["providers"][0]["provider"], "fake", "busiest first");
    let groq = figures("groq");
    assert_eq!(
        (
            groq["requests"].clone(),
            groq["successRate"].clone(),
            groq["p95LatencyMs"].clone()
        ),
        (json!(0), Value::Null, Value::Null)
    );

    let sidelined: Vec<(String, String, Value)> = overview["sidelined"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["state"].as_str().unwrap().to_owned(),
                c["disabledReason"].clone(),
            )
        })
        .collect();
    assert_eq!(
        sidelined,
        [
            ("broken".to_owned(), "disabled".to_owned(), json!("health")),
            ("resting".to_owned(), "cooldown".to_owned(), Value::Null),
            ("parked".to_owned(), "disabled".to_owned(), json!("manual")),
        ]
    );
    assert_eq!(overview["sidelined"][1]["consecutiveFailures"], 3);

    // The page: the same numbers in the table, three charts with axes and units.
    let (status, page) = page_of(&admin, app.url("/")).await;
    assert_eq!(status, StatusCode::OK);
    for needle in [
        r#"data-chart="Errors per hour""#,
        r#"data-chart="Latency""#,
        r#"data-chart="Success rate""#,
        r#"data-chart="Tokens per hour""#,
        r#"data-col="tokens" class="num">21<"#,
        "errors / hour",
        "hour (UTC)",
        ">95 ms<",
        ">90.0 %<",
        ">1000 ms<",
        "cooldown until",
        "disabled by the health checks",
        "disabled by an admin",
    ] {
        assert!(page.contains(needle), "the overview shows {needle}");
    }
    let user = app.user(&admin, "user@example.com").await;
    let (status, _) = json_of(&user, Method::GET, app.url("/api/admin/overview"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, page) = page_of(&user, app.url("/")).await;
    assert!(
        !page.contains(r#"data-figure="users""#)
            && !page.contains(r#"id="health""#)
            && !page.contains(r#"data-chart="Latency""#),
        "users see their own figures, neither the instance's counts nor any provider's"
    );
    for needle in [
        "Your requests through the gateway",
        r#"data-figure="today""#,
        "Your connections",
        "No connections yet",
    ] {
        assert!(page.contains(needle), "the user's overview shows {needle}");
    }
    // A connection of theirs appears with its status and last test.
    let own = json!({"name": "mine", "provider": "fake", "fields": {"api_key": "sk-user-key-00000000001"}});
    let (status, _) = json_of(&user, Method::POST, app.url("/api/connections"), Some(own)).await;
    assert!(status.is_success(), "{status}");
    let (_, page) = page_of(&user, app.url("/")).await;
    let table = &page[page
        .find(r#"id="connection-health""#)
        .expect("a table of connections")..];
    assert!(
        table.contains(r#"data-name="mine""#) && table.contains(">active<") && table.contains("never"),
        "{table}"
    );
}
