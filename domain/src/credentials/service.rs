//! Creating, reading, changing, reordering and deleting credentials. Every query is
//! scoped by its owner (admins reach global credentials, a user their own connections,
//! nobody more), and every change is written with its audit event in one transaction.

use std::collections::HashSet;
use std::num::NonZeroU32;
use std::sync::Arc;

use chrono::Utc;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, Set};
use uuid::Uuid;
use vocab::{AuditAction, CredentialId, DisabledReason, UserId};

use super::destination::{check_override_allowed, destination, refused_destination, vet, Source};
use super::fields::{self, CheckedValues};
use super::input::{CredentialPatch, NewCredential};
use super::ownership::{name_taken, provider_disabled};
use super::view::CredentialView;
use crate::access::Owner;
use crate::audit::{self, AuditEntry};
use crate::entities::credentials;
use crate::error::{conflict_on, DomainError, DomainResult};
use crate::probe::Prober;
use crate::templates::field_path;
use crate::values::{BaseUrl, FailureLimit, MonthlyQuota, Name, Priority, RateLimit, Weight};
use crate::vault::Vault;

/// Connection tests a user may start in a minute (each sends a request to a provider).
const USER_TESTS_PER_MINUTE: u32 = 10;

#[derive(Clone)]
pub struct CredentialService {
    pub(super) db: DatabaseConnection,
    pub(super) vault: Arc<Vault>,
    pub(super) prober: Prober,
    /// Users' tests, per user: a test is a request this server sends on their behalf.
    pub(super) user_tests: Arc<DefaultKeyedRateLimiter<UserId>>,
}

impl CredentialService {
    pub fn new(db: DatabaseConnection, vault: Arc<Vault>, prober: Prober) -> Self {
        let quota = Quota::per_minute(NonZeroU32::new(USER_TESTS_PER_MINUTE).unwrap_or(NonZeroU32::MIN));
        Self {
            db,
            vault,
            prober,
            user_tests: Arc::new(RateLimiter::keyed(quota)),
        }
    }

