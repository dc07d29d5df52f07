//! What the gateway reads of a request body (the model, whether it streams) and of an
//! answer (its token usage). Bodies pass on as bytes; they are rewritten only to strip a
//! `provider/` prefix from the model or to ask a stream for its usage.

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{DomainError, DomainResult};

/// The OpenAI-compatible routes, and Anthropic's Messages API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Chat,
    Embeddings,
    Messages,
}

impl Endpoint {
    /// The path after the upstream's base.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Chat => "/chat/completions",
            Endpoint::Embeddings => "/embeddings",
            Endpoint::Messages => "/messages",
        }
    }

    /// How request logs name it.
    pub fn word(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat",
            Endpoint::Embeddings => "embeddings",
            Endpoint::Messages => "messages",
        }
    }
}

#[derive(Deserialize)]
struct Head {
    model: Option<serde_json::Value>,
    stream: Option<serde_json::Value>,
    stream_options: Option<StreamOptions>,
}

#[derive(Deserialize)]
struct StreamOptions {
    include_usage: Option<bool>,
}

/// A request body as far as routing needs it.
pub(super) struct Inspected {
    pub model: String,
    pub stream: bool,
    /// The caller asked for the usage chunk of a stream themselves.
    pub caller_wants_usage: bool,
    raw: Bytes,
}

impl Inspected {
    /// # Errors
    /// `Validation` on `model` or `stream` for a body that is not a JSON object with a
    /// model name (and a boolean `stream`, when given).
    pub fn parse(endpoint: Endpoint, raw: Bytes) -> DomainResult<Self> {
        let not_an_object = || DomainError::validation("body", "send a JSON object, like OpenAI's API takes");
        // serde would also read a struct from an array.
        if raw.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
            return Err(not_an_object());
        }
        let head: Head = serde_json::from_slice(&raw).map_err(|_| not_an_object())?;
        let model = match head.model {
            Some(serde_json::Value::String(model)) if !model.trim().is_empty() => model.trim().to_owned(),
            _ => return Err(DomainError::validation("model", "name the model to use")),
        };
        let stream = match head.stream {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(stream)) => stream,
            Some(_) => return Err(DomainError::validation("stream", "use true or false")),
        };
        if stream && endpoint == Endpoint::Embeddings {
            return Err(DomainError::validation("stream", "embeddings do not stream"));
        }
        Ok(Self {
            model,
            stream,
            caller_wants_usage: head.stream_options.and_then(|o| o.include_usage).unwrap_or(false),
            raw,
        })
    }

    /// Whether a stream's usage chunk is asked for by the gateway, not the caller, and
    /// so is dropped on the way back.
    pub fn usage_added(&self, endpoint: Endpoint) -> bool {
        endpoint == Endpoint::Chat && self.stream && !self.caller_wants_usage
    }

    /// The body for the upstream: as sent, unless the model loses its `provider/` prefix
    /// or the stream is asked for its usage.
    ///
    /// # Errors
    /// `Validation` on `body` when it is not a JSON object (checked at parse already).
    pub fn body_for(&self, endpoint: Endpoint, model: &str) -> DomainResult<Bytes> {
        let renamed = model != self.model;
        let add_usage = self.usage_added(endpoint);
        if !renamed && !add_usage {
            return Ok(self.raw.clone());
        }
        let mut object: BTreeMap<String, Box<RawValue>> = serde_json::from_slice(&self.raw)
            .map_err(|_| DomainError::validation("body", "send a JSON object, like OpenAI's API takes"))?;
        let raw = |value: serde_json::Value| {
            RawValue::from_string(value.to_string()).map_err(DomainError::internal)
        };
        if renamed {
            object.insert(
                "model".to_owned(),
                raw(serde_json::Value::String(model.to_owned()))?,
            );
        }
        if add_usage {
            // The caller's other stream options stay as they sent them.
            let mut options = object
                .get("stream_options")
                .and_then(|o| {
                    serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(o.get()).ok()
                })
                .unwrap_or_default();
            options.insert("include_usage".to_owned(), serde_json::Value::Bool(true));
            object.insert(
                "stream_options".to_owned(),
                raw(serde_json::Value::Object(options))?,
            );
        }
        serde_json::to_vec(&object)
            .map(Bytes::from)
            .map_err(DomainError::internal)
    }
}

/// Tokens of one answer. OpenAI's `prompt_tokens`/`completion_tokens` and Anthropic's
/// `input_tokens`/`output_tokens` both count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tokens {
    pub prompt: i64,
    pub completion: i64,
}

