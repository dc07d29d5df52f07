mod get_health_overview;
mod get_overview;

pub use get_health_overview::*;
pub use get_overview::*;
