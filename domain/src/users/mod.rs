//! User accounts: who exists, with which role, and whether they may sign in.

mod fields;
mod service;

pub use fields::{DisplayName, Email};
pub use service::{NewUser, UserPatch, UserService};
