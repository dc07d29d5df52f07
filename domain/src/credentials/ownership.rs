//! The owner filter every query for one or many credentials goes through, and the
//! words each owner is told things in.

use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, Condition};
use vocab::Scope;

use crate::access::Owner;
use crate::entities::{credentials, providers};
use crate::error::DomainError;

/// `credentials.scope = '<scope>'` with the value written into the SQL, not bound:
/// SQLite can use a partial index (`WHERE scope = 'personal'`) only for a value it
/// sees while planning, and for a bound one it re-plans the statement at every run.
pub(crate) fn in_scope(scope: Scope) -> SimpleExpr {
    Expr::col((credentials::Entity, credentials::Column::Scope)).eq(Expr::Constant(scope.as_str().into()))
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
