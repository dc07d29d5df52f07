use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::helpers::{assert_refused, error_of, TestApp};
use crate::on_both_databases;

on_both_databases!(
    roles_decide_who_reaches_admin_routes,
    an_admin_creates_and_changes_users,
    bad_user_input_gets_a_clear_error_and_changes_nothing,
    an_admin_cannot_lock_themselves_out,
    system_status_reports_the_instance,
);

async fn roles_decide_who_reaches_admin_routes(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "user@example.com").await;
    let anonymous = app.client();
    for path in ["/api/admin/users", "/api/system/status"] {
        let (status, code, _) = error_of(anonymous.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{path}"
        );
        let (status, code, _) = error_of(user.get(app.url(path)).send().await.unwrap()).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::FORBIDDEN, "forbidden"),
            "{path}"
        );
        assert_eq!(
            admin.get(app.url(path)).send().await.unwrap().status(),
            StatusCode::OK,
            "{path}"
        );
    }
    let create = app
        .post_json(
            &user,
            "/api/admin/users",
            json!({"email": "x@example.com", "displayName": "X", "password": "long enough pass"}),
        )
        .await;
    assert_eq!(create.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.services.users.count().await.unwrap(),
        2,
        "the refused create changed nothing"
    );
}

async fn an_admin_creates_and_changes_users(app: TestApp) {
    let admin = app.admin().await;
    let response = app
        .post_json(
            &admin,
            "/api/admin/users",
            json!({"email": "Grace@Example.com", "displayName": "Grace", "password": "grace password 1", "role": "admin"}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["email"], "grace@example.com");
    assert_eq!(created["role"], "admin");
    assert_eq!(created["active"], true);
    assert!(created.get("passwordHash").is_none() && !created.to_string().contains("argon2"));

    let id = created["id"].as_str().unwrap();
    let patched: Value = admin
        .patch(app.url(&format!("/api/admin/users/{id}")))
        .json(&json!({"role": "user"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["role"], "user");

    let list: Value = admin
        .get(app.url("/api/admin/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 2);
    assert_eq!(list["data"].as_array().unwrap().len(), 2);
}

async fn bad_user_input_gets_a_clear_error_and_changes_nothing(app: TestApp) {
    let admin = app.admin().await;
    let _ = app.user(&admin, "taken@example.com").await;
    let cases = [
        (
            json!({"email": "TAKEN@example.com", "displayName": "T", "password": "long enough pass"}),
            StatusCode::CONFLICT,
            "email",
        ),
        (
            json!({"email": "not-an-email", "displayName": "T", "password": "long enough pass"}),
            StatusCode::BAD_REQUEST,
            "email",
        ),
        (
            json!({"email": "a@example.com", "displayName": "", "password": "long enough pass"}),
            StatusCode::BAD_REQUEST,
            "displayName",
        ),
        (
            json!({"email": "a@example.com", "displayName": "A", "password": "short"}),
            StatusCode::BAD_REQUEST,
            "password",
        ),
        (
            json!({"email": "a@example.com", "displayName": "A", "password": "long enough pass", "role": "root"}),
            StatusCode::BAD_REQUEST,
            "role",
        ),
    ];
    assert_refused(&app, &admin, "/api/admin/users", &cases).await;
    let unknown_field = app
        .post_json(&admin, "/api/admin/users", json!({"email": "a@example.com", "displayName": "A", "password": "long enough pass", "isRoot": true}))
        .await;
    let (status, _, message) = error_of(unknown_field).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(message.contains("isRoot"), "{message}");

    let wrong_type = admin
        .post(app.url("/api/admin/users"))
        .header("content-type", "text/plain")
        .body("email=a@example.com")
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(wrong_type).await.0, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    // A 10 MB body is refused from its Content-Length, before it is read.
    let status_line = crate::helpers::announce_body(&app, "/api/admin/users", 10 * 1024 * 1024).await;
    assert!(status_line.starts_with("HTTP/1.1 413"), "{status_line}");

    let missing = admin
        .patch(app.url(&format!("/api/admin/users/{}", uuid::Uuid::now_v7())))
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(missing).await.0, StatusCode::NOT_FOUND);
    let malformed_id = admin
        .patch(app.url("/api/admin/users/not-a-uuid"))
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(malformed_id).await.0, StatusCode::NOT_FOUND);

    assert_eq!(
        app.services.users.count().await.unwrap(),
        2,
        "nothing was created"
    );
}

async fn an_admin_cannot_lock_themselves_out(app: TestApp) {
    let admin = app.admin().await;
    let me: Value = admin
        .get(app.url("/api/admin/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = me["data"][0]["id"].as_str().unwrap().to_owned();
    for body in [json!({"role": "user"}), json!({"active": false})] {
        let response = admin
            .patch(app.url(&format!("/api/admin/users/{id}")))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(error_of(response).await.0, StatusCode::BAD_REQUEST, "{body}");
    }
    assert_eq!(
        admin
            .get(app.url("/api/system/status"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
}

async fn system_status_reports_the_instance(app: TestApp) {
    let admin = app.admin().await;
    let status: Value = admin
        .get(app.url("/api/system/status"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let expected_db = match app.kind {
        crate::helpers::Db::Sqlite => "sqlite",
        crate::helpers::Db::Postgres => "postgres",
    };
    assert_eq!(status["database"], expected_db);
    assert_eq!(status["version"], env!("CARGO_PKG_VERSION"));
    assert!(status["schemaVersion"].as_str().unwrap().starts_with("m2026"));
    assert_eq!(status["counts"]["users"], 1);
    assert_eq!(status["counts"]["providers"], 8);
    assert_eq!(status["counts"]["credentials"], 0);
}
