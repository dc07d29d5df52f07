//! Reading the pasted text of an import: its lines, a header's order, and what the whole
//! text decides about each key (its name, and whether it is tried at all), so every
//! batch of the same text agrees.

use std::collections::{BTreeMap, HashMap};

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use super::fields::hint;
use crate::error::{DomainError, DomainResult};
use crate::templates::{KEY_FIELD, MAX_VALUE_BYTES};
use crate::values::Name;

/// The most keys one import takes: each is a request to the provider.
pub const MAX_KEYS: usize = 200;
/// One key of the pasted text, with its line (from 1) and the name it was given.
pub struct KeyLine {
    pub line: usize,
    pub name: Option<String>,
    pub key: SecretString,
}

/// Reads the pasted text: blank lines and a header (`name,key`, or `key,name` for a
/// sheet with the key first) are skipped; a line is a key, or a name and a key
/// separated by a comma (quotes as CSV has them), in the header's order.
///
/// # Errors
/// `Validation` on `keys`: nothing to import, more than [`MAX_KEYS`], or a line that is
/// not one or two values. The message names the line, never its content.
pub fn parse_keys(text: &SecretString) -> DomainResult<Vec<KeyLine>> {
    let text = text.expose_secret();
    // A spreadsheet's UTF-8 export may start with a byte-order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut keys = Vec::new();
    let mut key_first = false;
    for (index, text) in text.lines().enumerate() {
        let line = index + 1;
        // Refused whole, before any key is tried: these are not keys at all.
        if text.len() > MAX_VALUE_BYTES + 200 {
            return Err(DomainError::validation(
                "keys",
                format!("line {line} is longer than a key can be"),
            ));
        }
        if text.chars().any(|c| c.is_control() && c != '\t') {
            return Err(DomainError::validation(
                "keys",
                format!("line {line} holds a control character"),
            ));
        }
        let Some(values) = csv_values(text) else {
            return Err(DomainError::validation(
                "keys",
                format!("line {line} cannot be read"),
            ));
        };
        let values: Vec<&str> = values
            .iter()
            .map(String::as_str)
            .filter(|v| !v.is_empty())
            .collect();
        let (name, key) = match values.as_slice() {
            [] => continue,
            [first, second] if keys.is_empty() && header(first, second).is_some() => {
                key_first = header(first, second) == Some(true);
                continue;
            }
            [key] => (None, *key),
            [first, second] if key_first => (Some((*second).to_owned()), *first),
            [name, key] => (Some((*name).to_owned()), *key),
            _ => {
                return Err(DomainError::validation(
                    "keys",
                    format!("line {line} has more than a name and a key"),
                ))
            }
        };
        keys.push(KeyLine {
            line,
            name,
            key: SecretString::from(key.to_owned()),
        });
    }
    match keys.len() {
        0 => Err(DomainError::validation("keys", "paste at least one key")),
        n if n > MAX_KEYS => Err(DomainError::validation(
            "keys",
            format!("{n} keys: import at most {MAX_KEYS} at a time"),
        )),
        _ => Ok(keys),
    }
}

/// Whether two values are a header: `Some(true)` for `key,name`, `Some(false)` for
/// `name,key`.
fn header(first: &str, second: &str) -> Option<bool> {
    match (
        first.to_ascii_lowercase().as_str(),
        second.to_ascii_lowercase().as_str(),
    ) {
        ("name", "key") => Some(false),
        ("key", "name") => Some(true),
        _ => None,
    }
}

/// One line's values, trimmed, as CSV reads them (quotes, commas inside quotes).
fn csv_values(line: &str) -> Option<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(line.as_bytes());
    match reader.records().next() {
        None => Some(Vec::new()),
        Some(record) => record.ok().map(|r| r.iter().map(str::to_owned).collect()),
    }
}

/// A key with what the whole text decides about it: its name, its hint, and why it is
/// not tried at all.
pub(super) struct Planned {
    pub key: KeyLine,
    pub name: String,
    pub hint: Option<String>,
    pub skip: Option<String>,
}

/// Names every key and finds those not to try, from the text alone, so every batch of
/// the same text agrees. A key already tried on an earlier line is skipped; a name given
/// before is refused (a default name is made unique with its line instead); a refused
/// name is never shown. Keys are compared by digest: the maps hold no key.
pub(super) fn plan(keys: Vec<KeyLine>, provider_name: &str) -> Vec<Planned> {
    let mut key_lines: HashMap<[u8; 32], usize> = HashMap::new();
    let mut name_lines: HashMap<String, usize> = HashMap::new();
    keys.into_iter()
        .map(|key| {
            let line = key.line;
            let digest: [u8; 32] = Sha256::digest(key.key.expose_secret().as_bytes()).into();
            let hint = hint(&BTreeMap::from([(KEY_FIELD.to_owned(), key.key.clone())]));
            let (mut name, refused) = match &key.name {
                // A sheet with the key first and no `key,name` header: the key would
                // become a name, stored and shown in clear.
                Some(given) if looks_like_key(given) && !looks_like_key(key.key.expose_secret()) => (
                    format!("line {line}"),
                    Some(
                        "this name looks like a key: put the name first, or start with a key,name header"
                            .to_owned(),
                    ),
                ),
                Some(given) => match Name::parse(given, "name") {
                    Ok(name) => (name.into_string(), None),
                    Err(error) => (
                        format!("line {line}"),
                        Some(format!("{}: not tried", said(&error))),
                    ),
                },
                None => match &hint {
                    Some(last) => (format!("{provider_name} key {last}"), None),
                    None => (format!("{provider_name} key from line {line}"), None),
                },
            };
            let skip = if let Some(first) = key_lines.get(&digest) {
                Some(format!("the same key as line {first}: skipped"))
            } else if refused.is_some() {
                refused
            } else {
                // Two keys ending alike get distinct default names.
                if key.name.is_none() && name_lines.contains_key(&name) {
                    name = format!("{name} (line {line})");
                }
                match name_lines.get(&name) {
                    Some(first) => Some(format!("the same name as line {first}: not tried")),
                    None => {
                        name_lines.insert(name.clone(), line);
                        key_lines.insert(digest, line);
                        None
                    }
                }
            };
            Planned {
                key,
                name,
                hint,
                skip,
            }
        })
        .collect()
}

