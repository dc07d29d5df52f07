use std::collections::HashMap;

use leptos::prelude::*;
use uuid::Uuid;

use crate::dto::{CredentialScope, CredentialSettingsForm, ProbeResultDto, TestedCredentialDto};
use crate::AppError;

/// Probes a saved credential with its stored values; the result is kept as its last test.
#[server(prefix = "/rpc")]
pub async fn test_credential(scope: CredentialScope, id: Uuid) -> Result<TestedCredentialDto, AppError> {
    let owner = crate::ssr::require_owner(scope).await?;
    let report = crate::ssr::services()?
        .credentials
        .test(owner.owner(), id)
        .await?;
    Ok(TestedCredentialDto {
        id,
        result: report.into(),
    })
}

/// Probes the values of a create or edit form without saving them: `provider` for a
/// new credential, `id` for the one being edited (its stored values fill empty fields).
#[server(prefix = "/rpc")]
pub async fn test_credential_form(
    scope: CredentialScope,
    #[server(default)] provider: Option<Uuid>,
    #[server(default)] id: Option<Uuid>,
    #[server(default)] fields: HashMap<String, String>,
    #[server(default)] settings: CredentialSettingsForm,
) -> Result<ProbeResultDto, AppError> {
    use domain::credentials::NewCredential;
    let owner = crate::ssr::require_owner(scope).await?;
    let form = NewCredential {
        provider: provider.map(|p| p.to_string()).unwrap_or_default(),
        fields: crate::ssr::secret_values(fields),
        endpoint: Some(settings.endpoint).filter(|e| !e.trim().is_empty()),
        ..Default::default()
    };
    let report = crate::ssr::services()?
        .credentials
        .test_unsaved(owner.owner(), &form, id)
        .await?;
    Ok(report.into())
}
