//! Wiring: configuration, the command line, the HTTP router and start-up.

pub mod cli;
pub mod config;
pub mod http;
pub mod metrics;
pub mod startup;
pub mod telemetry;

pub use config::Config;
pub use startup::Application;
