//! Creating, listing, changing and deleting credentials. Every query is scoped by its
//! owner: admins reach global credentials, a user their own connections, nobody more.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::{Expr, Func};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select, Set,
};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::values::{self, CheckedValues};
use super::view::{CredentialView, Scope};
use crate::audit::{AuditEntry, AuditService};
use crate::auth::{Admin, CurrentUser};
use crate::entities::{credentials, providers, users};
use crate::error::conflict_on;
use crate::probe::Prober;
use crate::providers::{with_template, BaseUrl, Priority};
use crate::templates::TemplateDefinition;
use crate::vault::Vault;
use crate::{text, DomainError, DomainResult};

/// The guard that decides whose credentials a call may reach, owned (for adapters that
/// pick the scope at run time, such as one page serving both lists).
pub enum OwnedBy {
    Admins(Admin),
    User(CurrentUser),
}

impl OwnedBy {
    pub fn owner(&self) -> Owner<'_> {
        match self {
            OwnedBy::Admins(admin) => Owner::Admins(admin),
            OwnedBy::User(user) => Owner::User(user),
        }
    }
}

/// Where a credential moves in its provider's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Up,
    Down,
}

/// Whose credentials a call is about: the admins' global ones, or one user's connections.
#[derive(Clone, Copy)]
pub enum Owner<'a> {
    Admins(&'a Admin),
    User(&'a CurrentUser),
}

impl<'a> Owner<'a> {
    fn scope(self) -> Scope {
        match self {
            Owner::Admins(_) => Scope::Global,
            Owner::User(_) => Scope::Personal,
        }
    }

    /// Who acts, for the audit log.
    pub(super) fn actor(self) -> &'a CurrentUser {
        match self {
            Owner::Admins(admin) => admin.user(),
            Owner::User(user) => user,
        }
    }

    fn owner_id(self) -> Option<Uuid> {
        match self {
            Owner::Admins(_) => None,
            Owner::User(user) => Some(user.id()),
        }
    }

    /// The owner filter every query for one or many credentials goes through.
    fn condition(self) -> Condition {
        let scope = self.scope().filter();
        match self.owner_id() {
            None => Condition::all().add(scope),
            Some(id) => Condition::all()
                .add(scope)
                .add(credentials::Column::OwnerId.eq(id)),
        }
    }
}

#[derive(Default)]
pub struct NewCredential {
    pub name: String,
    /// The provider's identifier or id.
    pub provider: String,
    /// Values of the template's fields; secret ones are encrypted, never stored plain.
    pub fields: HashMap<String, SecretString>,
    pub priority: Option<i64>,
    pub weight: Option<i64>,
    pub active: Option<bool>,
    pub rate_limit_per_minute: Option<i64>,
    pub monthly_quota: Option<i64>,
    /// Failed health checks in a row before it is disabled; the instance setting when `None`.
    pub auto_disable_after: Option<i64>,
    /// Overrides the provider's base URL for this credential.
    pub endpoint: Option<String>,
}

/// What an update changes; `None` leaves a value alone, `Some(None)` clears it.
#[derive(Default)]
pub struct CredentialPatch {
    pub name: Option<String>,
    /// Replaces the values given; an empty secret value keeps the stored one.
    pub fields: Option<HashMap<String, SecretString>>,
    pub priority: Option<i64>,
    pub weight: Option<i64>,
    pub active: Option<bool>,
    pub rate_limit_per_minute: Option<Option<i64>>,
    pub monthly_quota: Option<Option<i64>>,
    pub auto_disable_after: Option<Option<i64>>,
    pub endpoint: Option<Option<String>>,
}

