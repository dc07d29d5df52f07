//! Credentials and connections as lists and forms show them: never a secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{CredentialId, DisabledReason, Outcome, ProviderId, Scope, UserId};

use super::ProbeResultDto;

/// The settings part of a credential form (`settings[priority]`, …), numbers as typed;
/// empty means the default, or none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CredentialSettingsForm {
    pub priority: String,
    pub weight: String,
    pub rate_limit_per_minute: String,
    pub monthly_quota: String,
    pub auto_disable_after: String,
    pub endpoint: String,
}

/// Another user's connection as an admin sees it: that it exists, whose, its state;
/// no hint, no field.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ConnectionSummaryDto {
    pub id: CredentialId,
    pub name: String,
    pub provider: String,
    pub provider_name: String,
    pub owner_id: Option<UserId>,
    pub owner_email: String,
    /// The host it sends requests to, when it does not use the provider's base URL.
    pub endpoint_host: Option<String>,
    pub active: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_test_status: Option<Outcome>,
    pub created_at: DateTime<Utc>,
}

/// A global credential or a personal connection. Secret values never leave the
/// server: `hint` is at most the key's last four characters, `secretFields` only names.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct CredentialDto {
    pub id: CredentialId,
    pub name: String,
    /// The provider's identifier.
    pub provider: String,
    pub provider_id: ProviderId,
    pub provider_name: String,
    pub scope: Scope,
    pub owner_id: Option<UserId>,
    pub priority: i32,
    pub weight: i32,
    pub active: bool,
    /// Why it is inactive.
    pub disabled_reason: Option<DisabledReason>,
    /// When it was turned off (by an admin or by the health checks).
    pub disabled_at: Option<DateTime<Utc>>,
    pub hint: Option<String>,
    pub endpoint: Option<String>,
    /// Values of the template's non-secret fields.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: serde_json::Map<String, serde_json::Value>,
    /// Which secret fields are set.
    pub secret_fields: Vec<String>,
    pub rate_limit_per_minute: Option<i32>,
    pub monthly_quota: Option<i64>,
    /// Failed health checks in a row before it is disabled; the instance setting when null.
    pub auto_disable_after: Option<i32>,
    pub usage_count: i64,
    pub current_month_usage: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_test_status: Option<Outcome>,
    pub last_test_latency_ms: Option<i32>,
    pub last_test_at: Option<DateTime<Utc>>,
    pub last_test_error: Option<String>,
    pub cooldown_until: Option<DateTime<Utc>>,
    /// Failed scheduled checks in a row.
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Whether moving it up would change the order: false at its provider's first place.
    /// Known in lists; true elsewhere.
    pub can_move_up: bool,
    /// Whether moving it down would change the order: false at its provider's last place.
    pub can_move_down: bool,
}

/// A saved credential's test, with the credential it was for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TestedCredentialDto {
    pub id: CredentialId,
    pub result: ProbeResultDto,
}

impl CredentialDto {
    /// `••••abcd`, or `••••` when the key is too short to show any of it.
    pub fn masked(&self) -> String {
        format!("••••{}", self.hint.as_deref().unwrap_or_default())
    }
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::credentials::CredentialView;

    impl From<CredentialView> for CredentialDto {
        fn from(view: CredentialView) -> Self {
            let row = view.details(chrono::Utc::now());
            let moves = view
                .moves
                .unwrap_or(domain::credentials::Moves { up: true, down: true });
            Self {
                id: row.id,
                name: row.name,
                provider: view.provider_identifier,
                provider_id: row.provider_id,
                provider_name: view.provider_name,
                scope: row.scope,
                owner_id: row.owner_id,
                priority: row.priority,
                weight: row.weight,
                active: row.active,
                disabled_reason: row.disabled_reason,
                disabled_at: row.disabled_at,
                hint: row.hint,
                endpoint: row.endpoint,
                fields: row.plain_fields,
                secret_fields: row.secret_fields,
                rate_limit_per_minute: row.rate_limit_per_minute,
                monthly_quota: row.monthly_quota,
                auto_disable_after: row.auto_disable_after,
                usage_count: row.usage_count,
                current_month_usage: row.current_month_usage,
                last_used_at: row.last_used_at,
                last_test_status: row.last_test_status,
                last_test_latency_ms: row.last_test_latency_ms,
                last_test_at: row.last_test_at,
                last_test_error: row.last_test_error,
                cooldown_until: row.cooldown_until,
                consecutive_failures: row.consecutive_failures,
                created_at: row.created_at,
                updated_at: row.updated_at,
                can_move_up: moves.up,
                can_move_down: moves.down,
            }
        }
    }

    impl From<(CredentialView, String)> for ConnectionSummaryDto {
        fn from((view, owner_email): (CredentialView, String)) -> Self {
            let row = view.details(chrono::Utc::now());
            Self {
                id: row.id,
                name: row.name,
                provider: view.provider_identifier,
                provider_name: view.provider_name,
                owner_id: row.owner_id,
                owner_email,
                endpoint_host: row.endpoint_host,
                active: row.active,
                disabled_reason: row.disabled_reason,
                last_used_at: row.last_used_at,
                last_test_status: row.last_test_status,
                created_at: row.created_at,
            }
        }
    }
}

/// What happened to one key of an import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportRowDto {
    /// The key's line in the pasted text, from 1.
    pub line: usize,
    pub name: String,
    /// The key's last four characters (keys of 12 or more only).
    pub hint: Option<String>,
    /// Whether the provider accepted the key.
    pub passed: bool,
    /// The test's words, or why the key was not tried or not saved.
    pub message: String,
    /// The credential made from it; absent when it was not saved.
    pub id: Option<CredentialId>,
}

/// One batch's results, in the pasted order, its counts, and where the import stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ImportResultDto {
    pub saved: usize,
    pub not_saved: usize,
    pub rows: Vec<ImportRowDto>,
    /// The keys in the whole text.
    pub total: usize,
    /// Send the same text again with this as `from` for the next batch; absent when
    /// every key has its result.
    pub next: Option<usize>,
}

#[cfg(feature = "ssr")]
impl From<domain::credentials::ImportBatch> for ImportResultDto {
    fn from(batch: domain::credentials::ImportBatch) -> Self {
        let saved = batch.rows.iter().filter(|r| r.saved.is_some()).count();
        Self {
            saved,
            not_saved: batch.rows.len() - saved,
            rows: batch
                .rows
                .into_iter()
                .map(|r| ImportRowDto {
                    line: r.line,
                    name: r.name,
                    hint: r.hint,
                    passed: r.passed,
                    message: r.message,
                    id: r.saved,
                })
                .collect(),
            total: batch.keys,
            next: batch.next,
        }
    }
}
