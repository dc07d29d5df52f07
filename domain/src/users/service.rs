//! Creating, listing and changing users.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, Set,
};
use secrecy::SecretString;
use uuid::Uuid;

use serde_json::json;
use vocab::{AuditAction, Role, UserId};

use crate::access::{admin_only, kind_of, scopes_of, Admin};
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::{api_tokens, credentials, sessions, users};
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::passwords::{NewPassword, PasswordHasher};
use crate::values::{DisplayName, Email};

/// What a caller supplies to create a user; validated by the service.
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password: SecretString,
    pub role: Role,
}

/// The changes an admin may make to another account.
#[derive(Clone, Debug, Default)]
pub struct UserPatch {
    pub role: Option<Role>,
    pub active: Option<bool>,
    pub display_name: Option<String>,
}

/// What deleting a user took with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletedUser {
    pub email: String,
    pub connections: u64,
    pub tokens: u64,
}

#[derive(Clone)]
pub struct UserService {
    pub(super) db: DatabaseConnection,
    hasher: Arc<PasswordHasher>,
}

impl UserService {
    pub fn new(db: DatabaseConnection, hasher: Arc<PasswordHasher>) -> Self {
        Self { db, hasher }
    }

    /// # Errors
    /// `Validation` for a bad field, `Conflict` on `email` when it is taken.
    pub async fn create(&self, admin: &Admin, new: NewUser) -> DomainResult<users::Model> {
        self.create_audited(new, &admin.user().into()).await
    }

    /// For the operator's CLI, which proves itself otherwise.
    pub async fn create_by_operator(&self, new: NewUser) -> DomainResult<users::Model> {
        self.create_audited(new, &Actor::operator()).await
    }

    async fn create_audited(&self, new: NewUser, actor: &Actor) -> DomainResult<users::Model> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.create_unchecked(new, &txn).await?;
        let entry = AuditEntry::new(
            AuditAction::UserCreate,
            format!("user:{}", row.id),
            json!({"email": row.email, "role": row.role}),
        );
        audit::record(&txn, actor, entry).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub(crate) async fn create_unchecked(
        &self,
        new: NewUser,
        db: &impl ConnectionTrait,
    ) -> DomainResult<users::Model> {
        let email = Email::parse(&new.email)?;
        let display_name = DisplayName::parse(&new.display_name)?;
        let password = NewPassword::parse(&new.password)?;
        if self.find_by_email(email.as_str(), db).await?.is_some() {
            return Err(email_taken());
        }
        let password_hash = self.hasher.hash(&password).await?;
        let now = Utc::now();
        users::ActiveModel {
            id: Set(Uuid::now_v7()),
            email: Set(email.as_str().to_owned()),
            display_name: Set(display_name.as_str().to_owned()),
            password_hash: Set(password_hash),
            role: Set(new.role.as_str().to_owned()),
            active: Set(true),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await
        .map_err(conflict_on("email", "a user with this email already exists"))
    }

    /// # Errors
    /// `NotFound` for an unknown id; `Validation` when an admin would demote or disable
    /// themselves (so the instance can never lose its last way in).
    pub async fn update(&self, admin: &Admin, id: UserId, patch: UserPatch) -> DomainResult<users::Model> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = users::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        let is_self = id == admin.user().id();
        if is_self && patch.role == Some(Role::User) {
            return Err(DomainError::validation(
                "role",
                "you cannot remove your own admin role",
            ));
        }
        if is_self && patch.active == Some(false) {
            return Err(DomainError::validation(
                "active",
                "you cannot disable your own account",
            ));
        }
        let before = row.clone();
        let mut active: users::ActiveModel = row.into();
        if let Some(role) = patch.role {
            active.role = Set(role.as_str().to_owned());
        }
        if let Some(name) = patch.display_name {
            active.display_name = Set(DisplayName::parse(&name)?.as_str().to_owned());
        }
        let mut sessions_ended = 0;
        if let Some(enabled) = patch.active {
            active.active = Set(enabled);
            if !enabled {
                sessions_ended = sessions::Entity::delete_many()
                    .filter(sessions::Column::UserId.eq(id.uuid()))
                    .exec(&txn)
                    .await?
                    .rows_affected;
            }
        }
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        let details = json!({
            "email": updated.email,
            "changed": changes(&before, &updated),
            "sessionsEnded": sessions_ended,
            "tokensLimited": self.tokens_limited(&txn, &before, &updated).await?,
        });
        let entry = AuditEntry::new(AuditAction::UserUpdate, format!("user:{}", updated.id), details);
        audit::record(&txn, &admin.user().into(), entry).await?;
        txn.commit().await?;
        Ok(updated)
    }

