//! Built-in templates and system providers, seeded on every start. Seeding adds what is
//! missing and brings the built-in templates (which no one can edit) up to this
//! version's definitions; it never touches what an admin made or changed.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde_json::json;

use uuid::Uuid;

use crate::entities::{provider_templates, providers};
use crate::error::DomainResult;
use crate::templates::{
    AuthScheme, FieldSpec, GatewaySpec, HeaderSpec, ModelsRequestSpec, RequestSpec, TemplateDefinition,
    KEY_FIELD,
};

struct BuiltinTemplate {
    key: &'static str,
    name: &'static str,
    description: &'static str,
    base_url: Option<&'static str>,
    definition: TemplateDefinition,
}

fn field(name: &str, label: &str, secret: bool, required: bool, pattern: Option<&str>) -> FieldSpec {
    FieldSpec {
        name: name.into(),
        label: label.into(),
        help: None,
        secret,
        required,
        placeholder: None,
        pattern: pattern.map(Into::into),
    }
}

fn api_key() -> FieldSpec {
    field(KEY_FIELD, "API key", true, true, None)
}

/// A template for an API that lists models OpenAI's way (`GET /models` -> `data[].id`).
fn openai_like(auth: AuthScheme, fields: Vec<FieldSpec>) -> TemplateDefinition {
    TemplateDefinition {
        auth,
        extra_headers: vec![],
        fields,
        test_request: Some(RequestSpec {
            method: "GET".into(),
            path: "/models".into(),
        }),
        models_request: Some(ModelsRequestSpec {
            path: "/models".into(),
            items_pointer: "/data".into(),
            id_field: "id".into(),
        }),
        gateway: Some(GatewaySpec::default()),
    }
}

fn builtin_templates() -> Vec<BuiltinTemplate> {
    let bearer = || openai_like(AuthScheme::Bearer, vec![api_key()]);
    let plain = |key, name, description, base_url: Option<&'static str>| BuiltinTemplate {
        key,
        name,
        description,
        base_url,
        definition: bearer(),
    };
    let mut anthropic = openai_like(
        AuthScheme::Header {
            name: "x-api-key".into(),
        },
        vec![api_key()],
    );
    anthropic.extra_headers.push(HeaderSpec {
        name: "anthropic-version".into(),
        value: "2023-06-01".into(),
    });
    anthropic.gateway = Some(GatewaySpec {
        auth: Some(AuthScheme::Bearer),
        messages: true,
        ..GatewaySpec::default()
    });
    let mut gemini = openai_like(AuthScheme::Query { name: "key".into() }, vec![api_key()]);
    gemini.models_request = Some(ModelsRequestSpec {
        path: "/models".into(),
        items_pointer: "/models".into(),
        id_field: "name".into(),
    });
    gemini.gateway = Some(GatewaySpec {
        path_prefix: "/openai".into(),
        auth: Some(AuthScheme::Bearer),
        ..GatewaySpec::default()
    });
    let mut azure = openai_like(
        AuthScheme::Header {
            name: "api-key".into(),
        },
        vec![
            api_key(),
            field(
                "endpoint",
                "Endpoint",
                false,
                true,
                Some("https://[A-Za-z0-9.-]+/?"),
            ),
            field("deployment", "Deployment", false, true, None),
            field(
                "api_version",
                "API version",
                false,
                true,
                Some(r"\d{4}-\d{2}-\d{2}(-preview)?"),
            ),
        ],
    );
    azure.test_request = Some(RequestSpec {
        method: "GET".into(),
        path: "/openai/models?api-version={api_version}".into(),
    });
    azure.models_request = None;
    azure.gateway = Some(GatewaySpec {
        path_prefix: "/openai/deployments/{deployment}".into(),
        query: Some("api-version={api_version}".into()),
        ..GatewaySpec::default()
    });
    let ollama = TemplateDefinition {
        auth: AuthScheme::None,
        extra_headers: vec![],
        fields: vec![],
        test_request: Some(RequestSpec {
            method: "GET".into(),
            path: "/api/tags".into(),
        }),
        models_request: Some(ModelsRequestSpec {
            path: "/api/tags".into(),
            items_pointer: "/models".into(),
            id_field: "name".into(),
        }),
        gateway: Some(GatewaySpec {
            path_prefix: "/v1".into(),
            ..GatewaySpec::default()
        }),
    };
    vec![
        plain(
            "openai",
            "OpenAI",
            "OpenAI's API",
            Some("https://api.openai.com/v1"),
        ),
        plain(
            "openai-compatible",
            "OpenAI-compatible",
            "Any endpoint that speaks the OpenAI API",
            None,
        ),
        BuiltinTemplate {
            key: "anthropic",
            name: "Anthropic",
            description: "Anthropic's Messages API",
            base_url: Some("https://api.anthropic.com/v1"),
            definition: anthropic,
        },
        BuiltinTemplate {
            key: "gemini",
            name: "Google Gemini",
            description: "Google's Generative Language API",
            base_url: Some("https://generativelanguage.googleapis.com/v1beta"),
            definition: gemini,
        },
        plain(
            "groq",
            "Groq",
            "Groq's OpenAI-compatible API",
            Some("https://api.groq.com/openai/v1"),
        ),
        plain(
            "openrouter",
            "OpenRouter",
            "OpenRouter's unified API",
            Some("https://openrouter.ai/api/v1"),
        ),
        plain(
            "mistral",
            "Mistral",
            "Mistral AI's API",
            Some("https://api.mistral.ai/v1"),
        ),
        BuiltinTemplate {
            key: "azure-openai",
            name: "Azure OpenAI",
            description: "OpenAI models hosted on Azure",
            base_url: None,
            definition: azure,
        },
        BuiltinTemplate {
            key: "ollama",
            name: "Ollama",
            description: "A local Ollama server (no key)",
            base_url: Some("http://127.0.0.1:11434"),
            definition: ollama,
        },
        BuiltinTemplate {
            key: "generic-http",
            name: "Generic HTTP",
            description: "Any API that takes its key in a header; clone it to name the header",
            base_url: None,
            definition: TemplateDefinition {
                // Not necessarily OpenAI-compatible: the gateway leaves it alone.
                gateway: None,
                ..openai_like(
                    AuthScheme::Header {
                        name: "X-API-Key".into(),
                    },
                    vec![api_key()],
                )
            },
        },
    ]
}

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
    /// Built-in templates whose stored definition was an older version's.
    pub templates_updated: Vec<String>,
    pub providers_added: Vec<String>,
}

