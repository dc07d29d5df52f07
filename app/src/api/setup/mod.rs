mod check_setup_token;
mod complete_setup;

pub use check_setup_token::*;
pub use complete_setup::*;
