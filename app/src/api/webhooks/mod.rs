mod create_webhook;
mod delete_webhook;
mod list_deliveries;
mod list_webhooks;
mod send_test_event;
mod set_webhook_enabled;
mod update_webhook;

pub use create_webhook::*;
pub use delete_webhook::*;
pub use list_deliveries::*;
pub use list_webhooks::*;
pub use send_test_event::*;
pub use set_webhook_enabled::*;
pub use update_webhook::*;
