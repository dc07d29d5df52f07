mod get_figures;
mod get_overview;

pub use get_figures::*;
pub use get_overview::*;
