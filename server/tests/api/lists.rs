//! Lists with a search box: every one refuses the same bad searches (found from the
//! OpenAPI document, so a new list route is held to it too), and each searches, orders
//! and pages its own columns.

use chrono::{Duration, Utc};
use reqwest::{Method, StatusCode};
use sea_orm::{ActiveModelTrait, Set};
use serde_json::{json, Value};

use crate::helpers::{json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    every_searchable_list_refuses_the_same_bad_searches,
    users_are_searched_ordered_and_paged,
    the_audit_log_is_searched_and_read_either_way,
    request_logs_are_searched_and_read_slowest_first,
);

async fn every_searchable_list_refuses_the_same_bad_searches(app: TestApp) {
    let admin = app.admin().await;
    let (_, document) = json_of(&admin, Method::GET, app.url("/api/openapi.json"), None).await;
    let has = |operation: &Value, name: &str| {
        operation["parameters"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["name"] == name && p["in"] == "query"))
    };
    let mut searched = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        let operation = &item["get"];
        if !has(operation, "search") {
            continue;
        }
        searched.push(path.clone());
        let too_long = format!("search={}", "x".repeat(101));
        let mut refused = vec![too_long.as_str(), "search=a%00b"];
        if has(operation, "order") {
            refused.push("order=sideways");
        }
        for query in refused {
            let (status, error) =
                json_of(&admin, Method::GET, app.url(&format!("{path}?{query}")), None).await;
            let field = query.split('=').next().unwrap();
            assert_eq!(
                (status, error["error"]["field"].as_str()),
                (StatusCode::BAD_REQUEST, Some(field)),
                "{path}?{}: {error}",
                &query[..query.len().min(30)]
            );
        }
        // Blank is no search at all.
        let (status, all) = json_of(&admin, Method::GET, app.url(&format!("{path}?search=%20")), None).await;
        assert_eq!(status, StatusCode::OK, "{path}: {all}");
    }
    searched.sort();
    assert_eq!(
        searched,
        [
            "/api/admin/audit",
            "/api/admin/credentials",
            "/api/admin/logs",
            "/api/admin/providers",
            "/api/admin/users",
            "/api/connections",
        ],
        "the lists with a search box"
    );
}

fn emails(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

async fn users_are_searched_ordered_and_paged(app: TestApp) {
    let admin = app.admin().await;
    let me = crate::helpers::ADMIN_EMAIL.to_owned();
    for (email, name, role) in [
        ("zoe@example.com", "Ada Zed", "user"),
        ("ann@example.com", "Ñandú Ann", "admin"),
        ("bob_1@example.com", "Bob Lovelace", "user"),
    ] {
        let body =
            json!({"email": email, "displayName": name, "password": "a user password 1", "role": role});
        let (status, made) = json_of(&admin, Method::POST, app.url("/api/admin/users"), Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{made}");
    }
    let list = |query: &str| {
        let url = app.url(&format!("/api/admin/users?{query}"));
        let admin = admin.clone();
        async move { json_of(&admin, Method::GET, url, None).await }
    };
    let mut by_email = vec![
        "ann@example.com",
        "bob_1@example.com",
        me.as_str(),
        "zoe@example.com",
    ];
    by_email.sort();
    let mut admins_first = vec!["ann@example.com", me.as_str()];
    admins_first.sort();
    admins_first.extend(["bob_1@example.com", "zoe@example.com"]);
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("", by_email.clone()),
        ("search=LOVELACE", vec!["bob_1@example.com"]),
        ("search=b_1", vec!["bob_1@example.com"]),
        // `_` is a character, not "any one character".
        ("search=_", vec!["bob_1@example.com"]),
        ("search=%25", vec![]),
        // Typed as stored, a non-ASCII name is found on both databases.
        ("search=%C3%91and%C3%BA", vec!["ann@example.com"]),
        ("search=ZOE@", vec!["zoe@example.com"]),
        ("order=role", admins_first),
        (
            "order=newest&perPage=3",
            vec!["bob_1@example.com", "ann@example.com", "zoe@example.com"],
        ),
    ];
    for (query, want) in cases {
        let (status, got) = list(query).await;
        assert_eq!(status, StatusCode::OK, "{query}: {got}");
        assert_eq!(emails(&got), want, "{query}");
    }
    let (_, by_name) = list("order=name").await;
    assert_eq!(emails(&by_name)[0], "zoe@example.com", "Ada Zed first: {by_name}");
    // A page of one: the total still counts every match.
    let (_, second) = list("perPage=1&page=2").await;
    assert_eq!(
        (emails(&second), second["total"].clone()),
        (vec![by_email[1].to_owned()], json!(4))
    );
    let (status, error) = list("page=0").await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("page"))
    );
}

