use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use vocab::AuditAction;

use crate::dto::{AuditEventDto, Page};
use crate::AppError;

/// One page (50) of the audit log, newest first, of one action or of all.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_audit(action: Option<AuditAction>, page: u64) -> Result<Page<AuditEventDto>, AppError> {
    use domain::audit::AuditFilter;
    let admin = crate::ssr::require_admin().await?;
    let filter = AuditFilter {
        action,
        page: domain::values::Page::new(Some(page), None)?,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.audit.list(&admin, &filter).await?;
    Ok(Page::of(rows, total))
}
