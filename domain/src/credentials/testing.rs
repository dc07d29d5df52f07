//! Connection tests: a credential's probe with its stored values, or with values from a
//! form that are not saved. A test records its result and a request-log row, and never
//! changes what was saved; health state (failures, cooldown) is the scheduler's.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, UpdateMany};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::service::{provider_disabled, CredentialService, NewCredential, Owner};
use super::values::{self, CheckedValues};
use crate::entities::{credentials, providers, request_logs};
use crate::probe::{ProbeReport, ProbeTarget};
use crate::DomainResult;

/// The request-log kind of a connection test.
pub const PROBE_KIND: &str = "probe";

/// A plain field that, when a template has it, is the address to call (Azure's endpoint).
const ENDPOINT_FIELD: &str = "endpoint";

impl CredentialService {
    /// Tests a saved credential with its stored values and records the result on it.
    ///
    /// # Errors
    /// `NotFound` for another owner's credential; `Validation` on `provider` while the
    /// provider is disabled; `Internal` when its secret no longer decrypts.
    pub async fn test(&self, owner: Owner<'_>, id: Uuid) -> DomainResult<ProbeReport> {
        let row = self.owned_row(owner, id).await?;
        let provider = self.provider_of(&row).await?;
        if !provider.enabled {
            return Err(provider_disabled(owner, &provider));
        }
        let mut fields = self.stored_fields(&row)?;
        let report = self
            .probe(&provider, &mut fields, row.endpoint_override.as_deref())
            .await?;
        self.record_test(owner, Some(&row), provider.id, &report).await?;
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
        owner: Owner<'_>,
        form: &NewCredential,
        editing: Option<Uuid>,
    ) -> DomainResult<ProbeReport> {
        let (provider, mut fields, stored_endpoint) = match editing {
            Some(id) => {
                let row = self.owned_row(owner, id).await?;
                let provider = self.provider_of(&row).await?;
                if !provider.enabled {
                    return Err(provider_disabled(owner, &provider));
                }
                let mut fields = self.stored_fields(&row)?;
                let stored: HashSet<String> = fields.keys().cloned().collect();
                let definition = self.definition_of(&provider).await?;
                let CheckedValues { secret, plain } = values::check(&definition, &form.fields, &stored)?;
                fields.extend(secret);
                fields.extend(plain.into_iter().map(|(k, v)| (k, SecretString::from(v))));
                (provider, fields, row.endpoint_override)
            }
            None => {
                let provider = self.usable_provider(owner, &form.provider).await?;
                let definition = self.definition_of(&provider).await?;
                let CheckedValues { secret, plain } =
                    values::check(&definition, &form.fields, &HashSet::new())?;
                let mut fields: HashMap<String, SecretString> = secret.into_iter().collect();
                fields.extend(plain.into_iter().map(|(k, v)| (k, SecretString::from(v))));
                (provider, fields, None)
            }
        };
        let endpoint = match form.endpoint.as_deref().filter(|e| !e.trim().is_empty()) {
            Some(url) => Some(super::service::endpoint(url)?),
            None => stored_endpoint,
        };
        let report = self.probe(&provider, &mut fields, endpoint.as_deref()).await?;
        self.record_test(owner, None, provider.id, &report).await?;
        Ok(report)
    }

    pub(super) async fn probe(
        &self,
        provider: &providers::Model,
        fields: &mut HashMap<String, SecretString>,
        endpoint: Option<&str>,
    ) -> DomainResult<ProbeReport> {
        let definition = self.definition_of(provider).await?;
        let from_field = fields
            .get(ENDPOINT_FIELD)
            .map(|v| v.expose_secret().trim().to_owned())
            .filter(|v| !v.is_empty());
        let base_url = endpoint
            .map(str::to_owned)
            .or(from_field)
            .unwrap_or_else(|| provider.base_url.clone());
        let target = ProbeTarget {
            base_url: &base_url,
            definition: &definition,
            fields,
        };
        Ok(self.prober.test(&target).await)
    }

    /// Secret and plain values of a saved credential, by field name.
    pub(super) fn stored_fields(
        &self,
        row: &credentials::Model,
    ) -> DomainResult<HashMap<String, SecretString>> {
        let mut fields: HashMap<String, SecretString> = self.open(row)?.into_iter().collect();
        let view_plain = row.plain_fields.as_object().cloned().unwrap_or_default();
        fields.extend(
            view_plain
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, SecretString::from(v.to_owned())))),
        );
        Ok(fields)
    }

    /// The result on the credential (when saved) and a request-log row for the probe.
    async fn record_test(
        &self,
        owner: Owner<'_>,
        row: Option<&credentials::Model>,
        provider_id: Uuid,
        report: &ProbeReport,
    ) -> DomainResult<()> {
        if let Some(row) = row {
            with_test_result(credentials::Entity::update_many(), report)
                .filter(credentials::Column::Id.eq(row.id))
                .exec(&self.db)
                .await?;
        }
        let user = Some(owner.actor().id());
        self.log_probe(PROBE_KIND, user, row.map(|r| r.id), provider_id, report)
            .await
    }

    /// One request-log row for a probe sent to a provider.
    pub(super) async fn log_probe(
        &self,
        kind: &str,
        user_id: Option<Uuid>,
        credential_id: Option<Uuid>,
        provider_id: Uuid,
        report: &ProbeReport,
    ) -> DomainResult<()> {
        let row = request_logs::Model {
            id: Uuid::now_v7(),
            credential_id,
            provider_id: Some(provider_id),
            user_id,
            token_id: None,
            kind: kind.to_owned(),
            status: report.outcome.as_str().to_owned(),
            http_status: report.http_status.map(i32::from),
            latency_ms: i32::try_from(report.latency_ms).unwrap_or(i32::MAX),
            model: None,
            error: (!report.ok()).then(|| report.message.clone()),
            created_at: Utc::now(),
        };
        crate::logs::record(&self.db, vec![row]).await
    }
}

/// The last-test columns of an update, from a probe's report.
pub(super) fn with_test_result(
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
