//! What a request made with a token may do.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

use crate::auth::CurrentUser;
use crate::{DomainError, DomainResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TokenScope {
    /// `POST /api/resolve`.
    Resolve,
    /// The decrypted fields of the first candidate in a resolve answer (audited).
    SecretsRead,
    /// The OpenAI-compatible gateway.
    Gateway,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Resolve, TokenScope::SecretsRead, TokenScope::Gateway];

    pub fn as_str(self) -> &'static str {
        match self {
            TokenScope::Resolve => "resolve",
            TokenScope::SecretsRead => "secrets:read",
            TokenScope::Gateway => "gateway",
        }
    }
}

impl fmt::Display for TokenScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TokenScope {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TokenScope::ALL
            .into_iter()
            .find(|scope| scope.as_str() == s.trim())
            .ok_or_else(|| DomainError::validation("scopes", "use resolve, secrets:read or gateway"))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    Personal,
    Service,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Personal => "personal",
            TokenKind::Service => "service",
        }
    }
}

/// A request authenticated by a token. Built only by [`super::TokenService`].
#[derive(Clone, Debug)]
pub struct TokenCaller {
    pub(crate) user: CurrentUser,
    pub(crate) token_id: Uuid,
    pub(crate) kind: TokenKind,
    pub(crate) scopes: Vec<TokenScope>,
}

impl TokenCaller {
    /// The token's owner.
    pub fn user(&self) -> &CurrentUser {
        &self.user
    }

    /// Where the request came from, for the audit log.
    pub fn set_ip(&mut self, ip: Option<String>) {
        self.user = self.user.clone().at(ip);
    }

    pub fn token_id(&self) -> Uuid {
        self.token_id
    }

    pub fn kind(&self) -> TokenKind {
        self.kind
    }

    pub fn has(&self, scope: TokenScope) -> bool {
        self.scopes.contains(&scope)
    }

    /// # Errors
    /// `Denied`, naming the scope, when the token lacks it.
    pub fn require(&self, scope: TokenScope) -> DomainResult<()> {
        if self.has(scope) {
            Ok(())
        } else {
            Err(DomainError::Denied(format!(
                "this API token lacks the `{scope}` scope"
            )))
        }
    }
}
