//! The gateway as a signed-in user meets it: where to send requests, the models they
//! can reach, and what a test prompt sent through it did.

use serde::{Deserialize, Serialize};

/// What the "Use the gateway" page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayGuideDto {
    /// `scheme://host/v1` as the request named this site (the page corrects it in the
    /// browser from its own address).
    pub base_url: String,
    pub models: Vec<GatewayModelDto>,
}

/// A model the caller can reach, and through which providers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GatewayModelDto {
    pub id: String,
    /// Every provider that can serve it for this caller, in the order they are tried.
    pub providers: Vec<String>,
}

/// What one test prompt did: the answer and who served it, or why nothing did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PromptResultDto {
    pub model: String,
    /// The answer's text (`choices[0].message.content`), when a credential served.
    pub answer: Option<String>,
    /// The name of the credential that answered.
    pub credential: Option<String>,
    /// Credentials tried, the one that answered included.
    pub attempts: u32,
    /// Measured around the whole call, failovers included.
    pub latency_ms: u64,
    /// The provider's status, when one answered.
    pub http_status: Option<u16>,
    pub prompt_tokens: Option<i64>,
    pub completion_tokens: Option<i64>,
    /// Why there is no answer.
    pub error: Option<String>,
    /// The id the attempts are logged under.
    pub request_id: String,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::error::DomainError;
    use domain::gateway::{Failure, ModelEntry, Reply, ReplyBody, UsageDay, UsageReport};
    use serde_json::Value;

    use crate::AppError;

    /// The most of a provider's error text shown.
    const MAX_ERROR_CHARS: usize = 500;

    impl From<UsageDay> for UsageDayDto {
        fn from(d: UsageDay) -> Self {
            Self {
                day: d.day,
                requests: d.requests,
                prompt_tokens: d.prompt_tokens,
                completion_tokens: d.completion_tokens,
            }
        }
    }

    impl From<UsageReport> for UsageDto {
        fn from(r: UsageReport) -> Self {
            Self {
                from: r.from,
                to: r.to,
                requests: r.total.requests,
                prompt_tokens: r.total.prompt_tokens,
                completion_tokens: r.total.completion_tokens,
                days: r.days.into_iter().map(Into::into).collect(),
            }
        }
    }

    impl From<ModelEntry> for GatewayModelDto {
        fn from(entry: ModelEntry) -> Self {
            Self {
                id: entry.id,
                providers: entry.providers,
            }
        }
    }

    impl PromptResultDto {
        fn new(model: String, request_id: String, latency_ms: u64, attempts: u32) -> Self {
            Self {
                model,
                answer: None,
                credential: None,
                attempts,
                latency_ms,
                http_status: None,
                prompt_tokens: None,
                completion_tokens: None,
                error: None,
                request_id,
            }
        }

        /// A provider's answer: its text and token counts, or its error when it refused
        /// the request (a status other than 2xx is the request's problem, not the key's).
        pub fn answered(model: String, request_id: String, latency_ms: u64, reply: Reply) -> Self {
            let mut result = Self {
                credential: Some(reply.credential),
                http_status: Some(reply.status),
                ..Self::new(model, request_id, latency_ms, reply.attempts)
            };
            let ReplyBody::Full(body) = reply.body else {
                result.error = Some("The provider answered with a stream.".into());
                return result;
            };
            let json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
            if !(200..300).contains(&reply.status) {
                let says = json
                    .pointer("/error/message")
                    .or_else(|| json.get("error"))
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| {
                        String::from_utf8_lossy(&body)
                            .chars()
                            .take(MAX_ERROR_CHARS)
                            .collect()
                    });
                result.error = Some(format!(
                    "The provider refused the request ({}): {says}",
                    reply.status
                ));
                return result;
            }
            result.prompt_tokens = json.pointer("/usage/prompt_tokens").and_then(Value::as_i64);
            result.completion_tokens = json.pointer("/usage/completion_tokens").and_then(Value::as_i64);
            match answer_text(&json) {
                Some(text) => result.answer = Some(text),
                None => result.error = Some("The answer holds no text (choices[0].message.content).".into()),
            }
            result
        }

        /// Why nothing served, with the attempts made.
        pub fn failed(model: String, request_id: String, latency_ms: u64, failure: Failure) -> Self {
            let error = match failure.error {
                // Says which limits; AppError keeps only the wait.
                DomainError::Exhausted { message, .. } => message,
                error => AppError::from(error).to_string(),
            };
            Self {
                error: Some(error),
                ..Self::new(model, request_id, latency_ms, failure.attempts)
            }
        }
    }

    /// `choices[0].message.content`: a string, or the text parts of a list.
    fn answer_text(json: &Value) -> Option<String> {
        match json.pointer("/choices/0/message/content")? {
            Value::String(text) => Some(text.clone()),
            Value::Array(parts) => Some(
                parts
                    .iter()
                    .filter_map(|part| part.get("text").and_then(Value::as_str))
                    .collect::<Vec<_>>()
                    .join(""),
            ),
            _ => None,
        }
    }
}

/// One day of the caller's gateway use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageDayDto {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

/// The caller's gateway use over a span of days, in all and per day with use.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UsageDto {
    pub from: String,
    pub to: String,
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
    /// Days with use, oldest first.
    pub days: Vec<UsageDayDto>,
}
