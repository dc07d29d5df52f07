//! What a list's search box holds: text looked for inside one or more columns, in any
//! case, where `%` and `_` are only characters.

use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, SimpleExpr};
use sea_orm::Condition;

use crate::error::{DomainError, DomainResult};

/// A search, checked: 1 to 100 printable characters, kept lowercased twice: as Unicode
/// lowercases it, and in ASCII only, as SQLite's `lower()` (and PostgreSQL's under a C
/// locale) does, so "Ñandú" typed as stored is found on every database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Search {
    unicode: String,
    ascii: String,
}

impl Search {
    /// The search `raw` asks for: none for absent or blank text.
    ///
    /// # Errors
    /// `Validation` on `search` for more than 100 characters or a control character.
    pub fn parse(raw: Option<&str>) -> DomainResult<Option<Self>> {
        let Some(text) = raw.map(str::trim).filter(|t| !t.is_empty()) else {
            return Ok(None);
        };
        if text.chars().count() > 100 {
            return Err(DomainError::validation("search", "use at most 100 characters"));
        }
        // PostgreSQL refuses a NUL in text, and nothing listed holds a control character.
        if text.chars().any(char::is_control) {
            return Err(DomainError::validation("search", "use printable characters only"));
        }
        Ok(Some(Self {
            unicode: text.to_lowercase(),
            ascii: text.to_ascii_lowercase(),
        }))
    }

    /// Rows where any of `columns` holds the text, in any case.
    pub fn in_any(&self, columns: impl IntoIterator<Item = SimpleExpr>) -> Condition {
        let mut patterns = vec![pattern(&self.unicode)];
        if self.ascii != self.unicode {
            patterns.push(pattern(&self.ascii));
        }
        columns.into_iter().fold(Condition::any(), |any, column| {
            let lowered = Expr::expr(Func::lower(column));
            patterns
                .iter()
                .fold(any, |any, pattern| any.add(lowered.clone().like(pattern.clone())))
        })
    }
}

/// `%text%` for LIKE, with `%`, `_` and the escape character itself escaped.
fn pattern(text: &str) -> LikeExpr {
    let escaped = text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    LikeExpr::new(format!("%{escaped}%")).escape('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_is_no_search_and_odd_text_is_refused() {
        assert_eq!(Search::parse(None).unwrap(), None);
        assert_eq!(Search::parse(Some("  ")).unwrap(), None);
        let prod = Search::parse(Some(" Prod ")).unwrap().unwrap();
        assert_eq!((prod.unicode.as_str(), prod.ascii.as_str()), ("prod", "prod"));
        let bird = Search::parse(Some("ÑANDÚ")).unwrap().unwrap();
        assert_eq!((bird.unicode.as_str(), bird.ascii.as_str()), ("ñandú", "ÑandÚ"));
        assert!(Search::parse(Some(&"x".repeat(101))).is_err());
        assert!(Search::parse(Some("a\u{0}b")).is_err());
    }
}
