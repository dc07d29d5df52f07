//! Sealing and opening one value: XChaCha20-Poly1305 with a random nonce, the format
//! prefix, and the associated data every ciphertext is bound by.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, Generate, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use zeroize::Zeroizing;

use crate::error::{DomainError, DomainResult};

pub(super) const KEY_LEN: usize = 32;
const NONCE_LEN: usize = 24;
/// Prefix of every stored ciphertext, so the format can change later.
const FORMAT: &str = "sy1";

pub(super) fn aad(version: i32, context: &str) -> Vec<u8> {
    format!("switchyard|v{version}|{context}").into_bytes()
}

pub(super) fn seal(cipher: &XChaCha20Poly1305, plaintext: &[u8], aad: &[u8]) -> DomainResult<String> {
    let nonce = XNonce::generate();
    let sealed = cipher
        .encrypt(&nonce, Payload { msg: plaintext, aad })
        .map_err(|_| DomainError::internal("encryption failed"))?;
    let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    Ok(format!("{FORMAT}.{}", STANDARD.encode(out)))
}

pub(super) fn open(cipher: &XChaCha20Poly1305, stored: &str, aad: &[u8]) -> Option<Zeroizing<Vec<u8>>> {
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

#[cfg(test)]
mod tests {
    use chacha20poly1305::aead::KeyInit;

    use super::*;

    fn cipher() -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&rand::random::<[u8; 32]>().into())
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
}
