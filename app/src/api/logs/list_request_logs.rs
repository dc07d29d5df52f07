use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::{LogKind, Outcome};

use crate::dto::{Page, RequestLogDto};
use crate::AppError;

/// One page (50) of the request logs, newest first; an empty provider or request id
/// filter is none. A request id lists the attempts of that one gateway request.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_request_logs(
    provider: String,
    status: Option<Outcome>,
    kind: Option<LogKind>,
    #[server(default)] request_id: String,
    page: u64,
) -> Result<Page<RequestLogDto>, AppError> {
    use domain::logs::LogFilter;
    use domain::values::ProviderRef;
    let admin = crate::ssr::require_admin().await?;
    let filter = LogFilter {
        provider: ProviderRef::parse_filter(Some(&provider)),
        status,
        kind,
        request_id: Some(request_id).filter(|id| !id.trim().is_empty()),
        page: domain::values::Page::new(Some(page), None)?,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.logs.list(&admin, &filter).await?;
    Ok(Page::of(rows, total))
}
