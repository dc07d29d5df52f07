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

/// One event about one credential. Never holds a secret: `reason` is built from the
/// probe's message, which has every secret value cut out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub event: AlertEvent,
    pub credential_id: CredentialId,
    pub credential_name: String,
    /// The provider's identifier.
    pub provider: String,
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
            reason: "a test event from Switchyard: this webhook is reachable".to_owned(),
            at,
        }
    }

    /// `{"event", "credential": {id, name, provider}, "reason", "at"}`.
    pub fn json(&self) -> serde_json::Value {
        json!({
            "event": self.event.as_str(),
            "credential": {
                "id": self.credential_id,
                "name": self.credential_name,
                "provider": self.provider,
            },
            "reason": self.reason,
            "at": self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }

    /// Slack's incoming-webhook body, `{"text": …}` (Mattermost and Discord's Slack
    /// endpoint take it too).
    pub fn slack(&self) -> serde_json::Value {
        let text = match self.event {
            AlertEvent::Test => format!("Switchyard: {}", self.reason),
            event => format!(
                "Switchyard: credential *{}* ({}) {} — {}",
                self.credential_name,
                self.provider,
                headline(event),
                self.reason
            ),
        };
        json!({ "text": text })
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
}
