//! Sign-in, session look-up, sign-out and password change.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use secrecy::SecretString;
use uuid::Uuid;

use super::session::{new_token, token_hash, Expiry};
use super::throttle::{seconds_left, ThrottlePolicy};
use super::AuthPolicy;
use crate::access::{ClientInfo, CurrentUser};
use crate::entities::{login_throttles, sessions, users};
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
    db: DatabaseConnection,
    policy: AuthPolicy,
    hasher: Arc<PasswordHasher>,
}

impl AuthService {
    pub fn new(db: DatabaseConnection, policy: AuthPolicy, hasher: Arc<PasswordHasher>) -> Self {
        Self { db, policy, hasher }
    }

    pub fn policy(&self) -> &AuthPolicy {
        &self.policy
    }

    /// Checks a password and opens a session.
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
        let keys = self.throttle_keys(&email, client);
        self.refuse_if_locked(&keys, now).await?;

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
                self.record_failure(&keys, now).await?;
                return Err(DomainError::unauthorized(WRONG_CREDENTIALS));
            }
        };
        if !user.active {
            return Err(DomainError::unauthorized(
                "This account is disabled. Ask an admin to enable it.",
            ));
        }
        login_throttles::Entity::delete_by_id(keys[0].0.clone())
            .exec(&self.db)
            .await?;
        let mut active: users::ActiveModel = user.clone().into();
        active.last_login_at = Set(Some(now));
        active.update(&self.db).await?;
        self.start_session(&user, client).await
    }

    /// Opens a session for a user whose identity is already proven.
    pub(crate) async fn start_session(
        &self,
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
        .insert(&self.db)
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

    /// Changes the caller's password and ends their other sessions.
    ///
    /// # Errors
    /// `Validation` on `current_password` when it is wrong, on `new_password` when the
    /// new one breaks the policy.
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
        if !self.hasher.verify(current, Some(&row.password_hash)).await {
            return Err(DomainError::validation(
                "current_password",
                "the current password is wrong",
            ));
        }
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
        others.exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The account key first (it is cleared on success), then the IP key.
    fn throttle_keys(&self, email: &Email, client: &ClientInfo) -> Vec<(String, &ThrottlePolicy)> {
        let mut keys = vec![(
            format!("account:{}", email.as_str()),
            &self.policy.account_throttle,
        )];
        if let Some(ip) = &client.ip {
            keys.push((format!("ip:{ip}"), &self.policy.ip_throttle));
        }
        keys
    }

    async fn refuse_if_locked(
        &self,
        keys: &[(String, &ThrottlePolicy)],
        now: DateTime<Utc>,
    ) -> DomainResult<()> {
        let names: Vec<String> = keys.iter().map(|(key, _)| key.clone()).collect();
        let rows = login_throttles::Entity::find()
            .filter(login_throttles::Column::Key.is_in(names))
            .all(&self.db)
            .await?;
        let wait = rows
            .iter()
            .filter_map(|row| seconds_left(row.locked_until, now))
            .max();
        match wait {
            Some(retry_after_secs) => Err(DomainError::RateLimited { retry_after_secs }),
            None => Ok(()),
        }
    }

    async fn record_failure(
        &self,
        keys: &[(String, &ThrottlePolicy)],
        now: DateTime<Utc>,
    ) -> DomainResult<()> {
        for (key, policy) in keys {
            let previous = login_throttles::Entity::find_by_id(key.clone())
                .one(&self.db)
                .await?;
            let failures = previous
                .map(|row| policy.carried_failures(row.failures.max(0) as u32, row.last_failure_at, now))
                .unwrap_or(0)
                .saturating_add(1);
            let locked_until = policy.lockout_after(failures).map(|lockout| now + lockout);
            let row = login_throttles::ActiveModel {
                key: Set(key.clone()),
                failures: Set(failures.min(i32::MAX as u32) as i32),
                last_failure_at: Set(now),
                locked_until: Set(locked_until),
            };
            login_throttles::Entity::insert(row)
                .on_conflict(
                    OnConflict::column(login_throttles::Column::Key)
                        .update_columns([
                            login_throttles::Column::Failures,
                            login_throttles::Column::LastFailureAt,
                            login_throttles::Column::LockedUntil,
                        ])
                        .to_owned(),
                )
                .exec(&self.db)
                .await?;
        }
        Ok(())
    }
}

fn err_message(err: DomainError) -> String {
    match err {
        DomainError::Validation { message, .. } => message,
        other => other.to_string(),
    }
}
