//! "Test all" over 1,000 credentials against a fake provider that answers in 50 ms, and
//! the overview page's latency while it runs.

use std::time::{Duration, Instant};

use sea_orm::{ConnectionTrait, Database};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::load::load;
use crate::Result;

pub const CREDENTIALS: usize = 1_000;
const ANSWER_AFTER: Duration = Duration::from_millis(50);

/// An OpenAI-like model list after 50 ms, one request per connection.
async fn slow_provider() -> Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0_u8; 4096];
                let _ = socket.read(&mut request).await;
                tokio::time::sleep(ANSWER_AFTER).await;
                let body = r#"{"object":"list","data":[{"id":"bench-a"},{"id":"bench-b"}]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(answer.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Ok(base)
}

pub async fn test_all_figures(
    client: &reqwest::Client,
    base: &str,
    db_url: &str,
    cookie: &str,
) -> Result<()> {
    let upstream = slow_provider().await?;
    // Only this workload's credentials: the earlier ones hold placeholder ciphertexts.
    let db = Database::connect(db_url).await?;
    db.execute_unprepared("DELETE FROM credentials").await?;
    db.close().await?;
    let provider = json!({"identifier": "bench-slow", "name": "Bench slow", "templateId": "openai-compatible", "baseUrl": upstream});
    let created = client
        .post(format!("{base}/api/admin/providers"))
        .header("cookie", cookie)
        .json(&provider)
        .send()
        .await?;
    if !created.status().is_success() {
        return Err(format!("creating the provider: {}", created.text().await?).into());
    }
    for i in 0..CREDENTIALS {
        let body = json!({"name": format!("slow {i}"), "provider": "bench-slow", "fields": {"api_key": format!("sk-bench-{i:08}-0000")}});
        let answer = client
            .post(format!("{base}/api/admin/credentials"))
            .header("cookie", cookie)
            .json(&body)
            .send()
            .await?;
        if !answer.status().is_success() {
            return Err(format!("creating credential {i}: {}", answer.status()).into());
        }
    }
    let started = Instant::now();
    let job: serde_json::Value = client
        .post(format!("{base}/api/admin/credentials/test-all"))
        .header("cookie", cookie)
        .send()
        .await?
        .json()
        .await?;
    let job = job["jobId"].as_str().ok_or("no job id")?.to_owned();
    let pages = {
        let (client, url, cookie) = (client.clone(), format!("{base}/"), cookie.to_owned());
        tokio::spawn(async move { load(&client, url, Some(cookie), 4, Duration::from_secs(5)).await })
    };
    let run = loop {
        let run: serde_json::Value = client
            .get(format!("{base}/api/admin/credentials/test-all/{job}"))
            .header("cookie", cookie)
            .send()
            .await?
            .json()
            .await?;
        if run["finished"] == true {
            break run;
        }
        if started.elapsed() > Duration::from_secs(120) {
            return Err(format!("test all did not finish in 120 s: {run}").into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let elapsed = started.elapsed();
    println!(
        "test all of {} credentials (fake provider answering in 50 ms, default concurrency): {:.1} s; {} ok, {} failed",
        run["total"],
        elapsed.as_secs_f64(),
        run["ok"],
        run["failed"]
    );
    pages.await??.print("overview page during test all, 4 concurrent");
    Ok(())
}
