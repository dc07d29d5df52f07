//! A request made with an API token, and the caller of the routes services use.

use vocab::{TokenId, TokenKind, TokenScope};

use super::CurrentUser;
use crate::error::{DomainError, DomainResult};

/// A request authenticated by a token. Built only by the token service.
#[derive(Clone, Debug)]
pub struct TokenCaller {
    user: CurrentUser,
    token_id: TokenId,
    kind: TokenKind,
    scopes: Vec<TokenScope>,
}

impl TokenCaller {
    pub(crate) fn new(
        user: CurrentUser,
        token_id: TokenId,
        kind: TokenKind,
        scopes: Vec<TokenScope>,
    ) -> Self {
        Self {
            user,
            token_id,
            kind,
            scopes,
        }
    }

    /// The token's owner.
    pub fn user(&self) -> &CurrentUser {
        &self.user
    }

    /// The same caller, acting from `ip` (for the audit log).
    pub fn at(mut self, ip: Option<String>) -> Self {
        self.user = self.user.at(ip);
        self
    }

    pub fn token_id(&self) -> TokenId {
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

/// Who calls a route that services use: a signed-in user's session, or an API token.
#[derive(Clone, Debug)]
pub enum Caller {
    Session(CurrentUser),
    Token(TokenCaller),
}

impl Caller {
    /// The person the call acts as (a token's owner).
    pub fn user(&self) -> &CurrentUser {
        match self {
            Caller::Session(user) => user,
            Caller::Token(token) => token.user(),
        }
    }
}
