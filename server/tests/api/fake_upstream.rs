//! An OpenAI-compatible (and Anthropic-speaking) upstream on 127.0.0.1 for the gateway:
//! each path prefix is one way an answer can go (`{base}/ok/chat/completions`,
//! `{base}/fail500/…`, …; `flaky` fails on demand), and every request it receives is
//! kept for assertions.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{json, Value};

/// The key the upstream accepts. Random-looking, as real keys are: the redaction cuts out
/// any 8 characters in a row of a key, so a key holding a word would cut that word out of
/// every message too.
pub const UPSTREAM_KEY: &str = "sk-fk-7Qm2Xr9Lp4Tz8Vb3Nd6Hs1Kw5Jc0Ye";

/// One request the upstream received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub behaviour: String,
    pub path: String,
    pub authorization: Option<String>,
    pub body: Value,
}

#[derive(Clone, Default)]
pub struct Log(Arc<Mutex<Vec<Seen>>>);

/// Whether `flaky` answers 500 or like `ok`.
#[derive(Clone, Default)]
pub struct Switch(Arc<AtomicBool>);

impl Switch {
    pub fn fail(&self, on: bool) {
        self.0.store(on, Ordering::SeqCst);
    }

    fn failing(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Shared {
    seen: Log,
    flaky: Switch,
}

impl Log {
    pub fn all(&self) -> Vec<Seen> {
        self.0.lock().unwrap().clone()
    }

    pub fn count(&self, behaviour: &str) -> usize {
        self.all().iter().filter(|s| s.behaviour == behaviour).count()
    }
}

pub struct FakeUpstream {
    pub base: String,
    /// A port where nothing listens.
    pub refused: String,
    pub seen: Log,
    pub flaky: Switch,
}

impl FakeUpstream {
    pub async fn start() -> Self {
        let shared = Shared {
            seen: Log::default(),
            flaky: Switch::default(),
        };
        let app = axum::Router::new()
            .route("/{behaviour}/chat/completions", post(chat))
            .route("/{behaviour}/embeddings", post(embeddings))
            .route("/{behaviour}/messages", post(messages))
            .route("/{behaviour}/models", get(models))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let refused = format!("http://{}", closed.local_addr().unwrap());
        drop(closed);
        Self {
            base,
            refused,
            seen: shared.seen,
            flaky: shared.flaky,
        }
    }

    /// The base URL for one behaviour, e.g. `url("fail500")`; `refused` is the closed port.
    pub fn url(&self, behaviour: &str) -> String {
        match behaviour {
            "refused" => self.refused.clone(),
            _ => format!("{}/{behaviour}", self.base),
        }
    }
}

fn record(log: &Log, behaviour: &str, path: &str, headers: &HeaderMap, body: &Bytes) {
    log.0.lock().unwrap().push(Seen {
        behaviour: behaviour.to_owned(),
        path: path.to_owned(),
        authorization: headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        body: serde_json::from_slice(body).unwrap_or(Value::Null),
    });
}

/// The answer of a misbehaving upstream, or `None` for `ok`.
async fn misbehave(shared: &Shared, behaviour: &str, headers: &HeaderMap) -> Option<Response> {
    let sent = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .trim_start_matches("Bearer ")
        .to_owned();
    let error = |status: StatusCode, message: String| {
        (
            status,
            axum::Json(json!({"error": {"message": message, "type": "invalid_request_error"}})),
        )
            .into_response()
    };
    match behaviour {
        "ok" if sent == UPSTREAM_KEY => None,
        // OpenAI quotes the key it was sent: the gateway must not pass that on.
        "ok" | "badkey" => Some(error(
            StatusCode::UNAUTHORIZED,
            format!("Incorrect API key provided: {sent}."),
        )),
        "fail500" => Some(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "upstream exploded".into(),
        )),
        "flaky" if shared.flaky.failing() => {
            Some(error(StatusCode::INTERNAL_SERVER_ERROR, "flaky today".into()))
        }
        "limited" => Some(
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "7")],
                "slow down",
            )
                .into_response(),
        ),
        // OpenRouter's answer when the account behind the key has no credit left.
        "broke" => Some(error(StatusCode::PAYMENT_REQUIRED, "Insufficient credits".into())),
        "silent" => {
            tokio::time::sleep(Duration::from_secs(30)).await;
            None
        }
        // A 400 that echoes the key in several encodings: the caller's problem, passed
        // on, with the key cut out.
        "reject" => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(&sent);
            Some(error(
                StatusCode::BAD_REQUEST,
                format!(
                    "messages: field required (you sent {sent}, {b64}, {})",
                    sent.to_uppercase()
                ),
            ))
        }
        _ => None,
    }
}

