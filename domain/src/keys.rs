//! The vault's keys as the operator manages them: status, rotation of the data key
//! (every secret re-encrypted in batches, resumably), a new master key, retirement of
//! an old data key. Each is audited as the operator's.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use uuid::Uuid;
use vocab::AuditAction;

use crate::alerts::WebhookService;
use crate::audit::{self, Actor, AuditEntry};
use crate::credentials::CredentialService;
use crate::egress::{AllowList, Egress};
use crate::error::{DomainError, DomainResult};
use crate::probe::Prober;
use crate::vault::{self, KeyVersion, MasterKey, Vault};

/// Each data-key version with the credentials it encrypts, and the credentials whose
/// secrets do not decrypt at all.
pub struct KeyStatus {
    pub versions: Vec<(KeyVersion, u64)>,
    pub unreadable: Vec<Uuid>,
}

/// How a rotation goes, for the operator's progress display.
pub enum RotationProgress {
    /// `left` credentials will be re-encrypted with `version`; `resumed` when an
    /// earlier, interrupted rotation to it continues.
    Started { version: i32, left: u64, resumed: bool },
    /// One more batch of `rotated` credentials is done.
    Batch { rotated: u64 },
}

/// What a rotation did.
pub struct RotationReport {
    pub version: i32,
    pub rotated: u64,
    pub webhook_secrets: u64,
    /// Credentials that could not be decrypted (altered in the database), left as they are.
    pub unreadable: Vec<Uuid>,
}

pub struct KeyService {
    db: DatabaseConnection,
    master: MasterKey,
}

impl KeyService {
    /// # Errors
    /// `Unavailable` when `master` does not open this database's vault.
    pub async fn open(db: DatabaseConnection, master: MasterKey) -> DomainResult<Self> {
        Vault::open(&db, &master).await?;
        Ok(Self { db, master })
    }

    async fn services(&self) -> DomainResult<(CredentialService, WebhookService)> {
        let vault = Arc::new(Vault::open(&self.db, &self.master).await?);
        // Key commands send nothing; the services have a policy because they always do.
        let egress = Egress::new(AllowList::default(), Duration::from_secs(10));
        let prober = Prober::new(Duration::from_secs(10), egress.clone())?;
        Ok((
            CredentialService::new(self.db.clone(), vault.clone(), prober),
            WebhookService::new(self.db.clone(), vault, egress),
        ))
    }

    pub async fn status(&self) -> DomainResult<KeyStatus> {
        let (credentials, _) = self.services().await?;
        let counts = credentials.rows_per_key_version().await?;
        let versions = vault::key_versions(&self.db)
            .await?
            .into_iter()
            .map(|key| {
                let rows = counts.get(&key.version).copied().unwrap_or(0);
                (key, rows)
            })
            .collect();
        Ok(KeyStatus {
            versions,
            unreadable: credentials.unreadable().await?,
        })
    }

    /// Re-encrypts every secret with a new data key, `batch` credentials per transaction.
    /// When an earlier rotation was interrupted, it continues to that one's key instead
    /// of adding another.
    pub async fn rotate(
        &self,
        batch: u64,
        mut progress: impl FnMut(RotationProgress),
    ) -> DomainResult<RotationReport> {
        let (credentials, _) = self.services().await?;
        let active = Vault::open(&self.db, &self.master).await?.active_version();
        let counts = credentials.rows_per_key_version().await?;
        let behind: u64 = counts.iter().filter(|(v, _)| **v != active).map(|(_, n)| n).sum();
        let (version, left, resumed) = if behind > 0 {
            (active, behind, true)
        } else {
            let txn = crate::db::write_transaction(&self.db).await?;
            let version = vault::add_data_key(&txn, &self.master).await?;
            txn.commit().await?;
            (version, counts.values().sum(), false)
        };
        progress(RotationProgress::Started {
            version,
            left,
            resumed,
        });
        let (credentials, webhooks) = self.services().await?;
        let mut unreadable = HashSet::new();
        let mut rotated = 0;
        loop {
            let (done, failed) = credentials.rotate_batch(batch.max(1), &unreadable).await?;
            unreadable.extend(failed);
            if done == 0 {
                break;
            }
            rotated += done;
            progress(RotationProgress::Batch { rotated: done });
        }
        // Webhook signing secrets are few: one pass after the credentials.
        let webhook_secrets = webhooks.rotate_secrets().await?;
        let unreadable: Vec<Uuid> = unreadable.into_iter().collect();
        let details =
            serde_json::json!({"version": version, "rotated": rotated, "unreadable": unreadable.len()});
        self.audit(AuditAction::VaultRotate, details).await?;
        Ok(RotationReport {
            version,
            rotated,
            webhook_secrets,
            unreadable,
        })
    }

    /// Wraps the data keys with `new` instead of the current master key; returns how many.
    pub async fn rewrap(&self, new: &MasterKey) -> DomainResult<usize> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let count = vault::rewrap(&txn, &self.master, new).await?;
        let entry = entry(AuditAction::VaultRewrap, serde_json::json!({"dataKeys": count}));
        audit::record(&txn, &Actor::operator(), entry).await?;
        txn.commit().await?;
        Ok(count)
    }

    /// # Errors
    /// `Validation` for the active version, or while a credential or webhook secret uses it.
    pub async fn retire(&self, version: i32) -> DomainResult<()> {
        let (credentials, webhooks) = self.services().await?;
        let rows = credentials
            .rows_per_key_version()
            .await?
            .get(&version)
            .copied()
            .unwrap_or(0)
            + webhooks.secrets_on_version(version).await?;
        let txn = crate::db::write_transaction(&self.db).await?;
        vault::retire(&txn, version, rows).await?;
        let entry = entry(AuditAction::VaultRetire, serde_json::json!({"version": version}));
        audit::record(&txn, &Actor::operator(), entry).await?;
        Ok(txn.commit().await?)
    }

    async fn audit(&self, action: AuditAction, details: serde_json::Value) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        audit::record(&txn, &Actor::operator(), entry(action, details)).await?;
        txn.commit().await.map_err(DomainError::from)
    }
}

fn entry(action: AuditAction, details: serde_json::Value) -> AuditEntry {
    AuditEntry {
        action,
        target: Some("vault".into()),
        details,
    }
}
