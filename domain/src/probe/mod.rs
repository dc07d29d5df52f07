//! Probes: one request a provider's template describes, sent with a credential's
//! fields, and every way it can end classified. The model sync uses the same request.

mod exchange;
mod models;
mod outcome;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use chrono::Utc;
use secrecy::{ExposeSecret, SecretString};

use crate::egress::Egress;
use crate::error::{DomainError, DomainResult};
use crate::templates::TemplateDefinition;
use exchange::Exchange;
pub(crate) use exchange::{host_and_port, transport_failure};
pub use models::parse_model_ids;
pub use outcome::{classify_status, provider_message, retry_after_secs, Outcome, ProbeReport};

/// The largest answer we read; model lists are kilobytes, not megabytes.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

/// What a probe is sent to, and with what.
pub struct ProbeTarget<'a> {
    /// The provider's base URL, or the credential's endpoint override.
    pub base_url: &'a str,
    /// Whether `base_url` is the provider's own: the template's extra headers (which an
    /// admin may have filled with a secret of theirs) go to the provider only.
    pub own_base_url: bool,
    pub definition: &'a TemplateDefinition,
    pub fields: &'a HashMap<String, SecretString>,
}

impl ProbeTarget<'_> {
    fn secrets(&self) -> Vec<&str> {
        self.fields.values().map(|v| v.expose_secret()).collect()
    }
}

#[derive(Clone)]
pub struct Prober {
    client: reqwest::Client,
    egress: Egress,
    timeout: Duration,
}

impl Prober {
    /// A prober whose every request goes through `egress` (no redirects: a key must not
    /// follow one to another host; a redirect is reported instead).
    ///
    /// # Errors
    /// `Internal` when the HTTP client cannot be built.
    pub fn new(timeout: Duration, egress: Egress) -> DomainResult<Self> {
        let client = egress
            .client(reqwest::Client::builder())
            .map_err(DomainError::internal)?;
        Ok(Self {
            client,
            egress,
            timeout,
        })
    }

    /// The policy every probe goes through, for checking destinations before they are saved.
    pub fn egress(&self) -> &Egress {
        &self.egress
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// Sends the template's test request (else its model-list request) and classifies
    /// the result; counts the models when the answer is the model list.
    pub async fn test(&self, target: &ProbeTarget<'_>) -> ProbeReport {
        let started = Instant::now();
        let report = |outcome, http_status, model_count, message: String, retry_after_secs| ProbeReport {
            outcome,
            http_status,
            latency_ms: u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX),
            model_count,
            message,
            retry_after_secs,
            tested_at: Utc::now(),
        };
        let definition = target.definition;
        let models = definition.models_request.as_ref();
        let (method, path) = match (&definition.test_request, models) {
            (Some(test), _) => (test.method.as_str(), test.path.as_str()),
            (None, Some(models)) => ("GET", models.path.as_str()),
            (None, None) => {
                let message = "this provider's template has no test request".to_owned();
                return report(Outcome::BadResponse, None, None, message, None);
            }
        };
        let answer = match self.send(target, method, path).await {
            Ok(answer) => answer,
            Err((outcome, message)) => return report(outcome, None, None, message, None),
        };
        let status = Some(answer.status);
        if !(200..300).contains(&answer.status) {
            let says = provider_message(&answer.body, &target.secrets());
            let (outcome, message) = classify_status(answer.status, answer.retry_after_secs, says.as_deref());
            return report(outcome, status, None, message, answer.retry_after_secs);
        }
        let lists_models = models.filter(|m| m.path == path);
        let counted = match lists_models {
            Some(spec) => {
                parse_model_ids(&answer.body, &spec.items_pointer, &spec.id_field).map(|ids| Some(ids.len()))
            }
            None => models::check_json(&answer.body).map(|()| None),
        };
        match counted {
            Ok(Some(count)) => {
                let message = format!(
                    "ok — the key sees {count} model{}",
                    if count == 1 { "" } else { "s" }
                );
                report(Outcome::Ok, status, u32::try_from(count).ok(), message, None)
            }
            Ok(None) => report(Outcome::Ok, status, None, "ok".into(), None),
            Err(message) => report(Outcome::BadResponse, status, None, message, None),
        }
    }

    /// The model ids the provider lists for these fields (used once, never stored).
    ///
    /// # Errors
    /// `Validation` (`fields.<name>`) for a missing required field or a template without
    /// a model-list request; `Upstream` with the probe's sentence for every failure.
    pub async fn fetch_models(&self, target: &ProbeTarget<'_>) -> DomainResult<Vec<String>> {
        let spec = target.definition.models_request.as_ref().ok_or_else(|| {
            DomainError::validation("template_id", "this template has no model-list request")
        })?;
        for field in target.definition.fields.iter().filter(|f| f.required) {
            if target
                .fields
                .get(&field.name)
                .is_none_or(|v| v.expose_secret().trim().is_empty())
            {
                return Err(DomainError::validation(
                    &format!("fields.{}", field.name),
                    format!("enter the {}", field.label),
                ));
            }
        }
        let answer = self
            .send(target, "GET", &spec.path)
            .await
            .map_err(|(_, message)| DomainError::Upstream(message))?;
        if !(200..300).contains(&answer.status) {
            let says = provider_message(&answer.body, &target.secrets());
            let (_, message) = classify_status(answer.status, answer.retry_after_secs, says.as_deref());
            return Err(DomainError::Upstream(message));
        }
        parse_model_ids(&answer.body, &spec.items_pointer, &spec.id_field).map_err(DomainError::Upstream)
    }

    async fn send(
        &self,
        target: &ProbeTarget<'_>,
        method: &str,
        path: &str,
    ) -> Result<Exchange, (Outcome, String)> {
        Exchange::send(&self.client, &self.egress, self.timeout, target, method, path).await
    }
}
