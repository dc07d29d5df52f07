//! Creating, listing, revoking and checking API tokens.

use std::collections::BTreeSet;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;
use vocab::{AuditAction, TokenId, TokenKind, TokenScope};

use crate::access::{granted_scopes, kind_of, scopes_of, Admin, CurrentUser, Restrictions, TokenCaller};
use crate::audit::{self, AuditEntry};
use crate::auth::session::token_hash;
use crate::entities::{api_tokens, providers, users};
use crate::error::{DomainError, DomainResult};
use crate::values::{text, Name, RateLimit};

/// Every token starts with this, so leaked ones are easy to find (secret scanners).
pub const TOKEN_PREFIX: &str = "sy_";
/// How much of a token is kept to recognise it in a list.
const SHOWN_CHARS: usize = 10;
/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY: Duration = Duration::seconds(60);

/// The scopes a token gets when none are named: sending requests through the gateway.
pub const DEFAULT_SCOPES: &[TokenScope] = &[TokenScope::Gateway];

pub struct NewToken {
    pub name: String,
    /// `None` gives [`DEFAULT_SCOPES`].
    pub scopes: Option<Vec<String>>,
    pub expires_at: Option<DateTime<Utc>>,
    /// Model ids the gateway serves it (either as listed or as `provider/model`).
    pub allowed_models: Option<Vec<String>>,
    /// Provider identifiers the gateway may use for it.
    pub allowed_providers: Option<Vec<String>>,
    pub rate_limit_per_minute: Option<i64>,
}

/// At most this many entries in an allow-list.
const MAX_ALLOWED: usize = 100;

#[derive(Clone)]
pub struct TokenService {
    db: DatabaseConnection,
}

