//! One file per page.

mod account;
mod login;
mod overview;
mod providers;
mod setup;
mod users;

pub use account::AccountPage;
pub use login::LoginPage;
pub use overview::OverviewPage;
pub use providers::ProvidersPage;
pub use setup::SetupPage;
pub use users::UsersPage;
