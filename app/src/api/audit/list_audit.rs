use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::{AuditAction, LogOrder};

use crate::dto::{AuditEventDto, Page};
use crate::AppError;

/// One page of the audit log, of one action or of all, newest first unless asked
/// otherwise; `search` keeps the events whose actor, target or details hold it;
/// `per_page` 0 is the default (50).
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_audit(
    action: Option<AuditAction>,
    page: u64,
    #[server(default)] search: String,
    #[server(default)] order: LogOrder,
    #[server(default)] per_page: u64,
) -> Result<Page<AuditEventDto>, AppError> {
    use domain::audit::AuditFilter;
    let admin = crate::ssr::require_admin().await?;
    let filter = AuditFilter {
        action,
        search: Some(search),
        order,
        page: domain::values::Page::new(Some(page), Some(per_page).filter(|n| *n > 0))?,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.audit.list(&admin, &filter).await?;
    Ok(Page::of(rows, total))
}
