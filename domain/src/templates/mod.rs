//! Provider templates: how to talk to a kind of provider. Built-ins are seeded and
//! read-only; admins clone them or write their own.

mod definition;
mod service;

pub use definition::{
    field_path, AuthScheme, FieldSpec, GatewaySpec, HeaderSpec, ModelsRequestSpec, RequestSpec,
    TemplateDefinition, KEY_FIELD, MAX_VALUE_BYTES,
};
pub use service::{NewTemplate, TemplatePatch, TemplateService};

use crate::entities::provider_templates;

/// The credential fields in a template's stored definition.
pub fn fields_of(template: &provider_templates::Model) -> Vec<FieldSpec> {
    TemplateDefinition::from_json(&template.definition)
        .map(|d| d.fields)
        .unwrap_or_default()
}
