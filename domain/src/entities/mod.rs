//! SeaORM entities, one file per table, shaped exactly like the migration.
//! Behaviour lives in the services, never here.

pub mod api_tokens;
pub mod app_settings;
pub mod audit_events;
pub mod change_counter;
pub mod credentials;
pub mod idempotency_keys;
pub mod login_throttles;
pub mod models;
pub mod provider_templates;
pub mod providers;
pub mod rate_limits;
pub mod request_logs;
pub mod request_stats;
pub mod scheduler_jobs;
pub mod sessions;
pub mod test_run_results;
pub mod test_runs;
pub mod usage_daily;
pub mod users;
pub mod vault_keys;
pub mod webhook_deliveries;
pub mod webhooks;
