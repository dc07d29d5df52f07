//! The provider registry: which providers exist, from which template, in which order.

mod service;

pub(crate) use service::{find, with_template};
pub use service::{NewProvider, ProviderFilter, ProviderPatch, ProviderService};
