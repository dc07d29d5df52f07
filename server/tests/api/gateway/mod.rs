//! The gateway, end to end: real HTTP to fake upstreams on 127.0.0.1, both databases.

mod basics;
mod endpoints;
mod errors;
mod exhausted;
mod failover;
mod freshness;
mod health;
mod instances;
mod limits;
mod listing;
mod sdk;
mod secrets;
mod streaming;

use std::time::{Duration, Instant};

use reqwest::{Client, Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::fake_upstream::{FakeUpstream, UPSTREAM_KEY};
use crate::helpers::{json_of, TestApp};

/// An app with its admin signed in and provider `up` (OpenAI-compatible) registered at a
/// fake upstream, with the models `fake-chat` and `fake-embed` enabled.
pub struct Scene {
    pub app: TestApp,
    pub admin: Client,
    pub upstream: FakeUpstream,
}

impl Scene {
    pub async fn new(app: TestApp) -> Self {
        let admin = app.admin().await;
        let upstream = FakeUpstream::start().await;
        let scene = Self { app, admin, upstream };
        scene
            .provider("up", "openai-compatible", &["fake-chat", "fake-embed"])
            .await;
        scene
    }

    /// Registers a provider from `template` at the upstream's `ok` behaviour (its
    /// connections may point elsewhere), with `models` enabled.
    pub async fn provider(&self, identifier: &str, template: &str, models: &[&str]) {
        let body = json!({"identifier": identifier, "name": identifier, "templateId": template,
            "baseUrl": self.upstream.url("ok"), "allowEndpointOverride": true});
        let (status, created) = self.send(Method::POST, "/api/admin/providers", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        let id = created["id"].as_str().unwrap();
        for model in models {
            let path = format!("/api/admin/providers/{id}/models");
            let (status, added) = self
                .send(Method::POST, &path, Some(json!({"modelId": model})))
                .await;
            assert_eq!(status, StatusCode::CREATED, "{added}");
        }
    }

    /// A global credential of `up` (unless `extra` names another provider) whose requests
    /// go to `behaviour`, at `priority`, with `extra` settings; its id.
    pub async fn route(&self, name: &str, behaviour: &str, priority: i64, extra: Value) -> String {
        let mut body = json!({"name": name, "provider": "up", "fields": {"api_key": UPSTREAM_KEY},
            "priority": priority, "endpoint": self.upstream.url(behaviour)});
        for (key, value) in extra.as_object().into_iter().flatten() {
            body[key] = value.clone();
        }
        let (status, created) = self
            .send(Method::POST, "/api/admin/credentials", Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["id"].as_str().unwrap().to_owned()
    }

    /// A token of the admin with `body`'s settings (the default scope, `gateway`, when none).
    pub async fn token(&self, body: Value) -> String {
        let mut body = body;
        if body.get("name").is_none() {
            body["name"] = json!("gateway test");
        }
        let (status, created) = self.send(Method::POST, "/api/tokens", Some(body)).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        created["token"].as_str().unwrap().to_owned()
    }

    /// POSTs `body` to a gateway route with `token`.
    pub async fn call(&self, token: &str, path: &str, body: Value) -> Response {
        call(&self.app, token, path, body).await
    }

    /// Says "hi" to `fake-chat` with `token`.
    pub async fn chat(&self, token: &str) -> Response {
        self.call(token, "/v1/chat/completions", chat_body("fake-chat"))
            .await
    }

    /// The credential as the admin API shows it.
    pub async fn credential(&self, id: &str) -> Value {
        let (status, credential) = self
            .send(Method::GET, &format!("/api/admin/credentials/{id}"), None)
            .await;
        assert_eq!(status, StatusCode::OK, "{credential}");
        credential
    }

    /// Changes a credential through the admin API.
    pub async fn update(&self, id: &str, body: Value) -> Value {
        let path = format!("/api/admin/credentials/{id}");
        let (status, credential) = self.send(Method::PATCH, &path, Some(body)).await;
        assert_eq!(status, StatusCode::OK, "{credential}");
        credential
    }

    /// The gateway's log rows, newest first, once `count` have been written.
    pub async fn rows(&self, count: usize) -> Vec<Value> {
        logged(&self.app, &self.admin, "kind=gateway&perPage=200", count).await
    }

    /// The log rows of one request's attempts (by its `x-request-id`), once `count` have
    /// been written.
    pub async fn attempts(&self, request_id: &str, count: usize) -> Vec<Value> {
        let query = format!("kind=gateway&requestId={request_id}");
        logged(&self.app, &self.admin, &query, count).await
    }

    /// The gateway's log rows once `count` have been written and the writer has had time
    /// to write any more (so a test can say there are exactly `count`).
    pub async fn settled_rows(&self, count: usize) -> Vec<Value> {
        self.rows(count).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.rows(count).await
    }

    /// An admin API request; its status and JSON answer.
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        json_of(&self.admin, method, self.app.url(path), body).await
    }
}

/// A chat request saying "hi" to `model`.
pub fn chat_body(model: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": "hi"}]})
}

/// POSTs `body` to a gateway route of `app` with `token`.
pub async fn call(app: &TestApp, token: &str, path: &str, body: Value) -> Response {
    Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// The status and `error` object of an answer in OpenAI's error shape (asserting the shape).
pub async fn openai_error(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    let error = body["error"].clone();
    for field in ["message", "type", "code"] {
        assert!(error[field].is_string(), "error.{field} in {body}");
    }
    assert!(error.get("param").is_some(), "error.param in {body}");
    (status, error)
}

/// The request-log rows `query` selects, newest first, once `count` have been written
/// (the writer is a moment behind the answers), or what there is after 10 s.
async fn logged(app: &TestApp, admin: &Client, query: &str, count: usize) -> Vec<Value> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (status, body) = json_of(
            admin,
            Method::GET,
            app.url(&format!("/api/admin/logs?{query}")),
            None,
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let rows = body["data"].as_array().cloned().unwrap_or_default();
        if rows.len() >= count || Instant::now() > deadline {
            return rows;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asserts that `text` holds the upstream's key in none of the forms the fake echoes it
/// in: plain, base64, upper-case.
pub fn assert_no_key(text: &str, what: &str) {
    use base64::Engine;
    let forms = [
        UPSTREAM_KEY.to_owned(),
        base64::engine::general_purpose::STANDARD.encode(UPSTREAM_KEY),
        UPSTREAM_KEY.to_uppercase(),
    ];
    for form in forms {
        assert!(!text.contains(&form), "{what} holds the key as {form}: {text}");
    }
}