async fn chat(
    State(shared): State<Shared>,
    Path(behaviour): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared.seen, &behaviour, "/chat/completions", &headers, &body);
    if let Some(answer) = misbehave(&shared, &behaviour, &headers).await {
        return answer;
    }
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = request["model"].as_str().unwrap_or("?").to_owned();
    if request["stream"] != Value::Bool(true) {
        return axum::Json(json!({
            "id": "chatcmpl-fake", "object": "chat.completion", "created": 1_700_000_000, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": format!("hello from {behaviour}")}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
        }))
        .into_response();
    }
    let with_usage = request["stream_options"]["include_usage"] == Value::Bool(true);
    let cut = behaviour == "cutstream";
    let stream = async_stream(model, with_usage, cut);
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(stream))
        .unwrap()
}

/// Three content chunks 200 ms apart, the usage chunk when asked, then `[DONE]`; or, when
/// `cut`, two chunks and a broken connection.
fn async_stream(
    model: String,
    with_usage: bool,
    cut: bool,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> {
    let chunk = move |text: &str| {
        let event = json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
        Bytes::from(format!("data: {event}\n\n"))
    };
    let mut pieces: Vec<Result<Bytes, std::io::Error>> = vec![Ok(chunk("one ")), Ok(chunk("two "))];
    if cut {
        pieces.push(Err(std::io::Error::other("upstream died")));
    } else {
        pieces.push(Ok(chunk("three")));
        if with_usage {
            let usage = json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [],
                "usage": {"prompt_tokens": 9, "completion_tokens": 3, "total_tokens": 12}});
            pieces.push(Ok(Bytes::from(format!("data: {usage}\n\n"))));
        }
        pieces.push(Ok(Bytes::from_static(b"data: [DONE]\n\n")));
    }
    futures_util::stream::unfold(pieces.into_iter(), |mut rest| async move {
        let next = rest.next()?;
        tokio::time::sleep(Duration::from_millis(200)).await;
        Some((next, rest))
    })
}

async fn embeddings(
    State(shared): State<Shared>,
    Path(behaviour): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared.seen, &behaviour, "/embeddings", &headers, &body);
    if let Some(answer) = misbehave(&shared, &behaviour, &headers).await {
        return answer;
    }
    axum::Json(json!({
        "object": "list",
        "data": [{"object": "embedding", "index": 0, "embedding": [0.25, -0.5, 0.125]}],
        "model": "embed-small",
        "usage": {"prompt_tokens": 4, "total_tokens": 4}
    }))
    .into_response()
}

async fn messages(
    State(shared): State<Shared>,
    Path(behaviour): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    record(&shared.seen, &behaviour, "/messages", &headers, &body);
    let key_ok = headers.get("x-api-key").and_then(|v| v.to_str().ok()) == Some(UPSTREAM_KEY);
    if !key_ok {
        return (StatusCode::UNAUTHORIZED, axum::Json(json!({"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}))).into_response();
    }
    axum::Json(json!({
        "id": "msg_fake", "type": "message", "role": "assistant", "model": "claude-fake",
        "content": [{"type": "text", "text": "hello from messages"}],
        "stop_reason": "end_turn",
        "usage": {"input_tokens": 21, "output_tokens": 13}
    }))
    .into_response()
}

async fn models(Path(behaviour): Path<String>) -> Result<Response, Infallible> {
    let _ = behaviour;
    Ok(
        axum::Json(json!({"object": "list", "data": [{"id": "fake-chat"}, {"id": "fake-embed"}]}))
            .into_response(),
    )
}
