//! `resolve`: for a caller and a provider (or a model), the usable credentials in order
//! and the excluded ones with their reason.

use std::collections::BTreeMap;

use chrono::Utc;
use sea_orm::sea_query::{Query, UnionType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryTrait,
};
use secrecy::SecretString;
use vocab::{AuditAction, Scope, TokenKind, TokenScope};

use super::order::{exclusion, rank, standing, Exclusion};
use super::settings::RoutingSettings;
use crate::access::{Caller, CurrentUser, TokenCaller};
use crate::alerts::Dispatcher;
use crate::audit::{self, AuditEntry};
use crate::credentials::ownership::in_scope;
use crate::credentials::{with_provider, CredentialService, CredentialView};
use crate::entities::{credentials, models, providers};
use crate::error::{DomainError, DomainResult};
use crate::limits::{credential_key, Limiter, PerMinute};
use crate::values::text;

/// What the caller wants to reach.
#[derive(Clone, Debug)]
pub enum Target {
    /// A provider's identifier.
    Provider(String),
    /// A model id: every provider that offers it (enabled models only).
    Model(String),
}

impl Target {
    /// The question as a request asks it: exactly one of a provider and a model.
    ///
    /// # Errors
    /// `Validation` on `provider` when both or neither are given.
    pub fn from_request(provider: Option<String>, model: Option<String>) -> DomainResult<Self> {
        match (provider, model) {
            (Some(provider), None) if !text::may_name_something(&provider) => {
                Err(DomainError::validation("provider", "no such provider"))
            }
            (None, Some(model)) if !text::may_name_something(&model) => {
                Err(DomainError::validation("model", "no provider offers this model"))
            }
            (Some(provider), None) => Ok(Target::Provider(provider)),
            (None, Some(model)) => Ok(Target::Model(model)),
            _ => Err(DomainError::validation(
                "provider",
                "give either a provider or a model",
            )),
        }
    }
}

pub struct Resolution {
    pub candidates: Vec<CredentialView>,
    pub excluded: Vec<(CredentialView, Exclusion)>,
}

/// What resolve answers a caller: the order, and the first candidate's decrypted fields
/// for a token allowed to read them.
pub struct Answer {
    pub resolution: Resolution,
    pub secret: Option<BTreeMap<String, SecretString>>,
}

#[derive(Clone)]
pub struct ResolveService {
    db: DatabaseConnection,
    credentials: CredentialService,
    alerts: Dispatcher,
    settings: RoutingSettings,
    limiter: Limiter,
}

