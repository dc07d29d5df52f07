//! When every credential fails, the caller learns which and why, in OpenAI's shape.

use reqwest::StatusCode;
use serde_json::json;

use super::{assert_no_key, openai_error, Scene};
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(when_every_credential_fails_the_503_names_each_and_why);

async fn when_every_credential_fails_the_503_names_each_and_why(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("exploding", "fail500", 10, json!({})).await;
    scene.route("echoing", "badkey", 20, json!({})).await;
    let token = scene.token(json!({})).await;

    let response = scene.chat(&token).await;

    assert_eq!(response.headers()["x-switchyard-attempts"], "2");
    let (status, error) = openai_error(response).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(error["type"], "upstream_error");
    let message = error["message"].as_str().unwrap();
    assert!(
        message.contains("exploding: the provider had an error (500)"),
        "{message}"
    );
    assert!(
        message.contains("echoing: the provider rejected the key (401)"),
        "{message}"
    );
    assert_no_key(&error.to_string(), "the 503");
}
