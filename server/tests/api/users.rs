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
    deleting_a_user_takes_their_connections_tokens_and_sessions,
    a_reset_link_sets_a_new_password_once,
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

/// A deleted user's connection, token and session stop at once; the deletion is one audit
/// event that says what went with them; an admin cannot delete their own account.
async fn deleting_a_user_takes_their_connections_tokens_and_sessions(app: TestApp) {
    use reqwest::Method;

    use crate::helpers::json_of;
    let admin = app.admin().await;
    let alice = app.user(&admin, "alice-gone@example.com").await;
    let body =
        json!({"name": "mine", "provider": "gemini", "fields": {"api_key": "sk-alice-gone-0000000001"}});
    let (status, _) = json_of(&alice, Method::POST, app.url("/api/connections"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let body = json!({"name": "laptop", "scopes": ["resolve"]});
    let (status, token) = json_of(&alice, Method::POST, app.url("/api/tokens"), Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);
    let raw = token["token"].as_str().unwrap().to_owned();
    let resolve = || async {
        let client = reqwest::Client::new();
        let response = client
            .post(app.url("/api/resolve"))
            .bearer_auth(&raw)
            .json(&json!({"provider": "gemini"}))
            .send()
            .await
            .unwrap();
        response.status()
    };
    assert_eq!(resolve().await, StatusCode::OK);

    let alice_id = app.user_id(&admin, "alice-gone@example.com").await;
    let admin_id = app.user_id(&admin, "admin@example.com").await;
    let own = admin
        .delete(app.url(&format!("/api/admin/users/{admin_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(error_of(own).await.0, StatusCode::BAD_REQUEST);
    let by_user = alice
        .delete(app.url(&format!("/api/admin/users/{admin_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(by_user.status(), StatusCode::FORBIDDEN);

    let gone = admin
        .delete(app.url(&format!("/api/admin/users/{alice_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        resolve().await,
        StatusCode::UNAUTHORIZED,
        "the token went with her"
    );
    let (status, _) = json_of(&alice, Method::GET, app.url("/api/connections"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "and her session");
    let (_, connections) = json_of(&admin, Method::GET, app.url("/api/admin/connections"), None).await;
    assert_eq!(connections["total"], 0, "and her connection: {connections}");
    let again = admin
        .delete(app.url(&format!("/api/admin/users/{alice_id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_FOUND);

    let url = app.url("/api/admin/audit?action=user.delete");
    let (_, events) = json_of(&admin, Method::GET, url, None).await;
    assert_eq!(events["total"], 1, "{events}");
    let details = &events["data"][0]["details"];
    assert_eq!(
        (
            &details["email"],
            &details["connectionsDeleted"],
            &details["tokensDeleted"]
        ),
        (&json!("alice-gone@example.com"), &json!(1), &json!(1))
    );
}

/// An admin's reset link sets a new password once: the old password and every session
/// stop, a newer link replaces an older one, a weak password leaves the link usable, and
/// no link is in the audit log.
async fn a_reset_link_sets_a_new_password_once(app: TestApp) {
    use reqwest::Method;

    use crate::helpers::json_of;
    let admin = app.admin().await;
    let bob = app.user(&admin, "bob-reset@example.com").await;
    let bob_id = app.user_id(&admin, "bob-reset@example.com").await;
    let admin_id = app.user_id(&admin, "admin@example.com").await;
    let issue = |id: String| {
        let admin = admin.clone();
        let url = app.url(&format!("/api/admin/users/{id}/password-reset"));
        async move { json_of(&admin, Method::POST, url, None).await }
    };
    assert_eq!(
        issue(admin_id).await.0,
        StatusCode::BAD_REQUEST,
        "not for oneself"
    );
    let by_bob = json_of(
        &bob,
        Method::POST,
        app.url(&format!("/api/admin/users/{bob_id}/password-reset")),
        None,
    )
    .await;
    assert_eq!(by_bob.0, StatusCode::FORBIDDEN);

    let (status, first) = issue(bob_id.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (_, second) = issue(bob_id.clone()).await;
    let token_of = |made: &Value| {
        let link = made["link"].as_str().unwrap();
        assert!(link.starts_with(&app.url("/reset?token=")), "{link}");
        link.split_once("token=").unwrap().1.to_owned()
    };
    let (first, second) = (token_of(&first), token_of(&second));
    let complete = |token: String, password: &'static str| {
        let (client, url) = (app.client(), app.url("/api/auth/password-reset"));
        let body = json!({"token": token, "newPassword": password});
        async move { json_of(&client, Method::POST, url, Some(body)).await }
    };
    let (status, refused) = complete(first, "bob's brand new password").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a newer link replaced it: {refused}"
    );
    let (status, weak) = complete(second.clone(), "short").await;
    assert_eq!(
        (status, weak["error"]["field"].as_str()),
        (StatusCode::BAD_REQUEST, Some("newPassword"))
    );
    let (status, _) = json_of(&bob, Method::GET, app.url("/api/connections"), None).await;
    assert_eq!(status, StatusCode::OK, "nothing changed yet");

    let (status, _) = complete(second.clone(), "bob's brand new password").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = json_of(&bob, Method::GET, app.url("/api/connections"), None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "his sessions ended");
    let (status, _) = complete(second.clone(), "yet another password 1").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "a link works once");
    let sign_in = |password: &'static str| {
        let (client, url) = (app.client(), app.url("/api/auth/signin"));
        let body = json!({"email": "bob-reset@example.com", "password": password});
        async move { json_of(&client, Method::POST, url, Some(body)).await.0 }
    };
    assert_eq!(sign_in("bob's brand new password").await, StatusCode::OK);

    let (_, audit) = json_of(&admin, Method::GET, app.url("/api/admin/audit?perPage=200"), None).await;
    let text = audit.to_string();
    assert!(!text.contains(&second), "no reset link in the audit log");
    let issued = audit["data"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "user.password_reset")
        .count();
    assert_eq!(issued, 2);
    assert!(
        text.contains("reset link"),
        "the password change says how: {text}"
    );
}
