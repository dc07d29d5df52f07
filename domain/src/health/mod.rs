//! Credential health: the pure rule a check's result is judged by (failures, a
//! cooldown that doubles to a cap, automatic disable and recovery), and the scheduled
//! checks that apply it, one credential at a time.

mod checks;
mod policy;

pub use checks::{CheckRound, HealthChecks};
pub use policy::{Health, HealthEvent, HealthPolicy};
