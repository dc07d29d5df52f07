//! Credential health: the pure rule a check's result is judged by (failures, a
//! cooldown that doubles to a cap, automatic disable and recovery), and the scheduled
//! checks that apply it, one credential at a time.

mod apply;
mod checks;
mod policy;

pub(crate) use apply::apply;
pub use apply::{health_of, Source, Verdict};
pub use checks::{CheckRound, HealthChecks};
pub use policy::{Health, HealthEvent, HealthPolicy};
