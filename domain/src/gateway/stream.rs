//! Relaying a streamed answer: chunks go to the caller as they arrive, whole events at a
//! time, read only where they mention usage. A stream that breaks after its first byte
//! cannot fail over: the caller gets an explicit error event and no `[DONE]`, never a
//! made-up ending that makes a broken answer look complete.

use std::pin::Pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::Stream;

use super::attempt::Attempt;
use super::inspect::{Endpoint, Tokens};
use super::upstream::Failed;

pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send>>;

struct Relay {
    response: reqwest::Response,
    /// Bytes of an event not yet complete.
    pending: BytesMut,
    endpoint: Endpoint,
    /// The gateway asked for the usage chunk; the caller did not, so it is dropped.
    drop_usage_chunk: bool,
    idle: Duration,
    status: u16,
    tokens: Tokens,
    finished: bool,
    /// Taken when the attempt is written; still here when the caller leaves early.
    attempt: Option<Attempt>,
}

pub(super) fn relay(
    response: reqwest::Response,
    attempt: Attempt,
    endpoint: Endpoint,
    drop_usage_chunk: bool,
    idle: Duration,
) -> ByteStream {
    let relay = Relay {
        status: response.status().as_u16(),
        response,
        pending: BytesMut::new(),
        endpoint,
        drop_usage_chunk,
        idle,
        tokens: Tokens::default(),
        finished: false,
        attempt: Some(attempt),
    };
    Box::pin(futures_util::stream::unfold(relay, |mut relay| async move {
        relay.next_piece().await.map(|piece| (Ok(piece), relay))
    }))
}

impl Relay {
    async fn next_piece(&mut self) -> Option<Bytes> {
        loop {
            // Written already: the stream has ended.
            self.attempt.as_ref()?;
            match tokio::time::timeout(self.idle, self.response.chunk()).await {
                Err(_) => {
                    let silent = format!(
                        "the upstream sent nothing for {} s in the middle of the stream",
                        self.idle.as_secs()
                    );
                    return Some(self.fail(&silent));
                }
                Ok(Err(_)) => return Some(self.fail("the connection closed in the middle of the answer")),
                Ok(Ok(None)) => {
                    let rest = self.pending.split().freeze();
                    if !rest.is_empty() {
                        self.scan(&rest);
                    }
                    if self.finished {
                        if let Some(attempt) = self.attempt.take() {
                            attempt.succeeded(self.status, self.tokens);
                        }
                        return (!rest.is_empty()).then_some(rest);
                    }
                    let mut out = BytesMut::from(&rest[..]);
                    out.extend_from_slice(&self.fail("the upstream closed the stream before it finished"));
                    return Some(out.freeze());
                }
                Ok(Ok(Some(chunk))) => {
                    let out = self.take_events(&chunk);
                    if !out.is_empty() {
                        return Some(out);
                    }
                }
            }
        }
    }

    /// The complete events so far, minus a usage chunk the caller did not ask for.
    fn take_events(&mut self, chunk: &[u8]) -> Bytes {
        self.pending.extend_from_slice(chunk);
        let Some(end) = last_event_end(&self.pending) else {
            return Bytes::new();
        };
        let complete = self.pending.split_to(end).freeze();
        self.scan(&complete)
    }

    /// Reads usage and the end marker from complete events; returns what the caller gets.
    fn scan(&mut self, complete: &Bytes) -> Bytes {
        if memchr::memmem::find(complete, b"data: [DONE]").is_some()
            || memchr::memmem::find(complete, b"event: message_stop").is_some()
        {
            self.finished = true;
        }
        if memchr::memmem::find(complete, b"\"usage\"").is_none() {
            return complete.clone();
        }
        let mut kept = BytesMut::with_capacity(complete.len());
        for event in events(complete) {
            let data = data_of(event);
            if memchr::memmem::find(event, b"\"usage\"").is_some() {
                self.tokens.absorb(data);
                if self.drop_usage_chunk && self.endpoint == Endpoint::Chat && has_no_choices(data) {
                    continue;
                }
            }
            kept.extend_from_slice(event);
        }
        kept.freeze()
    }

