//! Listing, creating, cloning, changing and deleting templates.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, Set,
};
use uuid::Uuid;

use serde_json::json;
use vocab::{AuditAction, TemplateId};

use super::TemplateDefinition;
use crate::access::Admin;
use crate::audit::{self, AuditEntry};
use crate::entities::{provider_templates, providers};
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::values::{text, BaseUrl, Name, Slug};

/// A custom template: its own definition, or a copy of another template's.
pub struct NewTemplate {
    pub key: String,
    pub name: String,
    pub description: Option<String>,
    pub default_base_url: Option<String>,
    pub definition: Option<serde_json::Value>,
    /// The id or key of a template to copy the definition and base URL from.
    pub clone_from: Option<String>,
}

#[derive(Clone, Debug, Default)]
pub struct TemplatePatch {
    pub name: Option<String>,
    pub description: Option<String>,
    /// `Some(None)` clears it.
    pub default_base_url: Option<Option<String>>,
    pub definition: Option<serde_json::Value>,
}

#[derive(Clone)]
pub struct TemplateService {
    db: DatabaseConnection,
}

impl TemplateService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Built-ins first, then by name.
    pub async fn list(&self, _admin: &Admin) -> DomainResult<Vec<provider_templates::Model>> {
        Ok(provider_templates::Entity::find()
            .order_by_desc(provider_templates::Column::Builtin)
            .order_by_asc(provider_templates::Column::Name)
            .all(&self.db)
            .await?)
    }

    pub async fn get(&self, _admin: &Admin, id: TemplateId) -> DomainResult<provider_templates::Model> {
        provider_templates::Entity::find_by_id(id.uuid())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)
    }

    /// # Errors
    /// `Validation` naming the bad part of the definition, `Conflict` on `key`.
    pub async fn create(&self, admin: &Admin, new: NewTemplate) -> DomainResult<provider_templates::Model> {
        let key = Slug::parse(&new.key, "key")?;
        let name = Name::parse(&new.name, "name")?.into_string();
        let source = match new.clone_from.as_deref() {
            Some(source) => Some(self.find(source, "clone_from").await?),
            None => None,
        };
        let definition = match (&new.definition, &source) {
            (Some(json), _) => parse_definition(json)?,
            (None, Some(source)) => TemplateDefinition::from_json(&source.definition)?,
            (None, None) => {
                return Err(DomainError::validation(
                    "definition",
                    "give a definition, or a template to clone",
                ))
            }
        };
        let base_url = new
            .default_base_url
            .or_else(|| source.as_ref().and_then(|s| s.default_base_url.clone()));
        let base_url = base_url.map(|url| default_base_url(&url)).transpose()?;
        let description = match new.description {
            Some(description) => text::paragraph("description", &description, 1000)?,
            None => source.map(|s| s.description).unwrap_or_default(),
        };
        let now = Utc::now();
        let row = provider_templates::ActiveModel {
            id: Set(Uuid::now_v7()),
            key: Set(key.as_str().to_owned()),
            name: Set(name),
            description: Set(description),
            auth_scheme: Set(definition.auth.kind().to_owned()),
            definition: Set(definition.to_json()),
            default_base_url: Set(base_url),
            builtin: Set(false),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = row
            .insert(&txn)
            .await
            .map_err(conflict_on("key", "a template with this key already exists"))?;
        let details = json!({"key": row.key, "clonedFrom": new.clone_from});
        record(&txn, admin, AuditAction::TemplateCreate, &row, details).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// # Errors
    /// `Validation` for a built-in template (clone it instead) or a bad field.
    pub async fn update(
        &self,
        admin: &Admin,
        id: TemplateId,
        patch: TemplatePatch,
    ) -> DomainResult<provider_templates::Model> {
        let row = self.get(admin, id).await?;
        if row.builtin {
            return Err(DomainError::validation(
                "id",
                "built-in templates cannot be edited; clone it instead",
            ));
        }
        let changed: Vec<&str> = [
            ("name", patch.name.is_some()),
            ("description", patch.description.is_some()),
            ("defaultBaseUrl", patch.default_base_url.is_some()),
            ("definition", patch.definition.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        let mut active: provider_templates::ActiveModel = row.into();
        if let Some(name) = patch.name {
            active.name = Set(Name::parse(&name, "name")?.into_string());
        }
        if let Some(description) = patch.description {
            active.description = Set(text::paragraph("description", &description, 1000)?);
        }
        if let Some(url) = patch.default_base_url {
            active.default_base_url = Set(url.map(|url| default_base_url(&url)).transpose()?);
        }
        if let Some(json) = patch.definition {
            let definition = parse_definition(&json)?;
            active.auth_scheme = Set(definition.auth.kind().to_owned());
            active.definition = Set(definition.to_json());
        }
        active.updated_at = Set(Utc::now());
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = active.update(&txn).await?;
        let details = json!({"key": row.key, "changed": changed});
        record(&txn, admin, AuditAction::TemplateUpdate, &row, details).await?;
        txn.commit().await?;
        Ok(row)
    }

    /// # Errors
    /// `Validation` for a built-in template, `Conflict` while providers use it.
    pub async fn delete(&self, admin: &Admin, id: TemplateId) -> DomainResult<()> {
        let row = self.get(admin, id).await?;
        if row.builtin {
            return Err(DomainError::validation(
                "id",
                "built-in templates cannot be deleted",
            ));
        }
        let in_use = providers::Entity::find()
            .filter(providers::Column::TemplateId.eq(id.uuid()))
            .count(&self.db)
            .await?;
        if in_use > 0 {
            return Err(DomainError::conflict(
                "id",
                format!("{in_use} provider(s) use this template"),
            ));
        }
        let txn = crate::db::write_transaction(&self.db).await?;
        provider_templates::Entity::delete_by_id(id.uuid())
            .exec(&txn)
            .await?;
        record(
            &txn,
            admin,
            AuditAction::TemplateDelete,
            &row,
            json!({"key": row.key}),
        )
        .await?;
        Ok(txn.commit().await?)
    }

    /// A template by id or key; `field` is where the caller named it, for the error.
    pub(crate) async fn find(&self, id_or_key: &str, field: &str) -> DomainResult<provider_templates::Model> {
        let id_or_key = id_or_key.trim();
        if !text::may_name_something(id_or_key) {
            return Err(DomainError::validation(field, "no such template"));
        }
        let by_key = provider_templates::Entity::find().filter(provider_templates::Column::Key.eq(id_or_key));
        let found = match Uuid::parse_str(id_or_key) {
            Ok(id) => provider_templates::Entity::find_by_id(id).one(&self.db).await?,
            Err(_) => by_key.one(&self.db).await?,
        };
        found.ok_or_else(|| DomainError::validation(field, "no such template"))
    }
}

async fn record(
    txn: &DatabaseTransaction,
    admin: &Admin,
    action: AuditAction,
    row: &provider_templates::Model,
    details: serde_json::Value,
) -> DomainResult<()> {
    let entry = AuditEntry::new(action, format!("template:{}", row.id), details);
    audit::record(txn, &admin.user().into(), entry).await
}

/// Errors name the field as the template calls it, not as a provider does.
fn default_base_url(url: &str) -> DomainResult<String> {
    BaseUrl::parse(url, "default_base_url").map(|u| u.as_str().to_owned())
}

fn parse_definition(json: &serde_json::Value) -> DomainResult<TemplateDefinition> {
    let definition: TemplateDefinition = serde_json::from_value(json.clone()).map_err(|err| {
        DomainError::validation("definition", format!("does not match the template schema: {err}"))
    })?;
    definition.validate()?;
    Ok(definition)
}