/// Whether a value looks like an API key rather than a name: one word of 20 or more
/// characters mixing letters and digits.
fn looks_like_key(value: &str) -> bool {
    value.chars().count() >= 20
        && !value.chars().any(char::is_whitespace)
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
}

/// An error as one row's words: a field's message without the field's name. An
/// internal error's text is for the log only.
pub(super) fn said(error: &DomainError) -> String {
    match error {
        DomainError::Validation { message, .. } | DomainError::Conflict { message, .. } => message.clone(),
        DomainError::Internal(detail) => {
            tracing::error!(%detail, "importing a key failed");
            "something went wrong on our side; the server log says what".to_owned()
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(text: &str) -> Vec<(usize, Option<String>, String)> {
        parse_keys(&SecretString::from(text.to_owned()))
            .unwrap()
            .into_iter()
            .map(|k| (k.line, k.name, k.key.expose_secret().to_owned()))
            .collect()
    }

    #[test]
    fn keys_come_one_per_line_or_with_a_name_as_csv() {
        assert_eq!(
            parsed("sk-one\n\n  sk-two  \n"),
            [(1, None, "sk-one".to_owned()), (3, None, "sk-two".to_owned())]
        );
        assert_eq!(
            parsed("name,key\nmain,sk-one\n\"team, west\",sk-two\r\n"),
            [
                (2, Some("main".to_owned()), "sk-one".to_owned()),
                (3, Some("team, west".to_owned()), "sk-two".to_owned()),
            ]
        );
    }

    #[test]
    fn a_header_sets_the_order_and_a_byte_order_mark_is_not_part_of_it() {
        assert_eq!(
            parsed("\u{feff}Key,Name\nsk-one,main\nsk-two\n"),
            [
                (2, Some("main".to_owned()), "sk-one".to_owned()),
                (3, None, "sk-two".to_owned())
            ]
        );
        assert_eq!(
            parsed("\u{feff}name,key\nmain,sk-one\n"),
            [(2, Some("main".to_owned()), "sk-one".to_owned())]
        );
    }

    fn planned(text: &str) -> Vec<(usize, String, Option<String>)> {
        let keys = parse_keys(&SecretString::from(text.to_owned())).unwrap();
        plan(keys, "Fake")
            .into_iter()
            .map(|p| (p.key.line, p.name, p.skip))
            .collect()
    }

    #[test]
    fn every_key_is_named_from_the_text_alone_and_repeats_are_not_tried() {
        let skip = |text: &str| Some(text.to_owned());
        assert_eq!(
            planned(
                "sk-first-key-1111\nsk-other-key-1111\nmain,sk-third-key-2222\n\
                 main,sk-fourth-key-3333\nsk-first-key-1111\nshort\nFake key 1111,sk-fifth-key-4444\n"
            ),
            [
                (1, "Fake key 1111".to_owned(), None),
                (2, "Fake key 1111 (line 2)".to_owned(), None),
                (3, "main".to_owned(), None),
                (4, "main".to_owned(), skip("the same name as line 3: not tried")),
                (
                    5,
                    "Fake key 1111".to_owned(),
                    skip("the same key as line 1: skipped")
                ),
                (6, "Fake key from line 6".to_owned(), None),
                (
                    7,
                    "Fake key 1111".to_owned(),
                    skip("the same name as line 1: not tried")
                ),
            ]
        );
        // A refused name is never shown, and its key is tried on a later line.
        let long = format!(
            "{},sk-key-5555-long-enough\nok,sk-key-5555-long-enough",
            "n".repeat(101)
        );
        let rows = planned(&long);
        assert_eq!(rows[0].1, "line 1");
        assert!(
            rows[0].2.as_deref().is_some_and(|s| s.ends_with(": not tried")),
            "{rows:?}"
        );
        assert_eq!(rows[1], (2, "ok".to_owned(), None));
        // The key placed first without a header: neither is taken for a name.
        let swapped = planned("sk-live-0123456789abcdefghij,Production\n");
        assert_eq!(swapped[0].1, "line 1");
        assert!(
            swapped[0]
                .2
                .as_deref()
                .is_some_and(|s| s.contains("looks like a key")),
            "{swapped:?}"
        );
    }

    #[test]
    fn bad_pastes_are_refused_by_line_without_showing_it() {
        let refused = |text: &str| match parse_keys(&SecretString::from(text.to_owned())) {
            Err(DomainError::Validation { field, message }) => {
                assert_eq!(field, "keys");
                assert!(!message.contains("sk-"), "{message}");
                message
            }
            _ => panic!("{text:?} was accepted"),
        };
        assert_eq!(refused(""), "paste at least one key");
        assert_eq!(refused("\n \n"), "paste at least one key");
        assert_eq!(
            refused("sk-one\na,sk-two,extra"),
            "line 2 has more than a name and a key"
        );
        let many = "sk-key\n".repeat(MAX_KEYS + 1);
        assert_eq!(
            refused(&many),
            format!("{} keys: import at most {MAX_KEYS} at a time", MAX_KEYS + 1)
        );
    }
}
