//! Names and places in the provider registry: slugs, base URLs, names, and a
//! reference to a provider by id or identifier.

use uuid::Uuid;
use vocab::ProviderId;

use crate::error::{DomainError, DomainResult};

/// An identifier in URLs and scripts (a provider's identifier, a template's key): 2 to 64
/// of `a-z`, `0-9` and single dashes, starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slug(String);

impl Slug {
    /// # Errors
    /// `Validation` on `field` when the rule is not met.
    pub fn parse(raw: &str, field: &str) -> DomainResult<Self> {
        let value = raw.trim();
        let invalid = |why: &str| DomainError::validation(field, why.to_owned());
        if value.len() < 2 || value.len() > 64 {
            return Err(invalid("use 2 to 64 characters"));
        }
        if !value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(invalid("use only lowercase letters, digits and dashes"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(invalid("start with a letter"));
        }
        if value.ends_with('-') || value.contains("--") {
            return Err(invalid("do not end with a dash or use two dashes in a row"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An `http` or `https` URL with a host, no credentials, no query or fragment;
/// stored without a trailing slash so paths can be appended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// # Errors
    /// `Validation` on `field` (`base_url`, `endpoint`, …) when the rule is not met.
    pub fn parse(raw: &str, field: &str) -> DomainResult<Self> {
        let value = raw.trim();
        let invalid = |why: &str| DomainError::validation(field, why.to_owned());
        if value.len() > 2048 {
            return Err(invalid("use at most 2048 characters"));
        }
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or_else(|| invalid("start with http:// or https://"))?;
        let authority = rest.split('/').next().unwrap_or_default();
        if authority.is_empty() {
            return Err(invalid("name a host, like https://api.example.com/v1"));
        }
        if authority.contains('@') {
            return Err(invalid(
                "do not put credentials in the URL; use the credential's fields",
            ));
        }
        if rest.contains('?') || rest.contains('#') {
            return Err(invalid("leave out the query string and fragment"));
        }
        if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid("remove spaces"));
        }
        if value.chars().any(super::text::is_invisible_format) {
            return Err(invalid(
                "remove invisible characters (direction overrides, zero-width spaces, byte-order marks)",
            ));
        }
        Ok(Self(value.trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name people give a thing (a credential, a provider, a template, a token):
/// one line of 1 to 100 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name(String);

impl Name {
    /// # Errors
    /// `Validation` on `field` when empty, too long or holding control characters.
    pub fn parse(raw: &str, field: &str) -> DomainResult<Self> {
        super::text::line(field, raw, 1, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// A provider named by its id or by its identifier, as requests may name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProviderRef {
    Id(ProviderId),
    Identifier(String),
}

impl ProviderRef {
    /// A UUID is an id; anything else an identifier (looked up as given, trimmed).
    pub fn parse(raw: &str) -> Self {
        let raw = raw.trim();
        match Uuid::parse_str(raw) {
            Ok(id) => Self::Id(ProviderId::from_uuid(id)),
            Err(_) => Self::Identifier(raw.to_owned()),
        }
    }

    /// `None` for an empty or blank text (a filter that was left empty).
    pub fn parse_filter(raw: Option<&str>) -> Option<Self> {
        raw.filter(|r| !r.trim().is_empty()).map(Self::parse)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_follow_the_rule() {
        for good in ["gemini", "azure-openai", "acme-llm-2", "ab"] {
            assert!(Slug::parse(good, "identifier").is_ok(), "{good}");
        }
        for bad in [
            "",
            "a",
            "Gemini",
            "2fast",
            "acme_llm",
            "acme-",
            "ac--me",
            "acme llm",
            &"a".repeat(65),
        ] {
            assert!(Slug::parse(bad, "identifier").is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn provider_references_are_ids_or_identifiers() {
        let id = Uuid::now_v7();
        assert_eq!(
            ProviderRef::parse(&id.to_string()),
            ProviderRef::Id(ProviderId::from_uuid(id))
        );
        assert_eq!(
            ProviderRef::parse(" gemini "),
            ProviderRef::Identifier("gemini".into())
        );
        assert_eq!(ProviderRef::parse_filter(Some("  ")), None);
    }

    #[test]
    fn base_urls_are_http_without_credentials() {
        assert_eq!(
            BaseUrl::parse("https://api.example.com/v1/", "base_url")
                .unwrap()
                .as_str(),
            "https://api.example.com/v1"
        );
        assert!(BaseUrl::parse("http://127.0.0.1:8080", "base_url").is_ok());
        for bad in [
            "ftp://example.com",
            "api.example.com",
            "https://",
            "https://user:pass@example.com",
            "https://example.com/v1?key=abc",
            "https://exa mple.com",
            "https://example.com/\u{202E}gpj.exe",
            "https://example.com/nul\0",
        ] {
            assert!(BaseUrl::parse(bad, "base_url").is_err(), "{bad:?} was accepted");
        }
    }
}
