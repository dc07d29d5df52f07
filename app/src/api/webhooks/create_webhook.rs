use std::collections::HashMap;

use leptos::prelude::*;

use crate::dto::WebhookDto;
use crate::AppError;

/// A subscribable event's checkbox name in the form (`credential.recovered` →
/// `credential_recovered`: a dot inside brackets would read as a nested key).
pub fn form_key(event: vocab::AlertEvent) -> String {
    event.as_str().replace('.', "_")
}

/// From the form: `events[<form_key>]` checkboxes (none: every event) and an optional
/// signing secret (empty: none).
#[server(prefix = "/rpc")]
pub async fn create_webhook(
    url: String,
    kind: String,
    secret: String,
    #[server(default)] events: HashMap<String, String>,
) -> Result<WebhookDto, AppError> {
    use domain::alerts::WebhookInput;
    let admin = crate::ssr::require_admin().await?;
    let input = WebhookInput {
        url,
        kind: Some(kind),
        enabled: None,
        events: events_from_form(events),
        secret: (!secret.is_empty()).then(|| secrecy::SecretString::from(secret)),
    };
    Ok(crate::ssr::services()?
        .webhooks
        .create(&admin, input)
        .await?
        .into())
}

/// The events the form's ticked `events[<form_key>]` boxes name. An unknown key goes on
/// as it is, for the domain to refuse by name.
#[cfg(feature = "ssr")]
pub(super) fn events_from_form(events: HashMap<String, String>) -> Vec<String> {
    events
        .into_keys()
        .map(|key| {
            vocab::AlertEvent::SUBSCRIBABLE
                .into_iter()
                .find(|event| form_key(*event) == key)
                .map_or(key, |event| event.as_str().to_owned())
        })
        .collect()
}
