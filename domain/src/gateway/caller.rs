//! Who sends a request through the gateway: an API token with the `gateway` scope, or a
//! signed-in user trying it from the UI. Tokens are checked against the in-memory copy,
//! with the same rule the token service applies.

use secrecy::SecretString;
use vocab::{TokenId, TokenKind, TokenScope, UserId};

use super::table::Table;
use crate::access::{CurrentUser, Restrictions, TokenCaller};
use crate::auth::session::token_hash;
use crate::error::{DomainError, DomainResult};
use crate::tokens::TOKEN_PREFIX;

#[derive(Clone, Debug)]
pub struct GatewayCaller {
    user: UserId,
    token: Option<TokenId>,
    /// Reaches its owner's own connections (a session, a personal token).
    personal: bool,
    restrictions: Restrictions,
}

impl GatewayCaller {
    /// A signed-in user: their own connections and the global credentials.
    pub fn session(user: &CurrentUser) -> Self {
        Self {
            user: user.id(),
            token: None,
            personal: true,
            restrictions: Restrictions::default(),
        }
    }

    /// # Errors
    /// `Denied` for a token without the `gateway` scope.
    pub fn token(token: &TokenCaller) -> DomainResult<Self> {
        token.require(TokenScope::Gateway)?;
        Ok(Self {
            user: token.user().id(),
            token: Some(token.token_id()),
            personal: token.kind() == TokenKind::Personal,
            restrictions: token.restrictions().clone(),
        })
    }

    /// A token reading its own usage: any scope will do.
    pub fn reading(token: &TokenCaller) -> Self {
        Self {
            user: token.user().id(),
            token: Some(token.token_id()),
            personal: token.kind() == TokenKind::Personal,
            restrictions: token.restrictions().clone(),
        }
    }

    pub fn user(&self) -> UserId {
        self.user
    }

    pub fn token_id(&self) -> Option<TokenId> {
        self.token
    }

    pub fn personal(&self) -> bool {
        self.personal
    }

    pub fn restrictions(&self) -> &Restrictions {
        &self.restrictions
    }
}

/// The caller behind a raw token, from the copy.
///
/// # Errors
/// `Unauthorized` as the token service says it; `Denied` without the `gateway` scope.
pub(super) fn authenticate(table: &Table, raw: &str) -> DomainResult<GatewayCaller> {
    let raw = raw.trim();
    if !raw.starts_with(TOKEN_PREFIX) {
        return Err(DomainError::unauthorized(
            "This is not a Switchyard API token (they start with sy_).",
        ));
    }
    let hash = token_hash(&SecretString::from(raw.to_owned()));
    let Some((token, user)) = table.tokens.get(&hash) else {
        return Err(DomainError::unauthorized("Unknown API token."));
    };
    let caller = crate::tokens::admit(token, user, chrono::Utc::now())?;
    GatewayCaller::token(&caller)
}
