//! One file per page.

mod account;
mod audit;
mod backups;
mod credentials;
mod gateway;
mod jobs;
mod login;
mod logs;
mod overview;
mod providers;
mod reset;
mod setup;
mod templates;
mod tokens;
mod users;
mod webhooks;

pub use account::AccountPage;
pub use audit::AuditLogPage;
pub use backups::BackupsPage;
pub use credentials::{ConnectionsPage, CredentialsPage};
pub use gateway::GatewayPage;
pub use jobs::JobsPage;
pub use login::LoginPage;
pub use logs::RequestLogsPage;
pub use overview::OverviewPage;
pub use providers::{ProviderDetailPage, ProvidersPage};
pub use reset::ResetPasswordPage;
pub use setup::SetupPage;
pub use templates::{TemplateDetailPage, TemplatesPage};
pub use tokens::TokensPage;
pub use users::UsersPage;
pub use webhooks::WebhooksPage;
