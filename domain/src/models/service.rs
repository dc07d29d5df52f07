//! A provider's models: listed, added by hand, enabled or disabled, and synced from
//! the provider's own list after the admin has seen the difference.

use std::collections::{BTreeSet, HashMap};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use serde_json::json;
use vocab::{AuditAction, ModelId, ModelSource, ProviderId};

use crate::access::Admin;
use crate::audit::{self, AuditEntry};
use crate::credentials::CredentialService;
use crate::entities::{models, provider_templates, providers};
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::probe::{ProbeTarget, Prober};
use crate::templates::{field_path, TemplateDefinition};
use crate::values::text;

/// What a sync would change (or changed, once applied).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncDiff {
    pub added: Vec<String>,
    /// Synced models the provider no longer lists; models added by hand are kept.
    pub removed: Vec<String>,
    pub unchanged: usize,
    pub applied: bool,
    /// The saved credential whose key listed the models, when none was typed.
    pub saved_key: Option<String>,
}

#[derive(Clone)]
pub struct ModelService {
    db: DatabaseConnection,
    prober: Prober,
    credentials: CredentialService,
}

impl ModelService {
    pub fn new(db: DatabaseConnection, prober: Prober, credentials: CredentialService) -> Self {
        Self {
            db,
            prober,
            credentials,
        }
    }

    pub async fn list(&self, _admin: &Admin, provider_id: ProviderId) -> DomainResult<Vec<models::Model>> {
        self.provider(provider_id).await?;
        Ok(models::Entity::find()
            .filter(models::Column::ProviderId.eq(provider_id.uuid()))
            .order_by_asc(models::Column::ModelId)
            .all(&self.db)
            .await?)
    }

