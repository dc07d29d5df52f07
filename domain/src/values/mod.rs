//! Values parsed once at the edge of the domain: after `parse`, the type is the proof.
//! The bottom floor: it imports nothing of the crate but the error.

mod numbers;
mod paging;
mod people;
mod registry;
mod search;
pub mod text;

pub use numbers::{FailureLimit, MonthlyQuota, Priority, RateLimit, Weight};
pub use paging::Page;
pub use people::{DisplayName, Email};
pub use registry::{BaseUrl, Name, ProviderRef, Slug};
pub use search::Search;