async fn the_audit_log_is_searched_and_read_either_way(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "searched-actor@example.com").await;
    let body = json!({"name": "audit search target", "provider": "groq", "fields": {"api_key": "gsk-audit-search-0000000001"}});
    let (status, made) = json_of(&user, Method::POST, app.url("/api/connections"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    let list = |query: &str| {
        let url = app.url(&format!("/api/admin/audit?{query}"));
        let admin = admin.clone();
        async move { json_of(&admin, Method::GET, url, None).await }
    };
    let actions = |list: &Value| -> Vec<String> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap().to_owned())
            .collect()
    };
    // By the actor's email, and by a name in the details.
    let (_, by_actor) = list("search=SEARCHED-ACTOR").await;
    assert!(
        actions(&by_actor).contains(&"credential.create".to_owned()),
        "{by_actor}"
    );
    assert!(
        by_actor["data"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actorEmail"] == "searched-actor@example.com"
                || e.to_string().contains("searched-actor")),
        "{by_actor}"
    );
    let (_, by_name) = list("search=audit%20search%20target").await;
    assert_eq!(actions(&by_name), ["credential.create"], "{by_name}");
    let (_, nothing) = list("search=no-such-thing-anywhere").await;
    assert_eq!(nothing["total"], 0);

    let seqs = |list: &Value| -> Vec<i64> {
        list["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["seq"].as_i64().unwrap())
            .collect()
    };
    let (_, newest) = list("perPage=200").await;
    let (_, oldest) = list("order=oldest&perPage=200").await;
    assert_eq!(seqs(&oldest)[0], 1, "{oldest}");
    let mut reversed = seqs(&oldest);
    reversed.reverse();
    assert_eq!(seqs(&newest), reversed);
    let (status, error) = list("order=slowest").await;
    assert_eq!(
        (status, error["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("order")),
        "{error}"
    );
}

async fn request_logs_are_searched_and_read_slowest_first(app: TestApp) {
    let admin = app.admin().await;
    let now = Utc::now();
    for (minutes_ago, latency, model, error) in [
        (3, 40, "gpt-4o-mini", None),
        (
            2,
            900,
            "claude-3-haiku",
            Some("upstream answered 529: Overloaded"),
        ),
        (1, 120, "gpt-4o", None),
    ] {
        domain::entities::request_logs::ActiveModel {
            id: Set(uuid::Uuid::now_v7()),
            kind: Set("gateway".into()),
            status: Set(if error.is_some() { "upstream_error" } else { "ok" }.into()),
            latency_ms: Set(latency),
            model: Set(Some(model.into())),
            error: Set(error.map(str::to_owned)),
            created_at: Set(now - Duration::minutes(minutes_ago)),
            endpoint: Set(Some("chat/completions".into())),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
    }
    let models = |query: &str| {
        let url = app.url(&format!("/api/admin/logs?{query}"));
        let admin = admin.clone();
        async move {
            let (status, list) = json_of(&admin, Method::GET, url, None).await;
            assert_eq!(status, StatusCode::OK, "{list}");
            list["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["model"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(models("").await, ["gpt-4o", "claude-3-haiku", "gpt-4o-mini"]);
    assert_eq!(
        models("order=oldest").await,
        ["gpt-4o-mini", "claude-3-haiku", "gpt-4o"]
    );
    assert_eq!(
        models("order=slowest").await,
        ["claude-3-haiku", "gpt-4o", "gpt-4o-mini"]
    );
    assert_eq!(models("search=GPT-4O").await, ["gpt-4o", "gpt-4o-mini"]);
    assert_eq!(models("search=overloaded").await, ["claude-3-haiku"]);
    assert_eq!(
        models("search=gpt&order=slowest&perPage=1&page=2").await,
        ["gpt-4o-mini"]
    );
}
