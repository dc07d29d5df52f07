mod create_user;
mod list_users;
mod update_user;

pub use create_user::*;
pub use list_users::*;
pub use update_user::*;
