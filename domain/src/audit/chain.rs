//! The hash that links one event to the previous one.

use chrono::SecondsFormat;
use sha2::{Digest, Sha256};

use crate::entities::audit_events;

/// The "previous hash" of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// SHA-256 over the previous hash and every field of the event, each length-prefixed
/// so no two different events can produce the same input.
pub fn event_hash(event: &audit_events::Model) -> String {
    let mut hasher = Sha256::new();
    let created_at = event.created_at.to_rfc3339_opts(SecondsFormat::Micros, true);
    let parts = [
        event.prev_hash.clone(),
        event.seq.to_string(),
        event.id.to_string(),
        event.actor_id.map(|a| a.to_string()).unwrap_or_default(),
        event.action.clone(),
        event.target.clone().unwrap_or_default(),
        event.details.to_string(),
        event.ip.clone().unwrap_or_default(),
        created_at,
    ];
    for part in parts {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hex::encode(hasher.finalize())
}
