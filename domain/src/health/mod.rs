//! Credential health: the rule each scheduled check applies, and the checks themselves.

mod checks;
mod policy;

pub use checks::{CheckRound, HealthChecks};
pub use policy::{Health, HealthEvent, HealthPolicy, HEALTH};
