mod create_provider;
mod delete_provider;
mod get_provider;
mod list_enabled_providers;
mod list_providers;
mod set_provider_enabled;
mod update_provider;

pub use create_provider::*;
pub use delete_provider::*;
pub use get_provider::*;
pub use list_enabled_providers::*;
pub use list_providers::*;
pub use set_provider_enabled::*;
pub use update_provider::*;
