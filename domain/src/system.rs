//! Facts about this instance, for the overview, `/api/system/status`, the registry's
//! status and the readiness probes; and re-seeding the registry on an admin's request.

use std::path::PathBuf;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter};

use vocab::{AuditAction, DeliveryStatus};

use crate::access::Admin;
use crate::audit::{self, AuditEntry};
use crate::credentials::ownership::{cooling, rested};
use crate::entities::{credentials, models, provider_templates, providers, users, webhook_deliveries};
use crate::error::DomainResult;
use crate::seed::{self, SeedReport};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub users: u64,
    pub providers: u64,
    pub enabled_providers: u64,
    pub templates: u64,
    pub credentials: u64,
    pub active_credentials: u64,
}

async fn counts(db: &DatabaseConnection) -> DomainResult<Counts> {
    Ok(Counts {
        users: users::Entity::find().count(db).await?,
        providers: providers::Entity::find().count(db).await?,
        enabled_providers: providers::Entity::find()
            .filter(providers::Column::Enabled.eq(true))
            .count(db)
            .await?,
        templates: provider_templates::Entity::find().count(db).await?,
        credentials: credentials::Entity::find().count(db).await?,
        active_credentials: credentials::Entity::find()
            .filter(credentials::Column::Active.eq(true))
            .count(db)
            .await?,
    })
}

/// The registry at a glance, for `/api/admin/providers/registry-status`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RegistryStatus {
    pub builtin_templates: u64,
    pub custom_templates: u64,
    pub system_providers: u64,
    pub custom_providers: u64,
    pub enabled_providers: u64,
    pub models: u64,
    pub last_seeded_at: Option<DateTime<Utc>>,
}

async fn registry_status(db: &DatabaseConnection) -> DomainResult<RegistryStatus> {
    let templates = |builtin: bool| {
        provider_templates::Entity::find()
            .filter(provider_templates::Column::Builtin.eq(builtin))
            .count(db)
    };
    let providers_where = |system: bool| {
        providers::Entity::find()
            .filter(providers::Column::IsSystem.eq(system))
            .count(db)
    };
    let last_seeded_at = crate::kv::read(db, seed::SEEDED_AT_KEY)
        .await?
        .and_then(|value| DateTime::parse_from_rfc3339(&value).ok())
        .map(|at| at.with_timezone(&Utc));
    Ok(RegistryStatus {
        builtin_templates: templates(true).await?,
        custom_templates: templates(false).await?,
        system_providers: providers_where(true).await?,
        custom_providers: providers_where(false).await?,
        enabled_providers: providers::Entity::find()
            .filter(providers::Column::Enabled.eq(true))
            .count(db)
            .await?,
        models: models::Entity::find().count(db).await?,
        last_seeded_at,
    })
}

/// What `/api/system/status` tells an admin about the database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseStatus {
    /// `sqlite` or `postgres`.
    pub backend: &'static str,
    /// The newest applied migration.
    pub schema_version: Option<String>,
}

/// What `/metrics` reads at each scrape: credentials by state and the database pool.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Gauges {
    /// Active and not cooling down: usable now.
    pub credentials_active: u64,
    /// Active, but skipped until their cooldown ends.
    pub credentials_cooldown: u64,
    /// Turned off, by an admin or by failing checks.
    pub credentials_disabled: u64,
    /// Webhook deliveries waiting to be sent (or sent again).
    pub webhook_queue: u64,
    /// Connections the pool holds, and how many of them are idle.
    pub pool_connections: u32,
    pub pool_idle: usize,
}

#[derive(Clone)]
pub struct SystemService {
    db: DatabaseConnection,
    /// The SQLite file, whose disappearance makes the database unhealthy.
    sqlite_file: Option<PathBuf>,
}

impl SystemService {
    pub fn new(db: DatabaseConnection, sqlite_file: Option<PathBuf>) -> Self {
        Self { db, sqlite_file }
    }

    /// How many of each thing exist in the instance: for admins (a user's overview shows
    /// their own connections and use instead).
    pub async fn counts(&self, _admin: &Admin) -> DomainResult<Counts> {
        counts(&self.db).await
    }

    /// For the metrics listener, which operators reach (not users): no caller to guard.
    pub async fn gauges(&self) -> DomainResult<Gauges> {
        let now = Utc::now();
        let active = || credentials::Entity::find().filter(credentials::Column::Active.eq(true));

        let (pool_connections, pool_idle) = match self.db.get_database_backend() {
            sea_orm::DbBackend::Postgres => {
                let pool = self.db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => {
                let pool = self.db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
        };
        Ok(Gauges {
            credentials_active: active().filter(rested(now)).count(&self.db).await?,
            credentials_cooldown: active().filter(cooling(now)).count(&self.db).await?,
            credentials_disabled: credentials::Entity::find()
                .filter(credentials::Column::Active.eq(false))
                .count(&self.db)
                .await?,
            webhook_queue: webhook_deliveries::Entity::find()
                .filter(webhook_deliveries::Column::Status.eq(DeliveryStatus::Pending.as_str()))
                .count(&self.db)
                .await?,
            pool_connections,
            pool_idle,
        })
    }

    pub async fn database(&self, _admin: &Admin) -> DomainResult<DatabaseStatus> {
        Ok(DatabaseStatus {
            backend: crate::db::backend_name(&self.db),
            schema_version: crate::db::schema_version(&self.db).await?,
        })
    }

    pub async fn registry_status(&self, _admin: &Admin) -> DomainResult<RegistryStatus> {
        registry_status(&self.db).await
    }

    /// Adds the built-in templates and system providers that are missing; audited.
    pub async fn refresh_registry(&self, admin: &Admin) -> DomainResult<SeedReport> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let report = seed::seed(&txn).await?;
        let details = serde_json::json!({
            "templatesAdded": report.templates_added,
            "providersAdded": report.providers_added,
        });
        let entry = AuditEntry::new(AuditAction::RegistryRefresh, "registry", details);
        audit::record(&txn, &admin.user().into(), entry).await?;
        txn.commit().await?;
        Ok(report)
    }

    /// Whether the database answers within `timeout` (the readiness probes ask, with
    /// no one signed in).
    pub async fn database_is_healthy(&self, timeout: Duration) -> bool {
        crate::db::is_healthy(&self.db, self.sqlite_file.as_deref(), timeout).await
    }

    /// Whether the database commits a write within `timeout`. Answering is not enough:
    /// a full disk, a read-only file or a lock held too long let reads through and
    /// refuse every change.
    pub async fn database_takes_writes(&self, timeout: Duration) -> bool {
        let write = async {
            let txn = crate::db::write_transaction(&self.db).await?;
            crate::kv::store(&txn, WRITE_PROBE_KEY, Utc::now().to_rfc3339()).await?;
            txn.commit().await?;
            DomainResult::Ok(())
        };
        match tokio::time::timeout(timeout, write).await {
            Ok(Ok(())) => true,
            Ok(Err(err)) => {
                tracing::warn!(%err, "the database refused a write");
                false
            }
            Err(_) => {
                tracing::warn!("the database took no write within {timeout:?}");
                false
            }
        }
    }
}

/// The row the readiness probe rewrites to prove the database takes writes.
const WRITE_PROBE_KEY: &str = "readiness.last_write";
