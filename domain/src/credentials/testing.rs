//! Connection tests: a credential's probe with its stored values, or with values from a
//! form that are not saved. A test records its result and a request-log row, and never
//! changes what was saved; health state (failures, cooldown) is the scheduled checks'.

use std::collections::{HashMap, HashSet};

use governor::clock::{Clock, DefaultClock};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, UpdateMany};
use secrecy::SecretString;
use vocab::{CredentialId, LogKind};

use super::destination::{check_override_allowed, destination, refused_destination, vet, Source};
use super::fields::{self, CheckedValues};
use super::input::NewCredential;
use super::ownership::provider_disabled;
use super::service::{endpoint, CredentialService};
use crate::access::Owner;
use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};
use crate::probe::{ProbeReport, ProbeTarget};
use crate::templates::field_path;

impl CredentialService {
    /// Tests a saved credential with its stored values and records the result on it.
    ///
    /// # Errors
    /// `NotFound` for another owner's credential; `Validation` on `provider` while the
    /// provider is disabled; `Internal` when its secret no longer decrypts.
    pub async fn test(&self, owner: &Owner, id: CredentialId) -> DomainResult<ProbeReport> {
        self.throttle(owner)?;
        let row = self.owned_row(&self.db, owner, id).await?;
        let provider = self.provider_of(&self.db, &row).await?;
        if !provider.enabled {
            return Err(provider_disabled(owner, &provider));
        }
        let report = self.probe_saved(&row, &provider).await?;
        self.record_test(owner, Some(&row), &provider, &report).await?;
        Ok(report)
    }

    /// Tests a form's values without saving anything. `editing` is the credential the
    /// form edits: its stored values stand in for the fields left empty.
    ///
    /// # Errors
    /// The same field errors as `create` (or `update`), so a form learns what is wrong
    /// before it is saved.
    pub async fn test_unsaved(
        &self,
        owner: &Owner,
        form: &NewCredential,
        editing: Option<CredentialId>,
    ) -> DomainResult<ProbeReport> {
        self.throttle(owner)?;
        let typed = form
            .endpoint
            .as_deref()
            .filter(|e| !e.trim().is_empty())
            .map(endpoint)
            .transpose()?;
        let (provider, mut fields, endpoint, saved) = match editing {
            Some(id) => {
                let row = self.owned_row(&self.db, owner, id).await?;
                let provider = self.provider_of(&self.db, &row).await?;
                if !provider.enabled {
                    return Err(provider_disabled(owner, &provider));
                }
                let mut fields = self.stored_fields(&row)?;
                let stored: HashSet<String> = fields.keys().cloned().collect();
                let definition = self.definition_of(&self.db, &provider).await?;
                let CheckedValues { secret, plain } = fields::check(&definition, &form.fields, &stored)?;
                let all_retyped = definition
                    .fields
                    .iter()
                    .filter(|f| f.secret)
                    .find(|f| !secret.contains_key(&f.name));
                fields.extend(secret);
                fields.extend(plain.into_iter().map(|(k, v)| (k, SecretString::from(v))));
                let endpoint = typed.clone().or(row.endpoint_override.clone());
                // A stored secret goes only where it was saved for: elsewhere, type it again.
                if let Some(missing) = all_retyped {
                    let target = destination(&provider, endpoint.as_deref(), &fields);
                    if let Some(why) = refused_destination(&row, &target) {
                        return Err(DomainError::validation(&field_path(&missing.name), why));
                    }
                }
                (provider, fields, endpoint, Some(row))
            }
            None => {
                let provider = self.usable_provider(owner, &form.provider).await?;
                let definition = self.definition_of(&self.db, &provider).await?;
                let CheckedValues { secret, plain } =
                    fields::check(&definition, &form.fields, &HashSet::new())?;
                let mut fields: HashMap<String, SecretString> = secret.into_iter().collect();
                fields.extend(plain.into_iter().map(|(k, v)| (k, SecretString::from(v))));
                (provider, fields, typed.clone(), None)
            }
        };
        if typed.is_some() && typed != saved.as_ref().and_then(|r| r.endpoint_override.clone()) {
            check_override_allowed(owner, &provider)?;
        }
        let target = destination(&provider, endpoint.as_deref(), &fields);
        vet(&self.prober, &target, Source::of(endpoint.as_deref(), &fields)).await?;
        let report = self.probe(&provider, &mut fields, endpoint.as_deref()).await?;
        self.record_test(owner, None, &provider, &report).await?;
        Ok(report)
    }

