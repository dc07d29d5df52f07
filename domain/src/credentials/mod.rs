//! Credentials: API keys and the rest of a provider's fields, secret ones encrypted at
//! rest. Global credentials belong to the admins; personal ones (the UI's *connections*)
//! to one user, and every query for them filters by owner.

mod destination;
mod export;
mod fields;
mod import;
mod input;
mod listing;
pub(crate) mod ownership;
mod pasted;
mod reorder;
mod sealing;
mod service;
mod stored_key;
pub(crate) mod testing;
pub(crate) mod usage;
mod view;

pub(crate) use destination::{destination, refused_destination};
pub use import::{ImportBatch, ImportRow};
pub use input::{CredentialPatch, ListQuery, NewCredential};
pub use pasted::{parse_keys, KeyLine, MAX_KEYS};
pub use service::CredentialService;
pub use view::{month_of, CredentialDetails, CredentialView, Moves};
pub(crate) use view::{owner_email, scope_of, with_provider};
