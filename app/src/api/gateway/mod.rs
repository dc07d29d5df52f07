//! The gateway for a signed-in user: what they can reach, and a test prompt sent
//! through it as them.

mod get_gateway_guide;
mod send_test_prompt;

pub use get_gateway_guide::*;
pub use send_test_prompt::*;
