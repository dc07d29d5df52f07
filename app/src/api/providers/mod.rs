mod create_provider;
mod delete_provider;
mod list_enabled_providers;
mod list_providers;
mod list_templates;
mod set_provider_enabled;

pub use create_provider::*;
pub use delete_provider::*;
pub use list_enabled_providers::*;
pub use list_providers::*;
pub use list_templates::*;
pub use set_provider_enabled::*;
