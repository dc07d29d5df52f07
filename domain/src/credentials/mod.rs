//! Credentials: API keys and the rest of a provider's fields, secret ones encrypted at
//! rest. Global credentials belong to the admins; personal ones (the UI's *connections*)
//! to one user, and every query for them filters by owner.

mod health_check;
mod service;
mod testing;
mod usage;
mod values;
mod view;

pub use health_check::HEALTH_CHECK_KIND;
pub use service::{CredentialPatch, CredentialService, Direction, ListQuery, NewCredential, OwnedBy, Owner};
pub use testing::PROBE_KIND;
pub use values::{field_path, MAX_VALUE_BYTES};
pub use view::{month_of, CredentialView, Scope};
