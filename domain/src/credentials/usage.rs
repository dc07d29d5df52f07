//! Uses of a credential: its counters move, and the uses that reach the monthly quota
//! raise `credential.quota_exhausted` (once: only the batch that crosses it sees the
//! count pass the quota).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use vocab::{AlertEvent, CredentialId};

use super::view::month_of;
use crate::alerts::{About, Alert, CredentialAbout};
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};

/// Counts `count` uses (a secret handed out through resolve; gateway successes), the last
/// at `now`, in the caller's transaction: usage, this month's usage (restarting with a
/// new month) and last use. Returns the quota alert when these uses reach the monthly
/// quota.
pub(crate) async fn record_uses(
    db: &impl ConnectionTrait,
    id: CredentialId,
    provider: &str,
    count: i64,
    now: DateTime<Utc>,
) -> DomainResult<Option<Alert>> {
    let month = month_of(now);
    let same_month = Expr::col(credentials::Column::UsageMonth).eq(month.clone());
    credentials::Entity::update_many()
        .col_expr(
            credentials::Column::UsageCount,
            Expr::col(credentials::Column::UsageCount).add(count),
        )
        .col_expr(
            credentials::Column::CurrentMonthUsage,
            Expr::case(
                same_month,
                Expr::col(credentials::Column::CurrentMonthUsage).add(count),
            )
            .finally(count)
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
    let used = row.current_month_usage;
    let reached = row
        .monthly_quota
        .is_some_and(|quota| used >= quota && used - count < quota);
    if !reached {
        return Ok(None);
    }
    let owner = super::view::owner_email(db, &row).await?;
    Ok(Some(Alert {
        event: AlertEvent::QuotaExhausted,
        about: About::Credential(CredentialAbout {
            id,
            name: row.name.clone(),
            provider: provider.to_owned(),
            owner,
        }),
        reason: format!(
            "used {} of its monthly quota of {}; it is left out until the month ends",
            row.current_month_usage,
            row.monthly_quota.unwrap_or_default()
        ),
        at: now,
    }))
}
