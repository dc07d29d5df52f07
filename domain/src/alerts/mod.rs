//! Alerts: events about credentials (from scheduled checks and live traffic, never
//! from manual tests or imports) posted to the webhooks admins configure.

mod delivery;
mod event;
mod queue;
mod webhooks;

pub use delivery::{signature, AlertSettings, Dispatcher};
pub use event::{About, Alert, AlertEvent, CredentialAbout};
pub use webhooks::{WebhookInput, WebhookPatch, WebhookService, WebhookView};