impl CredentialPatch {
    /// The names of what this patch changes (field names, never values).
    fn changed(&self) -> Vec<&'static str> {
        [
            ("name", self.name.is_some()),
            ("fields", self.fields.is_some()),
            ("priority", self.priority.is_some()),
            ("weight", self.weight.is_some()),
            ("active", self.active.is_some()),
            ("rateLimitPerMinute", self.rate_limit_per_minute.is_some()),
            ("monthlyQuota", self.monthly_quota.is_some()),
            ("autoDisableAfter", self.auto_disable_after.is_some()),
            ("endpoint", self.endpoint.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect()
    }

    /// Turning a credential off is allowed even while its provider is disabled.
    fn only_deactivates(&self) -> bool {
        self.active == Some(false)
            && self.name.is_none()
            && self.fields.is_none()
            && self.priority.is_none()
            && self.weight.is_none()
            && self.rate_limit_per_minute.is_none()
            && self.monthly_quota.is_none()
            && self.auto_disable_after.is_none()
            && self.endpoint.is_none()
    }
}

pub struct ListQuery {
    /// A provider's identifier or id.
    pub provider: Option<String>,
    /// From 1.
    pub page: u64,
    pub per_page: u64,
}

impl Default for ListQuery {
    fn default() -> Self {
        Self {
            provider: None,
            page: 1,
            per_page: 50,
        }
    }
}

const MAX_PER_PAGE: u64 = 200;

#[derive(Clone)]
pub struct CredentialService {
    pub(super) db: DatabaseConnection,
    vault: Arc<Vault>,
    pub(super) audit: AuditService,
    pub(super) prober: Prober,
}

impl CredentialService {
    pub fn new(db: DatabaseConnection, vault: Arc<Vault>, audit: AuditService, prober: Prober) -> Self {
        Self {
            db,
            vault,
            audit,
            prober,
        }
    }

    /// Records what happened to a credential: names and which fields, never values.
    async fn audit(
        &self,
        owner: Owner<'_>,
        action: &'static str,
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
        self.audit.record(owner.actor(), entry).await
    }

    /// # Errors
    /// `Validation` naming the field (`fields.api_key`, `priority`, `provider`, …),
    /// `Conflict` on `name`.
    pub async fn create(&self, owner: Owner<'_>, new: NewCredential) -> DomainResult<CredentialView> {
        let provider = self.usable_provider(owner, &new.provider).await?;
        let definition = self.definition_of(&provider).await?;
        let name = text::line("name", &new.name, 1, 100)?;
        let checked = values::check(&definition, &new.fields, &HashSet::new())?;
        let priority = Priority::new(
            new.priority.unwrap_or(i64::from(provider.default_priority)),
            "priority",
        )?;
        let id = Uuid::now_v7();
        let now = Utc::now();
        let row = credentials::ActiveModel {
            id: Set(id),
            name: Set(name),
            provider_id: Set(provider.id),
            scope: Set(owner.scope().as_str().to_owned()),
            owner_id: Set(owner.owner_id()),
            secret_fields: Set(self.seal(id, &checked.secret)?),
            plain_fields: Set(plain_json(&checked.plain)),
            key_version: Set(self.vault.active_version()),
            hint: Set(values::hint(&checked.secret).unwrap_or_default()),
            endpoint_override: Set(new.endpoint.as_deref().map(endpoint).transpose()?),
            priority: Set(priority.get()),
            weight: Set(weight(new.weight.unwrap_or(1))?),
            active: Set(new.active.unwrap_or(true)),
            disabled_reason: Set((new.active == Some(false)).then(|| "manual".to_owned())),
            rate_limit_per_minute: Set(rate_limit(new.rate_limit_per_minute)?),
            monthly_quota: Set(quota(new.monthly_quota)?),
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
            auto_disable_after: Set(failure_limit(new.auto_disable_after)?),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&self.db)
        .await
        .map_err(conflict_on("name", name_taken(owner)))?;
        let view = CredentialView::new(row, &provider);
        self.audit(owner, "credential.create", &view, &[]).await?;
        Ok(view)
    }

    /// By priority (lower first), then name; one page and the total.
    pub async fn list(
        &self,
        owner: Owner<'_>,
        query: &ListQuery,
    ) -> DomainResult<(Vec<CredentialView>, u64)> {
        let mut select = credentials::Entity::find().filter(owner.condition());
        if let Some(provider) = query.provider.as_deref().filter(|p| !p.trim().is_empty()) {
            let provider = self
                .find_provider(provider)
                .await?
                .ok_or_else(|| DomainError::validation("provider", "no such provider"))?;
            select = select.filter(credentials::Column::ProviderId.eq(provider.id));
        }
        let total = select.clone().count(&self.db).await?;
        let per_page = query.per_page.clamp(1, MAX_PER_PAGE);
        let page = ordered(select)
            .offset(query.page.max(1).saturating_sub(1) * per_page)
            .limit(per_page);
        Ok((self.views(page).await?, total))
    }

