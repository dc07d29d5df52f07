// Each argument is one parameter of the request's query, as the page's filters are; the
// macro writes the browser's function too, so the allowance covers the module.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::{LogKind, LogOrder, Outcome};

use crate::dto::{Page, RequestLogDto};
use crate::AppError;

/// One page of the request logs, newest first unless asked otherwise; an empty provider
/// or request id filter is none. A request id lists the attempts of that one gateway
/// request; `search` keeps the rows whose model, endpoint or error holds it; `per_page`
/// 0 is the default (50).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_request_logs(
    provider: String,
    status: Option<Outcome>,
    kind: Option<LogKind>,
    #[server(default)] request_id: String,
    page: u64,
    #[server(default)] search: String,
    #[server(default)] order: LogOrder,
    #[server(default)] per_page: u64,
) -> Result<Page<RequestLogDto>, AppError> {
    use domain::logs::LogFilter;
    use domain::values::ProviderRef;
    let admin = crate::ssr::require_admin().await?;
    let filter = LogFilter {
        provider: ProviderRef::parse_filter(Some(&provider)),
        status,
        kind,
        request_id: Some(request_id).filter(|id| !id.trim().is_empty()),
        search: Some(search),
        order,
        page: domain::values::Page::new(Some(page), Some(per_page).filter(|n| *n > 0))?,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.logs.list(&admin, &filter).await?;
    Ok(Page::of(rows, total))
}
