//! Password rules and argon2id hashing off the async runtime (users set them, auth checks them).

use std::sync::Arc;

use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::Argon2;
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use zeroize::Zeroizing;

use crate::error::{DomainError, DomainResult};

pub const MIN_PASSWORD_CHARS: usize = 12;
pub const MAX_PASSWORD_CHARS: usize = 256;

/// A password that satisfies the policy: 12 to 256 characters, not only spaces.
pub struct NewPassword(SecretString);

impl NewPassword {
    /// # Errors
    /// `Validation` on the `password` field when the rule is not met.
    pub fn parse(raw: &SecretString) -> DomainResult<Self> {
        let value = raw.expose_secret();
        let chars = value.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(DomainError::validation(
                "password",
                format!("use at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(DomainError::validation(
                "password",
                format!("use at most {MAX_PASSWORD_CHARS} characters"),
            ));
        }
        if value.trim().is_empty() {
            return Err(DomainError::validation(
                "password",
                "a password cannot be only spaces",
            ));
        }
        Ok(Self(SecretString::from(value.to_owned())))
    }

    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

/// Hashes and verifies with argon2id (m = 19 MiB, t = 2, p = 1, the crate's defaults).
///
/// Hashing is CPU-bound: it runs on the blocking pool, and a semaphore keeps at least
/// one core free for the runtime so health checks stay fast during a sign-in burst.
pub struct PasswordHasher {
    permits: Semaphore,
    /// Verified against for unknown emails, so they cost the same as known ones.
    dummy_hash: String,
}

impl PasswordHasher {
    /// # Errors
    /// `Internal` if argon2 cannot hash at all.
    pub fn new() -> DomainResult<Arc<Self>> {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let dummy_hash = hash_blocking(b"switchyard-dummy-password")?;
        Ok(Arc::new(Self {
            permits: Semaphore::new(cores.saturating_sub(1).max(1)),
            dummy_hash,
        }))
    }

    pub async fn hash(&self, password: &NewPassword) -> DomainResult<String> {
        let plain = Zeroizing::new(password.secret().expose_secret().as_bytes().to_vec());
        let _permit = self.permits.acquire().await.map_err(DomainError::internal)?;
        tokio::task::spawn_blocking(move || hash_blocking(&plain))
            .await
            .map_err(DomainError::internal)?
    }

    /// True when `candidate` matches `stored`. With no stored hash it does the same
    /// work against a dummy and answers false.
    pub async fn verify(&self, candidate: &SecretString, stored: Option<&str>) -> bool {
        let known = stored.is_some();
        let phc = stored.unwrap_or(&self.dummy_hash).to_owned();
        let plain = Zeroizing::new(candidate.expose_secret().as_bytes().to_vec());
        let Ok(_permit) = self.permits.acquire().await else {
            return false;
        };
        let matched = tokio::task::spawn_blocking(move || {
            Argon2::default().verify_password(&plain, phc.as_str()).is_ok()
        })
        .await
        .unwrap_or(false);
        known && matched
    }
}

fn hash_blocking(plain: &[u8]) -> DomainResult<String> {
    Argon2::default()
        .hash_password(plain)
        .map(|hash| hash.to_string())
        .map_err(|err| DomainError::internal(format!("argon2: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(value: &str) -> SecretString {
        SecretString::from(value.to_owned())
    }

    #[test]
    fn short_long_and_blank_passwords_are_refused() {
        assert!(NewPassword::parse(&secret("short")).is_err());
        assert!(NewPassword::parse(&secret(&"x".repeat(257))).is_err());
        assert!(NewPassword::parse(&secret(&" ".repeat(20))).is_err());
        assert!(NewPassword::parse(&secret("correct horse battery")).is_ok());
        assert!(NewPassword::parse(&secret(&"é".repeat(12))).is_ok());
    }

    #[tokio::test]
    async fn a_hash_verifies_only_its_password_and_uses_owasp_parameters() {
        let hasher = PasswordHasher::new().unwrap();
        let password = NewPassword::parse(&secret("correct horse battery")).unwrap();
        let hash = hasher.hash(&password).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        assert!(hasher.verify(&secret("correct horse battery"), Some(&hash)).await);
        assert!(!hasher.verify(&secret("correct horse batterx"), Some(&hash)).await);
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        let hasher = PasswordHasher::new().unwrap();
        assert!(!hasher.verify(&secret("switchyard-dummy-password"), None).await);
    }
}
