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
        AlertEvent::BackupFailed => "failed",
        AlertEvent::Test => "test event",
    }
}

/// The longest reason an alert carries (an upstream's error text can be long).
const MAX_REASON_CHARS: usize = 300;

/// One event about one credential or one backup. Never holds a secret: `reason` is
/// built from the probe's message, which has every secret value cut out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    pub event: AlertEvent,
    pub about: About,
    pub reason: String,
    pub at: DateTime<Utc>,
}

/// What an alert is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum About {
    Credential(CredentialAbout),
    /// A scheduled backup; `name` when its archive was named before it failed.
    Backup {
        name: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialAbout {
    pub id: CredentialId,
    pub name: String,
    /// The provider's identifier.
    pub provider: String,
    /// Whose connection it is (their email); `None` for a global credential.
    pub owner: Option<String>,
}

impl Alert {
    /// What "send test event" sends: the shape of a real event about no credential.
    pub fn test(at: DateTime<Utc>) -> Self {
        Self {
            event: AlertEvent::Test,
            about: About::Credential(CredentialAbout {
                id: CredentialId::from_uuid(Uuid::nil()),
                name: "example-credential".to_owned(),
                provider: "example".to_owned(),
                owner: None,
            }),
            reason: "a test event from Switchyard: this webhook is reachable".to_owned(),
            at,
        }
    }

    /// `{"event", "credential": {id, name, provider, scope, owner}, "reason", "at"}`, or
    /// `"backup": {name}` in place of `"credential"` for a backup's alert.
    pub fn json(&self) -> serde_json::Value {
        let (key, about) = match &self.about {
            About::Credential(credential) => (
                "credential",
                json!({
                    "id": credential.id,
                    "name": credential.name,
                    "provider": credential.provider,
                    "scope": if credential.owner.is_some() { "personal" } else { "global" },
                    "owner": credential.owner,
                }),
            ),
            About::Backup { name } => ("backup", json!({ "name": name })),
        };
        json!({
            "event": self.event.as_str(),
            key: about,
            "reason": capped(&self.reason, MAX_REASON_CHARS),
            "at": self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
        })
    }

    /// Slack's incoming-webhook body, `{"text": …}` (Mattermost and Discord's Slack
    /// endpoint take it too). Every value is escaped as Slack requires (`&`, `<`, `>`), so a
    /// connection's name or an upstream's error cannot mention `<!channel>` or draw a link.
    pub fn slack(&self) -> serde_json::Value {
        let reason = slack_escape(&capped(&self.reason, MAX_REASON_CHARS));
        let text = match (&self.about, self.event) {
            (_, AlertEvent::Test) => format!("Switchyard: {reason}"),
            (About::Backup { name }, event) => format!(
                "Switchyard: backup {}{} — {reason}",
                name.as_deref()
                    .map(|n| format!("*{}* ", slack_escape(n)))
                    .unwrap_or_default(),
                headline(event)
            ),
            (About::Credential(credential), event) => {
                let whose = match &credential.owner {
                    Some(owner) => format!(
                        "connection *{}* of {}",
                        slack_escape(&credential.name),
                        slack_escape(owner)
                    ),
                    None => format!("credential *{}*", slack_escape(&credential.name)),
                };
                format!(
                    "Switchyard: {whose} ({}) {} — {reason}",
                    slack_escape(&credential.provider),
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
            about: About::Credential(CredentialAbout {
                id: CredentialId::from_uuid(Uuid::nil()),
                name: "prod-gemini".into(),
                provider: "gemini".into(),
                owner: None,
            }),
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
        hostile.about = About::Credential(CredentialAbout {
            id: CredentialId::from_uuid(Uuid::nil()),
            name: "<!channel> & <https://evil.example|click>".into(),
            provider: "gemini".into(),
            owner: Some("mallory@example.com".into()),
        });
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

    #[test]
    fn a_backup_alert_names_the_backup_not_a_credential() {
        let failed = Alert {
            event: AlertEvent::BackupFailed,
            about: About::Backup { name: None },
            reason: "cannot create the backup directory /backups: permission denied".into(),
            at: DateTime::parse_from_rfc3339("2026-11-23T02:00:00Z")
                .unwrap()
                .to_utc(),
        };
        let body = failed.json();
        assert_eq!(body["event"], "backup.failed");
        assert!(body["backup"]["name"].is_null());
        assert!(body.get("credential").is_none());
        let text = failed.slack()["text"].as_str().unwrap().to_owned();
        assert!(
            text.starts_with("Switchyard: backup failed — cannot create"),
            "{text}"
        );
    }
}
