use std::collections::HashMap;

use leptos::prelude::*;
use vocab::{CredentialId, Scope};

use crate::dto::{CredentialDto, CredentialSettingsForm};
use crate::AppError;

/// Saves the edit form. An empty secret field keeps the stored secret; empty limits
/// and endpoint clear them.
#[server(prefix = "/rpc")]
pub async fn update_credential(
    scope: Scope,
    id: CredentialId,
    name: String,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] settings: CredentialSettingsForm,
) -> Result<CredentialDto, AppError> {
    use crate::ssr::{optional_number, whole_number};
    use domain::credentials::CredentialPatch;
    let owner = crate::ssr::require_owner(scope).await?;
    let patch = CredentialPatch {
        name: Some(name),
        fields: Some(crate::ssr::secret_values(fields)),
        priority: Some(whole_number("priority", &settings.priority)?),
        weight: Some(whole_number("weight", &settings.weight)?),
        active: None,
        rate_limit_per_minute: Some(optional_number(
            "rate_limit_per_minute",
            &settings.rate_limit_per_minute,
        )?),
        monthly_quota: Some(optional_number("monthly_quota", &settings.monthly_quota)?),
        auto_disable_after: Some(optional_number(
            "auto_disable_after",
            &settings.auto_disable_after,
        )?),
        endpoint: Some(Some(settings.endpoint).filter(|e| !e.trim().is_empty())),
    };
    let view = crate::ssr::services()?
        .credentials
        .update(&owner, id, patch)
        .await?;
    Ok(view.into())
}