impl Tokens {
    /// Adds what an answer or a stream event reports. Anthropic reports input tokens at
    /// the start of a stream and output tokens at its end; each is kept once, as the
    /// largest seen, since some providers repeat running totals.
    pub fn absorb(&mut self, json: &[u8]) {
        #[derive(Deserialize)]
        struct Counts {
            prompt_tokens: Option<i64>,
            completion_tokens: Option<i64>,
            input_tokens: Option<i64>,
            output_tokens: Option<i64>,
        }
        #[derive(Deserialize)]
        struct Inner {
            usage: Option<Counts>,
        }
        #[derive(Deserialize)]
        struct Outer {
            usage: Option<Counts>,
            message: Option<Inner>,
        }
        let Ok(outer) = serde_json::from_slice::<Outer>(json) else {
            return;
        };
        for counts in [outer.usage, outer.message.and_then(|m| m.usage)]
            .into_iter()
            .flatten()
        {
            if let Some(prompt) = counts.prompt_tokens.or(counts.input_tokens) {
                self.prompt = self.prompt.max(prompt);
            }
            if let Some(completion) = counts.completion_tokens.or(counts.output_tokens) {
                self.completion = self.completion.max(completion);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: &str) -> DomainResult<Inspected> {
        Inspected::parse(Endpoint::Chat, Bytes::from(body.to_owned()))
    }

    fn field_of(result: DomainResult<Inspected>) -> String {
        match result {
            Err(DomainError::Validation { field, .. }) => field,
            Err(other) => panic!("{other:?}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn a_body_is_passed_on_untouched_unless_something_must_change() {
        let body = r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#;
        let inspected = parse(body).unwrap();
        assert_eq!(
            inspected.body_for(Endpoint::Chat, "gpt-4o-mini").unwrap(),
            body.as_bytes()
        );
        let renamed = inspected.body_for(Endpoint::Chat, "llama").unwrap();
        let value: serde_json::Value = serde_json::from_slice(&renamed).unwrap();
        assert_eq!(value["model"], "llama");
        assert_eq!(value["messages"][0]["content"], "hi");
    }

    #[test]
    fn streams_ask_for_usage_unless_the_caller_did() {
        let asked = parse(r#"{"model":"m","stream":true,"stream_options":{"include_usage":true}}"#).unwrap();
        assert!(!asked.usage_added(Endpoint::Chat));
        let plain = parse(r#"{"model":"m","stream":true}"#).unwrap();
        assert!(plain.usage_added(Endpoint::Chat));
        let body: serde_json::Value =
            serde_json::from_slice(&plain.body_for(Endpoint::Chat, "m").unwrap()).unwrap();
        assert_eq!(body["stream_options"]["include_usage"], true);
        assert!(!plain.usage_added(Endpoint::Messages));
        let other =
            parse(r#"{"model":"m","stream":true,"stream_options":{"include_obfuscation":false}}"#).unwrap();
        let body: serde_json::Value =
            serde_json::from_slice(&other.body_for(Endpoint::Chat, "m").unwrap()).unwrap();
        assert_eq!(
            body["stream_options"],
            serde_json::json!({"include_obfuscation": false, "include_usage": true})
        );
    }

    #[test]
    fn bad_bodies_name_what_is_wrong() {
        assert_eq!(field_of(parse("not json")), "body");
        assert_eq!(field_of(parse("[1,2]")), "body");
        assert_eq!(field_of(parse(r#"{"messages":[]}"#)), "model");
        assert_eq!(field_of(parse(r#"{"model":7}"#)), "model");
        assert_eq!(field_of(parse(r#"{"model":"  "}"#)), "model");
        assert_eq!(field_of(parse(r#"{"model":"m","stream":"yes"}"#)), "stream");
        let embeddings = Inspected::parse(
            Endpoint::Embeddings,
            Bytes::from_static(br#"{"model":"e","stream":true}"#),
        );
        assert_eq!(field_of(embeddings), "stream");
    }

    #[test]
    fn usage_is_read_in_both_dialects() {
        let mut tokens = Tokens::default();
        tokens.absorb(br#"{"id":"x","usage":{"prompt_tokens":12,"completion_tokens":5,"total_tokens":17}}"#);
        assert_eq!(
            tokens,
            Tokens {
                prompt: 12,
                completion: 5
            }
        );
        let mut anthropic = Tokens::default();
        anthropic
            .absorb(br#"{"type":"message_start","message":{"usage":{"input_tokens":30,"output_tokens":1}}}"#);
        anthropic.absorb(br#"{"type":"message_delta","usage":{"output_tokens":44}}"#);
        assert_eq!(
            anthropic,
            Tokens {
                prompt: 30,
                completion: 44
            }
        );
        let mut broken = Tokens::default();
        broken.absorb(b"{not json");
        assert_eq!(broken, Tokens::default());
    }
}
