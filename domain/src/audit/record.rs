//! Appending one event to the chain, inside the caller's transaction.

use chrono::{SubsecRound, Utc};
use sea_orm::{ActiveModelTrait, DatabaseTransaction, EntityTrait, QueryOrder};
use uuid::Uuid;
use vocab::{AuditAction, UserId};

use super::chain::{event_hash, GENESIS};
use crate::access::CurrentUser;
use crate::entities::audit_events;
use crate::error::DomainResult;

/// One thing that happened. `details` must never hold a secret: callers pass names,
/// ids and which fields changed, not values.
pub struct AuditEntry {
    pub action: AuditAction,
    pub target: Option<String>,
    pub details: serde_json::Value,
}

impl AuditEntry {
    /// An event about `target` (`kind:id`), its details names and changes, never values.
    pub fn new(action: AuditAction, target: impl Into<String>, details: serde_json::Value) -> Self {
        Self {
            action,
            target: Some(target.into()),
            details,
        }
    }
}

/// Who did it: a user (with the address they came from), or the operator and the
/// instance itself (the command line, scheduled checks), which have neither.
#[derive(Clone, Debug, Default)]
pub struct Actor {
    id: Option<UserId>,
    ip: Option<String>,
}

impl Actor {
    /// The operator on the command line, or the instance acting on its own.
    pub fn operator() -> Self {
        Self::default()
    }

    /// Someone not (yet) known, from an address: a failed sign-in.
    pub fn from_address(ip: Option<String>) -> Self {
        Self { id: None, ip }
    }

    /// A user known without a session, from an address: one following a reset link.
    pub fn user_at(id: UserId, ip: Option<String>) -> Self {
        Self { id: Some(id), ip }
    }
}

impl From<&CurrentUser> for Actor {
    fn from(user: &CurrentUser) -> Self {
        Self {
            id: Some(user.id()),
            ip: user.ip().map(str::to_owned),
        }
    }
}

/// Appends `entry` by `actor` in `txn`, after the caller's change and before its commit.
///
/// Appends are serialized: on PostgreSQL by an advisory lock held until `txn` ends, on
/// SQLite by the write lock every write transaction takes at `BEGIN`. So concurrent
/// writers queue for the chain's tail instead of racing for it, and a change is never
/// committed without its event (nor an event without its change).
pub async fn record(txn: &DatabaseTransaction, actor: &Actor, entry: AuditEntry) -> DomainResult<()> {
    crate::db::serialize_on(txn, crate::db::Serial::AuditChain).await?;
    let tail = audit_events::Entity::find()
        .order_by_desc(audit_events::Column::Seq)
        .one(txn)
        .await?;
    let action = entry.action;
    let mut event = audit_events::Model {
        id: Uuid::now_v7(),
        seq: tail.as_ref().map_or(1, |t| t.seq + 1),
        actor_id: actor.id.map(UserId::uuid),
        action: entry.action.as_str().to_owned(),
        target: entry.target,
        details: entry.details,
        ip: actor.ip.clone(),
        // Microseconds: what both databases keep, so the hash survives the round trip.
        created_at: Utc::now().trunc_subsecs(6),
        prev_hash: tail.map_or_else(|| GENESIS.to_owned(), |t| t.hash),
        hash: String::new(),
    };
    event.hash = event_hash(&event);
    audit_events::ActiveModel::from(event).insert(txn).await?;
    if changes_routing(action) {
        crate::changes::announce(txn).await?;
    }
    Ok(())
}

/// Whether a change of this kind can alter what the gateway routes to or who may call
/// it; recording one also announces it to every instance. Every action is listed, so a
/// new one must say.
fn changes_routing(action: AuditAction) -> bool {
    use AuditAction as A;
    match action {
        A::CredentialCreate
        | A::CredentialUpdate
        | A::CredentialReplaceSecret
        | A::CredentialReorder
        | A::CredentialDelete
        | A::CredentialAutoDisabled
        | A::CredentialRecovered
        | A::TokenCreate
        | A::TokenRevoke
        | A::SettingsUpdate
        | A::UserCreate
        | A::UserUpdate
        | A::UserDelete
        | A::ProviderCreate
        | A::ProviderUpdate
        | A::ProviderDelete
        | A::RegistryRefresh
        | A::TemplateCreate
        | A::TemplateUpdate
        | A::TemplateDelete
        | A::ModelAdd
        | A::ModelUpdate
        | A::ModelsSync => true,
        // Usage moves quotas, but the periodic refresh covers that; the rest touch
        // neither credentials nor callers.
        A::CredentialReveal
        | A::WebhookCreated
        | A::WebhookUpdated
        | A::WebhookDeleted
        | A::VaultRotate
        | A::VaultRewrap
        | A::VaultRetire
        | A::SignIn
        | A::SignInFailed
        | A::PasswordChange
        | A::UserPasswordReset => false,
    }
}
