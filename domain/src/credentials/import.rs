//! Many keys for one provider at once: pasted one per line (or `name,key` lines, as a
//! spreadsheet exports them), each tested before it is saved, with a result per key.
//! A key that fails its test is not saved unless the admin asks; then it is saved
//! inactive, so routing does not try a key known to fail.

use std::collections::{BTreeMap, HashMap};

use futures_util::stream::{self, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::{ExposeSecret, SecretString};
use vocab::CredentialId;

use super::fields::hint;
use super::input::NewCredential;
use super::service::CredentialService;
use super::testing::with_test_result;
use crate::access::{Admin, Owner};
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};
use crate::probe::ProbeReport;
use crate::templates::{KEY_FIELD, MAX_VALUE_BYTES};
use crate::values::ProviderRef;

/// The most keys one import takes: each is a request to the provider.
pub const MAX_KEYS: usize = 200;
/// Keys tested at the same time.
const AT_ONCE: usize = 4;

/// One key of the pasted text, with its line (from 1) and the name it was given.
pub struct KeyLine {
    pub line: usize,
    pub name: Option<String>,
    pub key: SecretString,
}

/// What happened to one key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRow {
    pub line: usize,
    pub name: String,
    /// The key's last four characters (long keys only), as lists show it.
    pub hint: Option<String>,
    /// Whether the provider accepted the key.
    pub passed: bool,
    /// The test's words, or why the key was not tried or not saved.
    pub message: String,
    /// The credential made from it, when it was saved.
    pub saved: Option<CredentialId>,
}

/// Reads the pasted text: blank lines and a `name,key` header are skipped; a line is a
/// key, or a name and a key separated by a comma (quotes as CSV has them).
///
/// # Errors
/// `Validation` on `keys`: nothing to import, more than [`MAX_KEYS`], or a line that is
/// not one or two values. The message names the line, never its content.
pub fn parse_keys(text: &SecretString) -> DomainResult<Vec<KeyLine>> {
    let mut keys = Vec::new();
    for (index, text) in text.expose_secret().lines().enumerate() {
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
            [name, key]
                if keys.is_empty()
                    && name.eq_ignore_ascii_case("name")
                    && key.eq_ignore_ascii_case("key") =>
            {
                continue
            }
            [key] => (None, *key),
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

impl CredentialService {
    /// Tests each key of `text` against `provider` and saves those that pass as global
    /// credentials (and, with `save_failed`, the others too, inactive). A key the same
    /// text already gave is skipped. Each saved key is audited as its own creation.
    ///
    /// # Errors
    /// `Validation` on `keys` (see [`parse_keys`]), on `provider` for an unknown or
    /// disabled one, and when its template needs more than a key.
    pub async fn import(
        &self,
        admin: &Admin,
        provider: ProviderRef,
        text: &SecretString,
        save_failed: bool,
    ) -> DomainResult<Vec<ImportRow>> {
        let owner = Owner::Admins(admin.clone());
        let keys = parse_keys(text)?;
        let target = self.usable_provider(&owner, &provider).await?;
        let definition = self.definition_of(&self.db, &target).await?;
        if definition
            .fields
            .iter()
            .any(|f| f.required && f.name != KEY_FIELD)
        {
            return Err(DomainError::validation(
                "provider",
                format!(
                    "{}'s credentials need more than a key: add them one by one",
                    target.name
                ),
            ));
        }
        // A key given twice is tried once: later lines name the first.
        let mut first_line: HashMap<String, usize> = HashMap::new();
        let rows: Vec<(KeyLine, Option<usize>)> = keys
            .into_iter()
            .map(|key| {
                let first = *first_line
                    .entry(key.key.expose_secret().to_owned())
                    .or_insert(key.line);
                let repeat_of = (first != key.line).then_some(first);
                (key, repeat_of)
            })
            .collect();
        let provider = ProviderRef::Identifier(target.identifier.clone());
        let provider_name = target.name.clone();
        Ok(stream::iter(rows)
            .map(|(key, repeat_of)| {
                let (owner, provider, provider_name) = (&owner, provider.clone(), provider_name.as_str());
                self.import_one(owner, provider, provider_name, key, repeat_of, save_failed)
            })
            .buffered(AT_ONCE)
            .collect()
            .await)
    }

    async fn import_one(
        &self,
        owner: &Owner,
        provider: ProviderRef,
        provider_name: &str,
        key: KeyLine,
        repeat_of: Option<usize>,
        save_failed: bool,
    ) -> ImportRow {
        let secret = BTreeMap::from([(KEY_FIELD.to_owned(), key.key.clone())]);
        let hint = hint(&secret);
        let name = key.name.clone().unwrap_or_else(|| match &hint {
            Some(last) => format!("{provider_name} key {last}"),
            None => format!("{provider_name} key from line {}", key.line),
        });
        let row = |passed: bool, message: String, saved: Option<CredentialId>| ImportRow {
            line: key.line,
            name: name.clone(),
            hint: hint.clone(),
            passed,
            message,
            saved,
        };
        if let Some(first) = repeat_of {
            return row(false, format!("the same key as line {first}: skipped"), None);
        }
        let new = || NewCredential {
            name: name.clone(),
            provider: provider.clone(),
            fields: HashMap::from([(KEY_FIELD.to_owned(), key.key.clone())]),
            ..NewCredential::default()
        };
        let report = match self.test_unsaved(owner, &new(), None).await {
            Ok(report) => report,
            Err(error) => return row(false, said(&error), None),
        };
        let passed = report.ok();
        if !passed && !save_failed {
            return row(false, format!("{}: not saved", report.message), None);
        }
        let saving = NewCredential {
            active: Some(passed),
            ..new()
        };
        match self.create(owner, saving).await {
            Ok(view) => {
                let id = view.id();
                // The list shows the test the import made, as if run after saving.
                if let Err(error) = self.keep_test_result(id, &report).await {
                    tracing::warn!(%error, "an imported key's test result was not kept");
                }
                let message = match passed {
                    true => report.message.clone(),
                    false => format!("{}: saved inactive", report.message),
                };
                row(passed, message, Some(id))
            }
            Err(error) => row(passed, format!("{}: not saved", said(&error)), None),
        }
    }

    async fn keep_test_result(&self, id: CredentialId, report: &ProbeReport) -> DomainResult<()> {
        with_test_result(credentials::Entity::update_many(), report)
            .filter(credentials::Column::Id.eq(id.uuid()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// An error as one row's words: a field's message without the field's name. An
/// internal error's text is for the log only.
fn said(error: &DomainError) -> String {
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
