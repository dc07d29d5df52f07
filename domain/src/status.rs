//! Counts and facts about this instance, for the overview and `/api/system/status`.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use crate::entities::{credentials, provider_templates, providers, users};
use crate::DomainResult;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: u64,
    pub providers: u64,
    pub enabled_providers: u64,
    pub templates: u64,
    pub credentials: u64,
    pub active_credentials: u64,
}

pub async fn counts(db: &DatabaseConnection) -> DomainResult<Counts> {
    Ok(Counts {
        users: users::Entity::find().count(db).await?,
        providers: providers::Entity::find().count(db).await?,
        enabled_providers: providers::Entity::find()
            .filter(providers::Column::Enabled.eq(true))
            .count(db)
            .await?,
        templates: provider_templates::Entity::find().count(db).await?,
        credentials: credentials::Entity::find().count(db).await?,
        active_credentials: credentials::Entity::find()
            .filter(credentials::Column::Active.eq(true))
            .count(db)
            .await?,
    })
}
