//! Envelope encryption: the master key wraps versioned data keys kept in `vault_keys`;
//! data keys encrypt secrets. XChaCha20-Poly1305 with a random 24-byte nonce per
//! encryption, and associated data that binds each ciphertext to where it belongs.

mod cipher;
mod keys;
mod master;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwap;

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

/// How often a running instance looks for data keys another process added or retired
/// (`keys rotate` runs beside the servers, which must not need a restart).
const KEY_CHECK_EVERY: Duration = Duration::from_secs(1);

/// The unwrapped data keys of this database. The ring is swapped whole when the keys in
/// the database change, so readers never see half of a rotation.
pub struct Vault {
    ring: ArcSwap<KeyRing>,
    master: MasterKey,
    db: DatabaseConnection,
}

struct KeyRing {
    keys: BTreeMap<i32, DataKey>,
    active: i32,
    /// Each version's state as loaded: what a check compares with the database.
    loaded: Vec<(i32, String)>,
}

impl KeyRing {
    /// # Errors
    /// `Unavailable` when a key does not open with `master`.
    fn unwrap(rows: &[vault_keys::Model], master: &MasterKey) -> DomainResult<Self> {
        let mut keys = BTreeMap::new();
        let mut active = None;
        for row in rows {
            let key = unwrap_data_key(master, row).ok_or_else(wrong_master_key)?;
            if row.state == KeyState::Active.as_str() {
                active = Some(row.version);
            }
            keys.insert(row.version, key);
        }
        let active = active
            .or_else(|| keys.keys().next_back().copied())
            .ok_or_else(wrong_master_key)?;
        Ok(Self {
            keys,
            active,
            loaded: states(rows),
        })
    }
}

fn states(rows: &[vault_keys::Model]) -> Vec<(i32, String)> {
    rows.iter().map(|row| (row.version, row.state.clone())).collect()
}

async fn key_rows(db: &DatabaseConnection) -> DomainResult<Vec<vault_keys::Model>> {
    Ok(vault_keys::Entity::find()
        .order_by_asc(vault_keys::Column::Version)
        .all(db)
        .await?)
}

impl Vault {
    /// Unwraps every data key and checks its canary; creates version 1 on a new database.
    ///
    /// # Errors
    /// `Unavailable` when the master key does not match the database: nothing is ever
    /// "decrypted" with a wrong key.
    pub async fn open(db: &DatabaseConnection, master: &MasterKey) -> DomainResult<Self> {
        let mut rows = key_rows(db).await?;
        if rows.is_empty() {
            let inserted = create_data_key(db, master, 1).await;
            // Another instance may have created it first; theirs is as good as ours.
            rows = key_rows(db).await?;
            if rows.is_empty() {
                inserted?;
            }
        }
        Ok(Self {
            ring: ArcSwap::from_pointee(KeyRing::unwrap(&rows, master)?),
            master: master.duplicate(),
            db: db.clone(),
        })
    }

    /// Loads the data keys again when their versions or states changed in the database
    /// (a rotation by another process); `true` when they did.
    ///
    /// # Errors
    /// `Unavailable` when a new key does not open with this instance's master key (the
    /// keys were re-wrapped under a new one); the keys in use stay as they were.
    pub async fn refresh(&self) -> DomainResult<bool> {
        let rows = key_rows(&self.db).await?;
        if rows.is_empty() || states(&rows) == self.ring.load().loaded {
            return Ok(false);
        }
        let ring = KeyRing::unwrap(&rows, &self.master)?;
        let active = ring.active;
        self.ring.store(Arc::new(ring));
        tracing::info!(
            active,
            "data keys reloaded: new secrets are sealed with the active version"
        );
        Ok(true)
    }

    /// Checks for new data keys every second, for as long as the instance runs.
    pub async fn watch(self: Arc<Self>) {
        crate::background::every(KEY_CHECK_EVERY, "the data keys could not be reloaded", || {
            self.refresh()
        })
        .await;
    }

    /// The master key, for checking that a backup opens with it.
    pub(crate) fn master(&self) -> &MasterKey {
        &self.master
    }

    pub fn active_version(&self) -> i32 {
        self.ring.load().active
    }

    /// The active data key, held for one row's secrets: they are all sealed with it,
    /// and the row records its version, even if a rotation lands meanwhile.
    pub fn sealer(&self) -> Sealer {
        Sealer(self.ring.load_full())
    }

    /// # Errors
    /// `Internal` when the ciphertext was altered, moved to another row, or needs a
    /// key this vault does not have.
    pub fn decrypt(&self, stored: &str, version: i32, context: &str) -> DomainResult<Zeroizing<Vec<u8>>> {
        let ring = self.ring.load();
        let key = ring
            .keys
            .get(&version)
            .ok_or_else(|| DomainError::internal("unknown data key version"))?;
        open(&key.cipher(), stored, &aad(version, context))
            .ok_or_else(|| DomainError::internal("a stored secret failed authentication"))
    }
}

/// Seals with one data key version (`Vault::sealer`).
pub struct Sealer(Arc<KeyRing>);

impl Sealer {
    /// The version a row sealed by this must record.
    pub fn version(&self) -> i32 {
        self.0.active
    }

    /// Encrypts with this data key; `context` is bound as associated data.
    pub fn encrypt(&self, plaintext: &[u8], context: &str) -> DomainResult<String> {
        let key = self
            .0
            .keys
            .get(&self.0.active)
            .ok_or_else(|| DomainError::internal("no active data key"))?;
        seal(&key.cipher(), plaintext, &aad(self.0.active, context))
    }
}
