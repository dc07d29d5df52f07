use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

use crate::dto::AuditPage;
use crate::AppError;

/// One page (50) of the audit log, newest first; `action` filters when not empty.
#[server(prefix = "/rpc", input = GetUrl)]
pub async fn list_audit(action: String, page: u64) -> Result<AuditPage, AppError> {
    use domain::audit::AuditFilter;
    let admin = crate::ssr::require_admin().await?;
    let filter = AuditFilter {
        action: Some(action),
        page,
        per_page: 50,
        ..Default::default()
    };
    let (rows, total) = crate::ssr::services()?.audit.list(&admin, &filter).await?;
    Ok(AuditPage {
        rows: rows.into_iter().map(Into::into).collect(),
        total,
    })
}
