//! What a hostile review of the trust boundaries found, each closed and kept closed: a
//! demoted admin's token, requests to internal addresses, concurrent password guesses,
//! stored keys sent elsewhere, unaudited admin changes, markup in alerts, and the smaller
//! ones (paging numbers, refusal statuses, users' test rate, HSTS, file modes, names,
//! foreign `Host`).

use app::api::auth::ChangePassword;
use app::api::credentials::TestCredentialForm;
use leptos::server_fn::ServerFn;
use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};

use crate::fake_provider::{add_credential, register, FakeProvider, GOOD_KEY};
use crate::helpers::{json_of, provider_figures, Db, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_demoted_admins_tokens_lose_what_only_admins_hold,
    concurrent_wrong_passwords_each_count_and_lock_the_account,
    a_stored_key_is_sent_only_where_it_was_saved_for,
    every_admin_change_is_audited,
);

fn token_client(token: &Value) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-api-key", token["token"].as_str().unwrap().parse().unwrap());
    Client::builder().default_headers(headers).build().unwrap()
}

async fn a_demoted_admins_tokens_lose_what_only_admins_hold(app: TestApp) {
    let admin = app.admin().await;
    let password = "second admin password";
    let (status, _) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/users"),
        Some(json!({"email": "boss@example.com", "displayName": "Boss", "password": password, "role": "admin"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let boss = app.sign_in("boss@example.com", password).await;
    let (_, personal) = json_of(
        &boss,
        Method::POST,
        app.url("/api/tokens"),
        Some(json!({"name": "reader", "scopes": ["resolve", "secrets:read"]})),
    )
    .await;
    let (_, service) = json_of(
        &boss,
        Method::POST,
        app.url("/api/admin/tokens"),
        Some(json!({"name": "svc", "scopes": ["resolve"]})),
    )
    .await;
    let (reader, service) = (token_client(&personal), token_client(&service));
    let key = "gsk-demotion-0123456789abcdef";
    let (status, _) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials"),
        Some(json!({"name": "Groq main", "provider": "groq", "fields": {"api_key": key}})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let resolve = |client: Client| {
        let url = app.url("/api/resolve");
        async move { json_of(&client, Method::POST, url, Some(json!({"provider": "groq"}))).await }
    };
    let (status, before) = resolve(reader.clone()).await;
    assert_eq!(
        (status, before["secret"]["api_key"].as_str()),
        (StatusCode::OK, Some(key))
    );

    let boss_id = app.user_id(&admin, "boss@example.com").await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/users/{boss_id}")),
        Some(json!({"role": "user"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);

    let (status, after) = resolve(reader).await;
    assert_eq!(status, StatusCode::OK, "resolve itself is still granted: {after}");
    assert!(
        after.get("secret").is_none(),
        "a demoted admin's token read a key: {after}"
    );
    assert_eq!(after["candidates"][0]["name"], "Groq main");
    let (status, refused) = resolve(service).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{refused}");
    assert!(refused["error"]["message"]
        .as_str()
        .unwrap()
        .contains("no longer an admin"));

    let (_, events) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=user.update"),
        None,
    )
    .await;
    let event = &events["data"][0]["details"];
    assert_eq!(
        event["changed"]["role"],
        json!({"before": "admin", "after": "user"})
    );
    assert_eq!(event["tokensLimited"], 2, "{event}");
}

async fn concurrent_wrong_passwords_each_count_and_lock_the_account(app: TestApp) {
    let admin = app.admin().await;
    app.user(&admin, "target@example.com").await;
    let mut guesses = Vec::new();
    for n in 0..30 {
        let (client, url) = (app.client(), app.url("/api/auth/signin"));
        guesses.push(tokio::spawn(async move {
            let body = json!({"email": "target@example.com", "password": format!("wrong guess {n:04}")});
            client.post(url).json(&body).send().await.unwrap().status()
        }));
    }
    let mut checked = 0;
    for guess in guesses {
        match guess.await.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert!(checked <= 5, "{checked} of 30 concurrent guesses were checked");
    let right = app
        .client()
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "target@example.com", "password": "user password 123"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        right.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "the right password got in after 30 guesses"
    );

    // The current password of a password change is throttled the same way.
    let user = app.user(&admin, "changer@example.com").await;
    let mut statuses = Vec::new();
    for n in 0..7 {
        let response = user
            .post(app.url(ChangePassword::PATH))
            .header("accept", "application/json")
            .form(&[
                ("current_password", format!("not it {n}")),
                ("new_password", "a new password 123".into()),
            ])
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert_eq!(&statuses[..5], [StatusCode::BAD_REQUEST; 5]);
    assert_eq!(statuses[6], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}

async fn a_stored_key_is_sent_only_where_it_was_saved_for(app: TestApp) {
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let id = add_credential(&app, &admin, "Bound", json!({})).await;
    let other = FakeProvider::start().await;

    // The edit form's Test at another endpoint, without the key, is refused.
    let refused = admin
        .post(app.url(TestCredentialForm::PATH))
        .header("accept", "application/json")
        .form(&[
            ("scope", "global"),
            ("id", id.as_str()),
            ("settings[endpoint]", other.url("ok").as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains("type the key again"));
    let (status, refused) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/credentials/{id}")),
        Some(json!({"endpoint": other.url("ok")})),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("fields.api_key"))
    );
    // With the key typed again it may go there.
    let (status, moved) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/credentials/{id}")),
        Some(json!({"endpoint": other.url("ok"), "fields": {"api_key": GOOD_KEY}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{moved}");
    let (_, tested) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{id}/test")),
        None,
    )
    .await;
    assert_eq!(tested["outcome"], "ok", "{tested}");

    // A provider moved to another host does not take stored keys with it.
    let second = add_credential(&app, &admin, "Stays", json!({})).await;
    let provider = app.provider_id("fake").await;
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{provider}")),
        Some(json!({"baseUrl": other.url("ok")})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, tested) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{second}/test")),
        None,
    )
    .await;
    assert_eq!(tested["outcome"], "connect_failed", "{tested}");
    assert!(
        tested["message"].as_str().unwrap().contains("type the key again"),
        "{tested}"
    );
    let (_, events) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/audit?action=provider.update"),
        None,
    )
    .await;
    let changed = &events["data"][0]["details"]["changed"]["baseUrl"];
    assert_eq!(changed["before"], fake.url("ok"));
    assert_eq!(changed["after"], other.url("ok"));
}

async fn every_admin_change_is_audited(app: TestApp) {
    let admin = app.admin().await;
    let fake = FakeProvider::start().await;
    let user = app.user(&admin, "someone@example.com").await;
    let someone = app.user_id(&admin, "someone@example.com").await;
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/users/{someone}")),
        Some(json!({"active": false})),
    )
    .await;
    let _ = user;
    app.client()
        .post(app.url("/api/auth/signin"))
        .json(&json!({"email": "admin@example.com", "password": "wrong password here"}))
        .send()
        .await
        .unwrap();
    let (_, template) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/provider-templates"),
        Some(json!({"key": "acme", "name": "Acme", "cloneFrom": "openai-compatible"})),
    )
    .await;
    let template_id = template["id"].as_str().unwrap().to_owned();
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/provider-templates/{template_id}")),
        Some(json!({"name": "Acme two"})),
    )
    .await;
    json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/provider-templates/{template_id}")),
        None,
    )
    .await;
    register(&app, &admin, &fake.url("ok")).await;
    let provider = app.provider_id("fake").await;
    json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/providers/{provider}/models")),
        Some(json!({"modelId": "model-x"})),
    )
    .await;
    json_of(
        &admin,
        Method::DELETE,
        app.url(&format!("/api/admin/providers/{provider}")),
        None,
    )
    .await;
    let (_, events) = json_of(&admin, Method::GET, app.url("/api/admin/audit?perPage=200"), None).await;
    let actions: Vec<&str> = events["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "user.create",
        "user.update",
        "auth.sign_in",
        "auth.sign_in_failed",
        "template.create",
        "template.update",
        "template.delete",
        "provider.create",
        "model.add",
        "provider.delete",
    ] {
        assert!(actions.contains(&expected), "no {expected} in {actions:?}");
    }
}

/// An app whose egress allow-list is empty: only public addresses may be reached.
async fn closed_app() -> TestApp {
    TestApp::spawn_with(Db::Sqlite, |config| config.egress_allow = String::new())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_addresses_are_refused_in_every_spelling() {
    let app = closed_app().await;
    let admin = app.admin().await;
    let user = app.user(&admin, "prober@example.com").await;
    // Users may not point connections anywhere unless the provider allows it at all.
    let (status, refused) = json_of(
        &user,
        Method::POST,
        app.url("/api/connections/test"),
        Some(json!({"provider": "groq", "fields": {"api_key": "gsk-0123456789abcdef"}, "endpoint": "http://127.0.0.1:22"})),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("endpoint")),
        "{refused}"
    );
    let groq = app.provider_id("groq").await;
    json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{groq}")),
        Some(json!({"allowEndpointOverride": true})),
    )
    .await;
    for target in [
        "http://127.0.0.1:22",
        "http://169.254.169.254/latest/meta-data",
        "http://2130706433:8080",
        "http://0177.0.0.1",
        "http://[::1]:6379",
        "http://[::ffff:127.0.0.1]",
        "http://10.1.2.3",
        "http://localhost:5432",
    ] {
        for path in ["/api/connections/test", "/api/connections"] {
            let body = json!({"name": format!("probe {path}"), "provider": "groq",
                "fields": {"api_key": "gsk-0123456789abcdef"}, "endpoint": target});
            let (status, refused) = json_of(&user, Method::POST, app.url(path), Some(body)).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {target}: {refused}");
            let message = refused["error"]["message"].as_str().unwrap();
            assert!(message.contains("SWITCHYARD_EGRESS_ALLOW"), "{target}: {message}");
        }
    }
    // Admins' base URLs and webhooks go through the same policy.
    let (status, _) = json_of(
        &admin,
        Method::PATCH,
        app.url(&format!("/api/admin/providers/{groq}")),
        Some(json!({"baseUrl": "http://10.0.0.1/v1"})),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, refused) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/webhooks"),
        Some(json!({"url": "http://169.254.169.254/hook"})),
    )
    .await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("url"))
    );
}