    /// Every user's connections, for admins: that they exist, whose, and their state,
    /// with how many there are in all. Adapters show no hint and no field of them.
    pub async fn list_all_connections(
        &self,
        admin: &Admin,
        page: u64,
        per_page: u64,
    ) -> DomainResult<(Vec<(CredentialView, String)>, u64)> {
        let total = credentials::Entity::find()
            .filter(Scope::Personal.filter())
            .count(&self.db)
            .await?;
        Ok((self.connections_page(admin, page, per_page).await?, total))
    }

    /// The first `limit` of every user's connections, without counting them all.
    pub async fn first_connections(
        &self,
        admin: &Admin,
        limit: u64,
    ) -> DomainResult<Vec<(CredentialView, String)>> {
        self.connections_page(admin, 1, limit).await
    }

    /// One page of users' connections by owner and name, each with its owner's email.
    async fn connections_page(
        &self,
        _admin: &Admin,
        page: u64,
        per_page: u64,
    ) -> DomainResult<Vec<(CredentialView, String)>> {
        let per_page = per_page.clamp(1, MAX_PER_PAGE);
        let views = self
            .views(
                credentials::Entity::find()
                    .filter(Scope::Personal.filter())
                    .order_by_asc(credentials::Column::OwnerId)
                    .order_by_asc(credentials::Column::Name)
                    .offset(page.max(1).saturating_sub(1) * per_page)
                    .limit(per_page),
            )
            .await?;
        let owners: HashSet<Uuid> = views.iter().filter_map(|v| v.row().owner_id).collect();
        let emails: HashMap<Uuid, String> = users::Entity::find()
            .filter(users::Column::Id.is_in(owners))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        Ok(views
            .into_iter()
            .map(|view| {
                let email = view
                    .row()
                    .owner_id
                    .and_then(|id| emails.get(&id).cloned())
                    .unwrap_or_default();
                (view, email)
            })
            .collect())
    }

    /// # Errors
    /// `NotFound` for an id that is not the owner's, exactly as for one that does not exist.
    pub async fn get(&self, owner: Owner<'_>, id: Uuid) -> DomainResult<CredentialView> {
        let row = self.owned_row(owner, id).await?;
        let provider = self.provider_of(&row).await?;
        Ok(CredentialView::new(row, &provider))
    }