impl ResolveService {
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        alerts: Dispatcher,
        limiter: Limiter,
    ) -> Self {
        Self {
            settings: RoutingSettings::new(db.clone()),
            db,
            credentials,
            alerts,
            limiter,
        }
    }

    /// Resolve as a caller may ask it. A session sees its own connections and the
    /// global credentials. A token needs the `resolve` scope; a personal token reaches
    /// its owner's connections too, a service token global credentials only; with
    /// `secrets:read` the answer carries the first candidate's fields (audited).
    ///
    /// # Errors
    /// `Denied` for a token without the `resolve` scope; as [`ResolveService::resolve`].
    pub async fn answer(&self, caller: &Caller, target: &Target) -> DomainResult<Answer> {
        match caller {
            Caller::Session(user) => Ok(Answer {
                resolution: self.resolve(user, true, target).await?,
                secret: None,
            }),
            Caller::Token(token) => {
                token.require(TokenScope::Resolve)?;
                let personal = token.kind() == TokenKind::Personal;
                let resolution = self.resolve(token.user(), personal, target).await?;
                let secret = match token.has(TokenScope::SecretsRead) {
                    true => self.reveal_first(token, &resolution).await?,
                    false => None,
                };
                Ok(Answer { resolution, secret })
            }
        }
    }

    /// `personal` is false for service tokens: they reach global credentials only.
    ///
    /// # Errors
    /// `Validation` on `provider` or `model` when nothing matches.
    pub(crate) async fn resolve(
        &self,
        caller: &CurrentUser,
        personal: bool,
        target: &Target,
    ) -> DomainResult<Resolution> {
        // With the caller's own connections in play the order setting may matter: it is
        // read beside the candidates, on another pooled connection, not after them.
        let (rows, personal_first) = if personal {
            tokio::try_join!(
                self.reachable(caller, personal, target),
                self.settings.personal_first()
            )?
        } else {
            (self.reachable(caller, personal, target).await?, true)
        };
        if rows.is_empty() {
            // Only an empty answer pays for telling "nothing matches" from "no credentials".
            self.ensure_exists(target).await?;
        }
        let now = Utc::now();
        let mut items = Vec::with_capacity(rows.len());
        for (row, provider) in rows {
            let view = CredentialView::new(row, &provider);
            let mut excluded = exclusion(&standing(&view, now), now);
            if excluded.is_none() {
                excluded = self.rate_limited(&view).await?;
            }
            items.push((view, excluded));
        }
        let (candidates, excluded) = rank(items, personal_first);
        Ok(Resolution { candidates, excluded })
    }

    /// Whether the credential's rate limit admits a request now (without taking it).
    async fn rate_limited(&self, view: &CredentialView) -> DomainResult<Option<Exclusion>> {
        let Some(limit) = view.row().rate_limit_per_minute else {
            return Ok(None);
        };
        let Some(per_minute) = PerMinute::new(limit) else {
            return Ok(None);
        };
        let wait = self.limiter.peek(&credential_key(view.id()), per_minute).await?;
        Ok(wait.map(|wait| Exclusion::RateLimited {
            limit,
            retry_after_secs: wait.as_secs() + 1,
        }))
    }

    /// The target's global credentials and the caller's own connections (never anyone
    /// else's), each with its provider, in one statement: a `UNION ALL` of one select per
    /// scope, so each reads a tight range of the (provider, scope, owner) index, where an
    /// OR of the two would read every row of the provider.
    async fn reachable(
        &self,
        caller: &CurrentUser,
        personal: bool,
        target: &Target,
    ) -> DomainResult<Vec<(credentials::Model, providers::Model)>> {
        let of_target = match target {
            Target::Provider(identifier) => providers::Column::Identifier.eq(identifier.trim()),
            Target::Model(model) => credentials::Column::ProviderId.in_subquery(
                Query::select()
                    .column(models::Column::ProviderId)
                    .from(models::Entity)
                    .and_where(models::Column::ModelId.eq(model.trim()))
                    .and_where(models::Column::Enabled.eq(true))
                    .to_owned(),
            ),
        };
        let of_scope = |scope: Condition| {
            credentials::Entity::find()
                .find_also_related(providers::Entity)
                .filter(of_target.clone())
                .filter(scope)
        };
        let mut reachable = of_scope(Condition::all().add(in_scope(Scope::Global)));
        if personal {
            let own = of_scope(
                Condition::all()
                    .add(in_scope(Scope::Personal))
                    .add(credentials::Column::OwnerId.eq(caller.id().uuid())),
            );
            QueryTrait::query(&mut reachable).union(UnionType::All, own.into_query());
        }
        reachable
            .all(&self.db)
            .await?
            .into_iter()
            .map(with_provider)
            .collect()
    }

    /// The decrypted fields of the first candidate, for a token with `secrets:read`.
    /// The reveal, its audit event and the use it counts (the service calls the provider
    /// with it, which may exhaust the quota and queue that alert) commit together.
    ///
    /// # Errors
    /// `Unavailable` when that credential's stored secret fails authentication (it was
    /// altered): it names the credential, and other credentials are unaffected.
    async fn reveal_first(
        &self,
        token: &TokenCaller,
        resolution: &Resolution,
    ) -> DomainResult<Option<BTreeMap<String, SecretString>>> {
        let Some(first) = resolution.candidates.first() else {
            return Ok(None);
        };
        let fields = self.credentials.open(first.row()).map_err(|err| {
            tracing::error!(credential = %first.row().id, %err, "a stored secret cannot be decrypted");
            DomainError::Unavailable(format!(
                "the stored secret of credential \"{}\" cannot be decrypted; replace its key",
                first.row().name
            ))
        })?;
        let entry = AuditEntry {
            action: AuditAction::CredentialReveal,
            target: Some(format!("credential:{}", first.row().id)),
            details: serde_json::json!({
                "name": first.row().name,
                "provider": first.provider_identifier,
                "token": token.token_id(),
                "fields": fields.keys().collect::<Vec<_>>(),
            }),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        audit::record(&txn, &token.user().into(), entry).await?;
        let reached = crate::credentials::usage::record_uses(
            &txn,
            first.id(),
            &first.provider_identifier,
            1,
            Utc::now(),
        )
        .await?;
        let queued = match reached {
            Some(alert) => self.alerts.queue(&txn, &[alert]).await?,
            None => 0,
        };
        txn.commit().await?;
        if queued > 0 {
            self.alerts.wake();
        }
        Ok(Some(fields))
    }

    /// # Errors
    /// `Validation` when no provider has this identifier, or none offers this model.
    async fn ensure_exists(&self, target: &Target) -> DomainResult<()> {
        let found = match target {
            Target::Provider(identifier) => {
                providers::Entity::find()
                    .filter(providers::Column::Identifier.eq(identifier.trim()))
                    .count(&self.db)
                    .await?
            }
            Target::Model(model) => {
                models::Entity::find()
                    .filter(models::Column::ModelId.eq(model.trim()))
                    .filter(models::Column::Enabled.eq(true))
                    .count(&self.db)
                    .await?
            }
        };
        match (found, target) {
            (0, Target::Provider(_)) => Err(DomainError::validation("provider", "no such provider")),
            (0, Target::Model(_)) => Err(DomainError::validation("model", "no provider offers this model")),
            _ => Ok(()),
        }
    }

    /// The instance-wide routing settings.
    pub fn settings(&self) -> &RoutingSettings {
        &self.settings
    }
}
