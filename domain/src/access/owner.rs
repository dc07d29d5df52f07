//! Whose credentials a call is about: the admins' global ones, or one user's connections.

use vocab::{Scope, UserId};

use super::{Admin, CurrentUser};
use crate::error::DomainResult;

/// The one guard for credential calls. Adapters that pick the list at run time (one page
/// serving both) obtain it with [`Owner::of`]; the credential service filters every query
/// by it.
#[derive(Clone, Debug)]
pub enum Owner {
    Admins(Admin),
    User(CurrentUser),
}

impl Owner {
    /// The owner for `scope`: global credentials need an admin, connections anyone.
    ///
    /// # Errors
    /// `Forbidden` when a user asks for the global list.
    pub fn of(user: CurrentUser, scope: Scope) -> DomainResult<Self> {
        Ok(match scope {
            Scope::Global => Owner::Admins(user.require_admin()?),
            Scope::Personal => Owner::User(user),
        })
    }

    pub fn scope(&self) -> Scope {
        match self {
            Owner::Admins(_) => Scope::Global,
            Owner::User(_) => Scope::Personal,
        }
    }

    /// Who acts, for the audit log.
    pub fn actor(&self) -> &CurrentUser {
        match self {
            Owner::Admins(admin) => admin.user(),
            Owner::User(user) => user,
        }
    }

    /// The user whose connections these are; none for global credentials.
    pub fn owner_id(&self) -> Option<UserId> {
        match self {
            Owner::Admins(_) => None,
            Owner::User(user) => Some(user.id()),
        }
    }
}

impl From<Admin> for Owner {
    fn from(admin: Admin) -> Self {
        Owner::Admins(admin)
    }
}
