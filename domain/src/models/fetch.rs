//! Fetching a provider's model list with a template's request and auth scheme.

use std::collections::HashMap;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use crate::templates::{AuthScheme, TemplateDefinition, KEY_FIELD};
use crate::{DomainError, DomainResult};

/// The largest model list we read; providers list hundreds of models, not megabytes.
pub const MAX_BODY_BYTES: usize = 5 * 1024 * 1024;

#[derive(Clone)]
pub struct ModelFetcher {
    client: reqwest::Client,
    timeout: Duration,
}

impl ModelFetcher {
    pub fn new(timeout: Duration) -> Self {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .unwrap_or_default();
        Self { client, timeout }
    }

    /// The model ids the provider lists for these credential fields.
    ///
    /// # Errors
    /// `Validation` (`fields.<name>`) when a required field is missing, `Upstream` with a readable reason
    /// for every way the provider can fail. No error text contains a field's value.
    pub async fn fetch(
        &self,
        base_url: &str,
        definition: &TemplateDefinition,
        fields: &HashMap<String, SecretString>,
    ) -> DomainResult<Vec<String>> {
        let spec = definition.models_request.as_ref().ok_or_else(|| {
            DomainError::validation("template_id", "this template has no model-list request")
        })?;
        for field in definition.fields.iter().filter(|f| f.required) {
            if fields
                .get(&field.name)
                .is_none_or(|v| v.expose_secret().trim().is_empty())
            {
                return Err(DomainError::validation(
                    &format!("fields.{}", field.name),
                    format!("enter the {}", field.label),
                ));
            }
        }
        let mut request = self
            .client
            .get(format!("{base_url}{}", spec.path))
            .timeout(self.timeout);
        let key = fields
            .get(KEY_FIELD)
            .map(|k| k.expose_secret().to_owned())
            .unwrap_or_default();
        request = match &definition.auth {
            AuthScheme::Bearer => request.bearer_auth(key),
            AuthScheme::Header { name } => request.header(name.as_str(), key),
            AuthScheme::Query { name } => request.query(&[(name.as_str(), key.as_str())]),
            AuthScheme::None => request,
        };
        for header in &definition.extra_headers {
            request = request.header(header.name.as_str(), header.value.as_str());
        }
        // `without_url`: the URL can carry the key (query auth).
        let mut response = request
            .send()
            .await
            .map_err(|err| upstream_error(&err.without_url(), self.timeout))?;
        let status = response.status();
        if !status.is_success() {
            return Err(DomainError::Upstream(describe_status(status)));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|err| upstream_error(&err.without_url(), self.timeout))?
        {
            if body.len() + chunk.len() > MAX_BODY_BYTES {
                return Err(DomainError::Upstream(format!(
                    "the model list is larger than {} MB; is the path right?",
                    MAX_BODY_BYTES / (1024 * 1024)
                )));
            }
            body.extend_from_slice(&chunk);
        }
        parse_model_ids(&body, &spec.items_pointer, &spec.id_field)
    }
}

fn upstream_error(err: &reqwest::Error, timeout: Duration) -> DomainError {
    if err.is_timeout() {
        DomainError::Upstream(format!("no answer within {} s", timeout.as_secs()))
    } else if err.is_connect() {
        DomainError::Upstream("could not connect to the provider; check the base URL".into())
    } else if err.is_redirect() {
        DomainError::Upstream("the provider redirected too often".into())
    } else {
        DomainError::Upstream("the connection to the provider failed mid-answer".into())
    }
}

fn describe_status(status: reqwest::StatusCode) -> String {
    let code = status.as_u16();
    let reason = status.canonical_reason().unwrap_or("");
    match code {
        401 => format!("{code} {reason}: the provider rejected the key"),
        403 => format!("{code} {reason}: the key may not list models"),
        404 => format!("{code} {reason}: no model list at this address; is the base URL right?"),
        429 => format!("{code} {reason}: rate limited by the provider; try again later"),
        500..=599 => format!("{code} {reason}: the provider had an error"),
        _ => format!("{code} {reason}: unexpected answer"),
    }
}

/// Ids from `items_pointer` in a JSON body: each item's `id_field`, or the item itself
/// when it is a string.
pub fn parse_model_ids(body: &[u8], items_pointer: &str, id_field: &str) -> DomainResult<Vec<String>> {
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|_| {
        let looks_html = body
            .iter()
            .skip_while(|b| b.is_ascii_whitespace())
            .take(1)
            .any(|b| *b == b'<');
        DomainError::Upstream(if looks_html {
            "the provider answered with HTML, not JSON; is the path right?".into()
        } else {
            "the provider's answer is not valid JSON".into()
        })
    })?;
    let items = json
        .pointer(items_pointer)
        .and_then(serde_json::Value::as_array)
        .ok_or_else(|| DomainError::Upstream(format!("the answer has no list at `{items_pointer}`")))?;
    let mut ids: Vec<String> = items
        .iter()
        .filter_map(|item| {
            item.get(id_field)
                .and_then(|v| v.as_str())
                .or_else(|| item.as_str())
        })
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty() && id.len() <= 200)
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_read_from_the_pointer_sorted_and_unique() {
        let body = br#"{"data":[{"id":"b"},{"id":"a"},{"id":"a"},{"name":"no id"},"c"]}"#;
        assert_eq!(parse_model_ids(body, "/data", "id").unwrap(), ["a", "b", "c"]);
        assert!(parse_model_ids(br#"{"data":[]}"#, "/data", "id")
            .unwrap()
            .is_empty());
    }

    #[test]
    fn unreadable_answers_are_explained() {
        let message = |body: &[u8]| parse_model_ids(body, "/data", "id").unwrap_err().to_string();
        assert!(message(b"<html>login</html>").contains("HTML"));
        assert!(message(b"{not json").contains("not valid JSON"));
        assert!(message(br#"{"models":[]}"#).contains("no list at `/data`"));
    }
}
