//! The audit log: who did what to which thing, from where and when; never a secret.
//! Each event stores the hash of the one before, so editing or deleting any event
//! breaks the chain from there on (`switchyard audit verify`). An event is written in
//! the transaction of the change it records: both commit, or neither.

mod chain;
mod record;
mod service;

pub use chain::{event_hash, GENESIS};
pub use record::{record, Actor, AuditEntry};
pub use service::{AuditFilter, AuditRecord, AuditService, ChainReport};
