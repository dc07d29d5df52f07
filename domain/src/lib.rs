//! Everything that decides: entities, rules and services. No Leptos, no axum.

pub mod alerts;
pub mod audit;
pub mod auth;
pub mod credentials;
pub mod db;
pub mod entities;
pub mod error;
pub mod health;
pub mod logs;
pub mod models;
pub mod overview;
pub mod probe;
pub mod providers;
pub mod routing;
pub mod scheduler;
pub mod seed;
pub mod services;
pub mod settings;
pub mod setup;
pub mod status;
pub mod templates;
pub mod text;
pub mod tokens;
pub mod users;
pub mod vault;

pub use error::{DomainError, DomainResult};
pub use services::{ServiceSet, Services};
