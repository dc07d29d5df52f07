//! A webhook receiver on 127.0.0.1: records what it is sent and answers from a plan
//! (a status, or a long silence), 200 once the plan runs out.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::Value;

#[derive(Clone, Copy)]
pub enum Answer {
    Status(u16),
    /// Says nothing for this long, then 200.
    Silence(Duration),
}

#[derive(Clone, Debug)]
pub struct Received {
    pub headers: HeaderMap,
    pub raw: String,
    pub body: Value,
}

#[derive(Clone, Default)]
struct Shared {
    plan: Arc<Mutex<VecDeque<Answer>>>,
    received: Arc<Mutex<Vec<Received>>>,
}

pub struct Receiver {
    pub url: String,
    shared: Shared,
}

impl Receiver {
    pub async fn start(plan: &[Answer]) -> Self {
        let shared = Shared::default();
        shared.plan.lock().unwrap().extend(plan.iter().copied());
        let app = axum::Router::new()
            .route(
                "/hook",
                post(
                    |State(shared): State<Shared>, headers: HeaderMap, body: Bytes| async move {
                        let raw = String::from_utf8_lossy(&body).into_owned();
                        let body = serde_json::from_str(&raw).unwrap_or(Value::Null);
                        shared
                            .received
                            .lock()
                            .unwrap()
                            .push(Received { headers, raw, body });
                        let answer = shared.plan.lock().unwrap().pop_front();
                        match answer {
                            Some(Answer::Status(code)) => StatusCode::from_u16(code).unwrap(),
                            Some(Answer::Silence(wait)) => {
                                tokio::time::sleep(wait).await;
                                StatusCode::OK
                            }
                            None => StatusCode::OK,
                        }
                    },
                ),
            )
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });
        Self { url, shared }
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.received.lock().unwrap().clone()
    }

    /// Waits (at most `limit`) until `done` holds for what arrived, and returns it.
    pub async fn wait_for(
        &self,
        limit: Duration,
        what: &str,
        done: impl Fn(&[Received]) -> bool,
    ) -> Vec<Received> {
        let deadline = Instant::now() + limit;
        loop {
            let received = self.received();
            if done(&received) {
                return received;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}; received {:?}",
                received.iter().map(|r| &r.body).collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// The event names received, in order.
pub fn events(received: &[Received]) -> Vec<String> {
    received
        .iter()
        .map(|r| r.body["event"].as_str().unwrap_or("?").to_owned())
        .collect()
}
