//! Creating, listing and changing users.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use secrecy::SecretString;
use uuid::Uuid;

use vocab::{Role, UserId};

use crate::access::Admin;
use crate::entities::{sessions, users};
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

#[derive(Clone)]
pub struct UserService {
    db: DatabaseConnection,
    hasher: Arc<PasswordHasher>,
}

impl UserService {
    pub fn new(db: DatabaseConnection, hasher: Arc<PasswordHasher>) -> Self {
        Self { db, hasher }
    }

    pub async fn list(&self, _admin: &Admin) -> DomainResult<Vec<users::Model>> {
        Ok(users::Entity::find()
            .order_by_asc(users::Column::Email)
            .all(&self.db)
            .await?)
    }

    /// # Errors
    /// `Validation` for a bad field, `Conflict` on `email` when it is taken.
    pub async fn create(&self, _admin: &Admin, new: NewUser) -> DomainResult<users::Model> {
        self.create_unchecked(new, &self.db).await
    }

    /// For the operator's CLI and the first-admin set-up, which prove themselves otherwise.
    pub async fn create_by_operator(&self, new: NewUser) -> DomainResult<users::Model> {
        self.create_unchecked(new, &self.db).await
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
        let mut active: users::ActiveModel = row.into();
        if let Some(role) = patch.role {
            active.role = Set(role.as_str().to_owned());
        }
        if let Some(name) = patch.display_name {
            active.display_name = Set(DisplayName::parse(&name)?.as_str().to_owned());
        }
        if let Some(enabled) = patch.active {
            active.active = Set(enabled);
            if !enabled {
                sessions::Entity::delete_many()
                    .filter(sessions::Column::UserId.eq(id.uuid()))
                    .exec(&txn)
                    .await?;
            }
        }
        active.updated_at = Set(Utc::now());
        let updated = active.update(&txn).await?;
        txn.commit().await?;
        Ok(updated)
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

fn email_taken() -> DomainError {
    DomainError::conflict("email", "a user with this email already exists")
}
