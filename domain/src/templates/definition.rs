//! What a template says about a kind of provider, and the rules a definition must meet.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};

/// How the key reaches the provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", deny_unknown_fields)]
pub enum AuthScheme {
    /// `Authorization: Bearer <api_key>`.
    Bearer,
    /// `<name>: <api_key>`, e.g. `x-api-key`.
    Header { name: String },
    /// `?<name>=<api_key>`; the value is redacted wherever a URL is shown.
    Query { name: String },
    /// No key (a local Ollama).
    None,
}

impl AuthScheme {
    pub fn kind(&self) -> &'static str {
        match self {
            AuthScheme::Bearer => "bearer",
            AuthScheme::Header { .. } => "header",
            AuthScheme::Query { .. } => "query",
            AuthScheme::None => "none",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HeaderSpec {
    pub name: String,
    pub value: String,
}

/// One field of the credential form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FieldSpec {
    pub name: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(default)]
    pub secret: bool,
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
    /// A regular expression the whole value must match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
}

/// A request relative to the provider's base URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequestSpec {
    #[serde(default = "get")]
    pub method: String,
    pub path: String,
}

/// The model-list request and where the ids are in its JSON answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ModelsRequestSpec {
    pub path: String,
    /// JSON pointer to the array of models, e.g. `/data` (OpenAI) or `/models` (Gemini).
    pub items_pointer: String,
    /// The field of each item that holds its id.
    pub id_field: String,
}

