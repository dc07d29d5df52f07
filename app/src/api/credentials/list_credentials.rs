use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::{CredentialOrder, Scope};

use crate::dto::{CredentialDto, Page};
use crate::AppError;

/// One page of the scope's credentials in `order` (by priority unless asked otherwise);
/// `provider` filters and `search` keeps the names holding it, when not empty;
/// `per_page` 0 is the default (50).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_credentials(
    scope: Scope,
    provider: String,
    page: u64,
    #[server(default)] search: String,
    #[server(default)] order: CredentialOrder,
    #[server(default)] per_page: u64,
) -> Result<Page<CredentialDto>, AppError> {
    use domain::credentials::ListQuery;
    use domain::values::ProviderRef;
    let owner = crate::ssr::require_owner(scope).await?;
    let query = ListQuery {
        provider: ProviderRef::parse_filter(Some(&provider)),
        search: Some(search),
        order,
        page: domain::values::Page::new(Some(page), Some(per_page).filter(|n| *n > 0))?,
    };
    let (rows, total) = crate::ssr::services()?.credentials.list(&owner, &query).await?;
    Ok(Page::of(rows, total))
}
