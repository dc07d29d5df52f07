//! Envelope encryption: the master key wraps versioned data keys kept in `vault_keys`;
//! data keys encrypt secrets. XChaCha20-Poly1305 with a random 24-byte nonce per
//! encryption, and associated data that binds each ciphertext to where it belongs.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroizing;

use crate::entities::vault_keys;
use crate::{DomainError, DomainResult};

const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// Prefix of every stored ciphertext, so the format can change later.
const FORMAT: &str = "sy1";
const CANARY: &[u8] = b"switchyard vault canary";

/// The root key. It only ever encrypts data keys.
pub struct MasterKey(SecretBox<[u8; KEY_LEN]>);

impl MasterKey {
    pub fn generate() -> Self {
        Self(SecretBox::new(Box::new(rand::random())))
    }

    /// Parses 32 bytes given as base64 (standard) or 64 hex digits.
    ///
    /// # Errors
    /// `Validation` on `master_key` when the text is neither.
    pub fn from_encoded(text: &SecretString) -> DomainResult<Self> {
        let text = text.expose_secret().trim();
        let bytes = Zeroizing::new(
            STANDARD
                .decode(text)
                .ok()
                .filter(|b| b.len() == KEY_LEN)
                .or_else(|| hex::decode(text).ok().filter(|b| b.len() == KEY_LEN))
                .ok_or_else(|| {
                    DomainError::validation("master_key", "expected 32 bytes as base64 or 64 hex digits")
                })?,
        );
        let mut key = Box::new([0u8; KEY_LEN]);
        key.copy_from_slice(&bytes);
        Ok(Self(SecretBox::new(key)))
    }

    pub fn encoded(&self) -> SecretString {
        SecretString::from(STANDARD.encode(self.0.expose_secret()))
    }

    /// Reads the key file.
    ///
    /// # Errors
    /// `Unavailable` when the file cannot be read, `Validation` when it holds no key.
    pub fn read_file(path: &Path) -> DomainResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            DomainError::Unavailable(format!(
                "cannot read the master key file {}: {err}",
                path.display()
            ))
        })?;
        Self::from_encoded(&SecretString::from(text))
    }

    /// Creates a new key file readable by its owner only (0600); refuses to overwrite.
    pub fn create_file(path: &Path) -> DomainResult<Self> {
        let key = Self::generate();
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|err| DomainError::Unavailable(format!("cannot create {}: {err}", dir.display())))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(path).map_err(|err| {
            DomainError::Unavailable(format!(
                "cannot create the master key file {}: {err}",
                path.display()
            ))
        })?;
        writeln!(file, "{}", key.encoded().expose_secret())
            .and_then(|()| file.sync_all())
            .map_err(|err| DomainError::Unavailable(format!("cannot write {}: {err}", path.display())))?;
        Ok(key)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }
}

struct DataKey(SecretBox<[u8; KEY_LEN]>);

