//! The data keys in `vault_keys`: created, listed, rotated to a new version, re-wrapped
//! under a new master key, retired.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use secrecy::{ExposeSecret, SecretBox};
use vocab::KeyState;
use zeroize::Zeroizing;

use super::cipher::{aad, open, seal, KEY_LEN};
use super::{DataKey, MasterKey};
use crate::entities::vault_keys;
use crate::error::{DomainError, DomainResult};

const CANARY: &[u8] = b"switchyard vault canary";

/// A data-key version and what state it is in.
pub struct KeyVersion {
    pub version: i32,
    pub state: KeyState,
    pub created_at: chrono::DateTime<Utc>,
}

/// The data keys, newest last.
pub(crate) async fn key_versions(db: &impl ConnectionTrait) -> DomainResult<Vec<KeyVersion>> {
    Ok(vault_keys::Entity::find()
        .order_by_asc(vault_keys::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|k| KeyVersion {
            version: k.version,
            state: KeyState::parse(&k.state).unwrap_or(KeyState::Previous),
            created_at: k.created_at,
        })
        .collect())
}

/// Starts a rotation in `db` (a transaction): a new data key becomes the active one;
/// the others only decrypt.
///
/// # Errors
/// `Unavailable` when `master` does not open this database's keys.
pub(crate) async fn add_data_key(db: &impl ConnectionTrait, master: &MasterKey) -> DomainResult<i32> {
    let newest = vault_keys::Entity::find()
        .order_by_desc(vault_keys::Column::Version)
        .one(db)
        .await?;
    if let Some(row) = &newest {
        unwrap_data_key(master, row).ok_or_else(wrong_master_key)?;
    }
    let version = newest.map_or(0, |row| row.version) + 1;
    vault_keys::Entity::update_many()
        .col_expr(
            vault_keys::Column::State,
            Expr::value(KeyState::Previous.as_str()),
        )
        .filter(vault_keys::Column::State.eq(KeyState::Active.as_str()))
        .exec(db)
        .await?;
    create_data_key(db, master, version).await?;
    Ok(version)
}

/// Replaces the master key in `db` (a transaction): every data key is unwrapped with
/// `old` and wrapped with `new`. No secret is touched, so it takes as long for a million
/// credentials as for one.
///
/// # Errors
/// `Unavailable` when `old` does not open this database's keys.
pub(crate) async fn rewrap(
    db: &impl ConnectionTrait,
    old: &MasterKey,
    new: &MasterKey,
) -> DomainResult<usize> {
    let rows = vault_keys::Entity::find().all(db).await?;
    for row in &rows {
        let key = unwrap_data_key(old, row).ok_or_else(wrong_master_key)?;
        let wrapped = seal(
            &new.cipher(),
            key.0.expose_secret(),
            &aad(row.version, "data-key"),
        )?;
        vault_keys::Entity::update_many()
            .col_expr(vault_keys::Column::WrappedKey, Expr::value(wrapped))
            .filter(vault_keys::Column::Version.eq(row.version))
            .exec(db)
            .await?;
    }
    Ok(rows.len())
}

/// Marks an old data key retired, in `db` (a transaction).
///
/// # Errors
/// `Validation` for the active key, or while `rows_using` rows still use it.
pub(crate) async fn retire(db: &impl ConnectionTrait, version: i32, rows_using: u64) -> DomainResult<()> {
    let row = vault_keys::Entity::find_by_id(version)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::validation("version", "no such key version"))?;
    if row.state == KeyState::Active.as_str() {
        return Err(DomainError::validation(
            "version",
            "the active key cannot be retired; rotate first",
        ));
    }
    if rows_using > 0 {
        return Err(DomainError::validation(
            "version",
            format!("{rows_using} credential(s) still use version {version}; finish `switchyard keys rotate` first"),
        ));
    }
    let mut active: vault_keys::ActiveModel = row.into();
    active.state = Set(KeyState::Retired.as_str().to_owned());
    active.update(db).await?;
    Ok(())
}

pub(super) async fn create_data_key(
    db: &impl ConnectionTrait,
    master: &MasterKey,
    version: i32,
) -> DomainResult<()> {
    let key = Zeroizing::new(rand::random::<[u8; KEY_LEN]>());
    let data_key = DataKey(SecretBox::new(Box::new(*key)));
    vault_keys::ActiveModel {
        version: Set(version),
        wrapped_key: Set(seal(&master.cipher(), key.as_slice(), &aad(version, "data-key"))?),
        canary: Set(seal(&data_key.cipher(), CANARY, &aad(version, "canary"))?),
        state: Set(KeyState::Active.as_str().to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

pub(super) fn unwrap_data_key(master: &MasterKey, row: &vault_keys::Model) -> Option<DataKey> {
    let plain = open(&master.cipher(), &row.wrapped_key, &aad(row.version, "data-key"))?;
    let bytes: [u8; KEY_LEN] = plain.as_slice().try_into().ok()?;
    let key = DataKey(SecretBox::new(Box::new(bytes)));
    let canary = open(&key.cipher(), &row.canary, &aad(row.version, "canary"))?;
    (canary.as_slice() == CANARY).then_some(key)
}

pub(super) fn wrong_master_key() -> DomainError {
    DomainError::Unavailable(
        "the master key does not match this database (its vault canary cannot be decrypted); \
         start with the master key this database was created with"
            .into(),
    )
}
