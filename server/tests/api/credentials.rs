//! Global credentials and personal connections over REST: shapes, ordering, bad input,
//! isolation between users, and secrets that never come back.

use reqwest::{Client, Method, StatusCode};
use sea_orm::EntityTrait;
use serde_json::{json, Value};

use crate::helpers::{assert_refused, json_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    an_admin_creates_orders_and_filters_global_credentials,
    secrets_are_encrypted_at_rest_and_never_returned,
    each_bad_credential_is_refused_with_its_field,
    replacing_a_secret_keeps_the_other_fields,
    a_user_sees_only_their_own_connections,
    moving_past_either_end_changes_and_records_nothing,
    a_list_says_which_rows_can_move_even_when_a_page_splits_a_provider,
    the_csv_export_holds_metadata_and_never_a_secret,
    a_list_is_searched_by_name_ordered_by_name_or_last_use_and_sized,
);

const CANARY: &str = "sk-canary-5f1d2c9a8b7e6d4c3b2a";

async fn create(app: &TestApp, client: &Client, path: &str, body: Value) -> Value {
    let response = app.post_json(client, path, body.clone()).await;
    assert_eq!(response.status(), StatusCode::CREATED, "{body}");
    response.json().await.unwrap()
}

fn names(list: &Value) -> Vec<String> {
    list["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn an_admin_creates_orders_and_filters_global_credentials(app: TestApp) {
    let admin = app.admin().await;
    let path = "/api/admin/credentials";
    let key = |n: u32| json!({"api_key": format!("sk-test-{n:020}")});
    let gemini = create(
        &app,
        &admin,
        path,
        json!({"name": "Gemini main", "provider": "gemini", "fields": key(1)}),
    )
    .await;
    for field in [
        "id",
        "name",
        "provider",
        "providerId",
        "scope",
        "ownerId",
        "priority",
        "weight",
        "active",
        "hint",
        "rateLimitPerMinute",
        "monthlyQuota",
        "usageCount",
        "currentMonthUsage",
        "lastUsedAt",
        "createdAt",
        "updatedAt",
    ] {
        assert!(gemini.get(field).is_some(), "{field} is missing from {gemini}");
    }
    assert_eq!(gemini["provider"], "gemini");
    assert_eq!(gemini["priority"], 10, "the provider's default priority");
    assert_eq!(gemini["scope"], "global");
    assert_eq!(gemini["ownerId"], Value::Null);
    assert_eq!(gemini["hint"], "0001");
    assert_eq!(gemini["usageCount"], 0);
    create(
        &app,
        &admin,
        path,
        json!({"name": "Groq backup", "provider": "groq", "fields": key(2), "priority": 5}),
    )
    .await;
    create(
        &app,
        &admin,
        path,
        json!({"name": "Gemini backup", "provider": "gemini", "fields": key(3), "priority": 10}),
    )
    .await;

    let (status, list) = json_of(&admin, Method::GET, app.url(path), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["total"], 3);
    assert_eq!(
        names(&list),
        ["Groq backup", "Gemini backup", "Gemini main"],
        "priority, then name"
    );

    let (_, only_gemini) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/credentials?provider=gemini"),
        None,
    )
    .await;
    assert_eq!(names(&only_gemini), ["Gemini backup", "Gemini main"]);
    let (_, page) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/credentials?perPage=2&page=2"),
        None,
    )
    .await;
    assert_eq!(
        (names(&page), page["total"].clone()),
        (vec!["Gemini main".to_owned()], json!(3))
    );

    // Reorder: the main key goes first.
    let id = gemini["id"].as_str().unwrap();
    let (status, moved) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("{path}/{id}")),
        Some(json!({"priority": 1})),
    )
    .await;
    assert_eq!((status, moved["priority"].clone()), (StatusCode::OK, json!(1)));
    let (_, list) = json_of(&admin, Method::GET, app.url(path), None).await;
    assert_eq!(names(&list)[0], "Gemini main");

    let clash = app
        .post_json(
            &admin,
            path,
            json!({"name": "Gemini main", "provider": "groq", "fields": key(4)}),
        )
        .await;
    assert_eq!(clash.status(), StatusCode::CONFLICT);
    let (_, got) = json_of(&admin, Method::GET, app.url(&format!("{path}/{id}")), None).await;
    assert_eq!(got["name"], "Gemini main");

    let (status, _) = json_of(&admin, Method::DELETE, app.url(&format!("{path}/{id}")), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = json_of(&admin, Method::GET, app.url(&format!("{path}/{id}")), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn secrets_are_encrypted_at_rest_and_never_returned(app: TestApp) {
    let admin = app.admin().await;
    let created = app
        .post_json(
            &admin,
            "/api/admin/credentials",
            json!({"name": "Canary", "provider": "openai", "fields": {"api_key": CANARY}}),
        )
        .await;
    let text = created.text().await.unwrap();
    assert!(
        !text.contains(CANARY) && !text.contains("5f1d2c9a8b7e6d4c"),
        "{text}"
    );
    let created: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(created["hint"], "3b2a");
    assert_eq!(created["secretFields"], json!(["api_key"]));

    for path in [
        "/api/admin/credentials".to_owned(),
        format!("/api/admin/credentials/{}", created["id"].as_str().unwrap()),
    ] {
        let body = admin
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(!body.contains("5f1d2c9a8b7e6d4c"), "{path}: {body}");
    }
    let rows = domain::entities::credentials::Entity::find()
        .all(&app.db)
        .await
        .unwrap();
    let stored = serde_json::to_string(&rows[0].secret_fields).unwrap();
    assert!(
        stored.contains("sy1.") && !stored.contains("5f1d2c9a8b7e6d4c"),
        "{stored}"
    );
    assert_eq!(rows[0].key_version, 1);
}

async fn each_bad_credential_is_refused_with_its_field(app: TestApp) {
    let admin = app.admin().await;
    let key = json!({"api_key": "sk-test-000000000001"});
    let azure = |version: &str| {
        json!({"name": "Azure", "provider": "azure-openai", "fields": {
            "api_key": "sk-azure-000000000001", "endpoint": "https://acme.openai.azure.com",
            "deployment": "gpt4o", "api_version": version}})
    };
    let with = |extra: Value| {
        let mut body = json!({"name": "Bad", "provider": "gemini", "fields": key.clone()});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let bad = StatusCode::BAD_REQUEST;
    let cases = vec![
        (
            json!({"name": "No key", "provider": "gemini"}),
            bad,
            "fields.api_key",
        ),
        (
            json!({"name": "Empty key", "provider": "gemini", "fields": {"api_key": "  "}}),
            bad,
            "fields.api_key",
        ),
        (azure("june"), bad, "fields.api_version"),
        (with(json!({"priority": 10001})), bad, "priority"),
        (with(json!({"priority": -1})), bad, "priority"),
        (with(json!({"monthlyQuota": -5})), bad, "monthlyQuota"),
        (with(json!({"rateLimitPerMinute": 0})), bad, "rateLimitPerMinute"),
        (with(json!({"weight": 0})), bad, "weight"),
        (with(json!({"endpoint": "ftp://example.com"})), bad, "endpoint"),
        (with(json!({"name": ""})), bad, "name"),
        (with(json!({"provider": "nope"})), bad, "provider"),
        (
            with(json!({"fields": {"api_key": "k".repeat(100 * 1024)}})),
            bad,
            "fields.api_key",
        ),
        (
            with(json!({"fields": {"api_key": "sk-1", "region": "eu"}})),
            bad,
            "fields.region",
        ),
    ];
    assert_refused(&app, &admin, "/api/admin/credentials", &cases).await;
    let created = app
        .post_json(&admin, "/api/admin/credentials", azure("2024-06-01"))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);

    // A disabled provider: no new credentials, no edits, but turning one off works.
    let (_, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?search=groq"),
        None,
    )
    .await;
    let groq = list["data"][0]["id"].as_str().unwrap().to_owned();
    let cred = app
        .post_json(
            &admin,
            "/api/admin/credentials",
            json!({"name": "Groq", "provider": "groq", "fields": key}),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let cred = format!("/api/admin/credentials/{}", cred["id"].as_str().unwrap());
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{groq}")),
        Some(json!({"enabled": false})),
    )
    .await;
    let (status, error) = json_of(
        &admin,
        Method::PATCH,
        app.url(&cred),
        Some(json!({"priority": 3})),
    )
    .await;
    assert_eq!(
        (status, error["error"]["field"].clone()),
        (bad, json!("provider"))
    );
    assert!(error["error"]["message"].as_str().unwrap().contains("disabled"));
    let (status, off) = json_of(
        &admin,
        Method::PATCH,
        app.url(&cred),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(
        (status, off["active"].clone(), off["disabledReason"].clone()),
        (StatusCode::OK, json!(false), json!("manual"))
    );
    let refused = app
        .post_json(
            &admin,
            "/api/admin/credentials",
            json!({"name": "Groq 2", "provider": "groq", "fields": {"api_key": "sk-2"}}),
        )
        .await;
    assert_eq!(refused.status(), bad);

    let (_, all) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(all["total"], 2, "nothing refused was stored");
}

async fn replacing_a_secret_keeps_the_other_fields(app: TestApp) {
    let admin = app.admin().await;
    let created = create(
        &app,
        &admin,
        "/api/admin/credentials",
        json!({"name": "Azure", "provider": "azure-openai", "fields": {
            "api_key": "sk-azure-old-00000001", "endpoint": "https://acme.openai.azure.com",
            "deployment": "gpt4o", "api_version": "2024-06-01"}, "endpoint": "https://acme.openai.azure.com/openai"}),
    )
    .await;
    let path = format!("/api/admin/credentials/{}", created["id"].as_str().unwrap());
    let before = domain::entities::credentials::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let (status, replaced) = json_of(
        &admin,
        Method::PATCH,
        app.url(&path),
        Some(json!({"fields": {"api_key": "sk-azure-new-00000002", "deployment": ""}, "endpoint": null})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{replaced}");
    assert_eq!(replaced["hint"], "0002");
    assert_eq!(
        replaced["fields"]["deployment"], "gpt4o",
        "an empty value keeps the stored one"
    );
    assert_eq!(replaced["fields"]["api_version"], "2024-06-01");
    assert_eq!(replaced["endpoint"], Value::Null);

    let after = domain::entities::credentials::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(
        after.secret_fields, before.secret_fields,
        "the key was sealed again"
    );
    assert!(!after.secret_fields.to_string().contains("sk-azure-new"));
}

async fn a_user_sees_only_their_own_connections(app: TestApp) {
    let admin = app.admin().await;
    let alice = app.user(&admin, "alice@example.com").await;
    let bob = app.user(&admin, "bob@example.com").await;
    let mine = create(
        &app,
        &alice,
        "/api/connections",
        json!({"name": "My Groq", "provider": "groq", "fields": {"api_key": "sk-alice-00000000001"}}),
    )
    .await;
    assert_eq!(mine["scope"], "personal");
    assert_eq!(mine["priority"], 20);
    let id = mine["id"].as_str().unwrap();
    let path = format!("/api/connections/{id}");

    let (_, bobs) = json_of(&bob, Method::GET, app.url("/api/connections"), None).await;
    assert_eq!(bobs["total"], 0);
    for (method, body) in [
        (Method::GET, None),
        (Method::PATCH, Some(json!({"name": "Mine now"}))),
        (Method::DELETE, None),
    ] {
        let (status, answer) = json_of(&bob, method.clone(), app.url(&path), body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {answer}");
        assert!(!answer.to_string().contains("My Groq"));
    }
    // Not a global credential either, so the admin routes do not reach it.
    let (status, _) = json_of(
        &admin,
        Method::GET,
        app.url(&format!("/api/admin/credentials/{id}")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, globals) = json_of(&admin, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(globals["total"], 0);
    // Admins see that it exists, whose it is and its state; never a hint or a field.
    let (status, everyone) = json_of(&admin, Method::GET, app.url("/api/admin/connections"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(everyone["total"], 1);
    assert_eq!(everyone["data"][0]["ownerEmail"], "alice@example.com");
    assert_eq!(everyone["data"][0]["active"], true);
    assert!(everyone["data"][0].get("hint").is_none() && !everyone.to_string().contains("sk-alice"));
    let (status, _) = json_of(&bob, Method::GET, app.url("/api/admin/connections"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // A user reaches no admin route, and a disabled provider is not offered.
    let (status, _) = json_of(&alice, Method::GET, app.url("/api/admin/credentials"), None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = json_of(&app.client(), Method::GET, app.url("/api/connections"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, list) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/providers?search=mistral"),
        None,
    )
    .await;
    let mistral = list["data"][0]["id"].as_str().unwrap().to_owned();
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{mistral}")),
        Some(json!({"enabled": false})),
    )
    .await;
    let refused = app
        .post_json(
            &alice,
            "/api/connections",
            json!({"name": "Mistral", "provider": "mistral", "fields": {"api_key": "sk-m"}}),
        )
        .await;
    let error: Value = refused.json().await.unwrap();
    assert_eq!(error["error"]["field"], "provider");

    let (status, renamed) = json_of(
        &alice,
        Method::PATCH,
        app.url(&path),
        Some(json!({"name": "Groq (mine)"})),
    )
    .await;
    assert_eq!(
        (status, renamed["name"].clone()),
        (StatusCode::OK, json!("Groq (mine)"))
    );
    let (status, _) = json_of(&alice, Method::DELETE, app.url(&path), None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
}

/// The list's ↑ and ↓ call this server function (there is no REST route for it).
async fn move_credential(app: &TestApp, admin: &Client, id: &str, direction: &str) -> Value {
    use app::api::credentials::MoveCredential;
    use leptos::server_fn::ServerFn;
    let answer = admin
        .post(app.url(MoveCredential::PATH))
        .header("accept", "application/json")
        .form(&[("scope", "global"), ("id", id), ("direction", direction)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), StatusCode::OK);
    answer.json().await.unwrap()
}

async fn moving_past_either_end_changes_and_records_nothing(app: TestApp) {
    let admin = app.admin().await;
    let path = "/api/admin/credentials";
    let mut ids = Vec::new();
    for (n, name) in ["Gemini first", "Gemini second"].into_iter().enumerate() {
        let body = json!({"name": name, "provider": "gemini", "priority": n + 1,
            "fields": {"api_key": format!("sk-move-{n:020}")}});
        ids.push(
            create(&app, &admin, path, body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let reorders = || async {
        let url = app.url("/api/admin/audit?action=credential.reorder");
        json_of(&admin, Method::GET, url, None).await.1["total"].clone()
    };
    let order = || async {
        names(
            &json_of(
                &admin,
                Method::GET,
                app.url(&format!("{path}?provider=gemini")),
                None,
            )
            .await
            .1,
        )
    };

    let top = move_credential(&app, &admin, &ids[0], "up").await;
    let bottom = move_credential(&app, &admin, &ids[1], "down").await;
    assert_eq!(
        (top["priority"].clone(), bottom["priority"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(
        reorders().await,
        json!(0),
        "a move that moved nothing is not an event"
    );
    assert_eq!(order().await, ["Gemini first", "Gemini second"]);

    move_credential(&app, &admin, &ids[0], "down").await;
    assert_eq!(reorders().await, json!(1));
    assert_eq!(order().await, ["Gemini second", "Gemini first"]);
}

/// The list's ↑ and ↓ show only where they would move something. Gemini's three keys are
/// split across two pages with Groq's one between them: the page alone cannot tell the ends.
async fn a_list_says_which_rows_can_move_even_when_a_page_splits_a_provider(app: TestApp) {
    let admin = app.admin().await;
    let path = "/api/admin/credentials";
    for (name, provider, priority) in [
        ("Gemini a", "gemini", 1),
        ("Gemini b", "gemini", 2),
        ("Groq only", "groq", 2),
        ("Gemini c", "gemini", 3),
    ] {
        let body = json!({"name": name, "provider": provider, "priority": priority,
            "fields": {"api_key": format!("sk-moves-{priority}-{provider}-000000000")}});
        create(&app, &admin, path, body).await;
    }
    let mut seen = Vec::new();
    for page in [1, 2] {
        let url = app.url(&format!("{path}?perPage=2&page={page}"));
        let (status, list) = json_of(&admin, Method::GET, url, None).await;
        assert_eq!(status, StatusCode::OK);
        for row in list["data"].as_array().unwrap() {
            seen.push((
                row["name"].as_str().unwrap().to_owned(),
                row["canMoveUp"].as_bool().unwrap(),
                row["canMoveDown"].as_bool().unwrap(),
            ));
        }
    }
    let expected = [
        ("Gemini a", false, true),
        ("Gemini b", true, true),
        ("Groq only", false, false),
        ("Gemini c", true, false),
    ]
    .map(|(name, up, down)| (name.to_owned(), up, down));
    assert_eq!(seen, expected);
}

/// The CSV export: a header and one row per global credential in use order, no key and no
/// hint, a name a spreadsheet would run kept as text; users may not have it.
async fn the_csv_export_holds_metadata_and_never_a_secret(app: TestApp) {
    let admin = app.admin().await;
    let path = "/api/admin/credentials";
    // Each key ends in letters no id, time or number holds, so finding its hint in the
    // export can only mean the hint leaked (a hex tail could turn up inside a random id).
    let key = |priority: u32| format!("{CANARY}-xyz{priority}");
    for (name, priority) in [("=HYPERLINK(\"http://x\")", 2), ("Plain, with a comma", 1)] {
        let body = json!({"name": name, "provider": "gemini", "priority": priority,
            "fields": {"api_key": key(priority)}});
        create(&app, &admin, path, body).await;
    }
    let response = admin
        .get(app.url("/api/admin/credentials/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("credentials.csv"));
    let text = response.text().await.unwrap();
    assert!(!text.contains(CANARY), "no key in the export");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines[0].starts_with("id,name,provider,priority,"));
    assert!(
        lines[1].contains(",\"Plain, with a comma\",gemini,1,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].contains(",\"'=HYPERLINK(\"\"http://x\"\")\",gemini,2,"),
        "{}",
        lines[2]
    );
    let hints: Vec<String> = [1, 2]
        .map(|priority| key(priority)[CANARY.len() + 1..].to_owned())
        .into();
    assert_eq!(hints, ["xyz1", "xyz2"], "the keys' last four characters");
    assert!(
        hints.iter().all(|hint| !text.contains(hint.as_str())),
        "not even the hint"
    );

    let user = app.user(&admin, "csv-user@example.com").await;
    let refused = user
        .get(app.url("/api/admin/credentials/export.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}

async fn a_list_is_searched_by_name_ordered_by_name_or_last_use_and_sized(app: TestApp) {
    use chrono::{Duration, Utc};
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    let admin = app.admin().await;
    let mut ids = Vec::new();
    for (n, name) in ["zeta main", "alpha backup", "Beta_50%"].into_iter().enumerate() {
        let body = json!({"name": name, "provider": "groq", "priority": n + 1,
            "fields": {"api_key": format!("gsk-order-{n}-000000000001")}});
        ids.push(
            create(&app, &admin, "/api/admin/credentials", body).await["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    // Used two hours ago (zeta), an hour ago (beta), never (alpha).
    for (id, hours) in [(&ids[0], 2), (&ids[2], 1)] {
        domain::entities::credentials::Entity::update_many()
            .col_expr(
                domain::entities::credentials::Column::LastUsedAt,
                Expr::value(Utc::now() - Duration::hours(hours)),
            )
            .filter(domain::entities::credentials::Column::Id.eq(id.parse::<uuid::Uuid>().unwrap()))
            .exec(&app.db)
            .await
            .unwrap();
    }
    let list = |query: &str| {
        let url = app.url(&format!("/api/admin/credentials?{query}"));
        let admin = admin.clone();
        async move { json_of(&admin, Method::GET, url, None).await }
    };
    let cases: [(&str, &[&str]); 7] = [
        ("", &["zeta main", "alpha backup", "Beta_50%"]),
        ("search=ALPHA", &["alpha backup"]),
        // `%` and `_` are characters, not wildcards.
        ("search=%25", &["Beta_50%"]),
        ("search=a_5", &["Beta_50%"]),
        ("search=a_m", &[]),
        // In any case: "Beta" between "alpha" and "zeta" on both databases.
        ("order=name", &["alpha backup", "Beta_50%", "zeta main"]),
        ("order=last-used", &["Beta_50%", "zeta main", "alpha backup"]),
    ];
    for (query, want) in cases {
        let (status, got) = list(query).await;
        assert_eq!(status, StatusCode::OK, "{query}: {got}");
        assert_eq!(names(&got), want, "{query}");
        assert_eq!(got["total"], want.len(), "{query}");
    }
    let (_, sized) = list("order=name&perPage=2&page=2").await;
    assert_eq!(
        (names(&sized), sized["total"].clone()),
        (vec!["zeta main".to_owned()], json!(3))
    );
    let too_long = format!("search={}", "x".repeat(101));
    for (query, field) in [
        ("order=newest", "order"),
        (too_long.as_str(), "search"),
        ("search=a%00b", "search"),
    ] {
        let (status, error) = list(query).await;
        assert_eq!(
            (status, error["error"]["field"].as_str()),
            (StatusCode::BAD_REQUEST, Some(field)),
            "{error}"
        );
    }
}
