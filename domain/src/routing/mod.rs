//! Which credential a caller should use, in which order, and why the others are left out.

mod order;
mod resolve;

pub use order::{exclusion, order, Exclusion, Ranked};
pub use resolve::{Resolution, ResolveService, Target, PERSONAL_FIRST_KEY};
