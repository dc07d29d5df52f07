//! Password reset by an admin: a one-time link, like the first admin's set-up link. The
//! admin never learns the new password, and the user sets it without the old one. Only the
//! link's hash is kept, one live link per user (a newer one replaces it), for a day.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;
use vocab::{AuditAction, UserId};

use super::session::{new_token, token_hash};
use super::AuthService;
use crate::access::{Admin, ClientInfo};
use crate::audit::{self, Actor, AuditEntry};
use crate::entities::{sessions, users};
use crate::error::{DomainError, DomainResult};
use crate::kv;
use crate::passwords::NewPassword;

/// How long a reset link works.
pub const RESET_LINK_LIFETIME: Duration = Duration::hours(24);

const INVALID_LINK: &str = "This reset link is not valid any more. Ask an admin for a new one.";

/// A new reset link's secret part (`/reset?token=…`) and when it stops working. The
/// token's `Debug` is redacted: it is shown once, to the admin who asked.
#[derive(Debug)]
pub struct PasswordReset {
    pub email: String,
    pub token: SecretString,
    pub expires_at: DateTime<Utc>,
}

fn key(user: Uuid) -> String {
    format!("password_reset:{}", user.simple())
}

impl AuthService {
    /// A one-time link for another user to set a new password; any earlier link of theirs
    /// stops working. Audited (without the link).
    ///
    /// # Errors
    /// `NotFound` for an unknown user; `Validation` for the admin's own account (the
    /// Account page changes it with the current password).
    pub async fn issue_password_reset(&self, admin: &Admin, id: UserId) -> DomainResult<PasswordReset> {
        if id == admin.user().id() {
            return Err(DomainError::validation(
                "id",
                "change your own password on the Account page",
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        let user = users::Entity::find_by_id(id.uuid())
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        let secret = new_token();
        let expires_at = Utc::now() + RESET_LINK_LIFETIME;
        let stored = json!({"hash": token_hash(&secret), "expiresAt": expires_at});
        kv::store(&txn, &key(user.id), stored.to_string()).await?;
        let entry = AuditEntry::new(
            AuditAction::UserPasswordReset,
            format!("user:{}", user.id),
            json!({"email": user.email, "expiresAt": expires_at}),
        );
        audit::record(&txn, &admin.user().into(), entry).await?;
        txn.commit().await?;
        // The user's id travels in the link, so the one row can be found without a scan.
        let token = SecretString::from(format!("{}.{}", user.id.simple(), secret.expose_secret()));
        Ok(PasswordReset {
            email: user.email,
            token,
            expires_at,
        })
    }

    /// Sets a new password through a reset link, burns the link and ends every session
    /// of the account. The user then signs in with it.
    ///
    /// # Errors
    /// `Unauthorized` for a link that is wrong, used or expired (one answer for all);
    /// `Validation` on `new_password`.
    pub async fn complete_password_reset(
        &self,
        token: &SecretString,
        new_password: &SecretString,
        client: &ClientInfo,
    ) -> DomainResult<()> {
        let new = NewPassword::parse(new_password)
            .map_err(|err| DomainError::validation("new_password", super::service::err_message(err)))?;
        let invalid = || DomainError::unauthorized(INVALID_LINK);
        let (user, secret) = token.expose_secret().split_once('.').ok_or_else(invalid)?;
        let user = Uuid::try_parse(user).map_err(|_| invalid())?;
        let stored = kv::read(&self.db, &key(user)).await?.ok_or_else(invalid)?;
        let stored: serde_json::Value = serde_json::from_str(&stored).map_err(|_| invalid())?;
        let given = token_hash(&SecretString::from(secret.to_owned()));
        let hash_matches = stored["hash"]
            .as_str()
            .is_some_and(|hash| super::constant_time_eq(hash.as_bytes(), given.as_bytes()));
        let expires_at = stored["expiresAt"]
            .as_str()
            .and_then(|at| DateTime::parse_from_rfc3339(at).ok());
        if !hash_matches || expires_at.is_none_or(|at| at < Utc::now()) {
            return Err(invalid());
        }
        let hash = self.hasher.hash(&new).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = users::Entity::find_by_id(user)
            .one(&txn)
            .await?
            .ok_or_else(invalid)?;
        // Read again inside the transaction: two uses of one link race to this point.
        if kv::read(&txn, &key(user)).await?.is_none() {
            return Err(invalid());
        }
        kv::remove(&txn, &key(user)).await?;
        let email = row.email.clone();
        let mut active: users::ActiveModel = row.into();
        active.password_hash = Set(hash);
        active.updated_at = Set(Utc::now());
        active.update(&txn).await?;
        let ended = sessions::Entity::delete_many()
            .filter(sessions::Column::UserId.eq(user))
            .exec(&txn)
            .await?
            .rows_affected;
        let entry = AuditEntry::new(
            AuditAction::PasswordChange,
            format!("user:{user}"),
            json!({"email": email, "via": "reset link", "sessionsEnded": ended}),
        );
        let actor = Actor::user_at(UserId::from_uuid(user), client.ip.clone());
        audit::record(&txn, &actor, entry).await?;
        Ok(txn.commit().await?)
    }
}
