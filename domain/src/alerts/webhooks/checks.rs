//! What a webhook request may hold: a URL that hides nothing, a known kind, known events.

use vocab::WebhookKind;

use crate::alerts::event::AlertEvent;
use crate::error::{DomainError, DomainResult};
use crate::values::text;

const MAX_URL_LEN: usize = 2048;

pub(super) fn checked_url(url: &str) -> DomainResult<String> {
    let url = url.trim();
    if url.is_empty() {
        return Err(DomainError::validation("url", "is required"));
    }
    if url.len() > MAX_URL_LEN {
        return Err(DomainError::validation(
            "url",
            format!("must be at most {MAX_URL_LEN} characters"),
        ));
    }
    // It is stored as typed and shown: nothing in it may hide (PostgreSQL refuses NUL).
    if url
        .chars()
        .any(|c| c.is_control() || text::is_invisible_format(c))
    {
        return Err(DomainError::validation(
            "url",
            "remove control and invisible characters",
        ));
    }
    let parsed = reqwest::Url::parse(url)
        .map_err(|_| DomainError::validation("url", "is not a URL (https://host/path)"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(DomainError::validation(
            "url",
            "must start with http:// or https://",
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(DomainError::validation("url", "has no host"));
    }
    Ok(url.to_owned())
}

/// The kind a request names; JSON when it names none.
pub(super) fn checked_kind(kind: Option<&str>) -> DomainResult<WebhookKind> {
    kind.map_or(Ok(WebhookKind::Json), |kind| crate::error::word("kind", kind))
}

/// The subscription as stored: a JSON list of known names in their canonical order,
/// each once, empty for every event.
pub(super) fn checked_events(events: &[String]) -> DomainResult<String> {
    let mut chosen = Vec::new();
    for name in events {
        chosen.push(AlertEvent::subscribable(name.trim()).ok_or_else(|| {
            let known: Vec<&str> = AlertEvent::SUBSCRIBABLE.iter().map(|e| e.as_str()).collect();
            DomainError::validation(
                "events",
                format!("unknown event \"{name}\"; known: {}", known.join(", ")),
            )
        })?);
    }
    let names: Vec<&str> = AlertEvent::SUBSCRIBABLE
        .into_iter()
        .filter(|event| chosen.contains(event))
        .map(AlertEvent::as_str)
        .collect();
    serde_json::to_string(&names).map_err(DomainError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert!(checked_url("https://hooks.example.com/x").is_ok());
        assert!(checked_url(" http://127.0.0.1:9000/hook ").is_ok());
        for bad in [
            "",
            "hooks.example.com",
            "ftp://example.com",
            "https://",
            "file:///etc/passwd",
        ] {
            assert!(checked_url(bad).is_err(), "{bad}");
        }
        assert!(checked_url(&format!("https://example.com/{}", "a".repeat(3000))).is_err());
    }

    #[test]
    fn events_are_known_names_without_repeats() {
        let stored = checked_events(&["credential.recovered".into(), "credential.recovered".into()]).unwrap();
        assert_eq!(stored, r#"["credential.recovered"]"#);
        assert_eq!(checked_events(&[]).unwrap(), "[]");
        let reordered =
            checked_events(&["credential.test_failed".into(), "credential.auto_disabled".into()]).unwrap();
        assert_eq!(
            reordered,
            r#"["credential.auto_disabled","credential.test_failed"]"#
        );
        assert!(checked_events(&["credential.deleted".into()]).is_err());
        assert!(checked_kind(Some("teams")).is_err());
        assert_eq!(checked_kind(None).unwrap(), WebhookKind::Json);
    }
}
