use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::Scope;

use crate::dto::{CredentialDto, Page};
use crate::AppError;

/// One page (50) of the scope's credentials by priority; `provider` filters when not empty.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_credentials(
    scope: Scope,
    provider: String,
    page: u64,
) -> Result<Page<CredentialDto>, AppError> {
    use domain::credentials::ListQuery;
    use domain::values::ProviderRef;
    let owner = crate::ssr::require_owner(scope).await?;
    let query = ListQuery {
        provider: ProviderRef::parse_filter(Some(&provider)),
        page: domain::values::Page::new(Some(page), None)?,
    };
    let (rows, total) = crate::ssr::services()?.credentials.list(&owner, &query).await?;
    Ok(Page::of(rows, total))
}
