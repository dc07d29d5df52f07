//! Listing, creating, changing and deleting providers.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use serde_json::json;
use vocab::{AuditAction, ProviderId};

use crate::access::{Admin, CurrentUser};
use crate::audit::{self, AuditEntry};
use crate::egress::Egress;
use crate::entities::{credentials, models, provider_templates, providers};
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::templates::{FieldSpec, TemplateDefinition, TemplateService};
use crate::values::{text, BaseUrl, Name, Priority, ProviderRef, Search, Slug};

/// Priority for a provider created without one: after every seeded provider.
const DEFAULT_PRIORITY: i64 = 100;

#[derive(Clone, Debug, Default)]
pub struct ProviderFilter {
    pub is_system: Option<bool>,
    pub enabled: Option<bool>,
    /// Matches the identifier or the name, case-insensitively.
    pub search: Option<String>,
}

pub struct NewProvider {
    pub identifier: String,
    pub name: String,
    /// The template's id or key.
    pub template: String,
    /// Defaults to the template's base URL; required when the template has none.
    pub base_url: Option<String>,
    pub default_priority: Option<i64>,
    pub enabled: Option<bool>,
    /// Whether users' connections may use their own endpoint; off when left out.
    pub allow_endpoint_override: Option<bool>,
}

#[derive(Clone, Debug, Default)]
pub struct ProviderPatch {
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub default_priority: Option<i64>,
    pub enabled: Option<bool>,
    pub allow_endpoint_override: Option<bool>,
}

#[derive(Clone)]
pub struct ProviderService {
    db: DatabaseConnection,
    egress: Egress,
}

impl ProviderService {
    pub fn new(db: DatabaseConnection, egress: Egress) -> Self {
        Self { db, egress }
    }

    /// A base URL an admin gives, parsed and checked against the egress policy.
    async fn base_url(&self, raw: &str) -> DomainResult<BaseUrl> {
        let url = BaseUrl::parse(raw, "base_url")?;
        self.egress
            .vet(url.as_str())
            .await
            .map_err(|refused| DomainError::validation("base_url", refused.to_string()))?;
        Ok(url)
    }

    /// Providers by priority, then identifier; a search keeps those whose identifier or
    /// name holds it.
    ///
    /// # Errors
    /// `Validation` on `search` (see [`Search::parse`]).
    pub async fn list(&self, _admin: &Admin, filter: &ProviderFilter) -> DomainResult<Vec<providers::Model>> {
        let mut query = providers::Entity::find();
        if let Some(is_system) = filter.is_system {
            query = query.filter(providers::Column::IsSystem.eq(is_system));
        }
        if let Some(enabled) = filter.enabled {
            query = query.filter(providers::Column::Enabled.eq(enabled));
        }
        if let Some(search) = Search::parse(filter.search.as_deref())? {
            query = query.filter(search.in_any([
                Expr::col((providers::Entity, providers::Column::Identifier)),
                Expr::col((providers::Entity, providers::Column::Name)),
            ]));
        }
        Ok(query
            .order_by_asc(providers::Column::DefaultPriority)
            .order_by_asc(providers::Column::Identifier)
            .all(&self.db)
            .await?)
    }

    /// What any signed-in user may see: enabled providers, each with its enabled models.
    /// Two queries, whatever the number of providers.
    pub async fn list_enabled(&self) -> DomainResult<Vec<(providers::Model, Vec<models::Model>)>> {
        let rows = providers::Entity::find()
            .filter(providers::Column::Enabled.eq(true))
            .order_by_asc(providers::Column::DefaultPriority)
            .order_by_asc(providers::Column::Identifier)
            .all(&self.db)
            .await?;
        let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
        let mut by_provider: HashMap<Uuid, Vec<models::Model>> = HashMap::new();
        for model in models::Entity::find()
            .filter(models::Column::ProviderId.is_in(ids))
            .filter(models::Column::Enabled.eq(true))
            .order_by_asc(models::Column::ModelId)
            .all(&self.db)
            .await?
        {
            by_provider.entry(model.provider_id).or_default().push(model);
        }
        Ok(rows
            .into_iter()
            .map(|p| {
                let models = by_provider.remove(&p.id).unwrap_or_default();
                (p, models)
            })
            .collect())
    }

