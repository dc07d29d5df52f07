//! A credential as adapters show it: the row with its provider, never a secret.

use chrono::{DateTime, Datelike, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};

use crate::entities::{credentials, providers};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    Global,
    Personal,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Personal => "personal",
        }
    }

    /// `credentials.scope = '<scope>'` with the value written into the SQL, not bound:
    /// SQLite can use a partial index (`WHERE scope = 'personal'`) only for a value it
    /// sees while planning, and for a bound one it re-plans the statement at every run.
    pub fn filter(self) -> SimpleExpr {
        Expr::col((credentials::Entity, credentials::Column::Scope)).eq(Expr::Constant(self.as_str().into()))
    }
}

/// The row holds ciphertexts only; this type exposes none of them.
#[derive(Clone, Debug)]
pub struct CredentialView {
    row: credentials::Model,
    pub provider_identifier: String,
    pub provider_name: String,
    pub provider_enabled: bool,
}

impl CredentialView {
    pub(crate) fn new(row: credentials::Model, provider: &providers::Model) -> Self {
        Self {
            row,
            provider_identifier: provider.identifier.clone(),
            provider_name: provider.name.clone(),
            provider_enabled: provider.enabled,
        }
    }

    pub fn row(&self) -> &credentials::Model {
        &self.row
    }

    pub fn scope(&self) -> Scope {
        if self.row.scope == Scope::Personal.as_str() {
            Scope::Personal
        } else {
            Scope::Global
        }
    }

    /// The non-secret field values (e.g. an Azure deployment name).
    pub fn plain_fields(&self) -> serde_json::Map<String, serde_json::Value> {
        self.row.plain_fields.as_object().cloned().unwrap_or_default()
    }

    /// Which secret fields are set; never their values.
    pub fn secret_field_names(&self) -> Vec<String> {
        self.row
            .secret_fields
            .as_object()
            .map(|o| o.keys().cloned().collect())
            .unwrap_or_default()
    }

    /// Usage in the current calendar month (UTC): the stored counter belongs to
    /// `usage_month`, so a counter from an earlier month reads as zero.
    pub fn current_month_usage(&self, now: DateTime<Utc>) -> i64 {
        if self.row.usage_month.as_deref() == Some(month_of(now).as_str()) {
            self.row.current_month_usage
        } else {
            0
        }
    }
}

/// `2026-11`: the month a usage counter belongs to.
pub fn month_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}
