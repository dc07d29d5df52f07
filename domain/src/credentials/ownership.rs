//! The owner filter every query for one or many credentials goes through, the lookups
//! built on it, the cooldown filters, and the words each owner is told things in.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use vocab::{CredentialId, ProviderId, Scope};

use super::service::CredentialService;
use crate::access::Owner;
use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};
use crate::providers::with_template;
use crate::templates::TemplateDefinition;
use crate::values::ProviderRef;

/// `credentials.scope = '<scope>'` with the value written into the SQL, not bound:
/// SQLite can use a partial index (`WHERE scope = 'personal'`) only for a value it
/// sees while planning, and for a bound one it re-plans the statement at every run.
pub(crate) fn in_scope(scope: Scope) -> SimpleExpr {
    Expr::col((credentials::Entity, credentials::Column::Scope)).eq(Expr::Constant(scope.as_str().into()))
}

/// Credentials resting at `now`: no cooldown, or one that has ended.
pub(crate) fn rested(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(credentials::Column::CooldownUntil.is_null())
        .add(credentials::Column::CooldownUntil.lte(now))
}

/// Credentials cooling down at `now` (skipped until their cooldown ends).
pub(crate) fn cooling(now: DateTime<Utc>) -> SimpleExpr {
    credentials::Column::CooldownUntil.gt(now)
}

/// The rows `owner` may reach: the global ones, or one user's own.
pub(super) fn owned_by(owner: &Owner) -> Condition {
    let scope = Condition::all().add(in_scope(owner.scope()));
    match owner.owner_id() {
        None => scope,
        Some(id) => scope.add(credentials::Column::OwnerId.eq(id.uuid())),
    }
}

pub(super) fn name_taken(owner: &Owner) -> &'static str {
    match owner {
        Owner::Admins(_) => "a global credential with this name already exists",
        Owner::User(_) => "you already have a connection with this name",
    }
}

/// Users are told a disabled provider is unavailable; admins what to do about it.
pub(super) fn provider_disabled(owner: &Owner, provider: &providers::Model) -> DomainError {
    match owner {
        Owner::Admins(_) => DomainError::validation(
            "provider",
            format!("{} is disabled; enable the provider first", provider.name),
        ),
        Owner::User(_) => DomainError::validation(
            "provider",
            format!("{} is not available at the moment", provider.name),
        ),
    }
}

impl CredentialService {
    pub(super) async fn owned_row(
        &self,
        db: &impl ConnectionTrait,
        owner: &Owner,
        id: CredentialId,
    ) -> DomainResult<credentials::Model> {
        credentials::Entity::find_by_id(id.uuid())
            .filter(owned_by(owner))
            .one(db)
            .await?
            .ok_or(DomainError::NotFound)
    }

    /// The provider a new credential is for: it must exist, and be enabled. Users are
    /// told a disabled provider does not exist, as they cannot see it.
    pub(super) async fn usable_provider(
        &self,
        owner: &Owner,
        provider: &ProviderRef,
    ) -> DomainResult<providers::Model> {
        match crate::providers::find(&self.db, provider).await? {
            Some(p) if p.enabled => Ok(p),
            Some(p) if matches!(owner, Owner::Admins(_)) => Err(provider_disabled(owner, &p)),
            _ => Err(DomainError::validation("provider", "no such provider")),
        }
    }

    pub(super) async fn provider_of(
        &self,
        db: &impl ConnectionTrait,
        row: &credentials::Model,
    ) -> DomainResult<providers::Model> {
        providers::Entity::find_by_id(row.provider_id)
            .one(db)
            .await?
            .ok_or_else(|| DomainError::internal("credential without provider"))
    }

    /// Reads on `db`: inside a write transaction, on that transaction's connection, so a
    /// writer never waits for a second pooled connection while holding the lock.
    pub(super) async fn definition_of(
        &self,
        db: &impl ConnectionTrait,
        provider: &providers::Model,
    ) -> DomainResult<TemplateDefinition> {
        let (_, template) = with_template(db, ProviderId::from_uuid(provider.id)).await?;
        TemplateDefinition::from_json(&template.definition)
    }
}
