//! What a probe found, in the API's words and in a sentence a person understands.

use chrono::{DateTime, Utc};

pub use vocab::Outcome;

/// One probe's result. Holds no secret: the message is our own words, plus the
/// provider's error text with every secret value cut out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeReport {
    pub outcome: Outcome,
    pub http_status: Option<u16>,
    pub latency_ms: u32,
    pub model_count: Option<u32>,
    pub message: String,
    pub retry_after_secs: Option<u64>,
    pub tested_at: DateTime<Utc>,
}

impl ProbeReport {
    pub fn ok(&self) -> bool {
        self.outcome == Outcome::Ok
    }

    /// A probe that was not sent, and why (a refused destination).
    pub fn not_sent(message: String) -> Self {
        Self {
            outcome: Outcome::ConnectFailed,
            http_status: None,
            latency_ms: 0,
            model_count: None,
            message,
            retry_after_secs: None,
            tested_at: Utc::now(),
        }
    }
}

/// The outcome and sentence for an answer that is not a success. `provider_says` is the
/// provider's own error message (already redacted), when its body had one.
pub fn classify_status(
    status: u16,
    retry_after_secs: Option<u64>,
    provider_says: Option<&str>,
) -> (Outcome, String) {
    let says = provider_says.map(|m| format!(": {m}")).unwrap_or_default();
    // Gemini answers a bad key with 400 INVALID_ARGUMENT rather than 401.
    let key_refused = provider_says.is_some_and(|m| {
        let m = m.to_ascii_lowercase();
        m.contains("api key not valid") || m.contains("api_key_invalid") || m.contains("invalid api key")
    });
    match status {
        401 => (
            Outcome::AuthRejected,
            format!("the provider rejected the key ({status}){says}"),
        ),
        400 if key_refused => (
            Outcome::AuthRejected,
            format!("the provider rejected the key ({status}){says}"),
        ),
        402 => (
            Outcome::Forbidden,
            format!("the account behind this key has no credit left ({status}){says}"),
        ),
        403 => (
            Outcome::Forbidden,
            format!("the key is not allowed to do this ({status}){says}"),
        ),
        404 | 405 | 410 => (
            Outcome::NotFound,
            format!("nothing answers at this address ({status}) — is the base URL right?"),
        ),
        429 => (
            Outcome::RateLimited,
            match retry_after_secs {
                Some(secs) => format!("rate limited ({status}), retry after {secs} s"),
                None => format!("rate limited ({status})"),
            },
        ),
        300..=399 => (
            Outcome::NotFound,
            format!(
                "the address redirects elsewhere ({status}) — use the address it points to as the base URL"
            ),
        ),
        500..=599 => (
            Outcome::UpstreamError,
            format!("the provider had an error ({status}){says}"),
        ),
        _ => (
            Outcome::BadResponse,
            format!("the provider refused the request ({status}){says}"),
        ),
    }
}

/// The error message in a provider's JSON error body (OpenAI, Anthropic and Gemini put
/// it at `error.message`; others at `message`, `error` or `detail`), shortened, with
/// every secret removed and control characters dropped.
pub fn provider_message(body: &[u8], secrets: &[&str]) -> Option<String> {
    let json: serde_json::Value = serde_json::from_slice(body).ok()?;
    let text = ["/error/message", "/message", "/error", "/detail"]
        .iter()
        .find_map(|pointer| json.pointer(pointer).and_then(serde_json::Value::as_str))?;
    let clean: String = crate::redaction::redact(text, secrets)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    if clean.is_empty() {
        return None;
    }
    const MAX: usize = 160;
    Some(match clean.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &clean[..cut]),
        None => clean.to_owned(),
    })
}

/// A `Retry-After` value in whole seconds: a number, or an HTTP date from now.
pub fn retry_after_secs(value: &str, now: DateTime<Utc>) -> Option<u64> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(secs);
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some(u64::try_from((at - now).num_seconds()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_classified_with_a_readable_sentence() {
        let cases: &[(u16, Option<u64>, Outcome, &str)] = &[
            (
                401,
                None,
                Outcome::AuthRejected,
                "the provider rejected the key (401)",
            ),
            (403, None, Outcome::Forbidden, "not allowed"),
            (404, None, Outcome::NotFound, "is the base URL right?"),
            (
                429,
                Some(20),
                Outcome::RateLimited,
                "rate limited (429), retry after 20 s",
            ),
            (429, None, Outcome::RateLimited, "rate limited (429)"),
            (
                500,
                None,
                Outcome::UpstreamError,
                "the provider had an error (500)",
            ),
            (503, None, Outcome::UpstreamError, "(503)"),
            (302, None, Outcome::NotFound, "redirects"),
            (418, None, Outcome::BadResponse, "(418)"),
        ];
        for (status, retry, outcome, words) in cases {
            let (got, message) = classify_status(*status, *retry, None);
            assert_eq!(got, *outcome, "{status}");
            assert!(message.contains(words), "{status}: {message}");
        }
    }

    #[test]
    fn geminis_bad_key_answer_is_an_auth_rejection() {
        let body = br#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"#;
        let says = provider_message(body, &[]);
        let (outcome, message) = classify_status(400, None, says.as_deref());
        assert_eq!(outcome, Outcome::AuthRejected);
        assert!(message.contains("API key not valid"), "{message}");
        assert_eq!(
            classify_status(400, None, Some("model is required")).0,
            Outcome::BadResponse
        );
    }

    #[test]
    fn provider_messages_never_carry_the_key() {
        let body = br#"{"error":{"message":"Incorrect API key provided: sk-live-abcdef123456.\nSee docs"}}"#;
        let says = provider_message(body, &["sk-live-abcdef123456"]).unwrap();
        assert_eq!(says, "Incorrect API key provided: [redacted]. See docs");
        assert_eq!(
            provider_message(br#"{"detail":"Not allowed"}"#, &[]).unwrap(),
            "Not allowed"
        );
        assert!(provider_message(b"<html>", &[]).is_none());
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(500));
        assert_eq!(
            provider_message(long.as_bytes(), &[]).unwrap().chars().count(),
            161
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let now = DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(retry_after_secs("20", now), Some(20));
        assert_eq!(retry_after_secs("Mon, 23 Nov 2026 10:01:00 GMT", now), Some(60));
        assert_eq!(retry_after_secs("soon", now), None);
    }

    #[test]
    fn outcome_names_round_trip() {
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(*outcome));
        }
    }
}