    /// # Errors
    /// As `create`, plus `NotFound` for another owner's credential and `Validation` on
    /// `provider` while the provider is disabled (turning the credential off still works).
    pub async fn update(
        &self,
        owner: Owner<'_>,
        id: Uuid,
        patch: CredentialPatch,
    ) -> DomainResult<CredentialView> {
        let row = self.owned_row(owner, id).await?;
        let provider = self.provider_of(&row).await?;
        if !provider.enabled && !patch.only_deactivates() {
            return Err(provider_disabled(owner, &provider));
        }
        let changed = patch.changed();
        let replaces_secret = patch
            .fields
            .as_ref()
            .is_some_and(|f| f.values().any(|v| !v.expose_secret().trim().is_empty()));
        let mut active: credentials::ActiveModel = row.clone().into();
        if let Some(name) = patch.name {
            active.name = Set(text::line("name", &name, 1, 100)?);
        }
        if let Some(submitted) = patch.fields {
            let definition = self.definition_of(&provider).await?;
            let view = CredentialView::new(row.clone(), &provider);
            let stored: HashSet<String> = view
                .secret_field_names()
                .into_iter()
                .chain(view.plain_fields().keys().cloned())
                .collect();
            let CheckedValues { secret, plain } = values::check(&definition, &submitted, &stored)?;
            if !secret.is_empty() {
                // Every secret is sealed again with the active key, so a row never mixes versions.
                let mut all = self.open(&row)?;
                all.extend(secret);
                active.secret_fields = Set(self.seal(row.id, &all)?);
                active.key_version = Set(self.vault.active_version());
                active.hint = Set(values::hint(&all).unwrap_or_default());
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
            active.weight = Set(weight(value)?);
        }
        if let Some(on) = patch.active {
            active.active = Set(on);
            active.disabled_reason = Set((!on).then(|| "manual".to_owned()));
            active.disabled_at = Set((!on).then(Utc::now));
            if on {
                active.consecutive_failures = Set(0);
                active.cooldown_until = Set(None);
            }
        }
        if let Some(limit) = patch.rate_limit_per_minute {
            active.rate_limit_per_minute = Set(rate_limit(limit)?);
        }
        if let Some(value) = patch.monthly_quota {
            active.monthly_quota = Set(quota(value)?);
        }
        if let Some(value) = patch.auto_disable_after {
            active.auto_disable_after = Set(failure_limit(value)?);
        }
        if let Some(url) = patch.endpoint {
            active.endpoint_override = Set(url
                .as_deref()
                .filter(|u| !u.trim().is_empty())
                .map(endpoint)
                .transpose()?);
        }
        active.updated_at = Set(Utc::now());
        let row = active
            .update(&self.db)
            .await
            .map_err(conflict_on("name", name_taken(owner)))?;
        let view = CredentialView::new(row, &provider);
        let action = if replaces_secret {
            "credential.replace_secret"
        } else {
            "credential.update"
        };
        self.audit(owner, action, &view, &changed).await?;
        Ok(view)
    }

    /// Re-encrypts up to `batch` credentials still on an older data key with the active
    /// one, in one transaction, skipping `unreadable` ones. Returns how many were
    /// rotated and the ids that failed to decrypt (left as they are, for an admin to
    /// replace). Killing it between batches, or mid-batch, loses nothing: each row's
    /// ciphertexts and key version change together.
    pub async fn rotate_batch(
        &self,
        batch: u64,
        unreadable: &HashSet<Uuid>,
    ) -> DomainResult<(u64, Vec<Uuid>)> {
        let active = self.vault.active_version();
        let rows = credentials::Entity::find()
            .filter(credentials::Column::KeyVersion.ne(active))
            .filter(credentials::Column::Id.is_not_in(unreadable.iter().copied()))
            .order_by_asc(credentials::Column::Id)
            .limit(batch)
            .all(&self.db)
            .await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let mut rotated = 0;
        let mut failed = Vec::new();
        for row in rows {
            let Ok(fields) = self.open(&row) else {
                failed.push(row.id);
                continue;
            };
            credentials::Entity::update_many()
                .col_expr(
                    credentials::Column::SecretFields,
                    Expr::value(self.seal(row.id, &fields)?),
                )
                .col_expr(credentials::Column::KeyVersion, Expr::value(active))
                .filter(credentials::Column::Id.eq(row.id))
                .exec(&txn)
                .await?;
            rotated += 1;
        }
        txn.commit().await?;
        Ok((rotated, failed))
    }

    /// The credentials whose secrets do not decrypt (altered in the database, or a key
    /// version this vault lacks), checked page by page.
    pub async fn unreadable(&self) -> DomainResult<Vec<Uuid>> {
        let mut pages = credentials::Entity::find()
            .order_by_asc(credentials::Column::Id)
            .paginate(&self.db, 500);
        let mut bad = Vec::new();
        while let Some(rows) = pages.fetch_and_next().await? {
            bad.extend(
                rows.iter()
                    .filter(|row| self.open(row).is_err())
                    .map(|row| row.id),
            );
        }
        Ok(bad)
    }

    /// How many credentials each data-key version encrypts.
    pub async fn rows_per_key_version(&self) -> DomainResult<BTreeMap<i32, u64>> {
        let counts: Vec<(i32, i64)> = credentials::Entity::find()
            .select_only()
            .column(credentials::Column::KeyVersion)
            .column_as(Expr::expr(Func::count(Expr::col(credentials::Column::Id))), "n")
            .group_by(credentials::Column::KeyVersion)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(counts
            .into_iter()
            .map(|(version, n)| (version, u64::try_from(n).unwrap_or(0)))
            .collect())
    }

    /// Each active global credential's provider and priority, in the order they are
    /// used, for the start-up log (nothing secret, not even the hint).
    pub async fn active_global_order(&self) -> DomainResult<Vec<(String, i32)>> {
        let active = ordered(
            credentials::Entity::find()
                .filter(Scope::Global.filter())
                .filter(credentials::Column::Active.eq(true)),
        );
        Ok(self
            .views(active)
            .await?
            .into_iter()
            .filter(|v| v.provider_enabled)
            .map(|v| (v.provider_identifier.clone(), v.row().priority))
            .collect())
    }

    /// Moves a credential before (up) or after (down) its neighbour among the same
    /// provider's credentials of this owner: their priorities swap, or when they are
    /// equal this one steps by one. At either end nothing changes.
    pub async fn move_by(
        &self,
        owner: Owner<'_>,
        id: Uuid,
        direction: Direction,
    ) -> DomainResult<CredentialView> {
        let row = self.owned_row(owner, id).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        let siblings = ordered(
            credentials::Entity::find()
                .filter(owner.condition())
                .filter(credentials::Column::ProviderId.eq(row.provider_id)),
        )
        .all(&txn)
        .await?;
        let at = siblings
            .iter()
            .position(|s| s.id == id)
            .ok_or(DomainError::NotFound)?;
        let neighbour = match direction {
            Direction::Up => at.checked_sub(1).and_then(|i| siblings.get(i)),
            Direction::Down => siblings.get(at + 1),
        };
        if let Some(neighbour) = neighbour {
            let (mine, theirs) = match (neighbour.priority == row.priority, direction) {
                (false, _) => (neighbour.priority, row.priority),
                (true, Direction::Up) if row.priority > 0 => (row.priority - 1, neighbour.priority),
                (true, Direction::Up) => (row.priority, row.priority + 1),
                (true, Direction::Down) if row.priority < Priority::MAX => {
                    (row.priority + 1, neighbour.priority)
                }
                (true, Direction::Down) => (row.priority, row.priority - 1),
            };
            set_priority(&txn, row.id, mine).await?;
            set_priority(&txn, neighbour.id, theirs).await?;
        }
        txn.commit().await?;
        let view = self.get(owner, id).await?;
        self.audit(owner, "credential.reorder", &view, &["priority"])
            .await?;
        Ok(view)
    }

    pub async fn delete(&self, owner: Owner<'_>, id: Uuid) -> DomainResult<()> {
        let row = self.owned_row(owner, id).await?;
        let view = CredentialView::new(row.clone(), &self.provider_of(&row).await?);
        credentials::Entity::delete_by_id(id).exec(&self.db).await?;
        self.audit(owner, "credential.delete", &view, &[]).await
    }

    /// The decrypted secret fields of a credential, for the gateway and `secrets:read`.
    ///
    /// # Errors
    /// `Internal` when a stored ciphertext fails authentication (edited by hand, moved
    /// between rows): that credential is unusable, the others are not affected.
    pub(crate) fn open(&self, row: &credentials::Model) -> DomainResult<BTreeMap<String, SecretString>> {
        let mut out = BTreeMap::new();
        let Some(fields) = row.secret_fields.as_object() else {
            return Ok(out);
        };
        for (name, sealed) in fields {
            let sealed = sealed
                .as_str()
                .ok_or_else(|| DomainError::internal(format!("credential {}: malformed secret", row.id)))?;
            let plain = self
                .vault
                .decrypt(sealed, row.key_version, &context(row.id, name))
                .map_err(|_| {
                    DomainError::internal(format!("credential {}: field {name} cannot be decrypted", row.id))
                })?;
            let text = String::from_utf8(plain.to_vec()).map_err(|_| {
                DomainError::internal(format!("credential {}: field {name} is not text", row.id))
            })?;
            out.insert(name.clone(), SecretString::from(text));
        }
        Ok(out)
    }

    /// Each secret field encrypted with the active data key, bound to the row and field.
    /// Public for bulk loads (the benchmark); the row must record the active key version.
    pub fn seal(&self, id: Uuid, secret: &BTreeMap<String, SecretString>) -> DomainResult<serde_json::Value> {
        let mut sealed = serde_json::Map::new();
        for (name, value) in secret {
            let ciphertext = self
                .vault
                .encrypt(value.expose_secret().as_bytes(), &context(id, name))?;
            sealed.insert(name.clone(), serde_json::Value::String(ciphertext));
        }
        Ok(serde_json::Value::Object(sealed))
    }

    pub(super) async fn owned_row(&self, owner: Owner<'_>, id: Uuid) -> DomainResult<credentials::Model> {
        credentials::Entity::find_by_id(id)
            .filter(owner.condition())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)
    }

