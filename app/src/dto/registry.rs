//! The provider registry: providers, templates, models and model syncs.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{ModelId, ModelSource, ProviderId, TemplateId};

/// A provider as the registry shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderDto {
    pub id: ProviderId,
    pub identifier: String,
    pub name: String,
    pub template_id: TemplateId,
    pub base_url: String,
    pub is_system: bool,
    pub enabled: bool,
    pub default_priority: i32,
    /// Whether users' connections may use their own endpoint.
    pub allow_endpoint_override: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A credential field a template asks for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateFieldDto {
    pub name: String,
    pub label: String,
    pub help: Option<String>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
    pub placeholder: Option<String>,
    pub pattern: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct TemplateDto {
    pub id: TemplateId,
    pub key: String,
    pub name: String,
    pub description: String,
    pub builtin: bool,
    pub auth_scheme: String,
    pub default_base_url: Option<String>,
    pub fields: Vec<TemplateFieldDto>,
    /// The whole definition: auth scheme, extra headers, fields, test and model requests.
    pub definition: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ModelDto {
    pub id: ModelId,
    pub provider_id: ProviderId,
    pub model_id: String,
    pub display_name: String,
    pub enabled: bool,
    pub source: ModelSource,
    pub last_synced_at: Option<DateTime<Utc>>,
}

/// An enabled provider with the models a user may use, for `GET /api/providers`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AvailableProviderDto {
    #[serde(flatten)]
    pub provider: ProviderDto,
    pub models: Vec<ModelDto>,
}

/// A provider's page: the provider, the template it speaks and its models.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderDetailDto {
    pub provider: ProviderDto,
    pub template: TemplateDto,
    pub models: Vec<ModelDto>,
}

/// What a model sync would change, or changed once applied.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncDiffDto {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub unchanged: usize,
    pub applied: bool,
    /// The saved credential whose key listed the models, when none was typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved_key: Option<String>,
}

impl SyncDiffDto {
    /// Whether applying it would change anything.
    pub fn changes(&self) -> bool {
        !self.added.is_empty() || !self.removed.is_empty()
    }
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::entities::{models, provider_templates, providers};
    use domain::models::SyncDiff;
    use domain::templates::FieldSpec;

    impl From<providers::Model> for ProviderDto {
        fn from(row: providers::Model) -> Self {
            Self {
                id: ProviderId::from_uuid(row.id),
                identifier: row.identifier,
                name: row.name,
                template_id: TemplateId::from_uuid(row.template_id),
                base_url: row.base_url,
                is_system: row.is_system,
                enabled: row.enabled,
                default_priority: row.default_priority,
                allow_endpoint_override: row.allow_endpoint_override,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    impl From<FieldSpec> for TemplateFieldDto {
        fn from(f: FieldSpec) -> Self {
            Self {
                name: f.name,
                label: f.label,
                help: f.help,
                secret: f.secret,
                required: f.required,
                placeholder: f.placeholder,
                pattern: f.pattern,
            }
        }
    }

    impl From<provider_templates::Model> for TemplateDto {
        fn from(row: provider_templates::Model) -> Self {
            let fields = domain::templates::fields_of(&row)
                .into_iter()
                .map(TemplateFieldDto::from)
                .collect();
            Self {
                id: TemplateId::from_uuid(row.id),
                key: row.key,
                name: row.name,
                description: row.description,
                builtin: row.builtin,
                auth_scheme: row.auth_scheme,
                default_base_url: row.default_base_url,
                fields,
                definition: row.definition,
                created_at: row.created_at,
                updated_at: row.updated_at,
            }
        }
    }

    impl From<models::Model> for ModelDto {
        fn from(row: models::Model) -> Self {
            Self {
                id: ModelId::from_uuid(row.id),
                provider_id: ProviderId::from_uuid(row.provider_id),
                model_id: row.model_id,
                display_name: row.display_name,
                enabled: row.enabled,
                source: ModelSource::parse(&row.source).unwrap_or(ModelSource::Manual),
                last_synced_at: row.last_synced_at,
            }
        }
    }

    impl From<(providers::Model, Vec<models::Model>)> for AvailableProviderDto {
        fn from((provider, models): (providers::Model, Vec<models::Model>)) -> Self {
            Self {
                provider: provider.into(),
                models: models.into_iter().map(ModelDto::from).collect(),
            }
        }
    }

    impl From<(providers::Model, provider_templates::Model, Vec<models::Model>)> for ProviderDetailDto {
        fn from(
            (provider, template, models): (providers::Model, provider_templates::Model, Vec<models::Model>),
        ) -> Self {
            Self {
                provider: provider.into(),
                template: template.into(),
                models: models.into_iter().map(ModelDto::from).collect(),
            }
        }
    }

    impl From<SyncDiff> for SyncDiffDto {
        fn from(d: SyncDiff) -> Self {
            Self {
                added: d.added,
                removed: d.removed,
                unchanged: d.unchanged,
                applied: d.applied,
                saved_key: d.saved_key,
            }
        }
    }
}