/// Where the time of the last seeding is kept (for the registry status).
pub const SEEDED_AT_KEY: &str = "registry_seeded_at";

/// Adds missing built-in templates and system providers. Idempotent.
pub async fn seed(db: &impl ConnectionTrait) -> DomainResult<SeedReport> {
    let mut report = SeedReport::default();
    let now = Utc::now();
    for template in builtin_templates() {
        let existing = provider_templates::Entity::find()
            .filter(provider_templates::Column::Key.eq(template.key))
            .one(db)
            .await?;
        if let Some(row) = existing {
            let current = template.definition.to_json();
            if row.builtin && row.definition != current {
                let mut active: provider_templates::ActiveModel = row.into();
                active.definition = Set(current);
                active.auth_scheme = Set(template.definition.auth.kind().to_owned());
                active.updated_at = Set(now);
                active.update(db).await?;
                crate::changes::announce(db).await?;
                report.templates_updated.push(template.key.to_owned());
            }
            continue;
        }
        provider_templates::ActiveModel {
            id: Set(Uuid::now_v7()),
            key: Set(template.key.to_owned()),
            name: Set(template.name.to_owned()),
            description: Set(template.description.to_owned()),
            auth_scheme: Set(template.definition.auth.kind().to_owned()),
            definition: Set(template.definition.to_json()),
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
            allow_endpoint_override: Set(false),
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

async fn record_seeded_at(db: &impl ConnectionTrait, now: chrono::DateTime<Utc>) -> DomainResult<()> {
    crate::kv::store(db, SEEDED_AT_KEY, now.to_rfc3339()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_template_is_valid_and_names_its_key_api_key() {
        let templates = builtin_templates();
        assert_eq!(templates.len(), 10);
        for template in templates {
            template
                .definition
                .validate()
                .unwrap_or_else(|err| panic!("{}: {err}", template.key));
            if template.definition.auth != AuthScheme::None {
                assert!(
                    template
                        .definition
                        .fields
                        .iter()
                        .any(|f| f.name == "api_key" && f.secret),
                    "{}",
                    template.key
                );
            }
        }
    }
}
