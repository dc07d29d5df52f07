//! Limits answer 429 with `Retry-After`: every credential at its rate limit or monthly
//! quota, or the token at its own rate limit.

use reqwest::header::RETRY_AFTER;
use reqwest::{Response, StatusCode};
use serde_json::json;

use super::{openai_error, Scene};
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    when_every_credential_is_at_its_rate_limit_or_quota_the_answer_is_429,
    a_token_at_its_own_rate_limit_is_answered_429,
    a_raised_rate_limit_takes_effect_at_once
);

/// The answer's `Retry-After`, in seconds.
fn retry_after(response: &Response) -> u64 {
    response.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap()
}

async fn when_every_credential_is_at_its_rate_limit_or_quota_the_answer_is_429(app: TestApp) {
    let scene = Scene::new(app).await;
    scene
        .route("per minute", "ok", 10, json!({"rateLimitPerMinute": 1}))
        .await;
    scene
        .route("per month", "ok", 20, json!({"monthlyQuota": 1}))
        .await;
    let token = scene.token(json!({})).await;
    let mut served = Vec::new();
    for _ in 0..2 {
        let response = scene.chat(&token).await;
        assert_eq!(response.status(), StatusCode::OK);
        served.push(
            response.headers()["x-switchyard-credential"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(served, ["per minute", "per month"], "each serves once");

    let response = scene.chat(&token).await;

    assert_eq!(response.headers()["x-switchyard-attempts"], "0");
    // The minute's limit frees first.
    let wait = retry_after(&response);
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    let (status, error) = openai_error(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error["code"], "rate_limit_exceeded");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("per minute: rate limit reached (1 requests a minute)"),
        "{message}"
    );
    assert!(
        message.contains("per month: monthly quota reached (1 of 1)"),
        "{message}"
    );
    assert_eq!(
        scene.upstream.seen.all().len(),
        2,
        "the third request was not sent"
    );
}

async fn a_token_at_its_own_rate_limit_is_answered_429(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("main", "ok", 10, json!({})).await;
    let limited = scene.token(json!({"rateLimitPerMinute": 1})).await;
    let free = scene.token(json!({"name": "free"})).await;
    assert_eq!(scene.chat(&limited).await.status(), StatusCode::OK);

    let response = scene.chat(&limited).await;

    let wait = retry_after(&response);
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    let (status, error) = openai_error(response).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("this API token's rate limit (1 requests a minute)"),
        "{message}"
    );
    assert_eq!(
        scene.chat(&free).await.status(),
        StatusCode::OK,
        "the limit is the token's own"
    );
}

async fn a_raised_rate_limit_takes_effect_at_once(app: TestApp) {
    let scene = Scene::new(app).await;
    let id = scene
        .route("metered", "ok", 10, json!({"rateLimitPerMinute": 1}))
        .await;
    let token = scene.token(json!({})).await;
    assert_eq!(scene.chat(&token).await.status(), StatusCode::OK);
    assert_eq!(scene.chat(&token).await.status(), StatusCode::TOO_MANY_REQUESTS);

    scene.update(&id, json!({"rateLimitPerMinute": 600})).await;

    // 600 a minute admits a burst of 30 at once: the old limit's minute is not waited out.
    assert_eq!(scene.chat(&token).await.status(), StatusCode::OK);
}
