//! The sign-in throttle in the database, as reservations: each attempt counts itself as a
//! failure before its password is checked, in one locked read-and-write per key, and a
//! success gives the count back. So N attempts sent at once count as N, and the lockout
//! that the Nth would earn is in place before any of them is checked.

use chrono::{DateTime, Utc};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QuerySelect, Set,
};

use super::throttle::{seconds_left, ThrottlePolicy};
use crate::entities::login_throttles;
use crate::error::{DomainError, DomainResult};

/// One throttled key (an account, an address) and the policy it follows.
pub(crate) struct Key<'a> {
    pub name: String,
    pub policy: &'a ThrottlePolicy,
}

/// Reserves one attempt on every key: refused while any key is locked; otherwise each
/// key's count goes up by one, and a key whose count now earns a lockout is locked already
/// (the check that follows clears it if the password was right). Keys are taken in the
/// order given, so concurrent attempts never wait on each other in a circle.
///
/// # Errors
/// `RateLimited` with the longest wait while any key is locked.
pub(crate) async fn reserve(
    db: &DatabaseConnection,
    keys: &[Key<'_>],
    now: DateTime<Utc>,
) -> DomainResult<()> {
    let txn = crate::db::write_transaction(db).await?;
    let mut rows = Vec::with_capacity(keys.len());
    for key in keys {
        rows.push(locked_row(&txn, &key.name).await?);
    }
    let wait = rows
        .iter()
        .filter_map(|row| seconds_left(row.locked_until, now))
        .max();
    if let Some(retry_after_secs) = wait {
        txn.rollback().await?;
        return Err(DomainError::RateLimited { retry_after_secs });
    }
    for (key, row) in keys.iter().zip(rows) {
        let carried = key
            .policy
            .carried_failures(row.failures.max(0) as u32, row.last_failure_at, now);
        let failures = carried.saturating_add(1);
        let locked_until = key.policy.lockout_after(failures).map(|lockout| now + lockout);
        write(&txn, &key.name, failures, now, locked_until).await?;
    }
    Ok(txn.commit().await?)
}

/// After a right password: the account's count starts again, and the address gets back
/// the attempt it reserved (an office sharing one address keeps its free attempts).
pub(crate) async fn release(
    db: &DatabaseConnection,
    account: &Key<'_>,
    address: Option<&Key<'_>>,
) -> DomainResult<()> {
    let txn = crate::db::write_transaction(db).await?;
    login_throttles::Entity::delete_by_id(account.name.clone())
        .exec(&txn)
        .await?;
    if let Some(key) = address {
        let row = locked_row(&txn, &key.name).await?;
        let failures = (row.failures.max(1) - 1) as u32;
        let locked_until = match key.policy.lockout_after(failures) {
            Some(_) => row.locked_until,
            None => None,
        };
        write(&txn, &key.name, failures, row.last_failure_at, locked_until).await?;
    }
    Ok(txn.commit().await?)
}

/// The key's row, locked for this transaction (created at zero when missing). SQLite's
/// write transactions already hold the database's write lock; PostgreSQL locks the row.
async fn locked_row(txn: &DatabaseTransaction, key: &str) -> DomainResult<login_throttles::Model> {
    let fresh = login_throttles::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(0),
        last_failure_at: Set(Utc::now()),
        locked_until: Set(None),
    };
    login_throttles::Entity::insert(fresh)
        .on_conflict_do_nothing_on([login_throttles::Column::Key])
        .exec(txn)
        .await?;
    let mut select = login_throttles::Entity::find_by_id(key.to_owned());
    if txn.get_database_backend() == DbBackend::Postgres {
        select = select.lock_exclusive();
    }
    select
        .one(txn)
        .await?
        .ok_or_else(|| DomainError::internal("a throttle row vanished inside its transaction"))
}

async fn write(
    txn: &DatabaseTransaction,
    key: &str,
    failures: u32,
    at: DateTime<Utc>,
    locked_until: Option<DateTime<Utc>>,
) -> DomainResult<()> {
    login_throttles::Entity::update(login_throttles::ActiveModel {
        key: Set(key.to_owned()),
        failures: Set(failures.min(i32::MAX as u32) as i32),
        last_failure_at: Set(at),
        locked_until: Set(locked_until),
    })
    .exec(txn)
    .await?;
    Ok(())
}
