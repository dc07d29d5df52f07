//! Sending one request through: pick the candidates, try them in order within the
//! attempt count and the deadline, and answer with the first that serves — or say, per
//! credential, why none did.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use chrono::{Datelike, TimeZone, Utc};
use reqwest::header::CONTENT_TYPE;

use super::attempt::Attempt;
use super::caller::{authenticate, GatewayCaller};
use super::inspect::{Endpoint, Inspected, Tokens};
use super::route::plan;
use super::stream::{relay, ByteStream};
use super::table::Route;
use super::upstream::{failed_answer, retry_after, verdict, Failed, Upstream, Verdict};
use super::Gateway;
use crate::error::{DomainError, DomainResult};
use crate::limits::{token_key, PerMinute};
use crate::probe::{classify_status, Outcome};
use crate::routing::Exclusion;

/// The most of a successful answer read whole (streams are not read whole).
const MAX_ANSWER_BYTES: usize = 64 * 1024 * 1024;
/// The most of an error answer read.
const MAX_ERROR_BYTES: usize = 256 * 1024;

pub enum ReplyBody {
    Full(Bytes),
    Stream(ByteStream),
}

/// The answer of the credential that served.
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: ReplyBody,
    /// The name of the credential that served.
    pub credential: String,
    pub attempts: u32,
}

/// Why nothing served, and how many attempts were sent.
#[derive(Debug)]
pub struct Failure {
    pub error: DomainError,
    pub attempts: u32,
}

impl From<DomainError> for Failure {
    fn from(error: DomainError) -> Self {
        Self { error, attempts: 0 }
    }
}

impl Gateway {
    /// The caller behind a raw API token, from memory.
    ///
    /// # Errors
    /// `Unauthorized` saying why; `Denied` for a token without the `gateway` scope.
    pub async fn authenticate(&self, raw: &str) -> DomainResult<GatewayCaller> {
        authenticate(&*self.table().await, raw)
    }

    /// Sends `body` to `endpoint` through the best credential that answers.
    ///
    /// # Errors
    /// `Validation` for a body without a model; `Denied` outside the token's
    /// allow-lists; `Exhausted` (429) when everything is at its limit; `Upstream` (503)
    /// when every credential failed, naming each and why.
    pub async fn forward(
        &self,
        caller: &GatewayCaller,
        endpoint: Endpoint,
        body: Bytes,
        request_id: &str,
    ) -> Result<Reply, Failure> {
        let table = self.table().await;
        let request = Inspected::parse(endpoint, body)?;
        self.admit_token(caller).await?;
        let now = Utc::now();
        let plan = plan(&table, caller, &request.model, endpoint, now)?;
        let settings = self.0.settings;
        let deadline = Instant::now() + settings.deadline;
        let mut attempts = 0;
        let mut reasons = Vec::new();
        let mut waits = Vec::new();
        for (route, exclusion) in &plan.excluded {
            match exclusion {
                Exclusion::RateLimited { retry_after_secs, .. } => waits.push(*retry_after_secs),
                Exclusion::QuotaReached { .. } => waits.push(until_next_month(now)),
                _ => {}
            }
            reasons.push(format!("{}: {exclusion}", route.name));
        }
        for route in &plan.candidates {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if attempts >= settings.max_attempts || remaining.is_zero() {
                break;
            }
            let Ok(upstream) = &route.upstream else { continue };
            if let Some((limit, per_minute)) = route.rate_limit {
                if let Err(wait) = self.0.limiter.acquire(&route.limit_key, limit).await? {
                    let secs = wait.as_secs() + 1;
                    waits.push(secs);
                    reasons.push(format!(
                        "{}: rate limit reached ({per_minute} requests a minute); free again in {secs} s",
                        route.name
                    ));
                    continue;
                }
            }
            attempts += 1;
            let body = request.body_for(endpoint, &plan.upstream_model)?;
            let attempt = Attempt::new(
                self,
                route.clone(),
                caller,
                request_id,
                endpoint,
                &plan.upstream_model,
            );
            let timeout = settings.first_byte_timeout.min(remaining);
            match self
                .try_once(upstream, attempt, &request, endpoint, body, timeout)
                .await
            {
                Ok(mut reply) => {
                    reply.attempts = attempts;
                    return Ok(reply);
                }
                Err(failed) => {
                    // A provider's 429 is a wait too: the request may be retried later.
                    if failed.outcome == Outcome::RateLimited {
                        waits.push(failed.retry_after_secs.unwrap_or(1).max(1));
                    }
                    reasons.push(format!("{}: {}", route.name, failed.message));
                }
            }
        }
        Err(Failure {
            error: nothing_served(&request.model, attempts, &reasons, &waits),
            attempts,
        })
    }

