//! Built-in templates and system providers, seeded on every start. Seeding only adds
//! what is missing: it never overwrites what an admin changed.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::entities::{app_settings, provider_templates, providers};
use crate::DomainResult;

struct BuiltinTemplate {
    key: &'static str,
    name: &'static str,
    description: &'static str,
    auth_scheme: &'static str,
    base_url: Option<&'static str>,
    /// Non-secret fields beyond `api_key`: (name, label, required).
    extra_fields: &'static [(&'static str, &'static str, bool)],
    takes_key: bool,
}

const TEMPLATES: &[BuiltinTemplate] = &[
    BuiltinTemplate {
        key: "openai",
        name: "OpenAI",
        description: "OpenAI's API",
        auth_scheme: "bearer",
        base_url: Some("https://api.openai.com/v1"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "openai-compatible",
        name: "OpenAI-compatible",
        description: "Any endpoint that speaks the OpenAI API",
        auth_scheme: "bearer",
        base_url: None,
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "anthropic",
        name: "Anthropic",
        description: "Anthropic's Messages API",
        auth_scheme: "header",
        base_url: Some("https://api.anthropic.com/v1"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "gemini",
        name: "Google Gemini",
        description: "Google's Generative Language API",
        auth_scheme: "query",
        base_url: Some("https://generativelanguage.googleapis.com/v1beta"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "groq",
        name: "Groq",
        description: "Groq's OpenAI-compatible API",
        auth_scheme: "bearer",
        base_url: Some("https://api.groq.com/openai/v1"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "openrouter",
        name: "OpenRouter",
        description: "OpenRouter's unified API",
        auth_scheme: "bearer",
        base_url: Some("https://openrouter.ai/api/v1"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "mistral",
        name: "Mistral",
        description: "Mistral AI's API",
        auth_scheme: "bearer",
        base_url: Some("https://api.mistral.ai/v1"),
        extra_fields: &[],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "azure-openai",
        name: "Azure OpenAI",
        description: "OpenAI models hosted on Azure",
        auth_scheme: "header",
        base_url: None,
        extra_fields: &[
            ("endpoint", "Endpoint", true),
            ("deployment", "Deployment", true),
            ("api_version", "API version", true),
        ],
        takes_key: true,
    },
    BuiltinTemplate {
        key: "ollama",
        name: "Ollama",
        description: "A local Ollama server (no key)",
        auth_scheme: "none",
        base_url: Some("http://127.0.0.1:11434"),
        extra_fields: &[],
        takes_key: false,
    },
    BuiltinTemplate {
        key: "generic-http",
        name: "Generic HTTP",
        description: "A custom header carries the key",
        auth_scheme: "header",
        base_url: None,
        extra_fields: &[("header_name", "Header name", true)],
        takes_key: true,
    },
];

/// (identifier, name, template key, default priority)
const SYSTEM_PROVIDERS: &[(&str, &str, &str, i32)] = &[
    ("gemini", "Google Gemini", "gemini", 10),
    ("groq", "Groq", "groq", 20),
    ("openrouter", "OpenRouter", "openrouter", 30),
    ("openai", "OpenAI", "openai", 40),
    ("anthropic", "Anthropic", "anthropic", 50),
    ("mistral", "Mistral", "mistral", 60),
    ("azure-openai", "Azure OpenAI", "azure-openai", 70),
    ("ollama", "Ollama", "ollama", 80),
];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SeedReport {
    pub templates_added: Vec<String>,
    pub providers_added: Vec<String>,
}

fn definition(template: &BuiltinTemplate) -> serde_json::Value {
    let mut fields = Vec::new();
    if template.takes_key {
        fields.push(json!({"name": "api_key", "label": "API key", "secret": true, "required": true}));
    }
    for (name, label, required) in template.extra_fields {
        fields.push(json!({"name": name, "label": label, "secret": false, "required": required}));
    }
    json!({ "fields": fields, "testRequest": {"method": "GET", "path": "/models"} })
}

/// Where the time of the last seeding is kept (for the registry status).
pub const SEEDED_AT_KEY: &str = "registry_seeded_at";

/// Adds missing built-in templates and system providers. Idempotent.
pub async fn seed(db: &DatabaseConnection) -> DomainResult<SeedReport> {
    let mut report = SeedReport::default();
    let now = Utc::now();
    for template in TEMPLATES {
        let exists = provider_templates::Entity::find()
            .filter(provider_templates::Column::Key.eq(template.key))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        provider_templates::ActiveModel {
            id: Set(Uuid::now_v7()),
            key: Set(template.key.to_owned()),
            name: Set(template.name.to_owned()),
            description: Set(template.description.to_owned()),
            auth_scheme: Set(template.auth_scheme.to_owned()),
            definition: Set(definition(template)),
            default_base_url: Set(template.base_url.map(str::to_owned)),
            builtin: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        report.templates_added.push(template.key.to_owned());
    }
    for (identifier, name, template_key, priority) in SYSTEM_PROVIDERS {
        let exists = providers::Entity::find()
            .filter(providers::Column::Identifier.eq(*identifier))
            .one(db)
            .await?
            .is_some();
        if exists {
            continue;
        }
        let Some(template) = provider_templates::Entity::find()
            .filter(provider_templates::Column::Key.eq(*template_key))
            .one(db)
            .await?
        else {
            continue;
        };
        providers::ActiveModel {
            id: Set(Uuid::now_v7()),
            identifier: Set((*identifier).to_owned()),
            name: Set((*name).to_owned()),
            template_id: Set(template.id),
            base_url: Set(template.default_base_url.clone().unwrap_or_default()),
            is_system: Set(true),
            enabled: Set(true),
            default_priority: Set(*priority),
            settings: Set(json!({})),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(db)
        .await?;
        report.providers_added.push((*identifier).to_owned());
    }
    record_seeded_at(db, now).await?;
    Ok(report)
}

async fn record_seeded_at(db: &DatabaseConnection, now: chrono::DateTime<Utc>) -> DomainResult<()> {
    let row = app_settings::ActiveModel {
        key: Set(SEEDED_AT_KEY.to_owned()),
        value: Set(now.to_rfc3339()),
        updated_at: Set(now),
    };
    app_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_settings::Column::Key)
                .update_columns([app_settings::Column::Value, app_settings::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}
