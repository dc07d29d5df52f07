//! The provider registry: which providers exist, from which template, in which order.

mod fields;
mod service;

pub use fields::{BaseUrl, Priority, Slug};
pub(crate) use service::with_template;
pub use service::{NewProvider, ProviderFilter, ProviderPatch, ProviderService};
