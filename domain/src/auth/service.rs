//! Sign-in, session look-up, sign-out and password change.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Set,
};
use secrecy::SecretString;
use serde_json::json;
use uuid::Uuid;
use vocab::AuditAction;

use super::reservations::{self, Key};
use super::session::{new_token, token_hash, Expiry};
use super::AuthPolicy;
use crate::access::{ClientInfo, CurrentUser};
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::{sessions, users};
use crate::error::{DomainError, DomainResult};
use crate::passwords::{NewPassword, PasswordHasher};
use crate::values::Email;

/// A new session: the token goes into the cookie and nowhere else (its `Debug` is redacted).
#[derive(Debug)]
pub struct SignedIn {
    pub user: CurrentUser,
    pub token: SecretString,
    pub expiry: Expiry,
}

const WRONG_CREDENTIALS: &str = "Wrong email or password.";

#[derive(Clone)]
pub struct AuthService {
    pub(super) db: DatabaseConnection,
    policy: AuthPolicy,
    pub(super) hasher: Arc<PasswordHasher>,
}

impl AuthService {
    pub fn new(db: DatabaseConnection, policy: AuthPolicy, hasher: Arc<PasswordHasher>) -> Self {
        Self { db, policy, hasher }
    }

    pub fn policy(&self) -> &AuthPolicy {
        &self.policy
    }

