//! Load generators: closed loops (connections back to back, or users who pause) and an
//! open loop at a fixed rate; each gathers latencies into sorted figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Mutex;

use crate::Result;

pub struct Figures {
    latencies: Vec<Duration>,
    errors: usize,
    elapsed: Duration,
}

impl Figures {
    fn percentile(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index].as_secs_f64() * 1000.0
    }

    pub fn p50(&self) -> f64 {
        self.percentile(0.50)
    }

    pub fn p99(&self) -> f64 {
        self.percentile(0.99)
    }

    pub fn count(&self) -> usize {
        self.latencies.len()
    }

    pub fn errors(&self) -> usize {
        self.errors
    }

    pub fn print(&self, label: &str) {
        println!(
            "{label}: {} requests, {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms, errors {}",
            self.latencies.len(),
            self.latencies.len() as f64 / self.elapsed.as_secs_f64(),
            self.percentile(0.50),
            self.percentile(0.99),
            self.errors
        );
    }
}

/// `concurrency` loops, each sending one request after another, for `duration`.
pub async fn load(
    client: &reqwest::Client,
    url: String,
    cookie: Option<String>,
    concurrency: usize,
    duration: Duration,
) -> Result<Figures> {
    users(client, url, cookie, concurrency, duration, Duration::ZERO).await
}

/// `concurrency` users, each sending a request, reading the answer, then pausing about
/// `think` (from half to one and a half times it, spread over the users so they do not
/// move in step) before the next, for `duration`.
pub async fn users(
    client: &reqwest::Client,
    url: String,
    cookie: Option<String>,
    concurrency: usize,
    duration: Duration,
    think: Duration,
) -> Result<Figures> {
    let results: Results = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for user in 0..concurrency {
        let (client, url, cookie, results) = (client.clone(), url.clone(), cookie.clone(), results.clone());
        let pause = think.mul_f64(0.5 + (user % 10) as f64 / 10.0);
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            let mut errors = 0;
            // Users arrive spread over their first pause, not all at once.
            tokio::time::sleep(pause.mul_f64((user % 7) as f64 / 7.0)).await;
            while started.elapsed() < duration {
                let sent = Instant::now();
                let mut request = client.get(&url);
                if let Some(cookie) = &cookie {
                    request = request.header("cookie", cookie);
                }
                match request.send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        mine.push(sent.elapsed());
                    }
                    _ => errors += 1,
                }
                if !pause.is_zero() {
                    tokio::time::sleep(pause).await;
                }
            }
            let mut all = results.lock().await;
            all.0.extend(mine);
            all.1 += errors;
        }));
    }
    gather(tasks, &results, started).await
}

/// Latencies of successful requests and a count of failed ones, shared by the load tasks.
type Results = Arc<Mutex<(Vec<Duration>, usize)>>;

/// Waits for every task and turns what they recorded into sorted figures.
async fn gather(
    tasks: Vec<tokio::task::JoinHandle<()>>,
    results: &Results,
    started: Instant,
) -> Result<Figures> {
    for task in tasks {
        task.await?;
    }
    let elapsed = started.elapsed();
    let (mut latencies, errors) = std::mem::take(&mut *results.lock().await);
    latencies.sort();
    Ok(Figures {
        latencies,
        errors,
        elapsed,
    })
}

/// One request every `1/rate` s for `duration`, each on its own task: an open loop, so a
/// slow answer does not slow the arrivals down (no coordinated omission).
pub async fn fixed_rate(
    rate: u64,
    duration: Duration,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Figures> {
    let results: Results = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::new();
    while started.elapsed() < duration {
        ticker.tick().await;
        let (request, results) = (request(), results.clone());
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match request.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            };
            let mut all = results.lock().await;
            if ok {
                all.0.push(sent.elapsed());
            } else {
                all.1 += 1;
            }
        }));
    }
    gather(tasks, &results, started).await
}
