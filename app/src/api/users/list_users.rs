use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::UserOrder;

use crate::dto::{Page, UserDto};
use crate::AppError;

/// One page of the accounts in `order` (by email unless asked otherwise); `search`
/// keeps those whose email or name holds it, when not empty; `per_page` 0 is the
/// default (50).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_users(
    #[server(default)] search: String,
    #[server(default)] order: UserOrder,
    #[server(default)] page: u64,
    #[server(default)] per_page: u64,
) -> Result<Page<UserDto>, AppError> {
    use domain::users::UserQuery;
    let admin = crate::ssr::require_admin().await?;
    let query = UserQuery {
        search: Some(search),
        order,
        page: Some(domain::values::Page::new(
            Some(page).filter(|n| *n > 0),
            Some(per_page).filter(|n| *n > 0),
        )?),
    };
    let (rows, total) = crate::ssr::services()?.users.list(&admin, &query).await?;
    Ok(Page::of(rows, total))
}
