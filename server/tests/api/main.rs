//! One test binary, so linking happens once. Every scenario runs on SQLite, and on
//! PostgreSQL when `SWITCHYARD_TEST_POSTGRES_URL` is set.

#![allow(clippy::unwrap_used, clippy::expect_used)] // tests may unwrap

mod fake_provider;
mod fake_upstream;
mod helpers;
mod polling;
mod process;
mod python;
mod receiver;

mod audit;
mod audit_atomicity;
mod auth;
mod backups;
mod cli;
mod credentials;
mod deploy;
mod durability;
mod gateway;
mod hardening;
mod health;
mod hostile;
mod idempotency;
mod import;
mod keys;
mod leaks;
mod leases;
mod lists;
mod logging;
mod logs;
mod metrics;
mod models;
mod openapi;
mod overview;
mod pages;
mod probes;
mod providers;
mod registry;
mod resolve;
mod scheduler;
mod stop;
mod sweep;
mod templates;
mod test_all;
mod tokens;
mod trust;
mod users;
mod webhooks;
