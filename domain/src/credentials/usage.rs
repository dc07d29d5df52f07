//! One use of a credential: its counters move, and the use that reaches the monthly
//! quota raises `credential.quota_exhausted` (once: only that use sees the count equal
//! the quota).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use vocab::{AlertEvent, CredentialId};

use super::view::month_of;
use crate::alerts::Alert;
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};

/// Counts one use (a secret handed out through resolve; a gateway success) at `now`,
/// in the caller's transaction: usage, this month's usage (restarting with a new month)
/// and last use. Returns the quota alert when this use is the one that reaches the
/// monthly quota.
pub(crate) async fn record_use(
    db: &impl ConnectionTrait,
    id: CredentialId,
    provider: &str,
    now: DateTime<Utc>,
) -> DomainResult<Option<Alert>> {
    let month = month_of(now);
    let same_month = Expr::col(credentials::Column::UsageMonth).eq(month.clone());
    credentials::Entity::update_many()
        .col_expr(
            credentials::Column::UsageCount,
            Expr::col(credentials::Column::UsageCount).add(1),
        )
        .col_expr(
            credentials::Column::CurrentMonthUsage,
            Expr::case(
                same_month,
                Expr::col(credentials::Column::CurrentMonthUsage).add(1),
            )
            .finally(1)
            .into(),
        )
        .col_expr(credentials::Column::UsageMonth, Expr::value(month))
        .col_expr(credentials::Column::LastUsedAt, Expr::value(now))
        .filter(credentials::Column::Id.eq(id.uuid()))
        .exec(db)
        .await?;
    let row = credentials::Entity::find_by_id(id.uuid())
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let reached = row
        .monthly_quota
        .is_some_and(|quota| row.current_month_usage == quota);
    if !reached {
        return Ok(None);
    }
    let owner = super::view::owner_email(db, &row).await?;
    Ok(Some(Alert {
        event: AlertEvent::QuotaExhausted,
        credential_id: id,
        credential_name: row.name.clone(),
        provider: provider.to_owned(),
        owner,
        reason: format!(
            "used {} of its monthly quota of {}; it is left out until the month ends",
            row.current_month_usage,
            row.monthly_quota.unwrap_or_default()
        ),
        at: now,
    }))
}