fn get() -> String {
    "GET".to_owned()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TemplateDefinition {
    pub auth: AuthScheme,
    #[serde(default)]
    pub extra_headers: Vec<HeaderSpec>,
    #[serde(default)]
    pub fields: Vec<FieldSpec>,
    /// The cheap request a connection test sends (usually the model list).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_request: Option<RequestSpec>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub models_request: Option<ModelsRequestSpec>,
}

/// The field that carries the key for schemes that send one.
pub const KEY_FIELD: &str = "api_key";

impl TemplateDefinition {
    /// Reads a stored definition.
    ///
    /// # Errors
    /// `Internal` when the stored JSON does not match (it was validated when saved).
    pub fn from_json(value: &serde_json::Value) -> DomainResult<Self> {
        serde_json::from_value(value.clone())
            .map_err(|err| DomainError::internal(format!("template definition: {err}")))
    }

    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// # Errors
    /// `Validation` naming the offending part (`fields[1].pattern`, `testRequest.path`, …).
    pub fn validate(&self) -> DomainResult<()> {
        let mut names = HashSet::new();
        for (i, field) in self.fields.iter().enumerate() {
            let at = |part: &str| format!("fields[{i}].{part}");
            let valid_name = !field.name.is_empty()
                && field.name.len() <= 64
                && field
                    .name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && field.name.starts_with(|c: char| c.is_ascii_lowercase());
            if !valid_name {
                return Err(DomainError::validation(
                    &at("name"),
                    "use lowercase letters, digits and _, starting with a letter",
                ));
            }
            if !names.insert(field.name.as_str()) {
                return Err(DomainError::validation(
                    &at("name"),
                    format!("`{}` is used twice", field.name),
                ));
            }
            if field.label.trim().is_empty() || field.label.chars().count() > 100 {
                return Err(DomainError::validation(&at("label"), "use 1 to 100 characters"));
            }
            if let Some(pattern) = &field.pattern {
                if pattern.len() > 500 || regex::Regex::new(&format!("^(?:{pattern})$")).is_err() {
                    return Err(DomainError::validation(
                        &at("pattern"),
                        "not a valid regular expression",
                    ));
                }
            }
            if field.secret && field.placeholder.is_some() {
                return Err(DomainError::validation(
                    &at("placeholder"),
                    "a secret field shows no placeholder value",
                ));
            }
        }
        match &self.auth {
            AuthScheme::None => {}
            AuthScheme::Bearer | AuthScheme::Header { .. } | AuthScheme::Query { .. } => {
                let key = self.fields.iter().find(|f| f.name == KEY_FIELD);
                if !key.is_some_and(|f| f.secret) {
                    return Err(DomainError::validation(
                        "fields",
                        format!("this auth scheme sends a key: declare a secret field named `{KEY_FIELD}`"),
                    ));
                }
            }
        }
        if let AuthScheme::Header { name } | AuthScheme::Query { name } = &self.auth {
            if !is_token(name) {
                return Err(DomainError::validation(
                    "auth.name",
                    "use letters, digits, - and _",
                ));
            }
        }
        for (i, header) in self.extra_headers.iter().enumerate() {
            if !is_token(&header.name) {
                return Err(DomainError::validation(
                    &format!("extraHeaders[{i}].name"),
                    "use letters, digits, - and _",
                ));
            }
            if header.value.chars().any(char::is_control) || header.value.len() > 1000 {
                return Err(DomainError::validation(
                    &format!("extraHeaders[{i}].value"),
                    "remove control characters",
                ));
            }
        }
        if let Some(request) = &self.test_request {
            check_path("testRequest.path", &request.path)?;
            if !matches!(request.method.as_str(), "GET" | "POST" | "HEAD") {
                return Err(DomainError::validation(
                    "testRequest.method",
                    "use GET, POST or HEAD",
                ));
            }
        }
        if let Some(models) = &self.models_request {
            check_path("modelsRequest.path", &models.path)?;
            if !(models.items_pointer.is_empty() || models.items_pointer.starts_with('/')) {
                return Err(DomainError::validation(
                    "modelsRequest.itemsPointer",
                    "a JSON pointer starts with /",
                ));
            }
            if models.id_field.trim().is_empty() {
                return Err(DomainError::validation(
                    "modelsRequest.idField",
                    "name the field that holds the id",
                ));
            }
        }
        Ok(())
    }
}

fn is_token(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Paths are relative to the base URL: they start with `/`, never name a host or go up.
fn check_path(field: &str, path: &str) -> DomainResult<()> {
    let relative = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains("://")
        && !path.split('/').any(|segment| segment == "..")
        && !path.chars().any(|c| c.is_whitespace() || c.is_control());
    if !relative || path.len() > 500 {
        return Err(DomainError::validation(
            field,
            "use a path relative to the base URL, like /models",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_field() -> FieldSpec {
        FieldSpec {
            name: KEY_FIELD.into(),
            label: "API key".into(),
            help: None,
            secret: true,
            required: true,
            placeholder: None,
            pattern: None,
        }
    }

    fn definition() -> TemplateDefinition {
        TemplateDefinition {
            auth: AuthScheme::Bearer,
            extra_headers: vec![],
            fields: vec![key_field()],
            test_request: Some(RequestSpec {
                method: "GET".into(),
                path: "/models".into(),
            }),
            models_request: Some(ModelsRequestSpec {
                path: "/models".into(),
                items_pointer: "/data".into(),
                id_field: "id".into(),
            }),
        }
    }

    fn field_of(err: DomainError) -> String {
        match err {
            DomainError::Validation { field, .. } => field,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_plain_definition_is_valid_and_round_trips() {
        let d = definition();
        d.validate().unwrap();
        assert_eq!(TemplateDefinition::from_json(&d.to_json()).unwrap(), d);
    }

    #[test]
    fn duplicate_field_names_are_refused() {
        let mut d = definition();
        d.fields.push(key_field());
        assert_eq!(field_of(d.validate().unwrap_err()), "fields[1].name");
    }

    #[test]
    fn invalid_patterns_are_refused() {
        let mut d = definition();
        d.fields.push(FieldSpec {
            name: "region".into(),
            label: "Region".into(),
            pattern: Some("([a-z".into()),
            secret: false,
            required: false,
            help: None,
            placeholder: None,
        });
        assert_eq!(field_of(d.validate().unwrap_err()), "fields[1].pattern");
    }

    #[test]
    fn a_key_sending_scheme_needs_a_secret_api_key_field() {
        let mut d = definition();
        d.auth = AuthScheme::Query { name: "key".into() };
        d.fields[0].secret = false;
        assert_eq!(field_of(d.validate().unwrap_err()), "fields");
        d.fields.clear();
        assert_eq!(field_of(d.validate().unwrap_err()), "fields");
        d.auth = AuthScheme::None;
        d.validate().unwrap();
    }

    #[test]
    fn paths_must_be_relative() {
        for bad in [
            "models",
            "https://evil.example/models",
            "//evil.example/x",
            "/../admin",
            "/a b",
        ] {
            let mut d = definition();
            d.test_request = Some(RequestSpec {
                method: "GET".into(),
                path: bad.into(),
            });
            assert_eq!(field_of(d.validate().unwrap_err()), "testRequest.path", "{bad}");
        }
    }

    #[test]
    fn unknown_keys_in_stored_json_are_refused() {
        let mut json = definition().to_json();
        json["surprise"] = serde_json::json!(true);
        assert!(TemplateDefinition::from_json(&json).is_err());
    }
}
