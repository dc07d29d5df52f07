//! Alerts: events about credentials (from scheduled checks and live traffic, never
//! from manual tests or imports) posted to the webhooks admins configure.

mod delivery;
mod event;
mod webhooks;

pub use delivery::{signature, AlertSettings, Dispatcher, DELIVERED, FAILED, PENDING};
pub use event::{Alert, AlertEvent};
pub use webhooks::{WebhookInput, WebhookPatch, WebhookService, WebhookView};
