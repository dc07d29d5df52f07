//! API tokens: listed without the token, shown once when made.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{TokenId, TokenKind, TokenScope, UserId};

/// An API token as lists show it: never the token itself.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ApiTokenDto {
    pub id: TokenId,
    pub name: String,
    /// The token's first characters, to recognise it.
    pub prefix: String,
    pub kind: TokenKind,
    pub scopes: Vec<TokenScope>,
    pub owner_id: UserId,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Model ids the gateway serves it; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_models: Option<Vec<String>>,
    /// Provider identifiers the gateway may use for it; absent: any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_providers: Option<Vec<String>>,
    /// Gateway requests per minute; absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit_per_minute: Option<i32>,
}

/// The answer to creating a token: the only time `token` is ever shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedTokenDto {
    /// `sy_…`: store it now, it cannot be shown again.
    pub token: String,
    #[serde(flatten)]
    pub details: ApiTokenDto,
}

/// Which scopes a token form asked for (`scopes[resolve]=true`, …).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScopeChoice {
    pub resolve: bool,
    pub gateway: bool,
    pub secrets_read: bool,
    pub metrics: bool,
}

impl ScopeChoice {
    pub fn names(self) -> Vec<String> {
        [
            (TokenScope::Resolve, self.resolve),
            (TokenScope::Gateway, self.gateway),
            (TokenScope::SecretsRead, self.secrets_read),
            (TokenScope::Metrics, self.metrics),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(scope, _)| scope.as_str().to_owned())
        .collect()
    }
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::entities::api_tokens;

    impl From<api_tokens::Model> for ApiTokenDto {
        fn from(row: api_tokens::Model) -> Self {
            let strings = |list: Option<serde_json::Value>| {
                list.and_then(|v| serde_json::from_value::<Vec<String>>(v).ok())
            };
            Self {
                scopes: domain::access::scopes_of(&row),
                allowed_models: strings(row.allowed_models),
                allowed_providers: strings(row.allowed_providers),
                rate_limit_per_minute: row.rate_limit_per_minute,
                id: TokenId::from_uuid(row.id),
                kind: TokenKind::parse(&row.kind).unwrap_or(TokenKind::Personal),
                name: row.name,
                prefix: row.prefix,
                owner_id: UserId::from_uuid(row.owner_id),
                created_at: row.created_at,
                last_used_at: row.last_used_at,
                expires_at: row.expires_at,
                revoked_at: row.revoked_at,
            }
        }
    }
}
