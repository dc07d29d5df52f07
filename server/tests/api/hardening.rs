use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{error_of, TestApp, ADMIN_EMAIL, ADMIN_PASSWORD};
use crate::on_both_databases;

on_both_databases!(
    every_response_carries_the_security_headers,
    cross_origin_writes_are_refused,
    unknown_addresses_get_404
);

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in [
        "/health",
        "/login",
        "/no-such-page",
        "/api/nothing-here",
        "/pkg/missing.js",
    ] {
        let response = reqwest::get(app.url(path)).await.unwrap();
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(csp.contains("script-src 'self' 'nonce-"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        assert_eq!(headers["referrer-policy"], "no-referrer", "{path}");
        assert!(headers.contains_key("x-request-id"), "{path}");
        assert!(!headers.contains_key("server"), "{path}");
    }
}

async fn cross_origin_writes_are_refused(app: TestApp) {
    let _ = app.admin().await;
    let client = app.client();
    let body = json!({"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD});
    let foreign = client
        .post(app.url("/api/auth/signin"))
        .header("origin", "http://evil.example")
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, code, _) = error_of(foreign).await;
    assert_eq!((status, code.as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let fetch_site = client
        .post(app.url("/api/auth/signin"))
        .header("sec-fetch-site", "cross-site")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(fetch_site.status(), StatusCode::FORBIDDEN);
    let same_origin = client
        .post(app.url("/api/auth/signin"))
        .header("origin", app.base.clone())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(same_origin.status(), StatusCode::OK);
}

async fn unknown_addresses_get_404(app: TestApp) {
    let page = reqwest::get(app.url("/definitely/not/here")).await.unwrap();
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
    assert!(page.text().await.unwrap().contains("404"));
    let api = reqwest::get(app.url("/api/definitely-not-here")).await.unwrap();
    let (status, code, _) = error_of(api).await;
    assert_eq!((status, code.as_str()), (StatusCode::NOT_FOUND, "not_found"));
}
