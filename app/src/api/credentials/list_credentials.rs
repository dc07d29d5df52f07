use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::{CredentialPage, CredentialScope};
use crate::AppError;

/// One page (50) of the scope's credentials by priority; `provider` filters when not empty.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_credentials(
    scope: CredentialScope,
    provider: String,
    page: u64,
) -> Result<CredentialPage, AppError> {
    use domain::credentials::ListQuery;
    let owner = crate::ssr::require_owner(scope).await?;
    let query = ListQuery {
        provider: Some(provider),
        page,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?
        .credentials
        .list(owner.owner(), &query)
        .await?;
    Ok(CredentialPage {
        rows: rows.into_iter().map(Into::into).collect(),
        total,
    })
}
