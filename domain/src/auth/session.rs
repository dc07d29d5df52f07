//! Session tokens and the expiry rule. Only a token's SHA-256 is stored.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::AuthPolicy;

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "switchyard_session";

/// A fresh random 256-bit token, URL-safe.
pub fn new_token() -> SecretString {
    let bytes: [u8; 32] = rand::random();
    SecretString::from(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token.
pub fn token_hash(token: &SecretString) -> String {
    hex::encode(Sha256::digest(token.expose_secret().as_bytes()))
}

/// When a session created or used at `now` expires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expiry {
    pub idle: DateTime<Utc>,
    pub absolute: DateTime<Utc>,
}

impl Expiry {
    pub fn at_creation(policy: &AuthPolicy, now: DateTime<Utc>) -> Self {
        let absolute = now + policy.session_absolute;
        Self {
            idle: (now + policy.session_idle).min(absolute),
            absolute,
        }
    }

    pub fn is_live(&self, now: DateTime<Utc>) -> bool {
        now < self.idle && now < self.absolute
    }

    /// The idle deadline after a request at `now`; never past the absolute one.
    pub fn touched(&self, policy: &AuthPolicy, now: DateTime<Utc>) -> Self {
        Self {
            idle: (now + policy.session_idle).min(self.absolute),
            absolute: self.absolute,
        }
    }

    /// Writing `last_seen` on every request is wasteful; a minute of slack is enough.
    pub fn needs_touch(&self, policy: &AuthPolicy, now: DateTime<Utc>) -> bool {
        self.touched(policy, now).idle - self.idle > chrono::TimeDelta::seconds(60)
    }
}

/// Where to go after signing in, from the sign-in page's `next`: a path on this site only
/// (so a crafted link cannot send a user elsewhere: no scheme, no `//host`, no `\`), never
/// back to the sign-in, set-up or password-reset page. Anything else goes to the overview.
pub fn return_path(next: Option<&str>) -> &str {
    let Some(path) = next.map(str::trim) else {
        return "/";
    };
    let local = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(char::is_control);
    let own_page = ["/login", "/setup", "/reset"]
        .iter()
        .any(|page| path == *page || path.starts_with(&format!("{page}?")));
    if local && !own_page {
        path
    } else {
        "/"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_returns_only_to_pages_of_this_site() {
        assert_eq!(
            return_path(Some("/audit?page=2&action=user.created")),
            "/audit?page=2&action=user.created"
        );
        assert_eq!(return_path(Some("/providers/01a2")), "/providers/01a2");
        for elsewhere in [
            "//evil.example/",
            "https://evil.example/",
            "/\\evil.example",
            "javascript:alert(1)",
            "evil.example",
            "/login",
            "/login?next=/x",
            "/setup?token=abc",
            "/reset?token=abc",
            "/ok\r\nSet-Cookie: x=1",
            "",
        ] {
            assert_eq!(return_path(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(return_path(None), "/");
    }
    use chrono::TimeDelta;
    use std::time::Duration;

    fn policy() -> AuthPolicy {
        AuthPolicy {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 3600),
            ..AuthPolicy::default()
        }
    }

    #[test]
    fn a_new_session_is_live_until_it_idles_out() {
        let now = Utc::now();
        let expiry = Expiry::at_creation(&policy(), now);
        assert!(expiry.is_live(now + TimeDelta::minutes(29)));
        assert!(!expiry.is_live(now + TimeDelta::minutes(30)));
    }

    #[test]
    fn activity_extends_the_idle_deadline_but_never_the_absolute_one() {
        let start = Utc::now();
        let mut expiry = Expiry::at_creation(&policy(), start);
        for minutes in (20..=12 * 60).step_by(20) {
            expiry = expiry.touched(&policy(), start + TimeDelta::minutes(minutes));
        }
        assert!(!expiry.is_live(start + TimeDelta::hours(12)));
        assert!(expiry.is_live(start + TimeDelta::hours(12) - TimeDelta::seconds(1)));
    }

    #[test]
    fn touching_is_skipped_within_a_minute() {
        let now = Utc::now();
        let expiry = Expiry::at_creation(&policy(), now);
        assert!(!expiry.needs_touch(&policy(), now + TimeDelta::seconds(30)));
        assert!(expiry.needs_touch(&policy(), now + TimeDelta::seconds(90)));
    }

    #[test]
    fn tokens_are_unique_and_only_their_hash_is_kept() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a.expose_secret(), b.expose_secret());
        assert_eq!(a.expose_secret().len(), 43);
        let hash = token_hash(&a);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(a.expose_secret()));
    }
}
