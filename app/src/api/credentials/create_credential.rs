use std::collections::HashMap;

use leptos::prelude::*;
use vocab::{ProviderId, Scope};

use crate::dto::{CredentialDto, CredentialSettingsForm};
use crate::AppError;

/// A credential from the form: the template's `fields[…]` and the settings, numbers as
/// typed (empty means the default).
#[server(prefix = "/rpc")]
pub async fn create_credential(
    scope: Scope,
    name: String,
    provider: ProviderId,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] settings: CredentialSettingsForm,
) -> Result<CredentialDto, AppError> {
    use crate::ssr::optional_number;
    use domain::credentials::NewCredential;
    use domain::values::ProviderRef;
    let owner = crate::ssr::require_owner(scope).await?;
    let new = NewCredential {
        name,
        provider: ProviderRef::Id(provider),
        fields: crate::ssr::secret_values(fields),
        priority: optional_number("priority", &settings.priority)?,
        weight: optional_number("weight", &settings.weight)?,
        active: None,
        rate_limit_per_minute: optional_number("rate_limit_per_minute", &settings.rate_limit_per_minute)?,
        monthly_quota: optional_number("monthly_quota", &settings.monthly_quota)?,
        auto_disable_after: optional_number("auto_disable_after", &settings.auto_disable_after)?,
        endpoint: Some(settings.endpoint).filter(|e| !e.trim().is_empty()),
    };
    let view = crate::ssr::services()?.credentials.create(&owner, new).await?;
    Ok(view.into())
}
