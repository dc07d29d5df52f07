//! Credential health: the rule each scheduled check applies, the checks themselves,
//! and "test all".

mod checks;
mod policy;
mod test_all;

pub use checks::{CheckRound, HealthChecks};
pub use policy::{Health, HealthEvent, HealthPolicy, HEALTH};
pub use test_all::{TestAll, CANCELLED, FINISHED, NOT_TESTED, RUNNING};
