use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::RequestLogPage;
use crate::AppError;

/// One page (50) of the request logs, newest first; empty filters are ignored.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_request_logs(
    provider: String,
    status: String,
    kind: String,
    page: u64,
) -> Result<RequestLogPage, AppError> {
    use domain::logs::LogFilter;
    let admin = crate::ssr::require_admin().await?;
    let filter = LogFilter {
        provider: Some(provider),
        status: Some(status),
        kind: Some(kind),
        page,
        per_page: 50,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.logs.list(&admin, &filter).await?;
    Ok(RequestLogPage {
        rows: rows.into_iter().map(Into::into).collect(),
        total,
    })
}
