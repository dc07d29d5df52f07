//! Listing, creating, changing and deleting providers.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use vocab::ProviderId;

use crate::access::{Admin, CurrentUser};
use crate::entities::{credentials, models, provider_templates, providers};
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::templates::{FieldSpec, TemplateDefinition, TemplateService};
use crate::values::{BaseUrl, Name, Priority, ProviderRef, Slug};

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
}

#[derive(Clone, Debug, Default)]
pub struct ProviderPatch {
    pub name: Option<String>,
    pub base_url: Option<String>,
    pub default_priority: Option<i64>,
    pub enabled: Option<bool>,
}

#[derive(Clone)]
pub struct ProviderService {
    db: DatabaseConnection,
}

impl ProviderService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Providers by priority, then identifier.
    pub async fn list(&self, _admin: &Admin, filter: &ProviderFilter) -> DomainResult<Vec<providers::Model>> {
        let mut query = providers::Entity::find();
        if let Some(is_system) = filter.is_system {
            query = query.filter(providers::Column::IsSystem.eq(is_system));
        }
        if let Some(enabled) = filter.enabled {
            query = query.filter(providers::Column::Enabled.eq(enabled));
        }
        let mut rows = query
            .order_by_asc(providers::Column::DefaultPriority)
            .order_by_asc(providers::Column::Identifier)
            .all(&self.db)
            .await?;
        if let Some(search) = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            // Case-insensitive on both databases without dialect-specific SQL.
            let needle = search.to_lowercase();
            rows.retain(|p| p.identifier.contains(&needle) || p.name.to_lowercase().contains(&needle));
        }
        Ok(rows)
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
    pub async fn create(&self, _admin: &Admin, new: NewProvider) -> DomainResult<providers::Model> {
        let identifier = Slug::parse(&new.identifier, "identifier")?;
        let name = Name::parse(&new.name, "name")?.into_string();
        let template = TemplateService::new(self.db.clone())
            .find(&new.template, "template_id")
            .await?;
        let base_url = match new.base_url.as_deref().or(template.default_base_url.as_deref()) {
            Some(url) => BaseUrl::parse(url)?,
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
        providers::ActiveModel {
            id: Set(Uuid::now_v7()),
            identifier: Set(identifier.as_str().to_owned()),
            name: Set(name),
            template_id: Set(template.id),
            base_url: Set(base_url.as_str().to_owned()),
            is_system: Set(false),
            enabled: Set(new.enabled.unwrap_or(true)),
            default_priority: Set(priority.get()),
            settings: Set(serde_json::json!({})),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on(
            "identifier",
            "a provider with this identifier already exists",
        ))
    }

    /// Changes what an admin may change; system providers too (they are only never deleted).
    pub async fn update(
        &self,
        admin: &Admin,
        id: ProviderId,
        patch: ProviderPatch,
    ) -> DomainResult<providers::Model> {
        let row = self.get(admin, id).await?;
        let mut active: providers::ActiveModel = row.into();
        if let Some(name) = patch.name {
            active.name = Set(Name::parse(&name, "name")?.into_string());
        }
        if let Some(url) = patch.base_url {
            active.base_url = Set(BaseUrl::parse(&url)?.as_str().to_owned());
        }
        if let Some(priority) = patch.default_priority {
            active.default_priority = Set(Priority::new(priority, "default_priority")?.get());
        }
        if let Some(enabled) = patch.enabled {
            active.enabled = Set(enabled);
        }
        active.updated_at = Set(Utc::now());
        Ok(active.update(&self.db).await?)
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
        providers::Entity::delete_by_id(id.uuid()).exec(&self.db).await?;
        Ok(())
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
        ProviderRef::Identifier(identifier) => {
            providers::Entity::find().filter(providers::Column::Identifier.eq(identifier.as_str()))
        }
    };
    Ok(select.one(db).await?)
}

fn identifier_taken() -> DomainError {
    DomainError::conflict("identifier", "a provider with this identifier already exists")
}
