//! A fast fake provider on 127.0.0.1 for the gateway workload: a chat completion
//! answered at once, plain or streamed (a few chunks, the usage chunk when asked, then
//! `[DONE]`). It runs in the bench's process, so its CPU is not the server's.

use axum::body::{Body, Bytes};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

const COMPLETION: &str = r#"{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-chat","choices":[{"index":0,"message":{"role":"assistant","content":"Hello! How can I help you today?"},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":9,"total_tokens":21}}"#;

fn chunk(text: &str) -> String {
    format!(
        "data: {{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench-chat\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{text}\"}},\"finish_reason\":null}}]}}\n\n"
    )
}

async fn chat(body: Bytes) -> Response {
    let request: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    if request["stream"] != serde_json::Value::Bool(true) {
        return ([(header::CONTENT_TYPE, "application/json")], COMPLETION).into_response();
    }
    let mut events: Vec<String> = ["Hello", "! How", " can I", " help", " you today?"]
        .iter()
        .map(|t| chunk(t))
        .collect();
    if request["stream_options"]["include_usage"] == serde_json::Value::Bool(true) {
        events.push(
            "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}\n\n"
                .to_owned(),
        );
    }
    events.push("data: [DONE]\n\n".to_owned());
    let stream = futures_util::stream::iter(
        events
            .into_iter()
            .map(|e| Ok::<_, std::io::Error>(Bytes::from(e))),
    );
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Starts the upstream; its base URL (the OpenAI-style `/v1` prefix included).
pub async fn start() -> crate::Result<String> {
    let app = axum::Router::new().route("/v1/chat/completions", post(chat));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}
