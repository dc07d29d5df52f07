//! A scheduled check of one credential: its probe, recorded like a test, and the health
//! rule applied to it (cooldown, automatic disable, recovery).

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::service::CredentialService;
use super::testing::with_test_result;
use crate::audit::AuditEntry;
use crate::entities::{credentials, providers};
use crate::health::{Health, HealthEvent, HealthPolicy};
use crate::probe::ProbeReport;
use crate::DomainResult;

/// The request-log kind of a scheduled check.
pub const HEALTH_CHECK_KIND: &str = "health";

impl CredentialService {
    /// Probes `row` and applies the health rule. When an admin changed the credential's
    /// state while the probe ran, their change wins and no event is reported.
    ///
    /// # Errors
    /// `Internal` when its secret no longer decrypts (nothing is sent then).
    pub(crate) async fn check_health(
        &self,
        row: &credentials::Model,
        provider: &providers::Model,
        policy: &HealthPolicy,
    ) -> DomainResult<(ProbeReport, Vec<HealthEvent>)> {
        let mut fields = self.stored_fields(row)?;
        let report = self
            .probe(provider, &mut fields, row.endpoint_override.as_deref())
            .await?;
        let before = Health {
            active: row.active,
            disabled_reason: row.disabled_reason.clone(),
            disabled_at: row.disabled_at,
            consecutive_failures: row.consecutive_failures,
            cooldown_until: row.cooldown_until,
        };
        let own_limit = row.auto_disable_after.and_then(|n| u32::try_from(n).ok());
        let (after, events) = before.after_check(
            report.outcome,
            report.retry_after_secs,
            Utc::now(),
            policy,
            own_limit,
        );
        let unchanged_reason = match &row.disabled_reason {
            Some(reason) => credentials::Column::DisabledReason.eq(reason.clone()),
            None => credentials::Column::DisabledReason.is_null(),
        };
        let updated = with_test_result(credentials::Entity::update_many(), &report)
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
            .exec(&self.db)
            .await?;
        self.log_probe(HEALTH_CHECK_KIND, None, Some(row.id), provider.id, &report)
            .await?;
        if updated.rows_affected == 0 {
            return Ok((report, Vec::new()));
        }
        for event in &events {
            if matches!(event, HealthEvent::AutoDisabled | HealthEvent::Recovered) {
                let entry = AuditEntry {
                    action: event.as_str(),
                    target: Some(format!("credential:{}", row.id)),
                    details: serde_json::json!({
                        "name": row.name,
                        "provider": provider.identifier,
                        "reason": report.message,
                        "consecutiveFailures": after.consecutive_failures,
                    }),
                };
                self.audit.record_operator(entry).await?;
            }
        }
        Ok((report, events))
    }
}
