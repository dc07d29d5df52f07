//! The basics: health probes, the overview page, and probes while passwords are hashed.

use std::time::{Duration, Instant};

use crate::harness::sign_in;
use crate::load::{load, Figures};
use crate::Result;

/// Health probes, the overview page, and probes while passwords are hashed.
pub async fn basic_figures(client: &reqwest::Client, base: &str, cookie: &str) -> Result<()> {
    let live = load(
        client,
        format!("{base}/health/live"),
        None,
        50,
        Duration::from_secs(5),
    )
    .await?;
    live.print("/health/live, 50 concurrent");
    let page = load(
        client,
        format!("{base}/"),
        Some(cookie.to_owned()),
        50,
        Duration::from_secs(5),
    )
    .await?;
    page.print("overview page (signed in), 50 concurrent");
    let during = live_during_sign_ins(client, base).await?;
    during.print("/health/live while 20 sign-ins/s hash passwords");
    Ok(())
}

async fn live_during_sign_ins(client: &reqwest::Client, base: &str) -> Result<Figures> {
    let duration = Duration::from_secs(5);
    let started = Instant::now();
    let signer = {
        let (client, base) = (client.clone(), base.to_owned());
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(Duration::from_millis(50));
            let mut pending = Vec::new();
            while started.elapsed() < duration {
                ticker.tick().await;
                let (client, base) = (client.clone(), base.clone());
                pending.push(tokio::spawn(async move { sign_in(&client, &base).await.is_ok() }));
            }
            let mut ok = 0;
            for p in pending {
                ok += usize::from(p.await.unwrap_or(false));
            }
            ok
        })
    };
    let figures = load(client, format!("{base}/health/live"), None, 4, duration).await?;
    let sign_ins = signer.await?;
    println!(
        "sign-ins completed during the run: {sign_ins} ({:.1}/s)",
        sign_ins as f64 / duration.as_secs_f64()
    );
    Ok(figures)
}
