//! The master key: generated, read from a file or the environment, and used only to wrap
//! data keys.

use std::io::Write;
use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::KeyInit;
use chacha20poly1305::XChaCha20Poly1305;
use secrecy::{ExposeSecret, SecretBox, SecretString};
use zeroize::Zeroizing;

use super::cipher::KEY_LEN;
use crate::error::{DomainError, DomainResult};

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

    /// A second handle on the same key, for a vault that outlives its opener's.
    pub(crate) fn duplicate(&self) -> Self {
        Self(SecretBox::new(Box::new(*self.0.expose_secret())))
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

    pub(super) fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(self.0.expose_secret().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
