//! Who is asking, as values only the domain can mint: a signed-in `CurrentUser`, an
//! `Admin`, a `TokenCaller`, and the `Owner` whose credentials a call may reach.
//! Services take these as arguments; adapters obtain them and cannot forge them.

mod owner;
mod token;
mod user;

pub use owner::Owner;
pub use token::{admin_only, granted_scopes, kind_of, scopes_of, Caller, Restrictions, TokenCaller};
pub use user::{Admin, ClientInfo, CurrentUser};
