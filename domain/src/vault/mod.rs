//! Envelope encryption: the master key wraps versioned data keys kept in `vault_keys`;
//! data keys encrypt secrets. XChaCha20-Poly1305 with a random 24-byte nonce per
//! encryption, and associated data that binds each ciphertext to where it belongs.

mod cipher;
mod keys;
mod master;

use std::collections::BTreeMap;

use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use secrecy::{ExposeSecret, SecretBox};
use vocab::KeyState;
use zeroize::Zeroizing;

use crate::entities::vault_keys;
use crate::error::{DomainError, DomainResult};
use cipher::{aad, open, seal, KEY_LEN};
use keys::{create_data_key, unwrap_data_key, wrong_master_key};

pub use keys::KeyVersion;
pub(crate) use keys::{add_data_key, key_versions, retire, rewrap};
pub use master::MasterKey;

pub(crate) struct DataKey(SecretBox<[u8; KEY_LEN]>);

impl DataKey {
    pub(crate) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }
}

/// The unwrapped data keys of this database.
pub struct Vault {
    keys: BTreeMap<i32, DataKey>,
    active: i32,
}

impl Vault {
    /// Unwraps every data key and checks its canary; creates version 1 on a new database.
    ///
    /// # Errors
    /// `Unavailable` when the master key does not match the database: nothing is ever
    /// "decrypted" with a wrong key.
    pub async fn open(db: &DatabaseConnection, master: &MasterKey) -> DomainResult<Self> {
        let mut rows = vault_keys::Entity::find()
            .order_by_asc(vault_keys::Column::Version)
            .all(db)
            .await?;
        if rows.is_empty() {
            let inserted = create_data_key(db, master, 1).await;
            // Another instance may have created it first; theirs is as good as ours.
            rows = vault_keys::Entity::find()
                .order_by_asc(vault_keys::Column::Version)
                .all(db)
                .await?;
            if rows.is_empty() {
                inserted?;
            }
        }
        let mut keys = BTreeMap::new();
        let mut active = None;
        for row in rows {
            let key = unwrap_data_key(master, &row).ok_or_else(wrong_master_key)?;
            if row.state == KeyState::Active.as_str() {
                active = Some(row.version);
            }
            keys.insert(row.version, key);
        }
        let active = active
            .or_else(|| keys.keys().next_back().copied())
            .ok_or_else(wrong_master_key)?;
        Ok(Self { keys, active })
    }

    pub fn active_version(&self) -> i32 {
        self.active
    }

    /// Encrypts with the active data key; `context` is bound as associated data.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> DomainResult<String> {
        let key = self
            .keys
            .get(&self.active)
            .ok_or_else(|| DomainError::internal("no active data key"))?;
        seal(&key.cipher(), plaintext, &aad(self.active, context))
    }

    /// # Errors
    /// `Internal` when the ciphertext was altered, moved to another row, or needs a
    /// key this vault does not have.
    pub fn decrypt(&self, stored: &str, version: i32, context: &str) -> DomainResult<Zeroizing<Vec<u8>>> {
        let key = self
            .keys
            .get(&version)
            .ok_or_else(|| DomainError::internal("unknown data key version"))?;
        open(&key.cipher(), stored, &aad(version, context))
            .ok_or_else(|| DomainError::internal("a stored secret failed authentication"))
    }
}