    /// Checks a password and opens a session. The attempt is counted against the email
    /// and the address before the password is checked (so concurrent guesses count each),
    /// and given back when it was right; either way it is audited.
    ///
    /// # Errors
    /// `RateLimited` while the email or the IP is locked out, `Unauthorized` for a wrong
    /// email or password (the same answer and the same work for both), `Validation` for a
    /// malformed email.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &SecretString,
        client: &ClientInfo,
    ) -> DomainResult<SignedIn> {
        let email = Email::parse(email)?;
        let now = Utc::now();
        let (account, address) = self.throttle_keys(&email, client);
        reservations::reserve(&self.db, &keys(&account, address.as_ref()), now).await?;
        let user = users::Entity::find()
            .filter(users::Column::Email.eq(email.as_str()))
            .one(&self.db)
            .await?;
        let matched = self
            .hasher
            .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
            .await;
        let user = match user {
            Some(user) if matched => user,
            _ => {
                let entry = AuditEntry::new(
                    AuditAction::SignInFailed,
                    format!("email:{}", email.as_str()),
                    json!({"email": email.as_str()}),
                );
                let txn = crate::db::write_transaction(&self.db).await?;
                audit::record(&txn, &Actor::from_address(client.ip.clone()), entry).await?;
                txn.commit().await?;
                return Err(DomainError::unauthorized(WRONG_CREDENTIALS));
            }
        };
        reservations::release(&self.db, &account, address.as_ref()).await?;
        if !user.active {
            return Err(DomainError::unauthorized(
                "This account is disabled. Ask an admin to enable it.",
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        let mut active: users::ActiveModel = user.clone().into();
        active.last_login_at = Set(Some(now));
        active.update(&txn).await?;
        let signed_in = self.open_session(&txn, &user, client).await?;
        let entry = AuditEntry::new(
            AuditAction::SignIn,
            format!("user:{}", user.id),
            json!({"email": user.email}),
        );
        audit::record(
            &txn,
            &(&signed_in.user.clone().at(client.ip.clone())).into(),
            entry,
        )
        .await?;
        txn.commit().await?;
        Ok(signed_in)
    }

    /// Opens a session, in `db`, for a user whose identity is already proven.
    pub(crate) async fn open_session(
        &self,
        db: &impl ConnectionTrait,
        user: &users::Model,
        client: &ClientInfo,
    ) -> DomainResult<SignedIn> {
        let now = Utc::now();
        let token = new_token();
        let expiry = Expiry::at_creation(&self.policy, now);
        sessions::ActiveModel {
            id: Set(Uuid::now_v7()),
            token_hash: Set(token_hash(&token)),
            user_id: Set(user.id),
            created_at: Set(now),
            last_seen_at: Set(now),
            idle_expires_at: Set(expiry.idle),
            absolute_expires_at: Set(expiry.absolute),
            ip: Set(client.ip.clone()),
            user_agent: Set(client
                .user_agent
                .as_ref()
                .map(|ua| ua.chars().take(255).collect())),
        }
        .insert(db)
        .await?;
        Ok(SignedIn {
            user: CurrentUser::from_row(user, None)?,
            token,
            expiry,
        })
    }

    /// The user behind a session token.
    ///
    /// # Errors
    /// `Unauthorized` when the token is unknown, expired, or its user is disabled.
    pub async fn authenticate(&self, token: &str) -> DomainResult<CurrentUser> {
        let expired = || DomainError::unauthorized("Your session has ended. Please sign in again.");
        let hash = token_hash(&SecretString::from(token.to_owned()));
        let Some((session, Some(user))) = sessions::Entity::find()
            .filter(sessions::Column::TokenHash.eq(hash))
            .find_also_related(users::Entity)
            .one(&self.db)
            .await?
        else {
            return Err(expired());
        };
        let now = Utc::now();
        let expiry = Expiry {
            idle: session.idle_expires_at,
            absolute: session.absolute_expires_at,
        };
        if !expiry.is_live(now) || !user.active {
            sessions::Entity::delete_by_id(session.id).exec(&self.db).await?;
            return Err(expired());
        }
        if expiry.needs_touch(&self.policy, now) {
            let touched = expiry.touched(&self.policy, now);
            let mut active: sessions::ActiveModel = session.clone().into();
            active.last_seen_at = Set(now);
            active.idle_expires_at = Set(touched.idle);
            active.update(&self.db).await?;
        }
        CurrentUser::from_row(&user, Some(session.id))
    }

    /// Ends the session behind `token`; an unknown token is not an error.
    pub async fn sign_out(&self, token: &str) -> DomainResult<()> {
        let hash = token_hash(&SecretString::from(token.to_owned()));
        sessions::Entity::delete_many()
            .filter(sessions::Column::TokenHash.eq(hash))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Changes the caller's password and ends their other sessions. The current password
    /// is checked under the same throttle as signing in.
    ///
    /// # Errors
    /// `Validation` on `current_password` when it is wrong, on `new_password` when the
    /// new one breaks the policy; `RateLimited` while the account is locked out.
    pub async fn change_password(
        &self,
        user: &CurrentUser,
        current: &SecretString,
        new: &SecretString,
    ) -> DomainResult<()> {
        let new = NewPassword::parse(new)
            .map_err(|err| DomainError::validation("new_password", err_message(err)))?;
        let row = users::Entity::find_by_id(user.id().uuid())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)?;
        let client = ClientInfo {
            ip: user.ip().map(str::to_owned),
            user_agent: None,
        };
        let (account, address) = self.throttle_keys(&Email::parse(&row.email)?, &client);
        reservations::reserve(&self.db, &keys(&account, address.as_ref()), Utc::now()).await?;
        if !self.hasher.verify(current, Some(&row.password_hash)).await {
            return Err(DomainError::validation(
                "current_password",
                "the current password is wrong",
            ));
        }
        reservations::release(&self.db, &account, address.as_ref()).await?;
        let hash = self.hasher.hash(&new).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let mut active: users::ActiveModel = row.into();
        active.password_hash = Set(hash);
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        let mut others =
            sessions::Entity::delete_many().filter(sessions::Column::UserId.eq(user.id().uuid()));
        if let Some(session_id) = user.session_id() {
            others = others.filter(sessions::Column::Id.ne(session_id));
        }
        let ended = others.exec(&txn).await?.rows_affected;
        let entry = AuditEntry::new(
            AuditAction::PasswordChange,
            format!("user:{}", user.id()),
            json!({"email": user.email(), "otherSessionsEnded": ended}),
        );
        audit::record(&txn, &user.into(), entry).await?;
        Ok(txn.commit().await?)
    }

    /// The account's key and the address's key (when the address is known).
    fn throttle_keys(&self, email: &Email, client: &ClientInfo) -> (Key<'_>, Option<Key<'_>>) {
        let account = Key {
            name: format!("account:{}", email.as_str()),
            policy: &self.policy.account_throttle,
        };
        let address = client.ip.as_ref().map(|ip| Key {
            name: format!("ip:{ip}"),
            policy: &self.policy.ip_throttle,
        });
        (account, address)
    }
}

/// The keys to reserve, the account's first.
fn keys<'a>(account: &Key<'a>, address: Option<&Key<'a>>) -> Vec<Key<'a>> {
    std::iter::once(account)
        .chain(address)
        .map(|key| Key {
            name: key.name.clone(),
            policy: key.policy,
        })
        .collect()
}

pub(super) fn err_message(err: DomainError) -> String {
    match err {
        DomainError::Validation { message, .. } => message,
        other => other.to_string(),
    }
}
