//! What callers hand the credential service: a new credential, a change, a list query.

use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};

use vocab::CredentialOrder;

use crate::values::{Page, ProviderRef};

pub struct NewCredential {
    pub name: String,
    pub provider: ProviderRef,
    /// Values of the template's fields; secret ones are encrypted, never stored plain.
    pub fields: HashMap<String, SecretString>,
    pub priority: Option<i64>,
    pub weight: Option<i64>,
    pub active: Option<bool>,
    pub rate_limit_per_minute: Option<i64>,
    pub monthly_quota: Option<i64>,
    /// Failed health checks in a row before it is disabled; the instance setting when `None`.
    pub auto_disable_after: Option<i64>,
    /// Overrides the provider's base URL for this credential.
    pub endpoint: Option<String>,
}

impl Default for NewCredential {
    fn default() -> Self {
        Self {
            name: String::new(),
            provider: ProviderRef::Identifier(String::new()),
            fields: HashMap::new(),
            priority: None,
            weight: None,
            active: None,
            rate_limit_per_minute: None,
            monthly_quota: None,
            auto_disable_after: None,
            endpoint: None,
        }
    }
}

/// What an update changes; `None` leaves a value alone, `Some(None)` clears it.
#[derive(Default)]
pub struct CredentialPatch {
    pub name: Option<String>,
    /// Replaces the values given; an empty secret value keeps the stored one.
    pub fields: Option<HashMap<String, SecretString>>,
    pub priority: Option<i64>,
    pub weight: Option<i64>,
    pub active: Option<bool>,
    pub rate_limit_per_minute: Option<Option<i64>>,
    pub monthly_quota: Option<Option<i64>>,
    pub auto_disable_after: Option<Option<i64>>,
    pub endpoint: Option<Option<String>>,
}

impl CredentialPatch {
    /// The names of what this patch changes (field names, never values).
    pub(super) fn changed(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("fields", self.fields.is_some()),
            ("priority", self.priority.is_some()),
            ("weight", self.weight.is_some()),
            ("active", self.active.is_some()),
            ("rateLimitPerMinute", self.rate_limit_per_minute.is_some()),
            ("monthlyQuota", self.monthly_quota.is_some()),
            ("autoDisableAfter", self.auto_disable_after.is_some()),
            ("endpoint", self.endpoint.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// Turning a credential off is allowed even while its provider is disabled.
    pub(super) fn only_deactivates(&self) -> bool {
        self.active == Some(false) && self.changed() == ["active"]
    }

    /// Whether it gives a new value for any secret field.
    pub(super) fn replaces_secret(&self) -> bool {
        self.fields
            .as_ref()
            .is_some_and(|f| f.values().any(|v| !v.expose_secret().trim().is_empty()))
    }
}

#[derive(Default)]
pub struct ListQuery {
    pub provider: Option<ProviderRef>,
    /// Part of the name, in any case.
    pub search: Option<String>,
    pub order: CredentialOrder,
    pub page: Page,
}