    /// # Errors
    /// `Validation` naming the field (`fields.api_key`, `priority`, `provider`, …),
    /// `Conflict` on `name`.
    pub async fn create(&self, owner: &Owner, new: NewCredential) -> DomainResult<CredentialView> {
        let provider = self.usable_provider(owner, &new.provider).await?;
        let definition = self.definition_of(&self.db, &provider).await?;
        let name = Name::parse(&new.name, "name")?;
        let checked = fields::check(&definition, &new.fields, &HashSet::new())?;
        let endpoint_override = new.endpoint.as_deref().map(endpoint).transpose()?;
        if endpoint_override.is_some() {
            check_override_allowed(owner, &provider)?;
        }
        let plain = checked.plain_as_secrets();
        let target = destination(&provider, endpoint_override.as_deref(), &plain);
        let source = Source::of(endpoint_override.as_deref(), &plain);
        vet(&self.prober, &target, source).await?;
        let priority = Priority::new(
            new.priority.unwrap_or(i64::from(provider.default_priority)),
            "priority",
        )?;
        let id = Uuid::now_v7();
        let now = Utc::now();
        let (sealed, key_version) = self.seal(id, &checked.secret)?;
        let row = credentials::ActiveModel {
            id: Set(id),
            name: Set(name.into_string()),
            provider_id: Set(provider.id),
            scope: Set(owner.scope().as_str().to_owned()),
            owner_id: Set(owner.owner_id().map(|id| id.uuid())),
            secret_fields: Set(sealed),
            plain_fields: Set(plain_json(&checked.plain)),
            key_version: Set(key_version),
            hint: Set(fields::hint(&checked.secret).unwrap_or_default()),
            endpoint_override: Set(endpoint_override),
            bound_origin: Set(Some(target)),
            priority: Set(priority.get()),
            weight: Set(Weight::new(new.weight.unwrap_or(1))?.get()),
            active: Set(new.active.unwrap_or(true)),
            disabled_reason: Set(
                (new.active == Some(false)).then(|| DisabledReason::Manual.as_str().to_owned())
            ),
            rate_limit_per_minute: Set(new
                .rate_limit_per_minute
                .map(RateLimit::new)
                .transpose()?
                .map(RateLimit::get)),
            monthly_quota: Set(new
                .monthly_quota
                .map(MonthlyQuota::new)
                .transpose()?
                .map(MonthlyQuota::get)),
            usage_count: Set(0),
            current_month_usage: Set(0),
            usage_month: Set(None),
            last_used_at: Set(None),
            last_test_status: Set(None),
            last_test_latency_ms: Set(None),
            last_test_at: Set(None),
            last_test_error: Set(None),
            consecutive_failures: Set(0),
            cooldown_until: Set(None),
            disabled_at: Set(None),
            auto_disable_after: Set(new
                .auto_disable_after
                .map(FailureLimit::new)
                .transpose()?
                .map(FailureLimit::get)),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = row
            .insert(&txn)
            .await
            .map_err(conflict_on("name", name_taken(owner)))?;
        let view = CredentialView::new(row, &provider);
        record(&txn, owner, AuditAction::CredentialCreate, &view, &[]).await?;
        txn.commit().await?;
        Ok(view)
    }

    /// # Errors
    /// `NotFound` for an id that is not the owner's, exactly as for one that does not exist.
    pub async fn get(&self, owner: &Owner, id: CredentialId) -> DomainResult<CredentialView> {
        let row = self.owned_row(&self.db, owner, id).await?;
        let provider = self.provider_of(&self.db, &row).await?;
        Ok(CredentialView::new(row, &provider))
    }

    /// # Errors
    /// As `create`, plus `NotFound` for another owner's credential and `Validation` on
    /// `provider` while the provider is disabled (turning the credential off still works).
    pub async fn update(
        &self,
        owner: &Owner,
        id: CredentialId,
        patch: CredentialPatch,
    ) -> DomainResult<CredentialView> {
        // Checks that may wait on DNS run before the write lock is taken.
        let rebind = self.destination_change(owner, id, &patch).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.owned_row(&txn, owner, id).await?;
        let provider = self.provider_of(&txn, &row).await?;
        if !provider.enabled && !patch.only_deactivates() {
            return Err(provider_disabled(owner, &provider));
        }
        let changed = patch.changed();
        let action = match patch.replaces_secret() {
            true => AuditAction::CredentialReplaceSecret,
            false => AuditAction::CredentialUpdate,
        };
        let mut active: credentials::ActiveModel = row.clone().into();
        if let Some(name) = patch.name {
            active.name = Set(Name::parse(&name, "name")?.into_string());
        }
        if let Some(submitted) = patch.fields {
            let definition = self.definition_of(&txn, &provider).await?;
            let view = CredentialView::new(row.clone(), &provider);
            let stored: HashSet<String> = view
                .secret_field_names()
                .into_iter()
                .chain(view.plain_fields().keys().cloned())
                .collect();
            let CheckedValues { secret, plain } = fields::check(&definition, &submitted, &stored)?;
            if !secret.is_empty() {
                // Every secret is sealed again with the active key, so a row never mixes versions.
                let mut all = self.open(&row)?;
                all.extend(secret);
                let (sealed, version) = self.seal(row.id, &all)?;
                active.secret_fields = Set(sealed);
                active.key_version = Set(version);
                active.hint = Set(fields::hint(&all).unwrap_or_default());
            }
            if !plain.is_empty() {
                let mut merged = view.plain_fields();
                for (name, value) in plain {
                    merged.insert(name, serde_json::Value::String(value));
                }
                active.plain_fields = Set(serde_json::Value::Object(merged));
            }
        }
        if let Some(priority) = patch.priority {
            active.priority = Set(Priority::new(priority, "priority")?.get());
        }
        if let Some(value) = patch.weight {
            active.weight = Set(Weight::new(value)?.get());
        }
        if let Some(on) = patch.active {
            active.active = Set(on);
            active.disabled_reason = Set((!on).then(|| DisabledReason::Manual.as_str().to_owned()));
            active.disabled_at = Set((!on).then(Utc::now));
            if on {
                active.consecutive_failures = Set(0);
                active.cooldown_until = Set(None);
            }
        }
        if let Some(limit) = patch.rate_limit_per_minute {
            active.rate_limit_per_minute = Set(limit.map(RateLimit::new).transpose()?.map(RateLimit::get));
        }
        if let Some(value) = patch.monthly_quota {
            active.monthly_quota = Set(value.map(MonthlyQuota::new).transpose()?.map(MonthlyQuota::get));
        }
        if let Some(value) = patch.auto_disable_after {
            active.auto_disable_after = Set(value.map(FailureLimit::new).transpose()?.map(FailureLimit::get));
        }
        if let Some(url) = patch.endpoint {
            active.endpoint_override = Set(url
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .map(endpoint)
                .transpose()?);
        }
        if let Some(target) = rebind {
            active.bound_origin = Set(Some(target));
        }
        active.updated_at = Set(Utc::now());
        let row = active
            .update(&txn)
            .await
            .map_err(conflict_on("name", name_taken(owner)))?;
        let view = CredentialView::new(row, &provider);
        record(&txn, owner, action, &view, &changed).await?;
        txn.commit().await?;
        Ok(view)
    }

    pub async fn delete(&self, owner: &Owner, id: CredentialId) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.owned_row(&txn, owner, id).await?;
        let view = CredentialView::new(row.clone(), &self.provider_of(&txn, &row).await?);
        credentials::Entity::delete_by_id(row.id).exec(&txn).await?;
        record(&txn, owner, AuditAction::CredentialDelete, &view, &[]).await?;
        Ok(txn.commit().await?)
    }

