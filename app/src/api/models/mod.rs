mod add_model;
mod set_model_enabled;
mod sync_models;

pub use add_model::*;
pub use set_model_enabled::*;
pub use sync_models::*;
