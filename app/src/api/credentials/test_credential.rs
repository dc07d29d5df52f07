use std::collections::HashMap;

use leptos::prelude::*;
use vocab::{CredentialId, ProviderId, Scope};

use crate::dto::{CredentialSettingsForm, ProbeResultDto, TestedCredentialDto};
use crate::AppError;

/// Probes a saved credential with its stored values; the result is kept as its last test.
#[server(prefix = "/rpc")]
pub async fn test_credential(scope: Scope, id: CredentialId) -> Result<TestedCredentialDto, AppError> {
    let owner = crate::ssr::require_owner(scope).await?;
    let report = crate::ssr::services()?.credentials.test(&owner, id).await?;
    Ok(TestedCredentialDto {
        id,
        result: report.into(),
    })
}

/// Probes the values of a create or edit form without saving them: `provider` for a
/// new credential, `id` for the one being edited (its stored values fill empty fields).
#[server(prefix = "/rpc")]
pub async fn test_credential_form(
    scope: Scope,
    #[server(default)] provider: Option<ProviderId>,
    #[server(default)] id: Option<CredentialId>,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] settings: CredentialSettingsForm,
) -> Result<ProbeResultDto, AppError> {
    use domain::credentials::NewCredential;
    use domain::values::ProviderRef;
    let owner = crate::ssr::require_owner(scope).await?;
    let form = NewCredential {
        provider: provider.map_or(ProviderRef::Identifier(String::new()), ProviderRef::Id),
        fields: crate::ssr::secret_values(fields),
        endpoint: Some(settings.endpoint).filter(|e| !e.trim().is_empty()),
        ..Default::default()
    };
    let report = crate::ssr::services()?
        .credentials
        .test_unsaved(&owner, &form, id)
        .await?;
    Ok(report.into())
}
