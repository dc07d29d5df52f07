//! The one rule for free-text fields: in Unicode NFC (so names that look the same compare
//! the same), trimmed, within a length, without control characters and without invisible
//! format characters (bidirectional overrides, zero-width characters, byte-order marks)
//! that make a name read differently from what it is.

use unicode_normalization::UnicodeNormalization;

use crate::error::{DomainError, DomainResult};

/// A single line of `min..=max` characters (names, labels).
///
/// # Errors
/// `Validation` on `field`.
pub fn line(field: &str, raw: &str, min: usize, max: usize) -> DomainResult<String> {
    bounded(field, raw, min, max, false)
}

/// An identifier from outside, such as a provider's model id: a line of 1 to 200
/// characters without spaces (markup is only text in it).
///
/// # Errors
/// `Validation` on `field`.
pub fn identifier(field: &str, raw: &str) -> DomainResult<String> {
    let id = line(field, raw, 1, 200)?;
    if id.chars().any(char::is_whitespace) {
        return Err(DomainError::validation(
            field,
            "use 1 to 200 characters without spaces",
        ));
    }
    Ok(id)
}

/// Free text of at most `max` characters that may span lines (descriptions).
///
/// # Errors
/// `Validation` on `field`.
pub fn paragraph(field: &str, raw: &str, max: usize) -> DomainResult<String> {
    bounded(field, raw, 0, max, true)
}

fn bounded(field: &str, raw: &str, min: usize, max: usize, newlines: bool) -> DomainResult<String> {
    let normalized: String = raw.nfc().collect();
    let value = normalized.trim();
    let chars = value.chars().count();
    if chars < min {
        return Err(DomainError::validation(field, "enter a value"));
    }
    if chars > max {
        return Err(DomainError::validation(
            field,
            format!("use at most {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && !(newlines && c == '\n')) {
        return Err(DomainError::validation(field, "remove control characters"));
    }
    if value.chars().any(is_invisible_format) {
        return Err(DomainError::validation(
            field,
            "remove invisible characters (direction overrides, zero-width spaces, byte-order marks)",
        ));
    }
    Ok(value.to_owned())
}

/// Whether `raw` could name something stored (an identifier, a key, a model id). None
/// holds a control character, and PostgreSQL text cannot hold NUL at all, so a lookup
/// for such a name is answered "not found" without asking the database.
pub fn may_name_something(raw: &str) -> bool {
    !raw.chars().any(char::is_control)
}

/// Unicode's format characters (general category Cf): they show nothing, or reorder what
/// is around them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{0600}'..='\u{0605}' | '\u{061C}' | '\u{06DD}' | '\u{070F}'
        | '\u{0890}'..='\u{0891}' | '\u{08E2}' | '\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{110BD}' | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}' | '\u{1BCA0}'..='\u{1BCA3}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0001}' | '\u{E0020}'..='\u{E007F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_trimmed_bounded_and_single() {
        assert_eq!(line("name", "  Acme ", 1, 100).unwrap(), "Acme");
        assert!(line("name", "   ", 1, 100).is_err());
        assert!(line("name", &"n".repeat(101), 1, 100).is_err());
        assert!(line("name", "two\nlines", 1, 100).is_err());
    }

    #[test]
    fn names_are_normalized_and_invisible_characters_refused() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(line("name", "Cafe\u{301}", 1, 100).unwrap(), "Caf\u{e9}");
        for hidden in [
            "admin\u{202E}gpj.exe",
            "pay\u{200B}ments",
            "\u{FEFF}billing",
            "a\u{2066}b",
            "tag\u{E0041}",
        ] {
            assert!(line("name", hidden, 1, 100).is_err(), "{hidden:?}");
        }
        assert!(line("name", "日本語の名前", 1, 100).is_ok());
    }

    #[test]
    fn names_with_control_characters_name_nothing() {
        assert!(may_name_something("gemini") && may_name_something("models/gemini-1.5"));
        assert!(!may_name_something("gemini\0") && !may_name_something("bell\u{7}"));
    }

    #[test]
    fn paragraphs_may_be_empty_and_span_lines() {
        assert_eq!(paragraph("description", "", 1000).unwrap(), "");
        assert!(paragraph("description", "first\nsecond", 1000).is_ok());
        assert!(paragraph("description", "bell\u{7}", 1000).is_err());
        assert!(paragraph("description", &"d".repeat(1001), 1000).is_err());
    }
}
