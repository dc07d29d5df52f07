//! Signing in and out: passwords checked against the throttle, server-side sessions
//! with idle and absolute expiry, and the policy that bounds both.

mod policy;
mod reservations;
mod reset;
mod service;
pub mod session;
pub mod throttle;

pub use policy::AuthPolicy;
pub use reset::{PasswordReset, RESET_LINK_LIFETIME};
pub use service::{AuthService, SignedIn};

/// Compares two secrets' hashes in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
