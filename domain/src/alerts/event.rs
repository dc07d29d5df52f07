//! What an alert says, and its two wire forms: generic JSON and Slack-compatible text.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::json;
use uuid::Uuid;
use vocab::CredentialId;

pub use vocab::AlertEvent;

/// How a person reads an event in a chat channel.
fn headline(event: AlertEvent) -> &'static str {
    match event {
        AlertEvent::AutoDisabled => "disabled automatically",
        AlertEvent::Recovered => "recovered",
        AlertEvent::QuotaExhausted => "out of its monthly quota",
        AlertEvent::TestFailed => "failed its scheduled check",
        AlertEvent::Test => "test event",
    }
}

/// The longest reason an alert carries (an upstream's error text can be long).
const MAX_REASON_CHARS: usize = 300;

/// One event about one credential. Never holds a secret: `reason` is built from the
/// probe's message, which has every secret value cut out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub event: AlertEvent,
    pub credential_id: CredentialId,
    pub credential_name: String,
    /// The provider's identifier.
    pub provider: String,
    /// Whose connection it is (their email); `None` for a global credential.
    pub owner: Option<String>,
    pub reason: String,
    pub at: DateTime<Utc>,
}

impl Alert {
    /// What "send test event" sends: the shape of a real event about no credential.
    pub fn test(at: DateTime<Utc>) -> Self {
        Self {
            event: AlertEvent::Test,
            credential_id: CredentialId::from_uuid(Uuid::nil()),
            credential_name: "example-credential".to_owned(),
            provider: "example".to_owned(),
            owner: None,
            reason: "a test event from Switchyard: this webhook is reachable".to_owned(),
            at,
        }
    }

    /// `{"event", "credential": {id, name, provider, scope, owner}, "reason", "at"}`.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "event": self.event.as_str(),
            "credential": {
                "id": self.credential_id,
                "name": self.credential_name,
                "provider": self.provider,
                "scope": if self.owner.is_some() { "personal" } else { "global" },
                "owner": self.owner,
            },
            "reason": capped(&self.reason, MAX_REASON_CHARS),
            "at": self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }

    /// Slack's incoming-webhook body, `{"text": …}` (Mattermost and Discord's Slack
    /// endpoint take it too). Every value is escaped as Slack requires (`&`, `<`, `>`), so a
    /// connection's name or an upstream's error cannot mention `<!channel>` or draw a link.
    pub fn slack(&self) -> serde_json::Value {
        let reason = slack_escape(&capped(&self.reason, MAX_REASON_CHARS));
        let text = match self.event {
            AlertEvent::Test => format!("Switchyard: {reason}"),
            event => {
                let whose = match &self.owner {
                    Some(owner) => format!(
                        "connection *{}* of {}",
                        slack_escape(&self.credential_name),
                        slack_escape(owner)
                    ),
                    None => format!("credential *{}*", slack_escape(&self.credential_name)),
                };
                format!(
                    "Switchyard: {whose} ({}) {} — {reason}",
                    slack_escape(&self.provider),
                    headline(event),
                )
            }
        };
        json!({ "text": text })
    }
}

/// Slack's three control characters as the entities Slack asks for.
fn slack_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// At most `max` characters, with an ellipsis when cut.
fn capped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alert(event: AlertEvent) -> Alert {
        Alert {
            event,
            credential_id: CredentialId::from_uuid(Uuid::nil()),
            credential_name: "prod-gemini".into(),
            provider: "gemini".into(),
            owner: None,
            reason: "the provider rejected the key (401)".into(),
            at: DateTime::parse_from_rfc3339("2026-11-23T08:00:00Z")
                .unwrap()
                .to_utc(),
        }
    }

    #[test]
    fn generic_json_has_the_documented_shape() {
        let body = alert(AlertEvent::AutoDisabled).json();
        assert_eq!(body["event"], "credential.auto_disabled");
        assert_eq!(body["credential"]["name"], "prod-gemini");
        assert_eq!(body["credential"]["provider"], "gemini");
        assert_eq!(body["credential"]["id"], Uuid::nil().to_string());
        assert_eq!(body["reason"], "the provider rejected the key (401)");
        assert_eq!(body["at"], "2026-11-23T08:00:00Z");
        assert_eq!(body.as_object().unwrap().len(), 4);
    }

    #[test]
    fn slack_text_names_the_credential_and_what_happened() {
        let body = alert(AlertEvent::Recovered).slack();
        let text = body["text"].as_str().unwrap();
        assert!(text.contains("*prod-gemini* (gemini) recovered"), "{text}");
        assert_eq!(body.as_object().unwrap().len(), 1);
    }

    #[test]
    fn slack_text_escapes_markup_and_says_whose_connection_it_is() {
        let mut hostile = alert(AlertEvent::TestFailed);
        hostile.credential_name = "<!channel> & <https://evil.example|click>".into();
        hostile.owner = Some("mallory@example.com".into());
        hostile.reason = format!("the provider said <@U123> {}", "x".repeat(1000));
        let text = hostile.slack()["text"].as_str().unwrap().to_owned();
        assert!(!text.contains('<') && !text.contains('>'), "{text}");
        assert!(
            text.contains("&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;"),
            "{text}"
        );
        assert!(
            text.contains("connection *") && text.contains("of mallory@example.com"),
            "{text}"
        );
        assert!(text.chars().count() < 600, "the reason is capped");
        let body = hostile.json();
        assert_eq!(body["credential"]["owner"], "mallory@example.com");
        assert_eq!(body["credential"]["scope"], "personal");
        assert!(body["reason"].as_str().unwrap().ends_with('…'));
    }
}
