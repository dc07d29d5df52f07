//! Global credentials and personal connections: the same server functions, the scope
//! deciding which guard applies and whose rows are reached.

mod create_credential;
mod credential_form_fields;
mod delete_credential;
mod import_credentials;
mod list_all_connections;
mod list_credentials;
mod move_credential;
mod set_credential_active;
mod test_all;
mod test_credential;
mod update_credential;

pub use create_credential::*;
pub use credential_form_fields::*;
pub use delete_credential::*;
pub use import_credentials::*;
pub use list_all_connections::*;
pub use list_credentials::*;
pub use move_credential::*;
pub use set_credential_active::*;
pub use test_all::*;
pub use test_credential::*;
pub use update_credential::*;
