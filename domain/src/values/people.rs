//! Who people are: an email address and a display name.

use crate::error::{DomainError, DomainResult};

/// A lower-cased email address; unique across users, compared case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// # Errors
    /// `Validation` on `email` unless it looks like `name@domain.tld` (at most 254 chars).
    pub fn parse(raw: &str) -> DomainResult<Self> {
        let value = raw.trim().to_lowercase();
        let invalid = || DomainError::validation("email", "enter an email address like name@example.com");
        if value.is_empty() || value.chars().count() > 254 {
            return Err(invalid());
        }
        let (local, domain) = value.split_once('@').ok_or_else(invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..");
        let clean = !value.chars().any(|c| {
            c.is_whitespace() || c.is_control() || super::text::is_invisible_format(c) || c == '<' || c == '>'
        });
        if local.is_empty() || local.len() > 64 || domain.contains('@') || !domain_ok || !clean {
            return Err(invalid());
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A name shown in the UI: 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    /// # Errors
    /// `Validation` on `display_name` when empty, too long or holding control characters.
    pub fn parse(raw: &str) -> DomainResult<Self> {
        super::text::line("display_name", raw, 1, 100).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@example..com",
            "ada@.example.com",
            "<ada@example.com>",
            "ada\u{200B}@example.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} was accepted");
        }
        assert!(Email::parse(&format!("{}@example.com", "a".repeat(300))).is_err());
    }

    #[test]
    fn display_names_have_bounds() {
        assert!(DisplayName::parse("  ").is_err());
        assert!(DisplayName::parse(&"n".repeat(101)).is_err());
        assert!(DisplayName::parse("Ada\u{7}").is_err());
        assert_eq!(
            DisplayName::parse(" Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
    }
}
