//! The gateway workload: a fast fake provider on 127.0.0.1, then open-loop fixed rates of
//! plain and streamed chat, sent straight to the provider and through Switchyard in the
//! same run. Prints both latencies and their difference (what the gateway adds), errors,
//! the server's CPU time per request (from /proc: steadier than latency on a shared
//! machine) and its RSS.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::harness::{cpu_seconds, rss_mb};
use crate::load::{fixed_rate, Figures};
use crate::Result;

const KEY: &str = "sk-bench-upstream-key-000000000000";
/// How long each rate runs.
const PHASE: Duration = Duration::from_secs(6);

pub async fn gateway_figures(
    client: &reqwest::Client,
    base: &str,
    cookie: &str,
    server_pid: u32,
) -> Result<()> {
    let upstream = crate::upstream::start().await?;
    let token = arrange(client, base, cookie, &upstream).await?;
    let through = format!("{base}/v1/chat/completions");
    let direct = format!("{upstream}/chat/completions");
    let body = |stream: bool| {
        json!({"model": "bench-chat", "stream": stream,
            "messages": [{"role": "user", "content": "Say hello in five words."}]})
    };
    // Warm both paths (connections, the routing table).
    for _ in 0..200 {
        let _ = send(client, &through, Some(&token), &body(false))
            .send()
            .await?
            .bytes()
            .await?;
    }
    for (label, stream) in [("chat", false), ("stream", true)] {
        for rate in [500, 1_000] {
            let request = body(stream);
            let straight = fixed_rate(rate, PHASE, || send(client, &direct, None, &request)).await?;
            let cpu_before = cpu_seconds(server_pid)?;
            let proxied = fixed_rate(rate, PHASE, || send(client, &through, Some(&token), &request)).await?;
            let cpu = cpu_seconds(server_pid)? - cpu_before;
            report(label, rate, &straight, &proxied, cpu, rss_mb(server_pid)?);
        }
    }
    Ok(())
}

fn send(client: &reqwest::Client, url: &str, token: Option<&str>, body: &Value) -> reqwest::RequestBuilder {
    let request = client.post(url).json(body);
    match token {
        Some(token) => request.bearer_auth(token),
        None => request.bearer_auth(KEY),
    }
}

fn report(label: &str, rate: u64, direct: &Figures, through: &Figures, cpu: f64, rss: f64) {
    let served = through.count().max(1) as f64;
    println!(
        "gateway {label} at {rate}/s: direct p50 {:.2} ms p99 {:.2} ms | through p50 {:.2} ms p99 {:.2} ms | \
         added p50 {:.2} ms p99 {:.2} ms | errors {} direct, {} through | server CPU {:.3} ms/request | RSS {:.1} MB",
        direct.p50(),
        direct.p99(),
        through.p50(),
        through.p99(),
        through.p50() - direct.p50(),
        through.p99() - direct.p99(),
        direct.errors(),
        through.errors(),
        cpu * 1000.0 / served,
        rss
    );
}

/// A provider at the fake, its model, a credential and a gateway token.
async fn arrange(client: &reqwest::Client, base: &str, cookie: &str, upstream: &str) -> Result<String> {
    let call = |method: Method, path: &str, body: Value| {
        client
            .request(method, format!("{base}{path}"))
            .header("cookie", cookie)
            .json(&body)
    };
    let provider: Value = call(
        Method::POST,
        "/api/admin/providers",
        json!({"identifier": "bench-up", "name": "Bench upstream", "templateId": "openai-compatible", "baseUrl": upstream}),
    )
    .send()
    .await?
    .error_for_status()?
    .json()
    .await?;
    let id = provider["id"].as_str().ok_or("no provider id")?;
    call(
        Method::POST,
        &format!("/api/admin/providers/{id}/models"),
        json!({"modelId": "bench-chat"}),
    )
    .send()
    .await?
    .error_for_status()?;
    call(
        Method::POST,
        "/api/admin/credentials",
        json!({"name": "bench key", "provider": "bench-up", "fields": {"api_key": KEY}}),
    )
    .send()
    .await?
    .error_for_status()?;
    let token: Value = call(Method::POST, "/api/tokens", json!({"name": "bench gateway"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(token["token"].as_str().ok_or("no token")?.to_owned())
}