impl TokenService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    async fn audit(
        txn: &DatabaseTransaction,
        actor: &CurrentUser,
        action: AuditAction,
        token: &api_tokens::Model,
    ) -> DomainResult<()> {
        let entry = AuditEntry {
            action,
            target: Some(format!("token:{}", token.id)),
            details: serde_json::json!({
                "name": token.name,
                "kind": token.kind,
                "scopes": token.scopes,
                "owner": token.owner_id,
            }),
        };
        audit::record(txn, &actor.into(), entry).await
    }

    /// A personal token; the plaintext is returned once and never stored.
    ///
    /// # Errors
    /// `Validation` on `name`, `scopes` (unknown, none, or `secrets:read` for a
    /// non-admin) or `expiresAt` (not in the future).
    pub async fn create_personal(
        &self,
        user: &CurrentUser,
        new: NewToken,
    ) -> DomainResult<(api_tokens::Model, SecretString)> {
        self.insert(user, TokenKind::Personal, new).await
    }

    /// A service token: acts for a service, reaches global credentials only.
    pub async fn create_service(
        &self,
        admin: &Admin,
        new: NewToken,
    ) -> DomainResult<(api_tokens::Model, SecretString)> {
        self.insert(admin.user(), TokenKind::Service, new).await
    }

    /// A token of `kind` for `user` (personal unless said otherwise); only admins make
    /// service tokens.
    ///
    /// # Errors
    /// `Forbidden` for a service token asked by a user; as `create_personal`.
    pub async fn create(
        &self,
        user: &CurrentUser,
        kind: Option<TokenKind>,
        new: NewToken,
    ) -> DomainResult<(api_tokens::Model, SecretString)> {
        match kind.unwrap_or(TokenKind::Personal) {
            TokenKind::Personal => self.create_personal(user, new).await,
            TokenKind::Service => self.create_service(&user.clone().require_admin()?, new).await,
        }
    }

    async fn insert(
        &self,
        owner: &CurrentUser,
        kind: TokenKind,
        new: NewToken,
    ) -> DomainResult<(api_tokens::Model, SecretString)> {
        let name = Name::parse(&new.name, "name")?.into_string();
        let asked = new
            .scopes
            .unwrap_or_else(|| DEFAULT_SCOPES.iter().map(|s| s.as_str().to_owned()).collect());
        let scopes = asked
            .iter()
            .map(|s| {
                TokenScope::parse(s.trim()).ok_or_else(|| {
                    let known: Vec<&str> = TokenScope::ALL.iter().map(|s| s.as_str()).collect();
                    DomainError::validation("scopes", format!("use {}", known.join(", ")))
                })
            })
            .collect::<DomainResult<BTreeSet<_>>>()?;
        if scopes.is_empty() {
            return Err(DomainError::validation(
                "scopes",
                "give the token at least one scope",
            ));
        }
        if let Some(scope) = scopes.iter().find(|scope| scope.admin_only()) {
            if !owner.is_admin() {
                return Err(DomainError::validation(
                    "scopes",
                    format!("only admins may grant {scope}"),
                ));
            }
        }
        let now = Utc::now();
        if new.expires_at.is_some_and(|at| at <= now) {
            return Err(DomainError::validation(
                "expiresAt",
                "choose a time in the future",
            ));
        }
        let allowed_models = allow_list("allowedModels", new.allowed_models)?;
        let allowed_providers = allow_list("allowedProviders", new.allowed_providers)?;
        let rate_limit = new
            .rate_limit_per_minute
            .map(RateLimit::new)
            .transpose()?
            .map(RateLimit::get);
        let txn = crate::db::write_transaction(&self.db).await?;
        for identifier in allowed_providers.iter().flatten() {
            let known = providers::Entity::find()
                .filter(providers::Column::Identifier.eq(identifier.as_str()))
                .one(&txn)
                .await?
                .is_some();
            if !known {
                return Err(DomainError::validation(
                    "allowedProviders",
                    format!("no provider is called `{identifier}`"),
                ));
            }
        }
        let token = SecretString::from(format!(
            "{TOKEN_PREFIX}{}",
            URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
        ));
        let row = api_tokens::ActiveModel {
            id: Set(Uuid::now_v7()),
            name: Set(name),
            token_hash: Set(token_hash(&token)),
            prefix: Set(token.expose_secret().chars().take(SHOWN_CHARS).collect()),
            owner_id: Set(owner.id().uuid()),
            kind: Set(kind.as_str().to_owned()),
            scopes: Set(serde_json::json!(scopes
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>())),
            created_at: Set(now),
            last_used_at: Set(None),
            expires_at: Set(new.expires_at),
            revoked_at: Set(None),
            allowed_models: Set(allowed_models.map(|list| serde_json::json!(list))),
            allowed_providers: Set(allowed_providers.map(|list| serde_json::json!(list))),
            rate_limit_per_minute: Set(rate_limit),
        };
        let row = row.insert(&txn).await?;
        Self::audit(&txn, owner, AuditAction::TokenCreate, &row).await?;
        txn.commit().await?;
        Ok((row, token))
    }

    /// The caller's own tokens, newest first.
    pub async fn list_own(&self, user: &CurrentUser) -> DomainResult<Vec<api_tokens::Model>> {
        Ok(api_tokens::Entity::find()
            .filter(api_tokens::Column::OwnerId.eq(user.id().uuid()))
            .order_by_desc(api_tokens::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Every token, newest first.
    pub async fn list_all(&self, _admin: &Admin) -> DomainResult<Vec<api_tokens::Model>> {
        Ok(api_tokens::Entity::find()
            .order_by_desc(api_tokens::Column::CreatedAt)
            .all(&self.db)
            .await?)
    }

    /// Revokes a token of the caller's, or any token for an admin. Revoking twice is fine.
    ///
    /// # Errors
    /// `NotFound` for another user's token (unless the caller is an admin).
    pub async fn revoke(&self, user: &CurrentUser, id: TokenId) -> DomainResult<api_tokens::Model> {
        let mut find = api_tokens::Entity::find_by_id(id.uuid());
        if !user.is_admin() {
            find = find.filter(api_tokens::Column::OwnerId.eq(user.id().uuid()));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = find.one(&txn).await?.ok_or(DomainError::NotFound)?;
        if row.revoked_at.is_some() {
            return Ok(row);
        }
        let mut active: api_tokens::ActiveModel = row.into();
        active.revoked_at = Set(Some(Utc::now()));
        let row = active.update(&txn).await?;
        Self::audit(&txn, user, AuditAction::TokenRevoke, &row).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// The caller behind a raw token from `Authorization: Bearer` or `x-api-key`.
    ///
    /// # Errors
    /// `Unauthorized` saying why: unknown, revoked, expired, or its owner disabled.
    pub async fn authenticate(&self, raw: &str) -> DomainResult<TokenCaller> {
        let raw = raw.trim();
        if !raw.starts_with(TOKEN_PREFIX) {
            return Err(DomainError::unauthorized(
                "This is not a Switchyard API token (they start with sy_).",
            ));
        }
        let hash = token_hash(&SecretString::from(raw.to_owned()));
        let Some((token, Some(user))) = api_tokens::Entity::find()
            .filter(api_tokens::Column::TokenHash.eq(hash))
            .find_also_related(users::Entity)
            .one(&self.db)
            .await?
        else {
            return Err(DomainError::unauthorized("Unknown API token."));
        };
        let now = Utc::now();
        let caller = admit(&token, &user, now)?;
        if token.last_used_at.is_none_or(|at| now - at > TOUCH_EVERY) {
            api_tokens::Entity::update_many()
                .col_expr(
                    api_tokens::Column::LastUsedAt,
                    sea_orm::sea_query::Expr::value(now),
                )
                .filter(api_tokens::Column::Id.eq(token.id))
                .exec(&self.db)
                .await?;
        }
        Ok(caller)
    }
}

/// The caller a stored token stands for at `now`, or why it stands for no one: the one
/// rule the token service and the gateway's in-memory copy both apply.
///
/// # Errors
/// `Unauthorized` saying why: revoked, expired, its owner disabled, or a service token
/// whose owner is no longer an admin.
pub fn admit(
    token: &api_tokens::Model,
    user: &users::Model,
    now: DateTime<Utc>,
) -> DomainResult<TokenCaller> {
    if token.revoked_at.is_some() {
        return Err(DomainError::unauthorized("This API token was revoked."));
    }
    if let Some(at) = token.expires_at.filter(|at| *at <= now) {
        return Err(DomainError::unauthorized(format!(
            "This API token expired at {}.",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )));
    }
    if !user.active {
        return Err(DomainError::unauthorized(
            "The owner of this API token is disabled.",
        ));
    }
    let owner = CurrentUser::from_row(user, None)?;
    let kind = kind_of(token);
    if kind == TokenKind::Service && !owner.is_admin() {
        return Err(DomainError::unauthorized(
            "The owner of this service token is no longer an admin.",
        ));
    }
    let scopes = granted_scopes(&scopes_of(token), owner.role());
    let restrictions = Restrictions {
        models: strings_of(token.allowed_models.as_ref()),
        providers: strings_of(token.allowed_providers.as_ref()),
        rate_limit_per_minute: token.rate_limit_per_minute,
    };
    Ok(TokenCaller::new(owner, TokenId::from_uuid(token.id), kind, scopes).restricted(restrictions))
}

fn strings_of(list: Option<&serde_json::Value>) -> Option<Vec<String>> {
    list.and_then(serde_json::Value::as_array).map(|items| {
        items
            .iter()
            .filter_map(|item| item.as_str().map(str::to_owned))
            .collect()
    })
}

/// An allow-list as asked: each entry an identifier (see `values::text::identifier`),
/// duplicates dropped, 1 to [`MAX_ALLOWED`] entries; `None` (anything) when not given.
/// An empty list would allow nothing, which is what revoking is for, so it is refused.
fn allow_list(field: &str, list: Option<Vec<String>>) -> DomainResult<Option<Vec<String>>> {
    let Some(list) = list else { return Ok(None) };
    let entries = list
        .iter()
        .map(|entry| text::identifier(field, entry))
        .collect::<DomainResult<BTreeSet<String>>>()?;
    if entries.is_empty() || entries.len() > MAX_ALLOWED {
        return Err(DomainError::validation(
            field,
            format!("list 1 to {MAX_ALLOWED} entries, or leave it out to allow any"),
        ));
    }
    Ok(Some(entries.into_iter().collect()))
}