    /// A token's own rate limit.
    async fn admit_token(&self, caller: &GatewayCaller) -> DomainResult<()> {
        let (Some(token), Some(limit)) = (caller.token_id(), caller.restrictions().rate_limit_per_minute)
        else {
            return Ok(());
        };
        let Some(per_minute) = PerMinute::new(limit) else {
            return Ok(());
        };
        match self.0.limiter.acquire(&token_key(token), per_minute).await? {
            Ok(()) => Ok(()),
            Err(wait) => {
                let secs = wait.as_secs() + 1;
                Err(DomainError::Exhausted {
                    message: format!(
                        "this API token's rate limit ({limit} requests a minute) is reached; try again in {secs} s"
                    ),
                    retry_after_secs: secs,
                })
            }
        }
    }

    /// One attempt: the answer when it serves (or is the caller's own problem), else why
    /// it failed over. The attempt is written either way.
    async fn try_once(
        &self,
        upstream: &Upstream,
        mut attempt: Attempt,
        request: &Inspected,
        endpoint: Endpoint,
        body: Bytes,
        timeout: Duration,
    ) -> Result<Reply, Failed> {
        let response = match upstream.send(&self.0.client, endpoint, body, timeout).await {
            Ok(response) => response,
            Err(failed) => {
                attempt.failed(&failed);
                return Err(failed);
            }
        };
        attempt.first_byte();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let route = attempt.route.clone();
        let reply = |body| Reply {
            status,
            content_type: content_type.clone(),
            body,
            credential: route.name.clone(),
            attempts: 0,
        };
        let idle = self.0.settings.first_byte_timeout;
        // An upstream that ignores `stream: true` answers with one JSON body.
        let streamed = request.stream
            && content_type
                .as_deref()
                .is_some_and(|t| t.starts_with("text/event-stream"));
        match verdict(status) {
            Verdict::Success if streamed => {
                let drop_usage = request.usage_added(endpoint);
                Ok(reply(ReplyBody::Stream(relay(
                    response, attempt, endpoint, drop_usage, idle,
                ))))
            }
            Verdict::Success => {
                let body = match read(response, MAX_ANSWER_BYTES, idle).await {
                    Ok(body) => body,
                    Err(failed) => {
                        attempt.failed(&failed);
                        return Err(failed);
                    }
                };
                let mut tokens = Tokens::default();
                tokens.absorb(&body);
                attempt.succeeded(status, tokens);
                Ok(reply(ReplyBody::Full(scrubbed(&route, body))))
            }
            Verdict::FailOver => {
                let retry = retry_after(response.headers());
                let body = read(response, MAX_ERROR_BYTES, idle).await.unwrap_or_default();
                let failed = failed_answer(status, retry, route.provider_says(&body).as_deref());
                attempt.failed(&failed);
                Err(failed)
            }
            Verdict::CallersProblem => {
                let body = read(response, MAX_ERROR_BYTES, idle).await.unwrap_or_default();
                let says = route.provider_says(&body);
                let (outcome, message) = classify_status(status, None, says.as_deref());
                if outcome == Outcome::AuthRejected {
                    // Gemini answers a bad key with 400.
                    let failed = failed_answer(status, None, says.as_deref());
                    attempt.failed(&failed);
                    return Err(failed);
                }
                attempt.refused(status, message);
                let text = String::from_utf8_lossy(&body);
                Ok(reply(ReplyBody::Full(Bytes::from(route.redact(&text)))))
            }
        }
    }
}

