//! `resolve`: for a caller and a provider (or a model), the usable credentials in order
//! and the excluded ones with their reason.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Duration, Utc};
use sea_orm::sea_query::{Expr, Func, OnConflict};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};
use secrecy::SecretString;
use uuid::Uuid;

use super::order::{exclusion, order, Exclusion, Ranked};
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
}

impl ResolveService {
    pub fn new(db: DatabaseConnection, credentials: CredentialService, audit: AuditService) -> Self {
        Self {
            db,
            credentials,
            audit,
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
        let providers = self.providers_for(target).await?;
        let by_id: HashMap<Uuid, &providers::Model> = providers.iter().map(|p| (p.id, p)).collect();
        // The global credentials and the caller's own connections, never anyone else's:
        // two queries, each an index range on (provider, scope, owner).
        let of_providers = || {
            credentials::Entity::find().filter(credentials::Column::ProviderId.is_in(by_id.keys().copied()))
        };
        let mut rows = of_providers()
            .filter(credentials::Column::Scope.eq(Scope::Global.as_str()))
            .all(&self.db)
            .await?;
        if personal {
            rows.extend(
                of_providers()
                    .filter(credentials::Column::Scope.eq(Scope::Personal.as_str()))
                    .filter(credentials::Column::OwnerId.eq(caller.id()))
                    .all(&self.db)
                    .await?,
            );
        }
        let recent = self.requests_last_minute(&rows).await?;
        let now = Utc::now();
        let mut ranked = Vec::new();
        let mut excluded = Vec::new();
        for row in rows {
            let provider = by_id
                .get(&row.provider_id)
                .ok_or_else(|| DomainError::internal("credential without provider"))?;
            let view = CredentialView::new(row, provider);
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
        Ok(Resolution {
            candidates: order(ranked, self.personal_first().await?),
            excluded,
        })
    }

    /// Turns "personal connections first" on or off, for everyone; audited.
    pub async fn set_personal_first(&self, admin: &Admin, on: bool) -> DomainResult<()> {
        let row = app_settings::ActiveModel {
            key: Set(PERSONAL_FIRST_KEY.to_owned()),
            value: Set(on.to_string()),
            updated_at: Set(Utc::now()),
        };
        app_settings::Entity::insert(row)
            .on_conflict(
                OnConflict::column(app_settings::Column::Key)
                    .update_columns([app_settings::Column::Value, app_settings::Column::UpdatedAt])
                    .to_owned(),
            )
            .exec(&self.db)
            .await?;
        let entry = AuditEntry {
            action: "settings.update",
            target: Some(format!("setting:{PERSONAL_FIRST_KEY}")),
            details: serde_json::json!({"value": on}),
        };
        self.audit.record(admin.user(), entry).await
    }

    /// The decrypted fields of the first candidate, for a token with `secrets:read`.
    /// Every reveal is audited, with the token that asked.
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
        Ok(Some(fields))
    }

    async fn providers_for(&self, target: &Target) -> DomainResult<Vec<providers::Model>> {
        match target {
            Target::Provider(identifier) => {
                let found = providers::Entity::find()
                    .filter(providers::Column::Identifier.eq(identifier.trim()))
                    .all(&self.db)
                    .await?;
                if found.is_empty() {
                    return Err(DomainError::validation("provider", "no such provider"));
                }
                Ok(found)
            }
            Target::Model(model) => {
                let offering: HashSet<Uuid> = models::Entity::find()
                    .filter(models::Column::ModelId.eq(model.trim()))
                    .filter(models::Column::Enabled.eq(true))
                    .all(&self.db)
                    .await?
                    .into_iter()
                    .map(|m| m.provider_id)
                    .collect();
                if offering.is_empty() {
                    return Err(DomainError::validation("model", "no provider offers this model"));
                }
                Ok(providers::Entity::find()
                    .filter(providers::Column::Id.is_in(offering))
                    .all(&self.db)
                    .await?)
            }
        }
    }

    /// Gateway requests per credential in the last minute, for the ones with a rate limit;
    /// one grouped query.
    async fn requests_last_minute(&self, rows: &[credentials::Model]) -> DomainResult<HashMap<Uuid, u64>> {
        let limited: Vec<Uuid> = rows
            .iter()
            .filter(|r| r.rate_limit_per_minute.is_some())
            .map(|r| r.id)
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
