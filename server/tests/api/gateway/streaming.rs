//! Streamed chats: chunks reach the caller as the upstream sends them (200 ms apart),
//! the usage chunk only when the caller asked for it, its tokens in the log either way;
//! a stream the upstream breaks ends with an error event, never with `[DONE]`.

use std::time::{Duration, Instant};

use reqwest::{Response, StatusCode};
use serde_json::{json, Value};

use super::Scene;
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    a_stream_arrives_chunk_by_chunk_without_the_usage_chunk_the_gateway_asked_for,
    a_caller_who_asks_for_usage_gets_the_usage_chunk,
    a_stream_the_upstream_breaks_ends_with_an_error_event,
    a_stream_the_caller_leaves_counts_as_a_use
);

fn streamed(include_usage: Option<bool>) -> Value {
    let mut body =
        json!({"model": "fake-chat", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    if let Some(include) = include_usage {
        body["stream_options"] = json!({"include_usage": include});
    }
    body
}

/// The `data:` of each event, with the moment its last byte arrived.
async fn events_of(mut response: Response) -> Vec<(Instant, String)> {
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/event-stream"));
    let (mut events, mut pending) = (Vec::new(), String::new());
    while let Some(chunk) = response.chunk().await.unwrap() {
        let at = Instant::now();
        pending.push_str(std::str::from_utf8(&chunk).unwrap());
        while let Some(end) = pending.find("\n\n") {
            let event: String = pending.drain(..end + 2).collect();
            let data = event
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            events.push((at, data.to_owned()));
        }
    }
    assert!(pending.trim().is_empty(), "an unfinished event: {pending}");
    events
}

/// The text of each content chunk, with its arrival.
fn contents(events: &[(Instant, String)]) -> Vec<(Instant, String)> {
    events
        .iter()
        .filter_map(|(at, data)| {
            let value: Value = serde_json::from_str(data).ok()?;
            let text = value["choices"][0]["delta"]["content"].as_str()?;
            Some((*at, text.to_owned()))
        })
        .collect()
}

fn has_usage(events: &[(Instant, String)]) -> bool {
    events
        .iter()
        .any(|(_, data)| serde_json::from_str::<Value>(data).is_ok_and(|v| v["usage"].is_object()))
}

async fn a_stream_arrives_chunk_by_chunk_without_the_usage_chunk_the_gateway_asked_for(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("streamer", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let events = events_of(scene.call(&token, "/v1/chat/completions", streamed(None)).await).await;

    let contents = contents(&events);
    let texts: Vec<&str> = contents.iter().map(|(_, text)| text.as_str()).collect();
    assert_eq!(texts, ["one ", "two ", "three"]);
    for pair in contents.windows(2) {
        let gap = pair[1].0 - pair[0].0;
        assert!(
            gap >= Duration::from_millis(120),
            "{:?} came {gap:?} after {:?}",
            pair[1].1,
            pair[0].1
        );
    }
    assert_eq!(events.last().unwrap().1, "[DONE]");
    assert!(
        !has_usage(&events),
        "the caller did not ask for usage: {events:?}"
    );
    let sent = &scene.upstream.seen.all()[0].body;
    assert_eq!(
        sent["stream_options"]["include_usage"], true,
        "the gateway asks for it"
    );
    let rows = scene.rows(1).await;
    assert_eq!(rows[0]["status"], "ok");
    assert_eq!(
        (
            rows[0]["promptTokens"].as_i64(),
            rows[0]["completionTokens"].as_i64()
        ),
        (Some(9), Some(3))
    );
}

async fn a_caller_who_asks_for_usage_gets_the_usage_chunk(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("streamer", "ok", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let events = events_of(
        scene
            .call(&token, "/v1/chat/completions", streamed(Some(true)))
            .await,
    )
    .await;

    assert!(has_usage(&events), "{events:?}");
    assert_eq!(events.last().unwrap().1, "[DONE]");
    let rows = scene.rows(1).await;
    assert_eq!(
        (
            rows[0]["promptTokens"].as_i64(),
            rows[0]["completionTokens"].as_i64()
        ),
        (Some(9), Some(3))
    );
}

async fn a_stream_the_upstream_breaks_ends_with_an_error_event(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("breaking", "cutstream", 10, json!({})).await;
    let token = scene.token(json!({})).await;

    let events = events_of(scene.call(&token, "/v1/chat/completions", streamed(None)).await).await;

    let texts: Vec<String> = contents(&events).into_iter().map(|(_, text)| text).collect();
    assert_eq!(texts, ["one ", "two "]);
    let last: Value = serde_json::from_str(&events.last().unwrap().1).unwrap();
    assert_eq!(last["error"]["code"], "stream_interrupted", "{last}");
    assert!(events.iter().all(|(_, data)| data != "[DONE]"), "{events:?}");
    let rows = scene.settled_rows(1).await;
    assert_eq!(rows.len(), 1, "one row for the request: {rows:?}");
    assert_eq!(rows[0]["status"], "bad_response");
    assert!(
        rows[0]["error"]
            .as_str()
            .unwrap()
            .contains("closed in the middle"),
        "{}",
        rows[0]
    );
}

async fn a_stream_the_caller_leaves_counts_as_a_use(app: TestApp) {
    let scene = Scene::new(app).await;
    scene.route("metered", "ok", 10, json!({"monthlyQuota": 1})).await;
    scene.route("spare", "ok", 20, json!({})).await;
    let token = scene.token(json!({})).await;
    let mut response = scene.call(&token, "/v1/chat/completions", streamed(None)).await;
    assert_eq!(response.headers()["x-switchyard-credential"], "metered");
    assert!(response.chunk().await.unwrap().is_some());
    // A change meanwhile: the gateway reloads its routing data under the open stream.
    scene.token(json!({"name": "unrelated"})).await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    drop(response);

    let rows = scene.rows(1).await;
    assert_eq!(rows[0]["status"], "ok");
    assert!(
        rows[0]["error"].as_str().unwrap().contains("caller closed"),
        "{}",
        rows[0]
    );
    let next = scene.chat(&token).await;
    assert_eq!(
        next.headers()["x-switchyard-credential"],
        "spare",
        "the month's one use is spent"
    );
}
