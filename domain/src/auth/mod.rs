//! Signing in and out: passwords checked against the throttle, server-side sessions
//! with idle and absolute expiry, and the policy that bounds both.

mod policy;
mod reservations;
mod service;
pub mod session;
pub mod throttle;

pub use policy::AuthPolicy;
pub use service::{AuthService, SignedIn};
