//! What a template says about a kind of provider, and the rules a definition must meet.

use std::collections::{HashMap, HashSet};

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::{DomainError, DomainResult};
use crate::values::text;

/// No field value is longer (keys are short; 100 KB pasted by mistake is refused).
pub const MAX_VALUE_BYTES: usize = 8 * 1024;

/// Where a form (and a REST error) shows a problem with a field's value.
pub fn field_path(name: &str) -> String {
    format!("fields.{name}")
}

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

impl FieldSpec {
    /// Whether `value` (trimmed, not empty) may be this field's: not too long, on one
    /// line without control characters, and matching the field's pattern. Messages never
    /// quote the value.
    ///
    /// # Errors
    /// `Validation` on `fields.<name>`.
    pub fn check_value(&self, value: &str) -> DomainResult<()> {
        let field = field_path(&self.name);
        if value.len() > MAX_VALUE_BYTES {
            return Err(DomainError::validation(
                &field,
                format!("use at most {} KB", MAX_VALUE_BYTES / 1024),
            ));
        }
        if value.chars().any(char::is_control) {
            return Err(DomainError::validation(
                &field,
                "remove line breaks and control characters",
            ));
        }
        if let Some(pattern) = &self.pattern {
            // Patterns were compiled when the template was saved; a pattern that no longer
            // compiles refuses every value rather than accepting anything.
            let matches = regex::Regex::new(&format!("^(?:{pattern})$")).is_ok_and(|re| re.is_match(value));
            if !matches {
                return Err(DomainError::validation(
                    &field,
                    format!("does not look like a valid {}", self.label),
                ));
            }
        }
        Ok(())
    }
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

/// How the gateway reaches the provider's OpenAI-compatible API: the base URL, then
/// `pathPrefix`, then `/chat/completions` or `/embeddings`, then `?query`. `{name}` in
/// the prefix and the query is a plain field's value (Azure's deployment and version).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct GatewaySpec {
    /// `/openai` for Gemini, `/v1` for Ollama, `/openai/deployments/{deployment}` for Azure.
    #[serde(default)]
    pub path_prefix: String,
    /// e.g. `api-version={api_version}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// How the key is sent to the compatible API when not as `auth` says (Gemini's and
    /// Anthropic's take a bearer token there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<AuthScheme>,
    /// The provider also speaks Anthropic's Messages API at `/messages`, reached with the
    /// template's own `auth` and extra headers.
    #[serde(default)]
    pub messages: bool,
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
    /// Absent: the gateway does not route to providers of this template.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gateway: Option<GatewaySpec>,
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

    /// `{name}` in `text` replaced by the plain field `name`'s value, percent-encoded;
    /// secret fields are never filled in (a path or query can end up in a log).
    pub fn fill_placeholders(&self, text: &str, fields: &HashMap<String, SecretString>) -> String {
        self.fields
            .iter()
            .filter(|f| !f.secret)
            .fold(text.to_owned(), |text, field| {
                let value = fields
                    .get(&field.name)
                    .map(|v| v.expose_secret().trim())
                    .unwrap_or_default();
                text.replace(&format!("{{{}}}", field.name), &crate::redaction::percent(value))
            })
    }

    /// The field called `name`.
    ///
    /// # Errors
    /// `Validation` on `fields.<name>` when the template has no such field.
    pub fn field(&self, name: &str) -> DomainResult<&FieldSpec> {
        self.fields.iter().find(|f| f.name == name).ok_or_else(|| {
            // The name is the client's own input, but it may be anything; keep it short.
            let shown: String = name.chars().take(64).filter(|c| !c.is_control()).collect();
            DomainError::validation(
                &field_path(&shown),
                format!("this provider's template has no field `{shown}`"),
            )
        })
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
            // The form shows these as text: one line (help: lines) without hidden characters.
            text::line(&at("label"), &field.label, 1, 100)?;
            if let Some(help) = &field.help {
                text::paragraph(&at("help"), help, 1000)?;
            }
            if let Some(placeholder) = &field.placeholder {
                text::line(&at("placeholder"), placeholder, 0, 200)?;
            }
            if let Some(pattern) = &field.pattern {
                let broken = pattern.len() > 500 || pattern.chars().any(char::is_control);
                if broken || regex::Regex::new(&format!("^(?:{pattern})$")).is_err() {
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
        if let Some(gateway) = &self.gateway {
            gateway.validate(&self.fields)?;
        }
        if let Some(models) = &self.models_request {
            check_path("modelsRequest.path", &models.path)?;
            if !(models.items_pointer.is_empty() || models.items_pointer.starts_with('/')) {
                return Err(DomainError::validation(
                    "modelsRequest.itemsPointer",
                    "a JSON pointer starts with /",
                ));
            }
            if models.items_pointer.chars().any(char::is_control) {
                return Err(DomainError::validation(
                    "modelsRequest.itemsPointer",
                    "remove control characters",
                ));
            }
            if models.id_field.trim().is_empty() || models.id_field.chars().any(char::is_control) {
                return Err(DomainError::validation(
                    "modelsRequest.idField",
                    "name the field that holds the id",
                ));
            }
        }
        Ok(())
    }
}

impl GatewaySpec {
    fn validate(&self, fields: &[FieldSpec]) -> DomainResult<()> {
        if !self.path_prefix.is_empty() {
            check_path("gateway.pathPrefix", &self.path_prefix)?;
        }
        if let Some(query) = &self.query {
            let clean = !query.is_empty()
                && query.len() <= 500
                && !query.starts_with('?')
                && !query
                    .chars()
                    .any(|c| c.is_whitespace() || c.is_control() || c == '#');
            if !clean {
                return Err(DomainError::validation(
                    "gateway.query",
                    "use name=value pairs joined by &, without the leading ?",
                ));
            }
        }
        match &self.auth {
            Some(AuthScheme::Header { name } | AuthScheme::Query { name }) if !is_token(name) => Err(
                DomainError::validation("gateway.auth.name", "use letters, digits, - and _"),
            ),
            Some(AuthScheme::Bearer | AuthScheme::Header { .. } | AuthScheme::Query { .. })
                if !fields.iter().any(|f| f.name == KEY_FIELD && f.secret) =>
            {
                Err(DomainError::validation(
                    "gateway.auth",
                    format!("this auth scheme sends a key: declare a secret field named `{KEY_FIELD}`"),
                ))
            }
            _ => Ok(()),
        }
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
mod tests;
