//! User accounts: who exists, with which role, and whether they may sign in.

mod listing;
mod service;

pub use listing::UserQuery;
pub use service::{DeletedUser, NewUser, UserPatch, UserService};
