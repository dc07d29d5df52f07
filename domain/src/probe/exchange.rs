//! Sending one template request and reading its answer within a size and time bound.

use std::time::Duration;

use chrono::Utc;
use reqwest::header::RETRY_AFTER;
use secrecy::ExposeSecret;

use super::outcome::{retry_after_secs, Outcome};
use super::{ProbeTarget, MAX_BODY_BYTES};
use crate::egress::{refused_by_policy, Egress};
use crate::templates::{AuthScheme, KEY_FIELD};

/// Error answers are read only this far: enough for the provider's message.
const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

pub struct Exchange {
    pub status: u16,
    pub retry_after_secs: Option<u64>,
    pub body: Vec<u8>,
}

impl Exchange {
    /// # Errors
    /// The outcome and sentence when no whole answer arrived. Built from our own words
    /// only: transport errors can quote the URL, which may carry the key.
    pub async fn send(
        client: &reqwest::Client,
        egress: &Egress,
        timeout: Duration,
        target: &ProbeTarget<'_>,
        method: &str,
        path: &str,
    ) -> Result<Self, (Outcome, String)> {
        let base = target.base_url.trim_end_matches('/');
        let place = host_and_port(base);
        let url = format!(
            "{base}{}",
            target.definition.fill_placeholders(path, target.fields)
        );
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut request = egress
            .request(client, method, &url)
            .map_err(|refused| (Outcome::ConnectFailed, refused.to_string()))?
            .timeout(timeout);
        let key = target
            .fields
            .get(KEY_FIELD)
            .map(|k| k.expose_secret())
            .unwrap_or_default();
        request = match &target.definition.auth {
            AuthScheme::Bearer => request.bearer_auth(key),
            AuthScheme::Header { name } => request.header(name.as_str(), key),
            AuthScheme::Query { name } => request.query(&[(name.as_str(), key)]),
            AuthScheme::None => request,
        };
        if target.own_base_url {
            for header in &target.definition.extra_headers {
                request = request.header(header.name.as_str(), header.value.as_str());
            }
        }
        let mut response = request
            .send()
            .await
            .map_err(|err| transport_failure(&err, timeout, &place))?;
        let status = response.status().as_u16();
        let retry_after_secs = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after_secs(v, Utc::now()));
        let success = (200..300).contains(&status);
        let mut body = Vec::new();
        loop {
            let chunk = match response.chunk().await {
                Ok(Some(chunk)) => chunk,
                Ok(None) => break,
                Err(err) => return Err(transport_failure(&err, timeout, &place)),
            };
            if body.len() + chunk.len() > MAX_BODY_BYTES && success {
                let message = format!(
                    "the answer is larger than {} MB — is the path right?",
                    MAX_BODY_BYTES / (1024 * 1024)
                );
                return Err((Outcome::BadResponse, message));
            }
            if body.len() + chunk.len() > MAX_ERROR_BODY_BYTES && !success {
                break;
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Self {
            status,
            retry_after_secs,
            body,
        })
    }
}

/// `host:port` of a base URL, for messages (never the path or query).
pub(crate) fn host_and_port(base: &str) -> String {
    match reqwest::Url::parse(base) {
        Ok(url) => format!(
            "{}:{}",
            url.host_str().unwrap_or("?"),
            url.port_or_known_default().unwrap_or(0)
        ),
        Err(_) => "the base URL (it is not a valid URL)".to_owned(),
    }
}

/// The outcome and our own sentence for a request that got no answer.
pub(crate) fn transport_failure(err: &reqwest::Error, timeout: Duration, place: &str) -> (Outcome, String) {
    if let Some(refused) = refused_by_policy(err) {
        return (Outcome::ConnectFailed, refused);
    }
    if err.is_timeout() {
        return (
            Outcome::Timeout,
            format!("no answer within {} s", timeout.as_secs()),
        );
    }
    if err.is_builder() {
        return (
            Outcome::ConnectFailed,
            format!("cannot send a request to {place}"),
        );
    }
    // The cause chain names what happened (DNS, refused, TLS); it is read, never shown.
    let mut causes = String::new();
    let mut source: Option<&dyn std::error::Error> = Some(err);
    let mut refused = false;
    while let Some(cause) = source {
        refused |= cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
        causes.push_str(&cause.to_string().to_ascii_lowercase());
        causes.push(' ');
        source = cause.source();
    }
    let host = place.rsplit_once(':').map_or(place, |(host, _)| host);
    if err.is_connect() {
        let message = if refused || causes.contains("connection refused") {
            format!("connection refused at {place}")
        } else if causes.contains("dns") || causes.contains("lookup") || causes.contains("resolve") {
            format!("the name {host} could not be resolved")
        } else if causes.contains("certificate") || causes.contains("tls") || causes.contains("handshake") {
            format!("the TLS handshake with {place} failed")
        } else {
            format!("could not connect to {place}")
        };
        return (Outcome::ConnectFailed, message);
    }
    if err.is_body() || err.is_decode() || causes.contains("closed") || causes.contains("incomplete") {
        return (
            Outcome::BadResponse,
            "the connection closed in the middle of the answer".to_owned(),
        );
    }
    (
        Outcome::ConnectFailed,
        format!("the connection to {place} failed"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_name_host_and_port_only() {
        assert_eq!(
            host_and_port("https://api.example.com/v1?key=secret"),
            "api.example.com:443"
        );
        assert_eq!(host_and_port("http://127.0.0.1:9/x"), "127.0.0.1:9");
        assert!(host_and_port("not a url").contains("not a valid URL"));
    }

    #[test]
    fn query_values_are_percent_encoded() {
        assert_eq!(
            crate::redaction::percent("2024-02-01 preview&x"),
            "2024-02-01%20preview%26x"
        );
    }
}
