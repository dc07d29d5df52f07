//! One outcome applied to a stored credential: the health rule's verdict written, its
//! audit events and its alerts queued, in the caller's transaction. Scheduled checks and
//! the gateway's live traffic both come through here.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use vocab::{CredentialId, Outcome};

use super::policy::{Health, HealthEvent, HealthPolicy};
use crate::alerts::{About, Alert, CredentialAbout, Dispatcher};
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::credentials;
use crate::error::DomainResult;

/// Where an outcome was seen; alerts and audit events say so.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    ScheduledCheck,
    Gateway,
}

impl Source {
    fn word(self) -> &'static str {
        match self {
            Source::ScheduledCheck => "scheduled_check",
            Source::Gateway => "gateway",
        }
    }

    fn reason(self, event: HealthEvent, message: &str) -> String {
        match (self, event) {
            (Source::ScheduledCheck, HealthEvent::TestFailed) => {
                format!("its scheduled check failed: {message}")
            }
            (Source::ScheduledCheck, HealthEvent::AutoDisabled) => {
                format!("disabled after failing its scheduled checks: {message}")
            }
            (Source::ScheduledCheck, HealthEvent::Recovered) => {
                format!("its scheduled check passed again: {message}")
            }
            (Source::Gateway, HealthEvent::TestFailed) => format!("a gateway request failed: {message}"),
            (Source::Gateway, HealthEvent::AutoDisabled) => {
                format!("disabled after failing gateway requests: {message}")
            }
            (Source::Gateway, HealthEvent::Recovered) => {
                format!("a gateway request succeeded again: {message}")
            }
        }
    }
}

/// How one request to the provider ended, in words safe to store (no secret).
#[derive(Clone, Debug)]
pub struct Verdict {
    pub outcome: Outcome,
    pub retry_after_secs: Option<u64>,
    pub message: String,
    pub at: DateTime<Utc>,
}

/// The health columns of a row.
pub fn health_of(row: &credentials::Model) -> Health {
    Health {
        active: row.active,
        disabled_reason: row.disabled_reason.clone(),
        disabled_at: row.disabled_at,
        consecutive_failures: row.consecutive_failures,
        cooldown_until: row.cooldown_until,
    }
}

/// Applies `verdict` to `row` as read in `txn`. When an admin turned the credential on
/// or off since `row` was read, their change wins and nothing is written. Returns the
/// alerts queued (the caller wakes the dispatcher after its commit).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn apply(
    txn: &DatabaseTransaction,
    row: &credentials::Model,
    provider: &str,
    owner: Option<String>,
    verdict: &Verdict,
    policy: &HealthPolicy,
    source: Source,
    dispatcher: &Dispatcher,
) -> DomainResult<Vec<Alert>> {
    let before = health_of(row);
    let own_limit = row.auto_disable_after.and_then(|n| u32::try_from(n).ok());
    let (after, events) = before.after_check(
        verdict.outcome,
        verdict.retry_after_secs,
        verdict.at,
        policy,
        own_limit,
    );
    if after == before {
        return Ok(Vec::new());
    }
    let unchanged_reason = match &row.disabled_reason {
        Some(reason) => credentials::Column::DisabledReason.eq(reason.clone()),
        None => credentials::Column::DisabledReason.is_null(),
    };
    let updated = credentials::Entity::update_many()
        .col_expr(credentials::Column::Active, Expr::value(after.active))
        .col_expr(
            credentials::Column::DisabledReason,
            Expr::value(after.disabled_reason.clone()),
        )
        .col_expr(credentials::Column::DisabledAt, Expr::value(after.disabled_at))
        .col_expr(
            credentials::Column::ConsecutiveFailures,
            Expr::value(after.consecutive_failures),
        )
        .col_expr(
            credentials::Column::CooldownUntil,
            Expr::value(after.cooldown_until),
        )
        .filter(credentials::Column::Id.eq(row.id))
        .filter(credentials::Column::Active.eq(row.active))
        .filter(unchanged_reason)
        .exec(txn)
        .await?;
    if updated.rows_affected == 0 {
        return Ok(Vec::new());
    }
    // A cooldown changes the routing as much as a disable does.
    crate::changes::announce(txn).await?;
    for action in events.iter().filter_map(|event| event.audited()) {
        let entry = AuditEntry {
            action,
            target: Some(format!("credential:{}", row.id)),
            details: serde_json::json!({
                "name": row.name,
                "provider": provider,
                "reason": verdict.message,
                "consecutiveFailures": after.consecutive_failures,
                "via": source.word(),
            }),
        };
        audit::record(txn, &Actor::operator(), entry).await?;
    }
    let alerts: Vec<Alert> = events
        .iter()
        .map(|event| Alert {
            event: event.alert(),
            about: About::Credential(CredentialAbout {
                id: CredentialId::from_uuid(row.id),
                name: row.name.clone(),
                provider: provider.to_owned(),
                owner: owner.clone(),
            }),
            reason: source.reason(*event, &verdict.message),
            at: verdict.at,
        })
        .collect();
    dispatcher.queue(txn, &alerts).await?;
    Ok(alerts)
}
