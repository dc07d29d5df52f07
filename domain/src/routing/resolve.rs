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

use super::order::{exclusion, order, Exclusion, Ranked};
use crate::alerts::Dispatcher;
use crate::audit::{AuditEntry, AuditService};
use crate::auth::{Admin, CurrentUser};
use crate::credentials::{CredentialService, CredentialView, Scope};
use crate::entities::{app_settings, credentials, models, providers, request_logs};
use crate::{DomainError, DomainResult};

/// The `app_settings` key that turns "personal connections first" off (`false`).
pub const PERSONAL_FIRST_KEY: &str = "resolve.personal_first";

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

#[derive(Clone)]
pub struct ResolveService {
    db: DatabaseConnection,
    credentials: CredentialService,
    audit: AuditService,
    alerts: Dispatcher,
}

impl ResolveService {
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        audit: AuditService,
        alerts: Dispatcher,
    ) -> Self {
        Self {
            db,
            credentials,
            audit,
            alerts,
        }
    }

    /// `personal` is false for service tokens: they reach global credentials only.
    ///
    /// # Errors
    /// `Validation` on `provider` or `model` when nothing matches.
    pub async fn resolve(
        &self,
        caller: &CurrentUser,
        personal: bool,
        target: &Target,
    ) -> DomainResult<Resolution> {
        // With the caller's own connections in play the order setting may matter: it is
        // read beside the candidates, on another pooled connection, not after them.
        let (rows, personal_first) = if personal {
            tokio::try_join!(self.reachable(caller, personal, target), self.personal_first())?
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
        let mut reachable = of_scope(Condition::all().add(Scope::Global.filter()));
        if personal {
            let own = of_scope(
                Condition::all()
                    .add(Scope::Personal.filter())
                    .add(credentials::Column::OwnerId.eq(caller.id())),
            );
            QueryTrait::query(&mut reachable).union(UnionType::All, own.into_query());
        }
        reachable
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(row, provider)| {
                let provider =
                    provider.ok_or_else(|| DomainError::internal("credential without provider"))?;
                Ok((row, provider))
            })
            .collect()
    }

    /// Turns "personal connections first" on or off, for everyone; audited.
    pub async fn set_personal_first(&self, admin: &Admin, on: bool) -> DomainResult<()> {
        crate::settings::store(&self.db, PERSONAL_FIRST_KEY, on.to_string()).await?;
        let entry = AuditEntry {
            action: "settings.update",
            target: Some(format!("setting:{PERSONAL_FIRST_KEY}")),
            details: serde_json::json!({"value": on}),
        };
        self.audit.record(admin.user(), entry).await
    }

    /// The decrypted fields of the first candidate, for a token with `secrets:read`.
    /// Every reveal is audited, with the token that asked, and counts as one use of the
    /// credential (the service calls the provider with it), which may exhaust its quota.
    ///
    /// # Errors
    /// `Unavailable` when that credential's stored secret fails authentication (it was
    /// altered): it names the credential, and other credentials are unaffected.
    pub async fn reveal_first(
        &self,
        caller: &CurrentUser,
        token_id: Uuid,
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
            action: "credential.reveal",
            target: Some(format!("credential:{}", first.row().id)),
            details: serde_json::json!({
                "name": first.row().name,
                "provider": first.provider_identifier,
                "token": token_id,
                "fields": fields.keys().collect::<Vec<_>>(),
            }),
        };
        self.audit.record(caller, entry).await?;
        let reached = self
            .credentials
            .record_use(first.row().id, &first.provider_identifier, Utc::now())
            .await?;
        if let Some(alert) = reached {
            self.alerts.raise(&[alert]).await?;
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
            .filter(request_logs::Column::Kind.eq("gateway"))
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

    /// Whether resolve puts a caller's own connections before the global credentials.
    pub async fn personal_first(&self) -> DomainResult<bool> {
        let setting = app_settings::Entity::find_by_id(PERSONAL_FIRST_KEY.to_owned())
            .one(&self.db)
            .await?;
        Ok(setting.is_none_or(|s| s.value != "false"))
    }
}
