mod get_overview;

pub use get_overview::*;
