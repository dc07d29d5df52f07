//! `resolve`: for a caller and a provider (or a model), the usable credentials in order
//! and the excluded ones with their reason.

use std::collections::{BTreeMap, HashMap};

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, Func, Query, UnionType};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    QueryTrait,
};
use secrecy::SecretString;
use uuid::Uuid;
use vocab::{AuditAction, LogKind, Scope, TokenKind, TokenScope};

use super::order::{exclusion, order, Exclusion, Ranked};
use super::settings::RoutingSettings;
use crate::access::{Caller, CurrentUser, TokenCaller};
use crate::alerts::Dispatcher;
use crate::audit::{self, AuditEntry};
use crate::credentials::ownership::in_scope;
use crate::credentials::{with_provider, CredentialService, CredentialView};
use crate::entities::{credentials, models, providers, request_logs};
use crate::error::{DomainError, DomainResult};

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
}

impl ResolveService {
    pub fn new(db: DatabaseConnection, credentials: CredentialService, alerts: Dispatcher) -> Self {
        Self {
            settings: RoutingSettings::new(db.clone()),
            db,
            credentials,
            alerts,
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
        let recent = self.requests_last_minute(&rows).await?;
        let now = Utc::now();
        let mut ranked = Vec::new();
        let mut excluded = Vec::new();
        for (row, provider) in rows {
            let view = CredentialView::new(row, &provider);
            let used = recent.get(&view.row().id).copied().unwrap_or(0);
            match exclusion(&view, now, used) {
                Some(reason) => excluded.push((view, reason)),
                None => ranked.push(Ranked {
                    view,
                    draw: 1.0 - rand::random::<f64>(),
                }),
            }
        }
        excluded.sort_by(|(a, _), (b, _)| {
            (a.row().priority, &a.row().name).cmp(&(b.row().priority, &b.row().name))
        });
        // The setting only matters when both groups have a candidate.
        let both_groups = [Scope::Personal, Scope::Global]
            .iter()
            .all(|scope| ranked.iter().any(|r| r.view.scope() == *scope));
        let personal_first = !both_groups || personal_first;
        Ok(Resolution {
            candidates: order(ranked, personal_first),
            excluded,
        })
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
        let reached =
            crate::credentials::usage::record_use(&txn, first.id(), &first.provider_identifier, Utc::now())
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

    /// Gateway requests per credential in the last minute, for the ones with a rate limit;
    /// one grouped query.
    async fn requests_last_minute(
        &self,
        rows: &[(credentials::Model, providers::Model)],
    ) -> DomainResult<HashMap<Uuid, u64>> {
        let limited: Vec<Uuid> = rows
            .iter()
            .filter(|(r, _)| r.rate_limit_per_minute.is_some())
            .map(|(r, _)| r.id)
            .collect();
        if limited.is_empty() {
            return Ok(HashMap::new());
        }
        let counts: Vec<(Option<Uuid>, i64)> = request_logs::Entity::find()
            .select_only()
            .column(request_logs::Column::CredentialId)
            .column_as(Expr::expr(Func::count(Expr::col(request_logs::Column::Id))), "n")
            .filter(request_logs::Column::CredentialId.is_in(limited))
            .filter(request_logs::Column::Kind.eq(LogKind::Gateway.as_str()))
            .filter(request_logs::Column::CreatedAt.gt(Utc::now() - Duration::minutes(1)))
            .group_by(request_logs::Column::CredentialId)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(counts
            .into_iter()
            .filter_map(|(id, n)| Some((id?, u64::try_from(n).unwrap_or(0))))
            .collect())
    }

    /// The instance-wide routing settings.
    pub fn settings(&self) -> &RoutingSettings {
        &self.settings
    }
}
