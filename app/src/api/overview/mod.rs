mod get_figures;
mod get_my_usage;
mod get_overview;

pub use get_figures::*;
pub use get_my_usage::*;
pub use get_overview::*;
