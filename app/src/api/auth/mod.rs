mod change_password;
mod current_user;
mod sign_in;
mod sign_out;

pub use change_password::*;
pub use current_user::*;
pub use sign_in::*;
pub use sign_out::*;