/// A successful answer as the caller gets it: untouched, unless it holds a key.
fn scrubbed(route: &Route, body: Bytes) -> Bytes {
    if route.holds_secret(&body) {
        Bytes::from(route.redact(&String::from_utf8_lossy(&body)))
    } else {
        body
    }
}

/// Reads a whole answer, at most `max` bytes, with at most `idle` between two chunks.
async fn read(mut response: reqwest::Response, max: usize, idle: Duration) -> Result<Bytes, Failed> {
    let mut body = BytesMut::new();
    loop {
        match tokio::time::timeout(idle, response.chunk()).await {
            Err(_) => return Err(Failed::silent(idle)),
            Ok(Err(_)) => {
                return Err(Failed::broken(
                    "the connection closed in the middle of the answer",
                ))
            }
            Ok(Ok(None)) => return Ok(body.freeze()),
            Ok(Ok(Some(chunk))) => {
                if body.len() + chunk.len() > max {
                    return Err(Failed::broken(&format!(
                        "the answer is larger than {} MB",
                        max / (1024 * 1024)
                    )));
                }
                body.extend_from_slice(&chunk);
            }
        }
    }
}

/// The error when no credential served: 429 (with the shortest wait) when every reason is
/// a wait (a rate limit here or at the provider, the month's end); else 503 with the
/// reasons.
fn nothing_served(model: &str, attempts: u32, reasons: &[String], waits: &[u64]) -> DomainError {
    if reasons.is_empty() {
        return DomainError::Upstream(format!(
            "no credential you can use offers `{model}`; ask an admin to add one"
        ));
    }
    let listed = reasons.join("; ");
    match waits.iter().min() {
        Some(wait) if waits.len() == reasons.len() => DomainError::Exhausted {
            message: format!("every credential for `{model}` is at its limit: {listed}"),
            retry_after_secs: *wait,
        },
        _ if attempts == 0 => DomainError::Upstream(format!("no credential can serve `{model}`: {listed}")),
        _ => DomainError::Upstream(format!(
            "every credential failed ({attempts} attempt{}): {listed}",
            if attempts == 1 { "" } else { "s" }
        )),
    }
}

/// Seconds until the next calendar month (UTC), when monthly quotas start again.
fn until_next_month(now: chrono::DateTime<Utc>) -> u64 {
    let (year, month) = match now.month() {
        12 => (now.year() + 1, 1),
        m => (now.year(), m + 1),
    };
    Utc.with_ymd_and_hms(year, month, 1, 0, 0, 0)
        .single()
        .map_or(3600, |start| {
            u64::try_from((start - now).num_seconds()).unwrap_or(3600)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_waiting_gives_429_and_failures_give_503_with_every_reason() {
        let limited = nothing_served("m", 0, &["a: rate limit".into(), "b: quota".into()], &[20, 5]);
        assert!(matches!(
            limited,
            DomainError::Exhausted {
                retry_after_secs: 5,
                ..
            }
        ));
        let upstream_limits = nothing_served("m", 2, &["a: 429".into(), "b: 429".into()], &[7, 30]);
        assert!(matches!(
            upstream_limits,
            DomainError::Exhausted {
                retry_after_secs: 7,
                ..
            }
        ));
        let mixed = nothing_served("m", 0, &["a: rate limit".into(), "b: inactive".into()], &[20]);
        assert!(matches!(mixed, DomainError::Upstream(_)));
        let failed = nothing_served("m", 2, &["a: 500".into(), "b: refused".into()], &[]);
        let DomainError::Upstream(text) = failed else {
            panic!()
        };
        assert!(text.contains("a: 500") && text.contains("b: refused") && text.contains("2 attempts"));
        assert!(matches!(
            nothing_served("m", 0, &[], &[]),
            DomainError::Upstream(_)
        ));
    }

    #[test]
    fn the_month_ends_when_the_next_begins() {
        let now = Utc.with_ymd_and_hms(2026, 12, 31, 23, 0, 0).single().unwrap();
        assert_eq!(until_next_month(now), 3600);
    }
}