impl DataKey {
    fn cipher(&self) -> XChaCha20Poly1305 {
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
            if row.state == "active" {
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

/// A data-key version and what state it is in (`active` encrypts; `previous` only
/// decrypts rows not yet rotated; `retired` is unused and kept for the record).
pub struct KeyVersion {
    pub version: i32,
    pub state: String,
    pub created_at: chrono::DateTime<Utc>,
}

/// The data keys, newest last.
pub async fn key_versions(db: &DatabaseConnection) -> DomainResult<Vec<KeyVersion>> {
    Ok(vault_keys::Entity::find()
        .order_by_asc(vault_keys::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|k| KeyVersion {
            version: k.version,
            state: k.state,
            created_at: k.created_at,
        })
        .collect())
}

/// Starts a rotation: a new data key becomes the active one; the others only decrypt.
///
/// # Errors
/// `Unavailable` when `master` does not open this database's keys.
pub async fn add_data_key(db: &DatabaseConnection, master: &MasterKey) -> DomainResult<i32> {
    let current = Vault::open(db, master).await?;
    let version = current.keys.keys().next_back().copied().unwrap_or(0) + 1;
    let txn = crate::db::write_transaction(db).await?;
    vault_keys::Entity::update_many()
        .col_expr(vault_keys::Column::State, Expr::value("previous"))
        .filter(vault_keys::Column::State.eq("active"))
        .exec(&txn)
        .await?;
    create_data_key(&txn, master, version).await?;
    txn.commit().await?;
    Ok(version)
}

/// Replaces the master key: every data key is unwrapped with `old` and wrapped with
/// `new`, in one transaction. No secret is touched, so it takes as long for a million
/// credentials as for one.
///
/// # Errors
/// `Unavailable` when `old` does not open this database's keys.
pub async fn rewrap(db: &DatabaseConnection, old: &MasterKey, new: &MasterKey) -> DomainResult<usize> {
    let rows = vault_keys::Entity::find().all(db).await?;
    let txn = crate::db::write_transaction(db).await?;
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
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(rows.len())
}

/// Marks an old data key retired.
///
/// # Errors
/// `Validation` for the active key, or while `rows_using` rows still use it.
pub async fn retire(db: &DatabaseConnection, version: i32, rows_using: u64) -> DomainResult<()> {
    let row = vault_keys::Entity::find_by_id(version)
        .one(db)
        .await?
        .ok_or_else(|| DomainError::validation("version", "no such key version"))?;
    if row.state == "active" {
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
    active.state = Set("retired".to_owned());
    active.update(db).await?;
    Ok(())
}

fn aad(version: i32, context: &str) -> Vec<u8> {
    format!("switchyard|v{version}|{context}").into_bytes()
}

fn seal(cipher: &XChaCha20Poly1305, plaintext: &[u8], aad: &[u8]) -> DomainResult<String> {
    let nonce = XNonce::generate();
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: plaintext, aad })
        .map_err(|_| DomainError::internal("encryption failed"))?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(format!("{FORMAT}.{}", STANDARD.encode(out)))
}

fn open(cipher: &XChaCha20Poly1305, stored: &str, aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
    let body = stored.strip_prefix(FORMAT)?.strip_prefix('.')?;
    let bytes = STANDARD.decode(body).ok()?;
    if bytes.len() < NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(NONCE_LEN);
    let nonce = XNonce::try_from(nonce).ok()?;
    cipher
        .decrypt(&nonce, Payload { msg: sealed, aad })
        .ok()
        .map(Zeroizing::new)
}

async fn create_data_key(db: &impl ConnectionTrait, master: &MasterKey, version: i32) -> DomainResult<()> {
    let key = Zeroizing::new(rand::random::<[u8; KEY_LEN]>());
    let data_key = DataKey(SecretBox::new(Box::new(*key)));
    vault_keys::ActiveModel {
        version: Set(version),
        wrapped_key: Set(seal(&master.cipher(), key.as_slice(), &aad(version, "data-key"))?),
        canary: Set(seal(&data_key.cipher(), CANARY, &aad(version, "canary"))?),
        state: Set("active".to_owned()),
        created_at: Set(Utc::now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn unwrap_data_key(master: &MasterKey, row: &vault_keys::Model) -> Option<DataKey> {
    let plain = open(&master.cipher(), &row.wrapped_key, &aad(row.version, "data-key"))?;
    let bytes: [u8; KEY_LEN] = plain.as_slice().try_into().ok()?;
    let key = DataKey(SecretBox::new(Box::new(bytes)));
    let canary = open(&key.cipher(), &row.canary, &aad(row.version, "canary"))?;
    (canary.as_slice() == CANARY).then_some(key)
}

fn wrong_master_key() -> DomainError {
    DomainError::Unavailable(
        "the master key does not match this database (its vault canary cannot be decrypted); \
         start with the master key this database was created with"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> XChaCha20Poly1305 {
        MasterKey::generate().cipher()
    }

    #[test]
    fn a_sealed_value_opens_only_with_its_context() {
        let c = cipher();
        let sealed = seal(&c, b"sk-test-value", b"credential-a").unwrap();
        assert_eq!(
            open(&c, &sealed, b"credential-a").unwrap().as_slice(),
            b"sk-test-value"
        );
        assert!(open(&c, &sealed, b"credential-b").is_none());
    }

    #[test]
    fn one_flipped_bit_fails() {
        let c = cipher();
        let sealed = seal(&c, b"sk-test-value", b"ctx").unwrap();
        let mut bytes = STANDARD.decode(sealed.trim_start_matches("sy1.")).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        let tampered = format!("sy1.{}", STANDARD.encode(bytes));
        assert!(open(&c, &tampered, b"ctx").is_none());
    }

    #[test]
    fn nonces_differ_between_encryptions() {
        let c = cipher();
        assert_ne!(
            seal(&c, b"same", b"ctx").unwrap(),
            seal(&c, b"same", b"ctx").unwrap()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_secret_round_trips_and_any_flipped_bit_is_refused(
            secret in proptest::collection::vec(proptest::num::u8::ANY, 0..2048),
            context in "[a-z0-9:-]{1,60}",
            flip in proptest::num::usize::ANY,
        ) {
            let c = cipher();
            let sealed = seal(&c, &secret, context.as_bytes()).unwrap();
            let opened = open(&c, &sealed, context.as_bytes()).unwrap();
            proptest::prop_assert_eq!(opened.as_slice(), secret.as_slice());
            let mut bytes = STANDARD.decode(sealed.trim_start_matches("sy1.")).unwrap();
            let bit = flip % (bytes.len() * 8);
            bytes[bit / 8] ^= 1 << (bit % 8);
            let tampered = format!("sy1.{}", STANDARD.encode(bytes));
            proptest::prop_assert!(open(&c, &tampered, context.as_bytes()).is_none());
            let other = format!("{context}-other");
            proptest::prop_assert!(open(&c, &sealed, other.as_bytes()).is_none());
        }
    }

    #[test]
    fn master_keys_round_trip_through_their_encoding() {
        let key = MasterKey::generate();
        let again = MasterKey::from_encoded(&key.encoded()).unwrap();
        assert_eq!(key.0.expose_secret(), again.0.expose_secret());
        let hex_form = SecretString::from(hex::encode(key.0.expose_secret()));
        assert_eq!(
            MasterKey::from_encoded(&hex_form).unwrap().0.expose_secret(),
            key.0.expose_secret()
        );
        assert!(MasterKey::from_encoded(&SecretString::from("too-short".to_owned())).is_err());
    }
}
