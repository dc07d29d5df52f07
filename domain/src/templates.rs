//! Provider templates: how to talk to a kind of provider. Built-ins are seeded.

use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use serde::Deserialize;
use uuid::Uuid;

use crate::auth::Admin;
use crate::entities::provider_templates;
use crate::{DomainError, DomainResult};

/// One field of a credential form, as a template describes it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct TemplateField {
    pub name: String,
    pub label: String,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
}

#[derive(Deserialize)]
struct Definition {
    #[serde(default)]
    fields: Vec<TemplateField>,
}

/// The credential fields in a template's stored definition.
pub fn fields_of(template: &provider_templates::Model) -> Vec<TemplateField> {
    serde_json::from_value::<Definition>(template.definition.clone())
        .map(|d| d.fields)
        .unwrap_or_default()
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

    pub async fn get(&self, _admin: &Admin, id: Uuid) -> DomainResult<provider_templates::Model> {
        provider_templates::Entity::find_by_id(id)
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)
    }
}