    async fn find_provider(&self, id_or_identifier: &str) -> DomainResult<Option<providers::Model>> {
        let key = id_or_identifier.trim();
        let found = match Uuid::parse_str(key) {
            Ok(id) => providers::Entity::find_by_id(id).one(&self.db).await?,
            Err(_) => {
                providers::Entity::find()
                    .filter(providers::Column::Identifier.eq(key))
                    .one(&self.db)
                    .await?
            }
        };
        Ok(found)
    }

    /// The provider a new credential is for: it must exist, and be enabled. Users are
    /// told a disabled provider does not exist, as they cannot see it.
    pub(super) async fn usable_provider(
        &self,
        owner: Owner<'_>,
        provider: &str,
    ) -> DomainResult<providers::Model> {
        let found = self.find_provider(provider).await?;
        match found {
            Some(p) if p.enabled => Ok(p),
            Some(p) if matches!(owner, Owner::Admins(_)) => Err(provider_disabled(owner, &p)),
            _ => Err(DomainError::validation("provider", "no such provider")),
        }
    }

    pub(super) async fn provider_of(&self, row: &credentials::Model) -> DomainResult<providers::Model> {
        providers::Entity::find_by_id(row.provider_id)
            .one(&self.db)
            .await?
            .ok_or_else(|| DomainError::internal("credential without provider"))
    }

