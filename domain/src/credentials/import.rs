//! Many keys for one provider at once: pasted one per line (or `name,key` lines, as a
//! spreadsheet exports them), each tested before it is saved, with a result per key.
//! A key that fails its test is not saved unless the admin asks; then it is saved
//! inactive, so routing does not try a key known to fail.
//!
//! The keys are tried in batches, one request each: a batch ends well inside a request's
//! time limit however slow the provider, the caller shows progress between batches and
//! can stop, and any instance can take the next batch (the whole text is sent each
//! time, so every batch names and de-duplicates keys the same way).

use std::collections::HashMap;
use std::time::Duration;

use futures_util::stream::{self, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use secrecy::SecretString;
use vocab::CredentialId;

use super::input::NewCredential;
use super::ownership::{name_taken, owned_by};
use super::pasted::{parse_keys, plan, said, Planned};
use super::service::CredentialService;
use super::testing::with_test_result;
use crate::access::{Admin, Owner};
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};
use crate::probe::ProbeReport;
use crate::templates::KEY_FIELD;
use crate::values::ProviderRef;

/// Keys tested at the same time.
const AT_ONCE: usize = 4;
/// How long one batch may spend on tests at worst, well inside the 30 s a request may take.
const BATCH_BUDGET: Duration = Duration::from_secs(20);

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

/// One batch's results and where the import stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportBatch {
    /// This batch's keys, in the pasted order.
    pub rows: Vec<ImportRow>,
    /// The keys in the whole text.
    pub keys: usize,
    /// Where the next batch starts (its `from`); none when this batch was the last.
    pub next: Option<usize>,
}

/// Keys per batch: as many rounds of [`AT_ONCE`] tests as fit [`BATCH_BUDGET`] at the
/// probe's timeout (one round at least, four at most).
fn batch_size(probe_timeout: Duration) -> usize {
    let timeout = probe_timeout.as_millis().max(1);
    let rounds = usize::try_from(BATCH_BUDGET.as_millis() / timeout).unwrap_or(1);
    AT_ONCE * rounds.clamp(1, 4)
}

impl CredentialService {
    /// Tests one batch of the keys of `text`, from its `from`th key (from 0), against
    /// `provider`, and saves those that pass as global credentials (and, with
    /// `save_failed`, the others too, inactive). A key the same text gave before is
    /// skipped, and so is a name that is taken. Each saved key is audited as its own
    /// creation.
    ///
    /// # Errors
    /// `Validation` on `keys` (see [`parse_keys`]), on `from` past the last key, on
    /// `provider` for an unknown or disabled one, and when its template needs more than a
    /// key.
    pub async fn import(
        &self,
        admin: &Admin,
        provider: ProviderRef,
        text: &SecretString,
        save_failed: bool,
        from: usize,
    ) -> DomainResult<ImportBatch> {
        let owner = Owner::Admins(admin.clone());
        let keys = parse_keys(text)?;
        let total = keys.len();
        if from > total {
            return Err(DomainError::validation(
                "from",
                format!("the text holds {total} keys; start at most from {total}"),
            ));
        }
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
        let end = total.min(from + batch_size(self.prober.timeout()));
        let batch: Vec<Planned> = plan(keys, &target.name)
            .into_iter()
            .skip(from)
            .take(end - from)
            .collect();
        let provider = ProviderRef::Identifier(target.identifier.clone());
        let rows = stream::iter(batch)
            .map(|planned| self.import_one(&owner, provider.clone(), planned, save_failed))
            .buffered(AT_ONCE)
            .collect()
            .await;
        Ok(ImportBatch {
            rows,
            keys: total,
            next: (end < total).then_some(end),
        })
    }

    async fn import_one(
        &self,
        owner: &Owner,
        provider: ProviderRef,
        planned: Planned,
        save_failed: bool,
    ) -> ImportRow {
        let Planned {
            key,
            name,
            hint,
            skip,
        } = planned;
        let row = |passed: bool, message: String, saved: Option<CredentialId>| ImportRow {
            line: key.line,
            name: name.clone(),
            hint: hint.clone(),
            passed,
            message,
            saved,
        };
        if let Some(reason) = skip {
            return row(false, reason, None);
        }
        // A taken name is found before the provider is asked: the test would be wasted.
        match self.name_in_use(owner, &name).await {
            Ok(false) => {}
            Ok(true) => return row(false, format!("{}: not tried", name_taken(owner)), None),
            Err(error) => return row(false, said(&error), None),
        }
        let new = || NewCredential {
            name: name.clone(),
            provider: provider.clone(),
            fields: HashMap::from([(KEY_FIELD.to_owned(), key.key.clone())]),
            ..NewCredential::default()
        };
        // A probe timeout set past the budget must not carry the batch past the
        // request's time limit: the test is cut off at the budget.
        let report = match tokio::time::timeout(BATCH_BUDGET, self.test_unsaved(owner, &new(), None)).await {
            Ok(Ok(report)) => report,
            Ok(Err(error)) => return row(false, said(&error), None),
            Err(_) => {
                let waited = BATCH_BUDGET.as_secs();
                return row(false, format!("no answer within {waited} s: not saved"), None);
            }
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

    async fn name_in_use(&self, owner: &Owner, name: &str) -> DomainResult<bool> {
        let found = credentials::Entity::find()
            .filter(owned_by(owner))
            .filter(credentials::Column::Name.eq(name))
            .count(&self.db)
            .await?;
        Ok(found > 0)
    }

    async fn keep_test_result(&self, id: CredentialId, report: &ProbeReport) -> DomainResult<()> {
        with_test_result(credentials::Entity::update_many(), report)
            .filter(credentials::Column::Id.eq(id.uuid()))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_fits_the_budget_at_any_probe_timeout() {
        let secs = Duration::from_secs;
        assert_eq!(batch_size(secs(2)), 16);
        assert_eq!(batch_size(secs(10)), 8);
        assert_eq!(batch_size(secs(20)), 4);
        // Past the budget: one round, each test cut off at the budget.
        assert_eq!(batch_size(secs(300)), 4);
    }
}
