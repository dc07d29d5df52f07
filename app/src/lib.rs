//! The Leptos UI: routes, pages, components, and the server functions that adapt
//! the domain services to the browser.

// The pages' view types nest deeper than the default limit lets the compiler lay out.
#![recursion_limit = "256"]

pub mod api;
mod app;
pub mod components;
pub mod dto;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use app::{shell, App};
pub use error::AppError;

#[cfg(feature = "hydrate")]
pub fn hydrate() {
    leptos::mount::hydrate_body(App);
}
