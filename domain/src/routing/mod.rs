//! Which credential a caller should use, in which order, and why the others are left out.

mod order;
mod resolve;
mod settings;

pub use order::{exclusion, order, rank, standing, Candidate, Exclusion, Ranked, Standing};
pub use resolve::{Answer, Resolution, ResolveService, Target};
pub use settings::{RoutingSettings, Settings, SettingsPatch, PERSONAL_FIRST_KEY};
