//! User accounts: who exists, with which role, and whether they may sign in.

mod service;

pub use service::{DeletedUser, NewUser, UserPatch, UserService};