    pub(super) async fn definition_of(
        &self,
        provider: &providers::Model,
    ) -> DomainResult<TemplateDefinition> {
        let (_, template) = with_template(&self.db, provider.id).await?;
        TemplateDefinition::from_json(&template.definition)
    }

    /// Runs a credentials query joined with each row's provider, in one statement.
    async fn views(&self, select: Select<credentials::Entity>) -> DomainResult<Vec<CredentialView>> {
        select
            .find_also_related(providers::Entity)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|(row, provider)| {
                let provider =
                    provider.ok_or_else(|| DomainError::internal("credential without provider"))?;
                Ok(CredentialView::new(row, &provider))
            })
            .collect()
    }
}

async fn set_priority(db: &impl ConnectionTrait, id: Uuid, priority: i32) -> DomainResult<()> {
    credentials::Entity::update_many()
        .col_expr(credentials::Column::Priority, Expr::value(priority))
        .col_expr(credentials::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(credentials::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

fn ordered(select: Select<credentials::Entity>) -> Select<credentials::Entity> {
    select
        .order_by_asc(credentials::Column::Priority)
        .order_by_asc(credentials::Column::Name)
        .order_by_asc(credentials::Column::Id)
}

/// Associated data of one secret field: a ciphertext only opens in its own row and field.
fn context(id: Uuid, field: &str) -> String {
    format!("credential:{id}:{field}")
}

fn plain_json(plain: &BTreeMap<String, String>) -> serde_json::Value {
    serde_json::Value::Object(
        plain
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

pub(super) fn endpoint(url: &str) -> DomainResult<String> {
    BaseUrl::parse(url)
        .map(|u| u.as_str().to_owned())
        .map_err(|err| match err {
            DomainError::Validation { message, .. } => DomainError::validation("endpoint", message),
            other => other,
        })
}

fn weight(value: i64) -> DomainResult<i32> {
    i32::try_from(value)
        .ok()
        .filter(|w| (1..=1000).contains(w))
        .ok_or_else(|| DomainError::validation("weight", "use a number from 1 to 1000"))
}

fn rate_limit(value: Option<i64>) -> DomainResult<Option<i32>> {
    value
        .map(|v| {
            i32::try_from(v)
                .ok()
                .filter(|v| (1..=1_000_000).contains(v))
                .ok_or_else(|| {
                    DomainError::validation(
                        "rate_limit_per_minute",
                        "use a number from 1 to 1,000,000, or none",
                    )
                })
        })
        .transpose()
}

fn quota(value: Option<i64>) -> DomainResult<Option<i64>> {
    value
        .map(|v| {
            if (0..=1_000_000_000_000).contains(&v) {
                Ok(v)
            } else {
                Err(DomainError::validation("monthly_quota", "use 0 or more, or none"))
            }
        })
        .transpose()
}

fn failure_limit(value: Option<i64>) -> DomainResult<Option<i32>> {
    value
        .map(|v| {
            i32::try_from(v)
                .ok()
                .filter(|v| (1..=1000).contains(v))
                .ok_or_else(|| {
                    DomainError::validation("auto_disable_after", "use a number from 1 to 1000, or none")
                })
        })
        .transpose()
}

fn name_taken(owner: Owner<'_>) -> &'static str {
    match owner {
        Owner::Admins(_) => "a global credential with this name already exists",
        Owner::User(_) => "you already have a connection with this name",
    }
}

pub(super) fn provider_disabled(owner: Owner<'_>, provider: &providers::Model) -> DomainError {
    match owner {
        Owner::Admins(_) => DomainError::validation(
            "provider",
            format!("{} is disabled; enable the provider first", provider.name),
        ),
        Owner::User(_) => DomainError::validation(
            "provider",
            format!("{} is not available at the moment", provider.name),
        ),
    }
}
