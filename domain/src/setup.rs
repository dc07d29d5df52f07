//! First-admin set-up: while no admin exists, a one-time link lets someone create one.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use vocab::{AuditAction, Role};

use crate::access::ClientInfo;
use crate::audit::{self, Actor, AuditEntry};
use crate::auth::session::{new_token, token_hash};
use crate::auth::{AuthService, SignedIn};
use crate::entities::users;
use crate::error::{DomainError, DomainResult};
use crate::kv;
use crate::users::{NewUser, UserService};

const SETUP_TOKEN_KEY: &str = "setup_token_hash";

#[derive(Clone)]
pub struct SetupService {
    db: DatabaseConnection,
    users: UserService,
    auth: AuthService,
}

impl SetupService {
    pub fn new(db: DatabaseConnection, users: UserService, auth: AuthService) -> Self {
        Self { db, users, auth }
    }

    /// True while no active admin exists.
    pub async fn is_needed(&self) -> DomainResult<bool> {
        let admins = users::Entity::find()
            .filter(users::Column::Role.eq(Role::Admin.as_str()))
            .filter(users::Column::Active.eq(true))
            .count(&self.db)
            .await?;
        Ok(admins == 0)
    }

    /// Issues a new one-time set-up token when no admin exists; the previous one stops working.
    pub async fn issue_token_if_needed(&self) -> DomainResult<Option<SecretString>> {
        if !self.is_needed().await? {
            return Ok(None);
        }
        let token = new_token();
        kv::store(&self.db, SETUP_TOKEN_KEY, token_hash(&token)).await?;
        Ok(Some(token))
    }

    /// Whether `token` is the current set-up token (and set-up is still open).
    pub async fn check_token(&self, token: &str) -> DomainResult<()> {
        if !self.is_needed().await? {
            return Err(DomainError::Forbidden);
        }
        let stored = kv::read(&self.db, SETUP_TOKEN_KEY).await?;
        let given = token_hash(&SecretString::from(token.to_owned()));
        match stored {
            Some(hash) if crate::auth::constant_time_eq(hash.as_bytes(), given.as_bytes()) => Ok(()),
            _ => Err(DomainError::unauthorized(
                "This set-up link is not valid. Use the newest link printed in the server log.",
            )),
        }
    }

    /// Creates the first admin, burns the token and signs the admin in.
    ///
    /// # Errors
    /// `Forbidden` once an admin exists, `Unauthorized` for a wrong token, `Validation`
    /// for bad fields.
    pub async fn complete(
        &self,
        token: &SecretString,
        email: &str,
        display_name: &str,
        password: SecretString,
        client: &ClientInfo,
    ) -> DomainResult<SignedIn> {
        self.check_token(token.expose_secret()).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let new = NewUser {
            email: email.to_owned(),
            display_name: display_name.to_owned(),
            password,
            role: Role::Admin,
        };
        let admin = self.users.create_unchecked(new, &txn).await?;
        kv::remove(&txn, SETUP_TOKEN_KEY).await?;
        let entry = AuditEntry::new(
            AuditAction::UserCreate,
            format!("user:{}", admin.id),
            json!({"email": admin.email, "role": admin.role, "via": "set-up link"}),
        );
        audit::record(&txn, &Actor::from_address(client.ip.clone()), entry).await?;
        let signed_in = self.auth.open_session(&txn, &admin, client).await?;
        txn.commit().await?;
        Ok(signed_in)
    }
}
