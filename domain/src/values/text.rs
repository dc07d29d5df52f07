//! The one rule for free-text fields: trimmed, within a length, no control characters.

use crate::error::{DomainError, DomainResult};

/// A single line of `min..=max` characters (names, labels).
///
/// # Errors
/// `Validation` on `field`.
pub fn line(field: &str, raw: &str, min: usize, max: usize) -> DomainResult<String> {
    bounded(field, raw, min, max, false)
}

/// Free text of at most `max` characters that may span lines (descriptions).
///
/// # Errors
/// `Validation` on `field`.
pub fn paragraph(field: &str, raw: &str, max: usize) -> DomainResult<String> {
    bounded(field, raw, 0, max, true)
}

fn bounded(field: &str, raw: &str, min: usize, max: usize, newlines: bool) -> DomainResult<String> {
    let value = raw.trim();
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
    Ok(value.to_owned())
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
    fn paragraphs_may_be_empty_and_span_lines() {
        assert_eq!(paragraph("description", "", 1000).unwrap(), "");
        assert!(paragraph("description", "first\nsecond", 1000).is_ok());
        assert!(paragraph("description", "bell\u{7}", 1000).is_err());
        assert!(paragraph("description", &"d".repeat(1001), 1000).is_err());
    }
}