    /// # Errors
    /// `Validation` for an id that is empty, too long, holds spaces or hidden characters
    /// (or a display name like that), `Conflict` when the provider has it.
    pub async fn add(
        &self,
        admin: &Admin,
        provider_id: ProviderId,
        model_id: &str,
        display_name: Option<&str>,
    ) -> DomainResult<models::Model> {
        self.provider(provider_id).await?;
        // An id is the provider's word, so markup is only text in it; spaces are not.
        let model_id = text::identifier("model_id", model_id)?;
        let model_id = model_id.as_str();
        let display_name = match display_name.filter(|n| !n.trim().is_empty()) {
            Some(name) => text::line("display_name", name, 1, 200)?,
            None => model_id.to_owned(),
        };
        let display_name = display_name.as_str();
        let exists = models::Entity::find()
            .filter(models::Column::ProviderId.eq(provider_id.uuid()))
            .filter(models::Column::ModelId.eq(model_id))
            .one(&self.db)
            .await?
            .is_some();
        if exists {
            return Err(DomainError::conflict(
                "model_id",
                "this provider already has this model",
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = new_model(provider_id, model_id, display_name, ModelSource::Manual)
            .insert(&txn)
            .await
            .map_err(conflict_on("model_id", "this provider already has this model"))?;
        let details = json!({"modelId": row.model_id});
        record(&txn, admin, AuditAction::ModelAdd, provider_id, details).await?;
        txn.commit().await?;
        Ok(row)
    }

    pub async fn set_enabled(
        &self,
        admin: &Admin,
        provider_id: ProviderId,
        id: ModelId,
        enabled: bool,
    ) -> DomainResult<models::Model> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = models::Entity::find_by_id(id.uuid())
            .filter(models::Column::ProviderId.eq(provider_id.uuid()))
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        let mut active: models::ActiveModel = row.into();
        active.enabled = Set(enabled);
        active.updated_at = Set(Utc::now());
        let row = active.update(&txn).await?;
        let details = json!({"modelId": row.model_id, "enabled": enabled});
        record(&txn, admin, AuditAction::ModelUpdate, provider_id, details).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Fetches the provider's list with `fields` (used for this request only, never
    /// stored) or, when nothing is typed, with the first usable global credential of the
    /// provider, and returns the difference; `apply` makes it so.
    ///
    /// # Errors
    /// `Validation` on `fields.<name>` for a value a credential could not hold (unknown,
    /// too long, control characters), and on the key field when nothing is typed and no
    /// saved key can be used; `Upstream` when the provider answers badly.
    pub async fn sync(
        &self,
        admin: &Admin,
        provider_id: ProviderId,
        fields: &HashMap<String, SecretString>,
        apply: bool,
    ) -> DomainResult<SyncDiff> {
        let (provider, template) = self.provider(provider_id).await?;
        let definition = TemplateDefinition::from_json(&template.definition)?;
        // The values are typed for this request: the same rules as a credential's.
        let mut typed = false;
        for (name, value) in fields {
            let value = value.expose_secret().trim();
            if !value.is_empty() {
                definition.field(name)?.check_value(value)?;
                typed = true;
            }
        }
        // A template that asks for no secret (Ollama) lists its models with nothing.
        let secret_field = definition.fields.iter().find(|f| f.secret && f.required);
        let saved = match (typed, secret_field) {
            (false, Some(field)) => Some(
                self.credentials
                    .first_usable_global(&provider)
                    .await?
                    .ok_or_else(|| {
                        DomainError::validation(
                            &field_path(&field.name),
                            "type a key: this provider has no active saved key to list its models with",
                        )
                    })?,
            ),
            _ => None,
        };
        let (base_url, fields) = match &saved {
            Some(key) => (key.base_url.as_str(), &key.fields),
            None => (provider.base_url.as_str(), fields),
        };
        let listed: BTreeSet<String> = self
            .prober
            .fetch_models(&ProbeTarget {
                base_url,
                own_base_url: base_url == provider.base_url,
                definition: &definition,
                fields,
            })
            .await?
            .into_iter()
            .collect();
        let existing = models::Entity::find()
            .filter(models::Column::ProviderId.eq(provider_id.uuid()))
            .all(&self.db)
            .await?;
        let known: BTreeSet<&str> = existing.iter().map(|m| m.model_id.as_str()).collect();
        let added: Vec<String> = listed
            .iter()
            .filter(|id| !known.contains(id.as_str()))
            .cloned()
            .collect();
        let gone: Vec<&models::Model> = existing
            .iter()
            .filter(|m| m.source == ModelSource::Synced.as_str() && !listed.contains(&m.model_id))
            .collect();
        let mut diff = SyncDiff {
            added,
            removed: gone.iter().map(|m| m.model_id.clone()).collect(),
            unchanged: existing.len() - gone.len(),
            applied: false,
            saved_key: saved.map(|key| key.name),
        };
        if apply {
            let txn = crate::db::write_transaction(&self.db).await?;
            for id in &diff.added {
                new_model(provider_id, id, id, ModelSource::Synced)
                    .insert(&txn)
                    .await?;
            }
            let gone_ids: Vec<Uuid> = gone.iter().map(|m| m.id).collect();
            if !gone_ids.is_empty() {
                models::Entity::delete_many()
                    .filter(models::Column::Id.is_in(gone_ids))
                    .exec(&txn)
                    .await?;
            }
            models::Entity::update_many()
                .col_expr(
                    models::Column::LastSyncedAt,
                    sea_orm::sea_query::Expr::value(Utc::now()),
                )
                .filter(models::Column::ProviderId.eq(provider_id.uuid()))
                .filter(models::Column::Source.eq(ModelSource::Synced.as_str()))
                .exec(&txn)
                .await?;
            let details = json!({"added": diff.added, "removed": diff.removed, "savedKey": diff.saved_key});
            record(&txn, admin, AuditAction::ModelsSync, provider_id, details).await?;
            txn.commit().await?;
            diff.applied = true;
        }
        Ok(diff)
    }

    async fn provider(&self, id: ProviderId) -> DomainResult<(providers::Model, provider_templates::Model)> {
        crate::providers::with_template(&self.db, id).await
    }
}

async fn record(
    txn: &DatabaseTransaction,
    admin: &Admin,
    action: AuditAction,
    provider: ProviderId,
    details: serde_json::Value,
) -> DomainResult<()> {
    let entry = AuditEntry::new(action, format!("provider:{provider}"), details);
    audit::record(txn, &admin.user().into(), entry).await
}

fn new_model(
    provider_id: ProviderId,
    model_id: &str,
    display_name: &str,
    source: ModelSource,
) -> models::ActiveModel {
    let now = Utc::now();
    models::ActiveModel {
        id: Set(Uuid::now_v7()),
        provider_id: Set(provider_id.uuid()),
        model_id: Set(model_id.to_owned()),
        display_name: Set(display_name.to_owned()),
        enabled: Set(true),
        source: Set(source.as_str().to_owned()),
        last_synced_at: Set((source == ModelSource::Synced).then(Utc::now)),
        created_at: Set(now),
        updated_at: Set(now),
    }
}
