//! `Idempotency-Key` on creates: the first request with a key runs, its answer is kept
//! for a day, and a retry with the same key (after a timeout, a dropped connection) gets
//! that answer again instead of making a second row. Keys belong to one caller; the
//! answer is sealed by the vault, since a create may return a new token once.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use sha2::{Digest, Sha256};

use crate::entities::idempotency_keys;
use crate::error::{DomainError, DomainResult};
use crate::vault::Vault;

/// The header, as clients send it.
pub const HEADER: &str = "Idempotency-Key";

/// How long an answer is kept for retries.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::hours(24);

/// What to do with a request that carries a key.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The first with this key: run it, then `complete` (or `release` if it failed).
    Fresh,
    /// Answered before: send this again.
    Replay(Answer),
    /// The first is still running.
    InFlight,
    /// The key was used for a different request.
    Reused,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

/// A digest that names a request or a caller without keeping what it was made of.
pub fn digest(parts: &[&[u8]]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part);
    }
    hex::encode(hasher.finalize())
}

/// A key is 1–255 visible ASCII characters.
///
/// # Errors
/// `Validation` on the header otherwise.
pub fn check_key(key: &str) -> DomainResult<()> {
    if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(DomainError::validation(
            HEADER,
            "must be 1 to 255 visible ASCII characters (a UUID is a good key)",
        ));
    }
    Ok(())
}

#[derive(Clone)]
pub struct Idempotency {
    db: DatabaseConnection,
    vault: Arc<Vault>,
}

fn context(caller: &str, key: &str) -> String {
    format!("idempotency:{caller}:{key}")
}

impl Idempotency {
    pub fn new(db: DatabaseConnection, vault: Arc<Vault>) -> Self {
        Self { db, vault }
    }

    /// Claims `key` for `caller`'s `request` (both digests), atomically: of two requests
    /// sent at once with one key, one runs and the other is told it is in flight.
    pub async fn claim(&self, caller: &str, key: &str, request: &str) -> DomainResult<Claim> {
        check_key(key)?;
        let row = idempotency_keys::ActiveModel {
            caller: Set(caller.to_owned()),
            key: Set(key.to_owned()),
            request: Set(request.to_owned()),
            status: Set(None),
            content_type: Set(None),
            body: Set(None),
            key_version: Set(None),
            created_at: Set(Utc::now()),
        };
        let inserted = idempotency_keys::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([idempotency_keys::Column::Caller, idempotency_keys::Column::Key])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(&self.db)
            .await?;
        if inserted == 1 {
            return Ok(Claim::Fresh);
        }
        let Some(found) = idempotency_keys::Entity::find_by_id((caller.to_owned(), key.to_owned()))
            .one(&self.db)
            .await?
        else {
            // Released between the insert and the read: the earlier request failed.
            return Ok(Claim::InFlight);
        };
        if found.request != request {
            return Ok(Claim::Reused);
        }
        match (found.status, found.body, found.key_version) {
            (Some(status), Some(body), Some(version)) => {
                let body = self.vault.decrypt(&body, version, &context(caller, key))?;
                Ok(Claim::Replay(Answer {
                    status: u16::try_from(status).unwrap_or(500),
                    content_type: found.content_type,
                    body: body.to_vec(),
                }))
            }
            _ => Ok(Claim::InFlight),
        }
    }

    /// Keeps the answer to a claimed request for retries.
    pub async fn complete(&self, caller: &str, key: &str, answer: &Answer) -> DomainResult<()> {
        let sealer = self.vault.sealer();
        let body = sealer.encrypt(&answer.body, &context(caller, key))?;
        idempotency_keys::Entity::update_many()
            .col_expr(
                idempotency_keys::Column::Status,
                Expr::value(i32::from(answer.status)),
            )
            .col_expr(
                idempotency_keys::Column::ContentType,
                Expr::value(answer.content_type.clone()),
            )
            .col_expr(idempotency_keys::Column::Body, Expr::value(body))
            .col_expr(
                idempotency_keys::Column::KeyVersion,
                Expr::value(sealer.version()),
            )
            .filter(idempotency_keys::Column::Caller.eq(caller))
            .filter(idempotency_keys::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Forgets a claim whose request failed on the server's side, so a retry runs again.
    pub async fn release(&self, caller: &str, key: &str) -> DomainResult<()> {
        idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::Caller.eq(caller))
            .filter(idempotency_keys::Column::Key.eq(key))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Deletes answers older than `cutoff`; returns how many.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> DomainResult<u64> {
        let deleted = idempotency_keys::Entity::delete_many()
            .filter(idempotency_keys::Column::CreatedAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(check_key("0b3c5e0e-6f1d-4c52-9d41-2a7f0e8d9c11").is_ok());
        for bad in ["", " ", "with space", "ünïcode", "tab\there"] {
            assert!(check_key(bad).is_err(), "{bad:?}");
        }
        assert!(check_key(&"k".repeat(255)).is_ok());
        assert!(check_key(&"k".repeat(256)).is_err());
    }

    #[test]
    fn digests_keep_parts_apart() {
        // Without the lengths, ("ab", "c") and ("a", "bc") would be one request.
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(
            digest(&[b"POST", b"/api/tokens"]),
            digest(&[b"POST", b"/api/tokens"])
        );
    }
}
