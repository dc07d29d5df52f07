//! A provider on 127.0.0.1 that misbehaves on demand: each path prefix is one way an
//! answer can go (`{base}/ok/models`, `{base}/limited/models`, …); `flaky` fails on demand..

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use reqwest::{Client, Method};
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;

use crate::helpers::{json_of, TestApp};

/// The key the `ok` behaviour accepts.
pub const GOOD_KEY: &str = "sk-fake-probe-key-0123456789";

/// Whether `/flaky/models` fails (503) or answers like `/ok/models`.
#[derive(Clone, Default)]
pub struct Switch(Arc<AtomicBool>);

impl Switch {
    pub fn fail(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }
}

pub struct FakeProvider {
    pub base: String,
    /// Declares a long body, sends a few bytes, and hangs up.
    pub cut_off: String,
    /// A port where nothing listens.
    pub refused: String,
    pub flaky: Switch,
}

fn models(headers: &HeaderMap) -> Response {
    let expected = format!("Bearer {GOOD_KEY}");
    match headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        Some(sent) if sent == expected => axum::Json(json!({
            "object": "list",
            "data": [{"id": "model-a"}, {"id": "model-b"}, {"id": "model-c"}]
        }))
        .into_response(),
        // OpenAI quotes the key it was sent: the probe must not pass that on.
        sent => (
            StatusCode::UNAUTHORIZED,
            axum::Json(json!({"error": {
                "message": format!("Incorrect API key provided: {}.", sent.unwrap_or_default().trim_start_matches("Bearer ")),
                "type": "invalid_request_error", "code": "invalid_api_key"
            }})),
        )
            .into_response(),
    }
}

impl FakeProvider {
    pub async fn start() -> Self {
        let flaky = Switch::default();
        let app = axum::Router::new()
            .route(
                "/ok/models",
                get(|headers: HeaderMap| async move { models(&headers) }),
            )
            .route(
                "/flaky/models",
                get(|State(flaky): State<Switch>, headers: HeaderMap| async move {
                    match flaky.0.load(Ordering::SeqCst) {
                        true => (StatusCode::SERVICE_UNAVAILABLE, "overloaded").into_response(),
                        false => models(&headers),
                    }
                }),
            )
            .route(
                "/forbidden/models",
                get(|| async {
                    (
                        StatusCode::FORBIDDEN,
                        axum::Json(json!({"error": {"message": "project lacks access"}})),
                    )
                }),
            )
            .route(
                "/limited/models",
                get(|| async {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "20")],
                        "slow down",
                    )
                }),
            )
            .route(
                "/broken/models",
                get(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
            )
            .route(
                "/slow/models",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(4)).await;
                    axum::Json(json!({"data": []}))
                }),
            )
            .route("/garbage/models", get(|| async { "{\"data\": [" }))
            .route(
                "/html/models",
                get(|| async { axum::response::Html("<!doctype html><html><body>Sign in</body></html>") }),
            )
            .route(
                "/huge/models",
                get(|| async { format!("{{\"data\": [\"{}\"]}}", "x".repeat(10 * 1024 * 1024)) }),
            )
            .route(
                "/binary/models",
                get(|| async { vec![0xff_u8, 0xfe, 0x00, 0x80, 0x7b] }),
            )
            .route(
                "/redirect/models",
                get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/redirect/models")]) }),
            )
            .with_state(flaky.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self {
            base,
            cut_off: cut_off_server().await,
            refused: closed_port(),
            flaky,
        }
    }

    /// The base URL for one behaviour, e.g. `url("limited")`.
    pub fn url(&self, behaviour: &str) -> String {
        format!("{}/{behaviour}", self.base)
    }
}

async fn cut_off_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = tokio::io::AsyncReadExt::read(&mut socket, &mut request).await;
                let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"data\": [";
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    base
}

fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

/// Registers provider `fake` (OpenAI-compatible) at `base_url`; connections may point it
/// at the fake's other behaviours.
pub async fn register(app: &TestApp, admin: &Client, base_url: &str) {
    let body = json!({"identifier": "fake", "name": "Fake", "templateId": "openai-compatible",
        "baseUrl": base_url, "allowEndpointOverride": true});
    let (status, created) = json_of(admin, Method::POST, app.url("/api/admin/providers"), Some(body)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
}

/// A global credential for `fake` with the good key (`extra` joins the body); its id.
pub async fn add_credential(app: &TestApp, admin: &Client, name: &str, extra: Value) -> String {
    let mut body = json!({"name": name, "provider": "fake", "fields": {"api_key": GOOD_KEY}});
    for (key, value) in extra.as_object().into_iter().flatten() {
        body[key] = value.clone();
    }
    let (status, created) = json_of(admin, Method::POST, app.url("/api/admin/credentials"), Some(body)).await;
    assert_eq!(status, reqwest::StatusCode::CREATED, "{created}");
    created["id"].as_str().unwrap().to_owned()
}
