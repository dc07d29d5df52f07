//! Server functions, one per file, grouped by area. Each guards, calls one domain
//! service and converts; nothing here decides anything.

pub mod audit;
pub mod auth;
pub mod backups;
pub mod credentials;
pub mod gateway;
pub mod jobs;
pub mod logs;
pub mod models;
pub mod overview;
pub mod providers;
pub mod settings;
pub mod setup;
pub mod templates;
pub mod tokens;
pub mod users;
pub mod webhooks;
