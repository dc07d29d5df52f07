//! Everything that decides: entities, rules and services. No Leptos, no axum.
//!
//! The modules are listed floor by floor, and each imports only from the floors above
//! its own in this list (`tests/module_graph.rs` reads the `use crate::…` graph and fails
//! on a cycle or on a module listed before one it imports). Nothing is re-exported here,
//! so every import names the module it comes from.

// Floor 0: tables, the one error, what operators count, background loops.
pub mod entities;
pub mod error;
pub mod metrics;
pub mod redaction;
// Imports only the error.
pub mod background;

// Floor 1: parsed values, who is asking, the database, the vault.
pub mod access;
pub mod changes;
pub mod db;
pub mod egress;
pub mod kv;
pub mod limits;
pub mod passwords;
pub mod values;
pub mod vault;

// Floor 2: the audit log, sessions, accounts, templates, kept answers.
pub mod audit;
pub mod auth;
pub mod idempotency;
pub mod templates;
pub mod users;

// Floor 3: alerts, probes, the registry, set-up, tokens.
pub mod alerts;
pub mod probe;
pub mod providers;
pub mod seed;
pub mod setup;
pub mod tokens;

// Floor 4: request logs.
pub mod logs;

// Floor 5: credentials.
pub mod credentials;

// Floor 6: what uses credentials, the instance's facts.
pub mod health;
pub mod keys;
pub mod models;
pub mod overview;
pub mod routing;
pub mod system;
pub mod test_all;

// Floor 7: backups, the scheduled jobs, the gateway.
pub mod backups;
pub mod gateway;
pub mod scheduler;

// Top: the bundle adapters hold.
pub mod services;
