//! Who is signed in, and the users admins manage.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{Role, UserId};

/// The signed-in user, as the UI needs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SessionUser {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
}

impl SessionUser {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct UserDto {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A one-time link for a user to set a new password, shown once to the admin who made it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct PasswordResetDto {
    pub email: String,
    pub link: String,
    pub expires_at: DateTime<Utc>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;

    impl PasswordResetDto {
        /// The page the reset opens on this site (`origin`), with its token.
        pub fn of(origin: &str, reset: domain::auth::PasswordReset) -> Self {
            use secrecy::ExposeSecret;
            Self {
                email: reset.email,
                link: format!("{origin}/reset?token={}", reset.token.expose_secret()),
                expires_at: reset.expires_at,
            }
        }
    }
    use domain::access::CurrentUser;
    use domain::entities::users;

    impl From<&CurrentUser> for SessionUser {
        fn from(user: &CurrentUser) -> Self {
            Self {
                id: user.id(),
                email: user.email().to_owned(),
                display_name: user.display_name().to_owned(),
                role: user.role(),
            }
        }
    }

    impl From<users::Model> for UserDto {
        fn from(row: users::Model) -> Self {
            Self {
                id: UserId::from_uuid(row.id),
                email: row.email,
                display_name: row.display_name,
                role: Role::parse(&row.role).unwrap_or(Role::User),
                active: row.active,
                last_login_at: row.last_login_at,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }
}
