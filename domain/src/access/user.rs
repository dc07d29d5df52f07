//! A signed-in user, and the admin proof: only the auth service builds a `CurrentUser`
//! (from a live session or token), and only one with the admin role becomes an `Admin`.

use vocab::{Role, UserId};

use crate::entities::users;
use crate::error::{DomainError, DomainResult};

/// Where a request came from, for sessions, throttling and the audit log.
#[derive(Clone, Debug, Default)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A signed-in, active user.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    id: UserId,
    email: String,
    display_name: String,
    role: Role,
    session_id: Option<uuid::Uuid>,
    /// Where the request came from, for the audit log.
    ip: Option<String>,
}

impl CurrentUser {
    /// The user of a row that was just proven (a live session, a token, a password).
    ///
    /// # Errors
    /// `Internal` when the stored role is not one this version knows.
    pub(crate) fn from_row(user: &users::Model, session_id: Option<uuid::Uuid>) -> DomainResult<Self> {
        let role = Role::parse(&user.role)
            .ok_or_else(|| DomainError::internal(format!("user {} has an unknown role", user.id)))?;
        Ok(Self {
            id: UserId::from_uuid(user.id),
            email: user.email.clone(),
            display_name: user.display_name.clone(),
            role,
            session_id,
            ip: None,
        })
    }

    /// The same user, acting from `ip` (adapters know the address; the audit log records it).
    pub fn at(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    pub fn id(&self) -> UserId {
        self.id
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn display_name(&self) -> &str {
        &self.display_name
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// The session this user came in with, if any (API tokens have none).
    pub fn session_id(&self) -> Option<uuid::Uuid> {
        self.session_id
    }

    /// # Errors
    /// `Forbidden` when the user is not an admin.
    pub fn require_admin(self) -> Result<Admin, DomainError> {
        match self.role {
            Role::Admin => Ok(Admin(self)),
            Role::User => Err(DomainError::Forbidden),
        }
    }
}

/// Proof that the caller is an active admin.
#[derive(Clone, Debug)]
pub struct Admin(CurrentUser);

impl Admin {
    pub fn user(&self) -> &CurrentUser {
        &self.0
    }
}
