//! A request made with an API token, and the caller of the routes services use.

use vocab::{Role, TokenId, TokenKind, TokenScope};

use super::CurrentUser;
use crate::entities::api_tokens;
use crate::error::{DomainError, DomainResult};

/// What a token may do now: the scopes it was given that its owner's current role still
/// grants. Only admins hold the admin-only scopes (`secrets:read`, `metrics`), so a
/// demoted admin's token keeps its other scopes and loses those, without anyone revoking it.
pub fn granted_scopes(scopes: &[TokenScope], role: Role) -> Vec<TokenScope> {
    scopes
        .iter()
        .copied()
        .filter(|scope| !scope.admin_only() || role == Role::Admin)
        .collect()
}

/// Whether a token of this kind with these scopes needs an admin behind it to do all it
/// was made for (service tokens, the admin-only scopes).
pub fn admin_only(kind: TokenKind, scopes: &[TokenScope]) -> bool {
    kind == TokenKind::Service || scopes.iter().any(|scope| scope.admin_only())
}

/// The scopes a stored token carries (unknown ones, from a later version, are ignored).
pub fn scopes_of(token: &api_tokens::Model) -> Vec<TokenScope> {
    token
        .scopes
        .as_array()
        .map(|a| a.iter().filter_map(|s| TokenScope::parse(s.as_str()?)).collect())
        .unwrap_or_default()
}

/// The kind of a stored token (personal for anything this version does not know).
pub fn kind_of(token: &api_tokens::Model) -> TokenKind {
    TokenKind::parse(&token.kind).unwrap_or(TokenKind::Personal)
}

/// What a token may reach through the gateway beyond its scopes; `None` is anything.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Restrictions {
    /// Model ids, as asked or as `provider/model`.
    pub models: Option<Vec<String>>,
    /// Provider identifiers.
    pub providers: Option<Vec<String>>,
    pub rate_limit_per_minute: Option<i32>,
}

/// A request authenticated by a token. Built only by the token service.
#[derive(Clone, Debug)]
pub struct TokenCaller {
    user: CurrentUser,
    token_id: TokenId,
    kind: TokenKind,
    scopes: Vec<TokenScope>,
    restrictions: Restrictions,
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
            restrictions: Restrictions::default(),
        }
    }

    pub(crate) fn restricted(mut self, restrictions: Restrictions) -> Self {
        self.restrictions = restrictions;
        self
    }

    pub fn restrictions(&self) -> &Restrictions {
        &self.restrictions
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
    /// An admin's session, or a token with `scope` (an admin-only scope: its owner is one).
    ///
    /// # Errors
    /// `Forbidden` for a user's session; `Denied`, naming the scope, for a token without it.
    pub fn require_admin_or(&self, scope: TokenScope) -> DomainResult<()> {
        match self {
            Caller::Session(user) => user.clone().require_admin().map(drop),
            Caller::Token(token) => token.require(scope),
        }
    }

    /// The person the call acts as (a token's owner).
    pub fn user(&self) -> &CurrentUser {
        match self {
            Caller::Session(user) => user,
            Caller::Token(token) => token.user(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_admins_keep_secrets_read_and_metrics() {
        let all = TokenScope::ALL;
        assert_eq!(granted_scopes(all, Role::Admin), all);
        assert_eq!(
            granted_scopes(all, Role::User),
            [TokenScope::Resolve, TokenScope::Gateway]
        );
        assert!(granted_scopes(&[TokenScope::SecretsRead, TokenScope::Metrics], Role::User).is_empty());
        assert!(admin_only(TokenKind::Personal, &[TokenScope::Metrics]));
    }

    #[test]
    fn service_tokens_and_secret_readers_need_an_admin() {
        assert!(admin_only(TokenKind::Service, &[TokenScope::Resolve]));
        assert!(admin_only(TokenKind::Personal, &[TokenScope::SecretsRead]));
        assert!(!admin_only(
            TokenKind::Personal,
            &[TokenScope::Resolve, TokenScope::Gateway]
        ));
    }
}
