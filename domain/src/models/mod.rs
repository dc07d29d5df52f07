//! Models per provider.

mod fetch;
mod service;

pub use fetch::{parse_model_ids, ModelFetcher, MAX_BODY_BYTES};
pub use service::{ModelService, SyncDiff};
