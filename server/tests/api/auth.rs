use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    the_set_up_link_creates_one_admin_and_then_stops_working,
    sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session,
    a_wrong_password_and_an_unknown_email_get_the_same_answer,
    repeated_failures_lock_the_account_with_a_retry_time,
    forged_cookies_are_refused,
    a_disabled_user_loses_their_sessions,
);

async fn the_set_up_link_creates_one_admin_and_then_stops_working(app: TestApp) {
    let token = app.setup_token();
    let wrong = app.services.setup.check_token("not-the-token").await;
    assert!(wrong.is_err());
    app.services.setup.check_token(&token).await.unwrap();

    let _admin = app.admin().await;

    let again = app.services.setup.check_token(&token).await.unwrap_err();
    assert!(
        matches!(again, domain::error::DomainError::Forbidden),
        "{again:?}"
    );
    assert!(app
        .services
        .setup
        .issue_token_if_needed()
        .await
        .unwrap()
        .is_none());
}

async fn sign_in_sets_a_strict_http_only_cookie_and_sign_out_ends_the_session(app: TestApp) {
    let _ = app.admin().await;
    let client = app.client();
    let response = app
        .post_json(
            &client,
            "/api/auth/signin",
            json!({"email": "ADMIN@example.com", "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("switchyard_session="));
    assert!(cookie.contains("HttpOnly"));
    assert!(cookie.contains("SameSite=Strict"));
    assert!(
        !cookie.contains("Secure"),
        "Secure is off by default for plain HTTP"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], ADMIN_EMAIL);
    assert_eq!(body["user"]["role"], "admin");

    let stolen = cookie.split(';').next().unwrap().to_owned();
    let status = client
        .get(app.url("/api/system/status"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::OK);

    let out = client.post(app.url("/api/auth/signout")).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);

    // The old cookie value is dead on the server, not only forgotten by the browser.
    let replay = reqwest::Client::new()
        .get(app.url("/api/system/status"))
        .header("cookie", stolen)
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), StatusCode::UNAUTHORIZED);
}

async fn a_wrong_password_and_an_unknown_email_get_the_same_answer(app: TestApp) {
    let _ = app.admin().await;
    let client = app.client();
    let wrong = app
        .post_json(
            &client,
            "/api/auth/signin",
            json!({"email": ADMIN_EMAIL, "password": "wrong password 1"}),
        )
        .await;
    let unknown = app
        .post_json(
            &client,
            "/api/auth/signin",
            json!({"email": "nobody@example.com", "password": "wrong password 1"}),
        )
        .await;
    let wrong = error_of(wrong).await;
    let unknown = error_of(unknown).await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.2, "Wrong email or password.");

    let malformed = app
        .post_json(
            &client,
            "/api/auth/signin",
            json!({"email": "not-an-email", "password": "x"}),
        )
        .await;
    let (status, code, _) = error_of(malformed).await;
    assert_eq!(
        (status, code.as_str()),
        (StatusCode::BAD_REQUEST, "validation_failed")
    );
}

async fn repeated_failures_lock_the_account_with_a_retry_time(app: TestApp) {
    let _ = app.admin().await;
    let client = app.client();
    for _ in 0..5 {
        let response = app
            .post_json(
                &client,
                "/api/auth/signin",
                json!({"email": ADMIN_EMAIL, "password": "wrong password 1"}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Locked now, even with the right password.
    let locked = app
        .post_json(
            &client,
            "/api/auth/signin",
            json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}),
        )
        .await;
    assert_eq!(locked.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = locked.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    let (_, code, message) = error_of(locked).await;
    assert_eq!(code, "rate_limited");
    assert!(message.contains("Try again in"), "{message}");
}

async fn forged_cookies_are_refused(app: TestApp) {
    let _ = app.admin().await;
    for cookie in ["switchyard_session=forged", "switchyard_session=", "other=1"] {
        let response = reqwest::Client::new()
            .get(app.url("/api/admin/users"))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap();
        let (status, code, _) = error_of(response).await;
        assert_eq!(
            (status, code.as_str()),
            (StatusCode::UNAUTHORIZED, "unauthorized"),
            "{cookie}"
        );
    }
}

async fn a_disabled_user_loses_their_sessions(app: TestApp) {
    let admin = app.admin().await;
    let user = app.user(&admin, "ada@example.com").await;
    let users: serde_json::Value = admin
        .get(app.url("/api/admin/users"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = users["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "ada@example.com")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let response = admin
        .patch(app.url(&format!("/api/admin/users/{id}")))
        .json(&json!({"active": false}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);

    let status = user
        .get(app.url("/api/system/status"))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let again = app
        .post_json(
            &app.client(),
            "/api/auth/signin",
            json!({"email": "ada@example.com", "password": "user password 123"}),
        )
        .await;
    let (status, _, message) = error_of(again).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(message.contains("disabled"), "{message}");
}