    /// A user's tests are rate-limited (each sends a request for them); admins' are not.
    ///
    /// # Errors
    /// `RateLimited` with the wait, in whole seconds.
    fn throttle(&self, owner: &Owner) -> DomainResult<()> {
        let Some(user) = owner.owner_id() else {
            return Ok(());
        };
        self.user_tests.check_key(&user).map_err(|not_until| {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            DomainError::RateLimited {
                retry_after_secs: wait.as_secs().max(1),
            }
        })
    }

    /// Probes a saved credential with its stored values; records nothing. The scheduled
    /// checks call this and decide what the result means.
    ///
    /// # Errors
    /// `Internal` when its secret no longer decrypts (nothing is sent then).
    pub(crate) async fn probe_saved(
        &self,
        row: &credentials::Model,
        provider: &providers::Model,
    ) -> DomainResult<ProbeReport> {
        let mut fields = self.stored_fields(row)?;
        let target = destination(provider, row.endpoint_override.as_deref(), &fields);
        if let Some(why) = refused_destination(row, &target) {
            return Ok(ProbeReport::not_sent(why));
        }
        self.probe(provider, &mut fields, row.endpoint_override.as_deref())
            .await
    }

    async fn probe(
        &self,
        provider: &providers::Model,
        fields: &mut HashMap<String, SecretString>,
        endpoint: Option<&str>,
    ) -> DomainResult<ProbeReport> {
        let definition = self.definition_of(&self.db, provider).await?;
        let base_url = destination(provider, endpoint, fields);
        let target = ProbeTarget {
            own_base_url: base_url == provider.base_url,
            base_url: &base_url,
            definition: &definition,
            fields,
        };
        Ok(self.prober.test(&target).await)
    }

    /// The result on the credential (when saved) and a request-log row, together.
    async fn record_test(
        &self,
        owner: &Owner,
        row: Option<&credentials::Model>,
        provider: &providers::Model,
        report: &ProbeReport,
    ) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        if let Some(row) = row {
            with_test_result(credentials::Entity::update_many(), report)
                .filter(credentials::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
        }
        let log = crate::logs::probe_row(
            LogKind::Test,
            Some(owner.actor().id()),
            row.map(|r| CredentialId::from_uuid(r.id)),
            provider,
            report,
        );
        // A user's test says how their key does, not how the provider does: it is logged
        // but left out of the providers' figures.
        match owner {
            Owner::Admins(_) => crate::logs::record(&txn, vec![log]).await?,
            Owner::User(_) => crate::logs::record_uncounted(&txn, vec![log]).await?,
        }
        Ok(txn.commit().await?)
    }
}

/// The last-test columns of an update, from a probe's report.
pub(crate) fn with_test_result(
    update: UpdateMany<credentials::Entity>,
    report: &ProbeReport,
) -> UpdateMany<credentials::Entity> {
    let failure = (!report.ok()).then(|| report.message.clone());
    update
        .col_expr(
            credentials::Column::LastTestStatus,
            Expr::value(report.outcome.as_str()),
        )
        .col_expr(
            credentials::Column::LastTestLatencyMs,
            Expr::value(i32::try_from(report.latency_ms).unwrap_or(i32::MAX)),
        )
        .col_expr(credentials::Column::LastTestAt, Expr::value(report.tested_at))
        .col_expr(credentials::Column::LastTestError, Expr::value(failure))
}
