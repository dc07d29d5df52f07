//! Who is asking: passwords, sessions, sign-in throttling and the guard types.

pub mod guard;
pub mod password;
pub mod service;
pub mod session;
pub mod throttle;

pub use guard::{Admin, CurrentUser, Role};
pub(crate) use service::current_user;
pub use service::{AuthService, ClientInfo, SignedIn};
