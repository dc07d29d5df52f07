use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::{LogKind, Outcome};

use crate::dto::{Page, RequestLogDto};
use crate::AppError;

/// One page (50) of the request logs, newest first; an empty provider filter is none.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_request_logs(
    provider: String,
    status: Option<Outcome>,
    kind: Option<LogKind>,
    page: u64,
) -> Result<Page<RequestLogDto>, AppError> {
    use domain::logs::LogFilter;
    use domain::values::ProviderRef;
    let admin = crate::ssr::require_admin().await?;
    let filter = LogFilter {
        provider: ProviderRef::parse_filter(Some(&provider)),
        status,
        kind,
        page: domain::values::Page::new(Some(page), None)?,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.logs.list(&admin, &filter).await?;
    Ok(Page::of(rows, total))
}
