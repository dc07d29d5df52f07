//! The audit log: who did what to which thing, from where and when; never a secret.
//! Each event stores the hash of the one before, so editing or deleting any event
//! breaks the chain from there on (`switchyard audit verify`).

mod chain;
mod service;

pub use chain::{event_hash, GENESIS};
pub use service::{AuditEntry, AuditFilter, AuditRecord, AuditService, ChainReport};