/// Saving a key reads its provider's base URL as written and never waits on DNS for it
/// (the admins' save looked the name up); what the key sends is screened as it connects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_providers_address_is_screened_when_requests_go_not_when_keys_are_saved() {
    use domain::entities::providers;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let app = closed_app().await;
    let admin = app.admin().await;
    // As if saved under a wider allow-list: a name that resolves to loopback.
    let groq = providers::Entity::find_by_id(app.provider_id("groq").await)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut moved: providers::ActiveModel = groq.into();
    moved.base_url = Set("http://localhost:9/v1".into());
    moved.update(&app.db).await.unwrap();

    let body = json!({"name": "behind a name", "provider": "groq",
        "fields": {"api_key": "gsk-0123456789abcdef"}});
    let (status, created) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/credentials"),
        Some(body),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap();
    let (status, tested) = json_of(
        &admin,
        Method::POST,
        app.url(&format!("/api/admin/credentials/{id}/test")),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{tested}");
    assert_eq!(tested["ok"], false, "{tested}");
    assert!(tested.to_string().contains("SWITCHYARD_EGRESS_ALLOW"), "{tested}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn template_headers_go_to_the_providers_own_address_only() {
    use axum::http::HeaderMap;
    use std::sync::{Arc, Mutex};
    type Seen = Arc<Mutex<Vec<(String, Option<String>)>>>;
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let fake = axum::Router::new().route(
        "/{place}/models",
        axum::routing::get(
            move |axum::extract::Path(place): axum::extract::Path<String>, headers: HeaderMap| {
                let record = record.clone();
                async move {
                    let header = headers
                        .get("x-admin-secret")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    record.lock().unwrap().push((place, header));
                    axum::Json(json!({"data": [{"id": "m"}]}))
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, fake).await });

    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let definition = json!({
        "auth": {"type": "bearer"},
        "extraHeaders": [{"name": "X-Admin-Secret", "value": "org-secret-42"}],
        "fields": [{"name": "api_key", "label": "API key", "secret": true, "required": true}],
        "testRequest": {"path": "/models"},
    });
    json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/provider-templates"),
        Some(json!({"key": "headered", "name": "Headered", "definition": definition})),
    )
    .await;
    let (status, _) = json_of(
        &admin,
        Method::POST,
        app.url("/api/admin/providers"),
        Some(
            json!({"identifier": "headered", "name": "Headered", "templateId": "headered",
            "baseUrl": format!("{base}/own"), "allowEndpointOverride": true}),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let user = app.user(&admin, "router@example.com").await;
    for endpoint in [None, Some(format!("{base}/elsewhere"))] {
        let mut body = json!({"provider": "headered", "fields": {"api_key": "sk-0123456789abcdef"}});
        if let Some(endpoint) = endpoint {
            body["endpoint"] = json!(endpoint);
        }
        let (status, tested) =
            json_of(&user, Method::POST, app.url("/api/connections/test"), Some(body)).await;
        assert_eq!(
            (status, tested["outcome"].as_str()),
            (StatusCode::OK, Some("ok")),
            "{tested}"
        );
    }
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("own".to_owned(), Some("org-secret-42".to_owned())),
            ("elsewhere".to_owned(), None)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn smaller_holes_stay_closed() {
    let app = TestApp::spawn_with(Db::Sqlite, |config| {
        config.public_url = Some("https://switchyard.example.com".into());
        config.allowed_hosts = "127.0.0.1".into();
    })
    .await
    .unwrap();
    let admin = app.admin().await;

    // Numbers too large for a page are a 400 naming the field, on every list.
    for path in [
        "/api/admin/credentials?page=18446744073709551615",
        "/api/connections?page=18446744073709551615",
        "/api/admin/audit?page=18446744073709551615",
        "/api/admin/logs?page=18446744073709551615",
        "/api/admin/connections?perPage=100000",
    ] {
        let (status, refused) = json_of(&admin, Method::GET, app.url(path), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {refused}");
        assert!(refused["error"]["field"].is_string(), "{path}: {refused}");
    }

    // HSTS over https; a foreign Host is refused, except on the health probes.
    let home = admin.get(app.url("/api/providers")).send().await.unwrap();
    assert_eq!(home.headers()["strict-transport-security"], "max-age=31536000");
    let foreign = app
        .client()
        .get(app.url("/api/test"))
        .header("host", "rebound.evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), StatusCode::MISDIRECTED_REQUEST);
    let named = app
        .client()
        .get(app.url("/api/test"))
        .header("host", "switchyard.example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(named.status(), StatusCode::OK);
    let probe = app
        .client()
        .get(app.url("/health/live"))
        .header("host", "10.0.3.7:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(probe.status(), StatusCode::OK);

    // Names are compared in one Unicode form and may not hide characters.
    let create = |name: &str| {
        let body = json!({"name": name, "provider": "groq", "fields": {"api_key": "gsk-0123456789abcdef"}});
        json_of(
            &admin,
            Method::POST,
            app.url("/api/admin/credentials"),
            Some(body),
        )
    };
    assert_eq!(create("Cafe\u{301}").await.0, StatusCode::CREATED);
    assert_eq!(create("Caf\u{e9}").await.0, StatusCode::CONFLICT);
    let (status, refused) = create("prod\u{202E}gpj").await;
    assert_eq!(
        (status, refused["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("name"))
    );

    // The data directory and the files in it are the owner's only.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |path: std::path::PathBuf| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        let data = app.config.data_dir.clone();
        for file in ["switchyard.db", "switchyard.db-wal", "master.key"] {
            assert_eq!(mode(data.join(file)), 0o600, "{file}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_tests_are_rate_limited_and_left_out_of_the_providers_figures() {
    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let fake = FakeProvider::start().await;
    let admin = app.admin().await;
    register(&app, &admin, &fake.url("ok")).await;
    let user = app.user(&admin, "tester@example.com").await;
    let body = json!({"provider": "fake", "fields": {"api_key": GOOD_KEY}});
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let (status, _) = json_of(
            &user,
            Method::POST,
            app.url("/api/connections/test"),
            Some(body.clone()),
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        10,
        "{statuses:?}"
    );
    assert_eq!(statuses[11], StatusCode::TOO_MANY_REQUESTS);
    let (_, figures) = json_of(&admin, Method::GET, app.url("/api/admin/overview"), None).await;
    let fake_figures = provider_figures(&figures, "fake");
    assert_eq!(
        fake_figures["requests"], 0,
        "users' tests count in the figures: {fake_figures}"
    );
    let (_, logs) = json_of(
        &admin,
        Method::GET,
        app.url("/api/admin/logs?provider=fake"),
        None,
    )
    .await;
    assert_eq!(logs["total"], 10, "they are still logged");
}

/// A server function called as the hydrated site calls it: form-encoded, JSON answers,
/// and compressed when it may be (browsers always ask), which the refusal must survive.
async fn server_function(client: &Client, url: String, form: &[(&str, &str)]) -> StatusCode {
    client
        .post(url)
        .header("accept", "application/json")
        .header("accept-encoding", "gzip, deflate, br")
        .form(form)
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_function_refusals_answer_their_own_status() {
    use app::api::auth::SignIn;
    use app::api::tokens::RevokeToken;
    use app::api::users::{CreateUser, ListUsers};

    let app = TestApp::spawn(Db::Sqlite).await.unwrap();
    let admin = app.admin().await;
    let user = app.user(&admin, "plain@example.com").await;
    let change = app.url(ChangePassword::PATH);
    let wrong = [
        ("current_password", "not my password"),
        ("new_password", "a new password 123"),
    ];
    assert_eq!(
        server_function(&user, change.clone(), &wrong).await,
        StatusCode::BAD_REQUEST
    );
    let anonymous = [("current_password", "x"), ("new_password", "y")];
    assert_eq!(
        server_function(&app.client(), change, &anonymous).await,
        StatusCode::UNAUTHORIZED
    );
    let forbidden = user
        .get(app.url(&format!("{}?", ListUsers::PATH)))
        .header("accept", "application/json")
        .header("accept-encoding", "gzip, deflate, br")
        .send()
        .await
        .unwrap();
    assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    let unknown = [("id", "0190f5a0-0000-7000-8000-000000000000")];
    let revoke = app.url(RevokeToken::PATH);
    assert_eq!(
        server_function(&user, revoke, &unknown).await,
        StatusCode::NOT_FOUND
    );
    let taken = [
        ("email", "plain@example.com"),
        ("display_name", "Plain again"),
        ("password", "another password 123"),
        ("role", "user"),
    ];
    let create = app.url(CreateUser::PATH);
    assert_eq!(
        server_function(&admin, create, &taken).await,
        StatusCode::CONFLICT
    );
    let guess = [("email", "plain@example.com"), ("password", "a wrong guess")];
    let mut answers = Vec::new();
    for _ in 0..20 {
        answers.push(server_function(&app.client(), app.url(SignIn::PATH), &guess).await);
    }
    assert_eq!(answers[0], StatusCode::UNAUTHORIZED);
    assert!(
        answers.ends_with(&[StatusCode::TOO_MANY_REQUESTS]),
        "repeated guesses end locked out: {answers:?}"
    );
}
