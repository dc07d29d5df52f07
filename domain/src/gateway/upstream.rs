//! One credential's way to its provider, prepared when the routing data is loaded (the
//! address, the key in its header or query, the template's headers), and one attempt
//! sent through it.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use chrono::Utc;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use secrecy::{ExposeSecret, SecretString};
use vocab::Outcome;

use super::inspect::Endpoint;
use crate::probe::{classify_status, host_and_port, retry_after_secs, transport_failure};
use crate::templates::{AuthScheme, TemplateDefinition, KEY_FIELD};

/// How the key travels.
enum Auth {
    Header(HeaderName, HeaderValue),
    Query(String),
    None,
}

impl Auth {
    /// # Errors
    /// Why the key cannot be sent this way (it holds characters a header cannot).
    fn of(scheme: &AuthScheme, fields: &HashMap<String, SecretString>) -> Result<Self, String> {
        let key = fields
            .get(KEY_FIELD)
            .map(|k| k.expose_secret().trim())
            .unwrap_or_default();
        let header = |name: &str, value: String| {
            let name = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("`{name}` is not a header name"))?;
            let mut value = HeaderValue::from_str(&value)
                .map_err(|_| "the key holds characters a header cannot carry".to_owned())?;
            value.set_sensitive(true);
            Ok(Auth::Header(name, value))
        };
        match scheme {
            AuthScheme::Bearer => header("authorization", format!("Bearer {key}")),
            AuthScheme::Header { name } => header(name, key.to_owned()),
            AuthScheme::Query { name } => Ok(Auth::Query(format!(
                "{}={}",
                crate::redaction::percent(name),
                crate::redaction::percent(key)
            ))),
            AuthScheme::None => Ok(Auth::None),
        }
    }
}

/// One endpoint of one credential, ready to send: parsed once, when the routing data
/// is loaded, so a request only clones it.
struct Target {
    url: reqwest::Url,
    headers: HeaderMap,
}

impl Target {
    /// # Errors
    /// Why the address does not parse (it never names the key).
    fn new(
        base: &str,
        endpoint: Endpoint,
        query: Option<&str>,
        auth: &Auth,
        extra: &HeaderMap,
    ) -> Result<Self, String> {
        let mut url = format!("{base}{}", endpoint.path());
        let key_in_query = match auth {
            Auth::Query(pair) => Some(pair.as_str()),
            _ => None,
        };
        let mut separator = '?';
        for part in [query, key_in_query].into_iter().flatten() {
            url.push(separator);
            url.push_str(part);
            separator = '&';
        }
        let url = reqwest::Url::parse(&url).map_err(|_| "its address is not a valid URL".to_owned())?;
        let mut headers = extra.clone();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Auth::Header(name, value) = auth {
            headers.insert(name.clone(), value.clone());
        }
        Ok(Self { url, headers })
    }
}

/// Where and how the gateway sends a credential's requests.
pub(super) struct Upstream {
    chat: Target,
    embeddings: Target,
    /// Anthropic's Messages API, when the template speaks it.
    messages: Option<Target>,
    /// `host:port`, for sentences.
    place: String,
}

impl Upstream {
    /// # Errors
    /// Why the gateway cannot use this credential (its template has no gateway section,
    /// or the key cannot travel as the template says).
    pub fn prepare(
        definition: &TemplateDefinition,
        destination: &str,
        own_base_url: bool,
        fields: &HashMap<String, SecretString>,
    ) -> Result<Self, String> {
        let Some(spec) = &definition.gateway else {
            return Err(
                "its provider's template does not say how to reach an OpenAI-compatible API".to_owned(),
            );
        };
        let native_base = destination.trim_end_matches('/');
        let prefix = definition.fill_placeholders(&spec.path_prefix, fields);
        let compatible_base = format!("{native_base}{}", prefix.trim_end_matches('/'));
        let query = spec
            .query
            .as_ref()
            .map(|q| definition.fill_placeholders(q, fields));
        let mut extra = HeaderMap::new();
        if own_base_url {
            for header in &definition.extra_headers {
                if let (Ok(name), Ok(value)) = (
                    HeaderName::from_bytes(header.name.as_bytes()),
                    HeaderValue::from_str(&header.value),
                ) {
                    extra.insert(name, value);
                }
            }
        }
        let compatible_auth = Auth::of(spec.auth.as_ref().unwrap_or(&definition.auth), fields)?;
        let compatible = |endpoint| {
            Target::new(
                &compatible_base,
                endpoint,
                query.as_deref(),
                &compatible_auth,
                &extra,
            )
        };
        let messages = match spec.messages {
            true => Some(Target::new(
                native_base,
                Endpoint::Messages,
                query.as_deref(),
                &Auth::of(&definition.auth, fields)?,
                &extra,
            )?),
            false => None,
        };
        Ok(Self {
            chat: compatible(Endpoint::Chat)?,
            embeddings: compatible(Endpoint::Embeddings)?,
            messages,
            place: host_and_port(native_base),
        })
    }

    fn target(&self, endpoint: Endpoint) -> Option<&Target> {
        match endpoint {
            Endpoint::Chat => Some(&self.chat),
            Endpoint::Embeddings => Some(&self.embeddings),
            Endpoint::Messages => self.messages.as_ref(),
        }
    }

