//! Authorization as values: only the auth service can build a `CurrentUser`,
//! and only a `CurrentUser` with the admin role becomes an `Admin`.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::DomainError;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Admin,
    User,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::User => "user",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value {
            "admin" => Ok(Role::Admin),
            "user" => Ok(Role::User),
            _ => Err(DomainError::validation(
                "role",
                "role must be \"admin\" or \"user\"",
            )),
        }
    }
}

/// A signed-in, active user. Built only by [`crate::auth::AuthService`].
#[derive(Clone, Debug)]
pub struct CurrentUser {
    id: Uuid,
    email: String,
    display_name: String,
    role: Role,
    session_id: Option<Uuid>,
    /// Where the request came from, for the audit log.
    ip: Option<String>,
}

impl CurrentUser {
    pub(crate) fn new(
        id: Uuid,
        email: String,
        display_name: String,
        role: Role,
        session_id: Option<Uuid>,
    ) -> Self {
        Self {
            id,
            email,
            display_name,
            role,
            session_id,
            ip: None,
        }
    }

    /// The same user, acting from `ip` (adapters know the address; the audit log records it).
    pub fn at(mut self, ip: Option<String>) -> Self {
        self.ip = ip;
        self
    }

    pub fn ip(&self) -> Option<&str> {
        self.ip.as_deref()
    }

    pub fn id(&self) -> Uuid {
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
    pub fn session_id(&self) -> Option<Uuid> {
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
