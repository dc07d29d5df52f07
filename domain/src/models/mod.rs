//! Models per provider.

mod service;

pub use service::{ModelService, SyncDiff};
