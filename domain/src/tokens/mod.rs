//! API tokens: shown once, stored as a SHA-256, each with scopes, an optional expiry and
//! a revocation. Personal tokens act as their owner; service tokens (made by admins)
//! act for a service and never reach anyone's personal connections.

mod service;

pub use service::{admit, NewToken, TokenService, DEFAULT_SCOPES, TOKEN_PREFIX};
