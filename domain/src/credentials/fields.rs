//! The values of a credential's fields, checked against its template: which are secret,
//! which are required, what they must look like. Messages never quote a value.

use std::collections::{BTreeMap, HashMap, HashSet};

use secrecy::{ExposeSecret, SecretString};

use crate::error::{DomainError, DomainResult};
use crate::templates::{field_path, TemplateDefinition, KEY_FIELD};

/// Submitted values that passed the template's rules.
#[derive(Default)]
pub struct CheckedValues {
    /// Secret fields to (re)encrypt. Values are trimmed.
    pub secret: BTreeMap<String, SecretString>,
    /// Non-secret fields to store as they are.
    pub plain: BTreeMap<String, String>,
}

impl CheckedValues {
    /// The plain values in the shape stored fields come in (for working out destinations).
    pub fn plain_as_secrets(&self) -> HashMap<String, SecretString> {
        self.plain
            .iter()
            .map(|(k, v)| (k.clone(), SecretString::from(v.clone())))
            .collect()
    }
}

/// Checks `submitted` against the template. `stored` names the fields the credential
/// already has: on an update, a required field that is stored need not be sent again,
/// and an empty secret value means "keep the stored one".
///
/// # Errors
/// `Validation` on `fields.<name>` for an unknown field, a missing required one, a value
/// that is too long, has control characters, or fails the field's pattern.
pub fn check(
    definition: &TemplateDefinition,
    submitted: &HashMap<String, SecretString>,
    stored: &HashSet<String>,
) -> DomainResult<CheckedValues> {
    let mut checked = CheckedValues::default();
    let mut names: Vec<&String> = submitted.keys().collect();
    names.sort();
    for name in names {
        let spec = definition.field(name)?;
        let value = submitted[name].expose_secret().trim();
        if value.is_empty() {
            continue;
        }
        spec.check_value(value)?;
        if spec.secret {
            checked
                .secret
                .insert(name.clone(), SecretString::from(value.to_owned()));
        } else {
            checked.plain.insert(name.clone(), value.to_owned());
        }
    }
    for spec in definition.fields.iter().filter(|f| f.required) {
        let given = checked.secret.contains_key(&spec.name) || checked.plain.contains_key(&spec.name);
        if !given && !stored.contains(&spec.name) {
            return Err(DomainError::validation(
                &field_path(&spec.name),
                format!("enter the {}", spec.label),
            ));
        }
    }
    Ok(checked)
}

/// The last four characters of the key, shown as `••••abcd`; nothing for a key too
/// short to give away a quarter of it.
pub fn hint(secret: &BTreeMap<String, SecretString>) -> Option<String> {
    let key = secret
        .get(KEY_FIELD)
        .or_else(|| secret.values().next())?
        .expose_secret();
    let chars: Vec<char> = key.chars().collect();
    (chars.len() >= 12).then(|| chars[chars.len() - 4..].iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::{AuthScheme, FieldSpec};

    fn definition() -> TemplateDefinition {
        let field = |name: &str, secret, required, pattern: Option<&str>| FieldSpec {
            name: name.into(),
            label: name.replace('_', " "),
            help: None,
            secret,
            required,
            placeholder: None,
            pattern: pattern.map(Into::into),
        };
        TemplateDefinition {
            auth: AuthScheme::Bearer,
            extra_headers: vec![],
            fields: vec![
                field("api_key", true, true, None),
                field("api_version", false, true, Some(r"\d{4}-\d{2}-\d{2}")),
                field("organization", false, false, None),
            ],
            test_request: None,
            models_request: None,
            gateway: None,
        }
    }

    fn submitted(pairs: &[(&str, &str)]) -> HashMap<String, SecretString> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), SecretString::from((*v).to_owned())))
            .collect()
    }

    fn error_field(result: DomainResult<CheckedValues>) -> String {
        match result {
            Err(DomainError::Validation { field, .. }) => field,
            Err(other) => panic!("unexpected error {other}"),
            Ok(_) => panic!("accepted"),
        }
    }

    #[test]
    fn secret_and_plain_values_are_told_apart() {
        let checked = check(
            &definition(),
            &submitted(&[("api_key", "  sk-abcdef123456  "), ("api_version", "2024-06-01")]),
            &HashSet::new(),
        )
        .unwrap();
        assert_eq!(checked.secret["api_key"].expose_secret(), "sk-abcdef123456");
        assert_eq!(checked.plain["api_version"], "2024-06-01");
        assert!(!checked.plain.contains_key("api_key"));
    }

    #[test]
    fn each_bad_value_names_its_field() {
        let none = HashSet::new();
        let d = definition();
        let cases = [
            (submitted(&[("api_version", "2024-06-01")]), "fields.api_key"),
            (
                submitted(&[("api_key", "sk-1"), ("api_version", "june")]),
                "fields.api_version",
            ),
            (
                submitted(&[
                    ("api_key", "sk-1"),
                    ("api_version", "2024-06-01"),
                    ("region", "eu"),
                ]),
                "fields.region",
            ),
            (
                submitted(&[("api_key", "sk-\n1"), ("api_version", "2024-06-01")]),
                "fields.api_key",
            ),
            (
                submitted(&[
                    ("api_key", &"k".repeat(100 * 1024)),
                    ("api_version", "2024-06-01"),
                ]),
                "fields.api_key",
            ),
        ];
        for (values, field) in cases {
            assert_eq!(error_field(check(&d, &values, &none)), field);
        }
    }

    #[test]
    fn an_update_may_leave_stored_fields_out() {
        let stored: HashSet<String> = ["api_key".to_owned(), "api_version".to_owned()].into();
        let checked = check(
            &definition(),
            &submitted(&[("api_key", ""), ("organization", "acme")]),
            &stored,
        )
        .unwrap();
        assert!(checked.secret.is_empty(), "an empty secret keeps the stored one");
        assert_eq!(checked.plain["organization"], "acme");
    }

    #[test]
    fn errors_never_quote_the_value() {
        let values = submitted(&[
            ("api_key", "sk-secret-canary-value"),
            ("api_version", "not-a-date-canary"),
        ]);
        let Err(err) = check(&definition(), &values, &HashSet::new()) else {
            panic!("accepted")
        };
        assert!(!err.to_string().contains("canary"), "{err}");
    }

    #[test]
    fn hints_show_four_characters_of_long_keys_only() {
        let secret = |v: &str| BTreeMap::from([("api_key".to_owned(), SecretString::from(v.to_owned()))]);
        assert_eq!(hint(&secret("sk-proj-abcdefgh1234")).as_deref(), Some("1234"));
        assert_eq!(hint(&secret("short-key")), None);
        assert_eq!(hint(&BTreeMap::new()), None);
    }
}
