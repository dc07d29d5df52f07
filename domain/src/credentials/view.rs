//! A credential as adapters show it: the row with its provider, never a secret.

use chrono::{DateTime, Datelike, Utc};
use vocab::{CredentialId, DisabledReason, Outcome, ProviderId, Scope, UserId};

use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};

/// The row holds ciphertexts; only the domain reads it. Adapters see [`CredentialDetails`].
#[derive(Clone, Debug)]
pub struct CredentialView {
    row: credentials::Model,
    pub provider_identifier: String,
    pub provider_name: String,
    pub provider_enabled: bool,
    /// Where a move would take it among its provider's credentials of the same owner;
    /// known in lists (a page may start or end inside a provider's group).
    pub moves: Option<Moves>,
}

/// Whether moving up or down would change anything: not at the provider's first or last place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Moves {
    pub up: bool,
    pub down: bool,
}

/// Everything about a credential that may be shown: no ciphertext, no secret, at most
/// the key's last four characters.
#[derive(Clone, Debug)]
pub struct CredentialDetails {
    pub id: CredentialId,
    pub name: String,
    pub provider_id: ProviderId,
    pub scope: Scope,
    pub owner_id: Option<UserId>,
    pub hint: Option<String>,
    pub endpoint: Option<String>,
    /// The host its requests go to when not the provider's (an override or an endpoint
    /// field), for admins watching where users' keys are sent.
    pub endpoint_host: Option<String>,
    /// The non-secret field values (e.g. an Azure deployment name).
    pub plain_fields: serde_json::Map<String, serde_json::Value>,
    /// Which secret fields are set; never their values.
    pub secret_fields: Vec<String>,
    pub priority: i32,
    pub weight: i32,
    pub active: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub rate_limit_per_minute: Option<i32>,
    pub monthly_quota: Option<i64>,
    pub auto_disable_after: Option<i32>,
    pub usage_count: i64,
    pub current_month_usage: i64,
    pub last_used_at: Option<DateTime<Utc>>,
    pub last_test_status: Option<Outcome>,
    pub last_test_latency_ms: Option<i32>,
    pub last_test_at: Option<DateTime<Utc>>,
    pub last_test_error: Option<String>,
    pub cooldown_until: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl CredentialView {
    pub(crate) fn new(row: credentials::Model, provider: &providers::Model) -> Self {
        Self {
            row,
            provider_identifier: provider.identifier.clone(),
            provider_name: provider.name.clone(),
            provider_enabled: provider.enabled,
            moves: None,
        }
    }

    pub(crate) fn row(&self) -> &credentials::Model {
        &self.row
    }

    pub fn id(&self) -> CredentialId {
        CredentialId::from_uuid(self.row.id)
    }

    pub fn name(&self) -> &str {
        &self.row.name
    }

    pub fn scope(&self) -> Scope {
        scope_of(&self.row)
    }

    pub fn priority(&self) -> i32 {
        self.row.priority
    }

    pub fn weight(&self) -> i32 {
        self.row.weight
    }

    /// At most the key's last four characters.
    pub fn hint(&self) -> Option<&str> {
        Some(self.row.hint.as_str()).filter(|h| !h.is_empty())
    }

    /// What may be shown of it, with this month's usage as of `now`.
    pub fn details(&self, now: DateTime<Utc>) -> CredentialDetails {
        let row = &self.row;
        CredentialDetails {
            id: self.id(),
            name: row.name.clone(),
            provider_id: ProviderId::from_uuid(row.provider_id),
            scope: self.scope(),
            owner_id: row.owner_id.map(UserId::from_uuid),
            hint: Some(row.hint.clone()).filter(|h| !h.is_empty()),
            endpoint: row.endpoint_override.clone(),
            endpoint_host: self.endpoint_host(),
            plain_fields: self.plain_fields(),
            secret_fields: self.secret_field_names(),
            priority: row.priority,
            weight: row.weight,
            active: row.active,
            disabled_reason: row.disabled_reason.as_deref().and_then(DisabledReason::parse),
            disabled_at: row.disabled_at,
            rate_limit_per_minute: row.rate_limit_per_minute,
            monthly_quota: row.monthly_quota,
            auto_disable_after: row.auto_disable_after,
            usage_count: row.usage_count,
            current_month_usage: self.current_month_usage(now),
            last_used_at: row.last_used_at,
            last_test_status: row.last_test_status.as_deref().and_then(Outcome::parse),
            last_test_latency_ms: row.last_test_latency_ms,
            last_test_at: row.last_test_at,
            last_test_error: row.last_test_error.clone(),
            cooldown_until: cooling_until(row.cooldown_until, now),
            consecutive_failures: row.consecutive_failures,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }

    /// The host of the endpoint override or the endpoint field, when there is one.
    fn endpoint_host(&self) -> Option<String> {
        let field = self.row.plain_fields.get(super::destination::ENDPOINT_FIELD);
        let url = self
            .row
            .endpoint_override
            .as_deref()
            .or_else(|| field.and_then(serde_json::Value::as_str))?;
        url::Url::parse(url).ok()?.host_str().map(str::to_owned)
    }

    /// The non-secret field values (e.g. an Azure deployment name).
    pub(crate) fn plain_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        self.row.plain_fields.as_object().cloned().unwrap_or_default()
    }

    /// Which secret fields are set; never their values.
    pub(crate) fn secret_field_names(&self) -> Vec<String> {
        self.row
            .secret_fields
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Usage in the current calendar month (UTC): the stored counter belongs to
    /// `usage_month`, so a counter from an earlier month reads as zero.
    pub(crate) fn current_month_usage(&self, now: DateTime<Utc>) -> i64 {
        if self.row.usage_month.as_deref() == Some(month_of(now).as_str()) {
            self.row.current_month_usage
        } else {
            0
        }
    }
}

/// The email of the user a connection belongs to; `None` for a global credential (alerts
/// say whose connection failed).
pub(crate) async fn owner_email(
    db: &impl sea_orm::ConnectionTrait,
    row: &credentials::Model,
) -> DomainResult<Option<String>> {
    use sea_orm::EntityTrait;
    let Some(owner) = row.owner_id else {
        return Ok(None);
    };
    Ok(crate::entities::users::Entity::find_by_id(owner)
        .one(db)
        .await?
        .map(|user| user.email))
}

/// A credential row with the provider a join found for it (the foreign key promises one).
///
/// # Errors
/// `Internal` when the join found none.
pub(crate) fn with_provider(
    (row, provider): (credentials::Model, Option<providers::Model>),
) -> DomainResult<(credentials::Model, providers::Model)> {
    let provider = provider.ok_or_else(|| DomainError::internal("credential without provider"))?;
    Ok((row, provider))
}

pub(crate) fn scope_of(row: &credentials::Model) -> Scope {
    Scope::parse(&row.scope).unwrap_or(Scope::Global)
}

/// `2026-11`: the month a usage counter belongs to.
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

/// A cooldown as callers see it: one that has ended is none (the row keeps the time until
/// the next check or use clears it).
fn cooling_until(until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    until.filter(|until| *until > now)
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    #[test]
    fn an_ended_cooldown_is_not_shown() {
        let now = Utc::now();
        let later = now + Duration::seconds(30);
        assert_eq!(cooling_until(Some(later), now), Some(later));
        assert_eq!(cooling_until(Some(now - Duration::seconds(1)), now), None);
        assert_eq!(cooling_until(Some(now), now), None, "it ends at its time");
        assert_eq!(cooling_until(None, now), None);
    }
}
