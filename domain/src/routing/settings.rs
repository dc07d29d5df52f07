//! The routing settings an admin changes at run time (kept in the key/value table):
//! whether a caller's own connections come before the global credentials.

use sea_orm::DatabaseConnection;
use vocab::AuditAction;

use crate::access::Admin;
use crate::audit::{self, AuditEntry};
use crate::error::DomainResult;
use crate::kv;

/// The key that turns "personal connections first" off (`false`).
pub const PERSONAL_FIRST_KEY: &str = "resolve.personal_first";

/// The settings as they are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// Resolve lists a caller's own connections before the global credentials.
    pub personal_first: bool,
}

/// A change; what is `None` stays.
#[derive(Clone, Copy, Debug, Default)]
pub struct SettingsPatch {
    pub personal_first: Option<bool>,
}

#[derive(Clone)]
pub struct RoutingSettings {
    db: DatabaseConnection,
}

impl RoutingSettings {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Whether resolve puts a caller's own connections before the global credentials.
    pub async fn personal_first(&self) -> DomainResult<bool> {
        Ok(kv::read(&self.db, PERSONAL_FIRST_KEY)
            .await?
            .is_none_or(|value| value != "false"))
    }

    pub async fn get(&self, _admin: &Admin) -> DomainResult<Settings> {
        Ok(Settings {
            personal_first: self.personal_first().await?,
        })
    }

    /// Applies what the patch changes, each change audited with it; returns the result.
    pub async fn update(&self, admin: &Admin, patch: SettingsPatch) -> DomainResult<Settings> {
        if let Some(on) = patch.personal_first {
            let txn = crate::db::write_transaction(&self.db).await?;
            kv::store(&txn, PERSONAL_FIRST_KEY, on.to_string()).await?;
            let entry = AuditEntry {
                action: AuditAction::SettingsUpdate,
                target: Some(format!("setting:{PERSONAL_FIRST_KEY}")),
                details: serde_json::json!({"value": on}),
            };
            audit::record(&txn, &admin.user().into(), entry).await?;
            txn.commit().await?;
        }
        self.get(admin).await
    }
}