    /// The live tokens a change takes rights from: all of a disabled user's, and a demoted
    /// admin's that carry what only admins may hold (`secrets:read`, service tokens). They
    /// keep existing; what they may do is worked out from the owner at every use.
    async fn tokens_limited(
        &self,
        db: &impl ConnectionTrait,
        before: &users::Model,
        after: &users::Model,
    ) -> DomainResult<u64> {
        let disabled = before.active && !after.active;
        let demoted = before.role == Role::Admin.as_str() && after.role != Role::Admin.as_str();
        if !disabled && !demoted {
            return Ok(0);
        }
        let live = api_tokens::Entity::find()
            .filter(api_tokens::Column::OwnerId.eq(after.id))
            .filter(api_tokens::Column::RevokedAt.is_null())
            .all(db)
            .await?;
        Ok(live
            .iter()
            .filter(|token| disabled || admin_only(kind_of(token), &scopes_of(token)))
            .count() as u64)
    }

    /// Deletes another user's account with everything that is theirs alone: their
    /// connections, API tokens and sessions, in one transaction with its audit event.
    /// Their requests stay in the logs and the audit log keeps what they did; recording
    /// the event tells every instance's gateway to drop their connections and tokens.
    ///
    /// # Errors
    /// `NotFound` for an unknown id; `Validation` for the admin's own account.
    pub async fn delete(&self, admin: &Admin, id: UserId) -> DomainResult<DeletedUser> {
        if id == admin.user().id() {
            return Err(DomainError::validation(
                "id",
                "you cannot delete your own account",
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = users::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        let connections = credentials::Entity::delete_many()
            .filter(credentials::Column::OwnerId.eq(row.id))
            .exec(&txn)
            .await?
            .rows_affected;
        let tokens = api_tokens::Entity::delete_many()
            .filter(api_tokens::Column::OwnerId.eq(row.id))
            .exec(&txn)
            .await?
            .rows_affected;
        sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(row.id))
            .exec(&txn)
            .await?;
        users::Entity::delete_by_id(row.id).exec(&txn).await?;
        let details = json!({
            "email": row.email,
            "connectionsDeleted": connections,
            "tokensDeleted": tokens,
        });
        let entry = AuditEntry::new(AuditAction::UserDelete, format!("user:{}", row.id), details);
        audit::record(&txn, &admin.user().into(), entry).await?;
        txn.commit().await?;
        Ok(DeletedUser {
            email: row.email,
            connections,
            tokens,
        })
    }

    pub async fn count(&self) -> DomainResult<u64> {
        Ok(users::Entity::find().count(&self.db).await?)
    }

    pub(crate) async fn find_by_email(
        &self,
        email: &str,
        db: &impl ConnectionTrait,
    ) -> DomainResult<Option<users::Model>> {
        Ok(users::Entity::find()
            .filter(users::Column::Email.eq(email))
            .one(db)
            .await?)
    }
}

/// What an update changed, before and after (role, whether enabled, name).
fn changes(before: &users::Model, after: &users::Model) -> serde_json::Value {
    let mut changed = serde_json::Map::new();
    for (name, old, new) in [
        ("role", json!(before.role), json!(after.role)),
        ("active", json!(before.active), json!(after.active)),
        (
            "displayName",
            json!(before.display_name),
            json!(after.display_name),
        ),
    ] {
        if old != new {
            changed.insert(name.to_owned(), json!({"before": old, "after": new}));
        }
    }
    serde_json::Value::Object(changed)
}

fn email_taken() -> DomainError {
    DomainError::conflict("email", "a user with this email already exists")
}