    /// Where the credential's requests go after `patch`, checked, when that changes what
    /// its secret is bound to: a new endpoint must be allowed for the owner and pass the
    /// egress policy, and a new origin needs every secret typed again (a stored secret is
    /// sent only where it was saved for). `None` when the binding stays.
    ///
    /// # Errors
    /// `Validation` on `endpoint`, `fields.endpoint` or the secret field to type again.
    async fn destination_change(
        &self,
        owner: &Owner,
        id: CredentialId,
        patch: &CredentialPatch,
    ) -> DomainResult<Option<String>> {
        let touches_destination = patch.endpoint.is_some() || patch.fields.is_some();
        if !touches_destination {
            return Ok(None);
        }
        let row = self.owned_row(&self.db, owner, id).await?;
        let provider = self.provider_of(&self.db, &row).await?;
        let definition = self.definition_of(&self.db, &provider).await?;
        let endpoint_override = match &patch.endpoint {
            Some(new) => new
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .map(endpoint)
                .transpose()?,
            None => row.endpoint_override.clone(),
        };
        let mut values = self.stored_fields(&row)?;
        let submitted = patch.fields.clone().unwrap_or_default();
        let stored: HashSet<String> = values.keys().cloned().collect();
        let checked = fields::check(&definition, &submitted, &stored)?;
        let retyped: HashSet<&String> = checked.secret.keys().collect();
        values.extend(checked.plain_as_secrets());
        let target = destination(&provider, endpoint_override.as_deref(), &values);
        let before = destination(
            &provider,
            row.endpoint_override.as_deref(),
            &self.stored_fields(&row)?,
        );
        if endpoint_override.is_some() && endpoint_override != row.endpoint_override {
            check_override_allowed(owner, &provider)?;
        }
        if target != before {
            vet(
                &self.prober,
                &target,
                Source::of(endpoint_override.as_deref(), &values),
            )
            .await?;
        }
        if let Some(missing) = definition
            .fields
            .iter()
            .find(|f| f.secret && !retyped.contains(&f.name))
        {
            if let Some(why) = refused_destination(&row, &target) {
                return Err(DomainError::validation(&field_path(&missing.name), why));
            }
            return Ok(None);
        }
        Ok(Some(target))
    }
}

/// Records what happened to a credential: names and which fields, never values.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    owner: &Owner,
    action: AuditAction,
    view: &CredentialView,
    changed: &[&str],
) -> DomainResult<()> {
    let entry = AuditEntry {
        action,
        target: Some(format!("credential:{}", view.row().id)),
        details: serde_json::json!({
            "name": view.row().name,
            "provider": view.provider_identifier,
            "scope": view.row().scope,
            "changed": changed,
        }),
    };
    audit::record(txn, &owner.actor().into(), entry).await
}

fn plain_json(plain: &std::collections::BTreeMap<String, String>) -> serde_json::Value {
    serde_json::Value::Object(
        plain
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

pub(super) fn endpoint(url: &str) -> DomainResult<String> {
    BaseUrl::parse(url, "endpoint").map(|u| u.as_str().to_owned())
}
