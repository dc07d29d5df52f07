//! Validated provider fields; once parsed, the type is the proof.

use crate::{DomainError, DomainResult};

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
    /// `Validation` on `base_url` when the rule is not met.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let value = raw.trim();
        let invalid = |why: &str| DomainError::validation("base_url", why.to_owned());
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
        Ok(Self(value.trim_end_matches('/').to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Lower is used first. 0 to 10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(i32);

impl Priority {
    pub const MAX: i32 = 10_000;

    /// # Errors
    /// `Validation` on `field` outside 0 to 10,000.
    pub fn new(value: i64, field: &str) -> DomainResult<Self> {
        if !(0..=i64::from(Self::MAX)).contains(&value) {
            return Err(DomainError::validation(
                field,
                format!("use a number from 0 to {}", Self::MAX),
            ));
        }
        Ok(Self(value as i32))
    }

    pub fn get(self) -> i32 {
        self.0
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
    fn base_urls_are_http_without_credentials() {
        assert_eq!(
            BaseUrl::parse("https://api.example.com/v1/").unwrap().as_str(),
            "https://api.example.com/v1"
        );
        assert!(BaseUrl::parse("http://127.0.0.1:8080").is_ok());
        for bad in [
            "ftp://example.com",
            "api.example.com",
            "https://",
            "https://user:pass@example.com",
            "https://example.com/v1?key=abc",
            "https://exa mple.com",
        ] {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn priorities_are_bounded() {
        assert_eq!(Priority::new(0, "priority").unwrap().get(), 0);
        assert_eq!(Priority::new(10_000, "priority").unwrap().get(), 10_000);
        assert!(Priority::new(-1, "priority").is_err());
        assert!(Priority::new(10_001, "priority").is_err());
    }
}
