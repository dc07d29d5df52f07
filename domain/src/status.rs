//! Counts and facts about this instance, for the overview and `/api/system/status`.

use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use chrono::{DateTime, Utc};

use crate::entities::{app_settings, credentials, models, provider_templates, providers, users};
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

/// The registry at a glance, for `/api/admin/providers/registry-status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryStatus {
    pub builtin_templates: u64,
    pub custom_templates: u64,
    pub system_providers: u64,
    pub custom_providers: u64,
    pub enabled_providers: u64,
    pub models: u64,
    pub last_seeded_at: Option<DateTime<Utc>>,
}

pub async fn registry_status(db: &DatabaseConnection) -> DomainResult<RegistryStatus> {
    let templates = |builtin: bool| {
        provider_templates::Entity::find()
            .filter(provider_templates::Column::Builtin.eq(builtin))
            .count(db)
    };
    let providers_where = |system: bool| {
        providers::Entity::find()
            .filter(providers::Column::IsSystem.eq(system))
            .count(db)
    };
    let last_seeded_at = app_settings::Entity::find_by_id(crate::seed::SEEDED_AT_KEY.to_owned())
        .one(db)
        .await?
        .and_then(|row| DateTime::parse_from_rfc3339(&row.value).ok())
        .map(|at| at.with_timezone(&Utc));
    Ok(RegistryStatus {
        builtin_templates: templates(true).await?,
        custom_templates: templates(false).await?,
        system_providers: providers_where(true).await?,
        custom_providers: providers_where(false).await?,
        enabled_providers: providers::Entity::find()
            .filter(providers::Column::Enabled.eq(true))
            .count(db)
            .await?,
        models: models::Entity::find().count(db).await?,
        last_seeded_at,
    })
}