    /// Whether this upstream serves `endpoint`.
    pub fn serves(&self, endpoint: Endpoint) -> bool {
        self.target(endpoint).is_some()
    }

    /// Sends one attempt and waits at most `timeout` for the answer's head.
    ///
    /// # Errors
    /// How it failed, in our own words (never the URL, which may hold the key).
    pub async fn send(
        &self,
        client: &reqwest::Client,
        endpoint: Endpoint,
        body: Bytes,
        timeout: Duration,
    ) -> Result<reqwest::Response, Failed> {
        let Some(target) = self.target(endpoint) else {
            return Err(Failed::broken("this provider does not serve this endpoint"));
        };
        let mut request = reqwest::Request::new(reqwest::Method::POST, target.url.clone());
        *request.headers_mut() = target.headers.clone();
        *request.body_mut() = Some(body.into());
        match tokio::time::timeout(timeout, client.execute(request)).await {
            Err(_) => Err(Failed::silent(timeout)),
            Ok(Err(err)) => {
                let (outcome, message) = transport_failure(&err, timeout, &self.place);
                Err(Failed {
                    outcome,
                    message,
                    http_status: None,
                    retry_after_secs: None,
                })
            }
            Ok(Ok(response)) => Ok(response),
        }
    }
}

/// Why an attempt failed over.
#[derive(Clone, Debug)]
pub(super) struct Failed {
    pub outcome: Outcome,
    pub message: String,
    pub http_status: Option<u16>,
    pub retry_after_secs: Option<u64>,
}

impl Failed {
    pub fn silent(timeout: Duration) -> Self {
        Self {
            outcome: Outcome::Timeout,
            message: format!("no answer within {} s", timeout.as_secs_f64().ceil()),
            http_status: None,
            retry_after_secs: None,
        }
    }

    pub fn broken(message: &str) -> Self {
        Self {
            outcome: Outcome::BadResponse,
            message: message.to_owned(),
            http_status: None,
            retry_after_secs: None,
        }
    }
}

/// What an answer's status means for the request.
pub(super) enum Verdict {
    Success,
    /// The key or the provider failed: the next credential may do better.
    FailOver,
    /// The request itself was refused: every credential would say the same.
    CallersProblem,
}

pub(super) fn verdict(status: u16) -> Verdict {
    match status {
        200..=299 => Verdict::Success,
        // 402: the account behind the key has no credit left (OpenRouter says so).
        401..=403 | 429 | 500..=599 | 300..=399 => Verdict::FailOver,
        _ => Verdict::CallersProblem,
    }
}

/// The retry wait an answer asks for.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| retry_after_secs(v, Utc::now()))
}

/// The failure of an answer that fails over, from its status and (redacted) message.
pub(super) fn failed_answer(
    status: u16,
    retry_after_secs: Option<u64>,
    provider_says: Option<&str>,
) -> Failed {
    let (outcome, message) = classify_status(status, retry_after_secs, provider_says);
    Failed {
        outcome,
        message,
        http_status: Some(status),
        retry_after_secs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::GatewaySpec;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, SecretString> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), SecretString::from((*v).to_owned())))
            .collect()
    }

    fn definition(auth: AuthScheme, spec: GatewaySpec) -> TemplateDefinition {
        TemplateDefinition {
            auth,
            extra_headers: vec![],
            fields: vec![crate::templates::FieldSpec {
                name: "deployment".into(),
                label: "Deployment".into(),
                help: None,
                secret: false,
                required: false,
                placeholder: None,
                pattern: None,
            }],
            test_request: None,
            models_request: None,
            gateway: Some(spec),
        }
    }

    #[test]
    fn azure_style_paths_and_queries_are_filled_and_query_keys_appended() {
        let d = definition(
            AuthScheme::Query { name: "key".into() },
            GatewaySpec {
                path_prefix: "/openai/deployments/{deployment}".into(),
                query: Some("api-version=2024-10-21".into()),
                ..GatewaySpec::default()
            },
        );
        let upstream = Upstream::prepare(
            &d,
            "https://example.test/",
            true,
            &fields(&[("api_key", "k 1"), ("deployment", "gpt4o")]),
        )
        .unwrap();
        assert_eq!(
            upstream.chat.url.as_str(),
            "https://example.test/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21&key=k%201"
        );
        assert!(!upstream.serves(Endpoint::Messages));
    }

    #[test]
    fn a_template_without_a_gateway_section_is_not_reachable() {
        let mut d = definition(AuthScheme::Bearer, GatewaySpec::default());
        d.gateway = None;
        assert!(Upstream::prepare(&d, "https://x.test", true, &fields(&[])).is_err());
    }

    #[test]
    fn only_key_and_provider_failures_fail_over() {
        for status in [401, 402, 403, 429, 500, 502, 503, 302] {
            assert!(matches!(verdict(status), Verdict::FailOver), "{status}");
        }
        for status in [400, 404, 413, 422] {
            assert!(matches!(verdict(status), Verdict::CallersProblem), "{status}");
        }
        assert!(matches!(verdict(200), Verdict::Success));
    }
}
