use std::collections::HashMap;

use leptos::prelude::*;
use vocab::WebhookId;

use crate::dto::WebhookDto;
use crate::AppError;

/// From the edit form, which holds every setting: the URL, the format and the ticked
/// events (none: every event). An empty secret keeps the one stored; `remove_secret`
/// drops it.
#[server(prefix = "/rpc")]
pub async fn update_webhook(
    id: WebhookId,
    url: String,
    kind: String,
    secret: String,
    #[server(default)] remove_secret: Option<String>,
    #[server(default)] events: HashMap<String, String>,
) -> Result<WebhookDto, AppError> {
    use domain::alerts::WebhookPatch;
    let admin = crate::ssr::require_admin().await?;
    let patch = WebhookPatch {
        url: Some(url),
        kind: Some(kind),
        enabled: None,
        events: Some(super::create_webhook::events_from_form(events)),
        secret: (!secret.is_empty()).then(|| secrecy::SecretString::from(secret)),
        remove_secret: remove_secret.is_some(),
    };
    Ok(crate::ssr::services()?
        .webhooks
        .update(&admin, id, patch)
        .await?
        .into())
}
