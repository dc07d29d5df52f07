use std::collections::HashMap;

use leptos::prelude::*;

use crate::dto::WebhookDto;
use crate::AppError;

/// From the form: `events[<event name without "credential.">]` checkboxes (none: every
/// event) and an optional signing secret (empty: none).
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
        events: events.into_keys().map(|e| format!("credential.{e}")).collect(),
        secret: (!secret.is_empty()).then(|| secrecy::SecretString::from(secret)),
    };
    Ok(crate::ssr::services()?
        .webhooks
        .create(&admin, input)
        .await?
        .into())
}