    /// Ends the stream with an error event, and writes the attempt as failed.
    fn fail(&mut self, message: &str) -> Bytes {
        if let Some(attempt) = self.attempt.take() {
            attempt.failed(&Failed::broken(message));
        }
        error_event(self.endpoint, message)
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        if let Some(attempt) = self.attempt.take() {
            attempt.abandoned(self.status, self.tokens);
        }
    }
}

/// The error event that ends a broken stream, in the dialect the caller speaks.
pub(super) fn error_event(endpoint: Endpoint, message: &str) -> Bytes {
    let text = match endpoint {
        Endpoint::Messages => format!(
            "event: error\ndata: {}\n\n",
            serde_json::json!({"type": "error", "error": {"type": "api_error", "message": message}})
        ),
        Endpoint::Chat | Endpoint::Embeddings => format!(
            "data: {}\n\n",
            serde_json::json!({"error": {"message": message, "type": "upstream_error", "code": "stream_interrupted"}})
        ),
    };
    Bytes::from(text)
}

/// Where the last complete event ends (just after its blank line), if any.
fn last_event_end(buffer: &[u8]) -> Option<usize> {
    let mut last = None;
    while let Some(end) = event_end_from(buffer, last.unwrap_or(0)) {
        last = Some(end);
    }
    last
}

/// The events of a run of complete ones, each with its blank line.
fn events(complete: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < complete.len() {
        let end = event_end_from(complete, start).unwrap_or(complete.len());
        out.push(&complete[start..end]);
        start = end;
    }
    out
}

/// Where the event starting at `start` ends (just after its blank line).
fn event_end_from(buffer: &[u8], start: usize) -> Option<usize> {
    let mut i = start;
    while let Some(found) = memchr::memchr(b'\n', &buffer[i..]) {
        let at = i + found;
        match buffer.get(at + 1..) {
            Some([b'\n', ..]) => return Some(at + 2),
            Some([b'\r', b'\n', ..]) => return Some(at + 3),
            _ => {}
        }
        i = at + 1;
    }
    None
}

/// The JSON of an event's `data:` line.
fn data_of(event: &[u8]) -> &[u8] {
    event
        .split(|b| *b == b'\n')
        .find_map(|line| line.strip_prefix(b"data:"))
        .map_or(&[][..], |data| data.trim_ascii())
}

fn has_no_choices(data: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct Chunk {
        choices: Option<Vec<serde::de::IgnoredAny>>,
    }
    serde_json::from_slice::<Chunk>(data).is_ok_and(|c| c.choices.is_none_or(|choices| choices.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_cut_at_blank_lines_in_either_line_ending() {
        let text = b"data: {\"a\":1}\n\ndata: {\"b\":2}\r\n\r\ndata: {\"c\"";
        let end = last_event_end(text).unwrap();
        assert_eq!(&text[end..], b"data: {\"c\"");
        let whole = &text[..end];
        let found = events(whole);
        assert_eq!(found.len(), 2);
        assert_eq!(data_of(found[1]), b"{\"b\":2}");
    }

    #[test]
    fn only_the_usage_chunk_without_choices_counts_as_one() {
        assert!(has_no_choices(br#"{"choices":[],"usage":{"prompt_tokens":1}}"#));
        assert!(!has_no_choices(
            br#"{"choices":[{"delta":{}}],"usage":{"prompt_tokens":1}}"#
        ));
    }

    #[test]
    fn error_events_speak_the_callers_dialect() {
        let chat = error_event(Endpoint::Chat, "broke");
        assert!(chat.starts_with(b"data: {\"error\""));
        assert!(memchr::memmem::find(&chat, b"[DONE]").is_none());
        let messages = error_event(Endpoint::Messages, "broke");
        assert!(messages.starts_with(b"event: error\n"));
    }
}
