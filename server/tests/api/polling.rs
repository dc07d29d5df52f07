//! Waiting for what a server does in the background: one loop for every test.

use std::fmt::Debug;
use std::future::Future;
use std::time::{Duration, Instant};

/// Reads `read` every `every` until `done` holds for what it returned, and returns that;
/// fails the test naming `what` and the last reading when `within` passes first.
pub async fn until<T: Debug, F: Future<Output = T>>(
    what: &str,
    within: Duration,
    every: Duration,
    mut read: impl FnMut() -> F,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + within;
    loop {
        let reading = read().await;
        if done(&reading) {
            return reading;
        }
        assert!(
            Instant::now() < deadline,
            "timed out waiting until {what}: {reading:?}"
        );
        tokio::time::sleep(every).await;
    }
}

/// GETs `url` every 100 ms (each answer must be 200) until `done` holds for its JSON body.
pub async fn json_until(
    client: &reqwest::Client,
    url: &str,
    what: &str,
    within: Duration,
    done: impl Fn(&serde_json::Value) -> bool,
) -> serde_json::Value {
    let read = || async {
        let (status, body) =
            crate::helpers::json_of(client, reqwest::Method::GET, url.to_owned(), None).await;
        assert_eq!(status, reqwest::StatusCode::OK, "{body}");
        body
    };
    until(what, within, Duration::from_millis(100), read, done).await
}