    /// The credential form of an enabled provider, for any signed-in user.
    ///
    /// # Errors
    /// `NotFound` for a disabled or unknown provider.
    pub async fn form_fields(&self, _user: &CurrentUser, id: ProviderId) -> DomainResult<Vec<FieldSpec>> {
        let (provider, template) = with_template(&self.db, id).await?;
        if !provider.enabled {
            return Err(DomainError::NotFound);
        }
        Ok(TemplateDefinition::from_json(&template.definition)?.fields)
    }

    pub async fn get(&self, _admin: &Admin, id: ProviderId) -> DomainResult<providers::Model> {
        providers::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)
    }

    /// A provider's page: the provider, its template and all its models.
    pub async fn detail(
        &self,
        _admin: &Admin,
        id: ProviderId,
    ) -> DomainResult<(providers::Model, provider_templates::Model, Vec<models::Model>)> {
        let (provider, template) = with_template(&self.db, id).await?;
        let models = models::Entity::find()
            .filter(models::Column::ProviderId.eq(id.uuid()))
            .order_by_asc(models::Column::ModelId)
            .all(&self.db)
            .await?;
        Ok((provider, template, models))
    }

    /// # Errors
    /// `Validation` for a bad field or an unknown template, `Conflict` on `identifier`.
    pub async fn create(&self, admin: &Admin, new: NewProvider) -> DomainResult<providers::Model> {
        let identifier = Slug::parse(&new.identifier, "identifier")?;
        let name = Name::parse(&new.name, "name")?.into_string();
        let template = TemplateService::new(self.db.clone())
            .find(&new.template, "template_id")
            .await?;
        let base_url = match new.base_url.as_deref().or(template.default_base_url.as_deref()) {
            Some(url) => self.base_url(url).await?,
            None => {
                return Err(DomainError::validation(
                    "base_url",
                    "this template has no default; enter the base URL",
                ))
            }
        };
        let priority = Priority::new(
            new.default_priority.unwrap_or(DEFAULT_PRIORITY),
            "default_priority",
        )?;
        if self.identifier_taken(identifier.as_str()).await? {
            return Err(identifier_taken());
        }
        let now = Utc::now();
        let row = providers::ActiveModel {
            id: Set(Uuid::now_v7()),
            identifier: Set(identifier.as_str().to_owned()),
            name: Set(name),
            template_id: Set(template.id),
            base_url: Set(base_url.as_str().to_owned()),
            is_system: Set(false),
            enabled: Set(new.enabled.unwrap_or(true)),
            default_priority: Set(priority.get()),
            settings: Set(serde_json::json!({})),
            allow_endpoint_override: Set(new.allow_endpoint_override.unwrap_or(false)),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = row.insert(&txn).await.map_err(conflict_on(
            "identifier",
            "a provider with this identifier already exists",
        ))?;
        let details =
            json!({"identifier": row.identifier, "template": template.key, "baseUrl": row.base_url});
        record(&txn, admin, AuditAction::ProviderCreate, &row, details).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// Changes what an admin may change; system providers too (they are only never deleted).
    pub async fn update(
        &self,
        admin: &Admin,
        id: ProviderId,
        patch: ProviderPatch,
    ) -> DomainResult<providers::Model> {
        let base_url = match &patch.base_url {
            Some(url) => Some(self.base_url(url).await?),
            None => None,
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let before = find(&txn, &ProviderRef::Id(id))
            .await?
            .ok_or(DomainError::NotFound)?;
        let mut active: providers::ActiveModel = before.clone().into();
        if let Some(name) = &patch.name {
            active.name = Set(Name::parse(name, "name")?.into_string());
        }
        if let Some(url) = base_url {
            active.base_url = Set(url.as_str().to_owned());
        }
        if let Some(priority) = patch.default_priority {
            active.default_priority = Set(Priority::new(priority, "default_priority")?.get());
        }
        if let Some(enabled) = patch.enabled {
            active.enabled = Set(enabled);
        }
        if let Some(allow) = patch.allow_endpoint_override {
            active.allow_endpoint_override = Set(allow);
        }
        active.updated_at = Set(Utc::now());
        let after = active.update(&txn).await?;
        let details = json!({
            "identifier": after.identifier,
            "changed": changes(&before, &after),
        });
        record(&txn, admin, AuditAction::ProviderUpdate, &after, details).await?;
        txn.commit().await?;
        Ok(after)
    }

    /// # Errors
    /// `Validation` for a system provider (disable it instead), `Conflict` while
    /// credentials use it.
    pub async fn delete(&self, admin: &Admin, id: ProviderId) -> DomainResult<()> {
        let row = self.get(admin, id).await?;
        if row.is_system {
            return Err(DomainError::validation(
                "id",
                "system providers cannot be deleted; disable it instead",
            ));
        }
        let in_use = credentials::Entity::find()
            .filter(credentials::Column::ProviderId.eq(id.uuid()))
            .count(&self.db)
            .await?;
        if in_use > 0 {
            return Err(DomainError::conflict(
                "id",
                format!("{in_use} credential(s) use this provider; delete or move them first"),
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        providers::Entity::delete_by_id(id.uuid()).exec(&txn).await?;
        let details = json!({"identifier": row.identifier});
        record(&txn, admin, AuditAction::ProviderDelete, &row, details).await?;
        Ok(txn.commit().await?)
    }

    async fn identifier_taken(&self, identifier: &str) -> DomainResult<bool> {
        let count = providers::Entity::find()
            .filter(providers::Column::Identifier.eq(identifier))
            .count(&self.db)
            .await?;
        Ok(count > 0)
    }
}

/// A provider and the template it speaks.
pub(crate) async fn with_template(
    db: &impl ConnectionTrait,
    id: ProviderId,
) -> DomainResult<(providers::Model, provider_templates::Model)> {
    let (provider, template) = providers::Entity::find_by_id(id.uuid())
        .find_also_related(provider_templates::Entity)
        .one(db)
        .await?
        .ok_or(DomainError::NotFound)?;
    let template = template.ok_or_else(|| DomainError::internal("provider without template"))?;
    Ok((provider, template))
}

/// The provider a reference names, if it exists.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    reference: &ProviderRef,
) -> DomainResult<Option<providers::Model>> {
    let select = match reference {
        ProviderRef::Id(id) => providers::Entity::find_by_id(id.uuid()),
        ProviderRef::Identifier(identifier) if !text::may_name_something(identifier) => return Ok(None),
        ProviderRef::Identifier(identifier) => {
            providers::Entity::find().filter(providers::Column::Identifier.eq(identifier.as_str()))
        }
    };
    Ok(select.one(db).await?)
}

/// What an update changed, before and after, for the audit log (a base URL is not secret;
/// its path and host are what an admin needs to see moved).
fn changes(before: &providers::Model, after: &providers::Model) -> serde_json::Value {
    let mut changed = serde_json::Map::new();
    let mut note = |name: &str, old: serde_json::Value, new: serde_json::Value| {
        if old != new {
            changed.insert(name.to_owned(), json!({"before": old, "after": new}));
        }
    };
    note("name", json!(before.name), json!(after.name));
    note("baseUrl", json!(before.base_url), json!(after.base_url));
    note(
        "defaultPriority",
        json!(before.default_priority),
        json!(after.default_priority),
    );
    note("enabled", json!(before.enabled), json!(after.enabled));
    note(
        "allowEndpointOverride",
        json!(before.allow_endpoint_override),
        json!(after.allow_endpoint_override),
    );
    serde_json::Value::Object(changed)
}

async fn record(
    txn: &DatabaseTransaction,
    admin: &Admin,
    action: AuditAction,
    row: &providers::Model,
    details: serde_json::Value,
) -> DomainResult<()> {
    let entry = AuditEntry::new(action, format!("provider:{}", row.id), details);
    audit::record(txn, &admin.user().into(), entry).await
}

fn identifier_taken() -> DomainError {
    DomainError::conflict("identifier", "a provider with this identifier already exists")
}
