//! Webhook targets, managed by admins: where alerts go, in which form, and the secret
//! that signs them (sealed by the vault, never shown again).

mod checks;

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use secrecy::{ExposeSecret, SecretString};
use serde_json::json;
use uuid::Uuid;
use vocab::{AuditAction, WebhookId, WebhookKind};
use zeroize::Zeroizing;

use self::checks::{checked_events, checked_kind, checked_url};
use super::event::AlertEvent;
use crate::access::Admin;
use crate::audit::{self, AuditEntry};
use crate::egress::Egress;
use crate::entities::{webhook_deliveries, webhooks};
use crate::error::{DomainError, DomainResult};
use crate::vault::Vault;

const SECRET_LEN: std::ops::RangeInclusive<usize> = 16..=256;

/// The deliveries an admin sees per webhook.
const DELIVERY_LOG_LEN: u64 = 50;

/// A new webhook: `json` and enabled unless said otherwise; `events` empty means
/// every event.
pub struct WebhookInput {
    pub url: String,
    /// `json` or `slack`, as the request spells it.
    pub kind: Option<String>,
    pub enabled: Option<bool>,
    pub events: Vec<String>,
    pub secret: Option<SecretString>,
}

/// A change; what is `None` stays.
#[derive(Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    pub kind: Option<String>,
    pub enabled: Option<bool>,
    pub events: Option<Vec<String>>,
    pub secret: Option<SecretString>,
    pub remove_secret: bool,
}

/// A webhook as admins see it: whether it has a secret, never the secret.
pub struct WebhookView {
    pub row: webhooks::Model,
    pub kind: WebhookKind,
    pub events: Vec<AlertEvent>,
    pub has_secret: bool,
}

impl WebhookView {
    fn of(row: webhooks::Model) -> Self {
        Self {
            kind: kind_of(&row),
            events: subscribed(&row),
            has_secret: row.secret.is_some(),
            row,
        }
    }
}

/// The form a row's deliveries take (JSON for anything this version does not know).
pub(super) fn kind_of(row: &webhooks::Model) -> WebhookKind {
    WebhookKind::parse(&row.kind).unwrap_or(WebhookKind::Json)
}

/// The events a row receives.
pub(super) fn subscribed(row: &webhooks::Model) -> Vec<AlertEvent> {
    let names: Vec<String> = serde_json::from_str(&row.events).unwrap_or_default();
    let events: Vec<AlertEvent> = names.iter().filter_map(|n| AlertEvent::subscribable(n)).collect();
    if events.is_empty() {
        AlertEvent::SUBSCRIBABLE.to_vec()
    } else {
        events
    }
}

#[derive(Clone)]
pub struct WebhookService {
    db: DatabaseConnection,
    vault: Arc<Vault>,
    egress: Egress,
}

impl WebhookService {
    pub fn new(db: DatabaseConnection, vault: Arc<Vault>, egress: Egress) -> Self {
        Self { db, vault, egress }
    }

    /// A URL an admin gives: well formed, and one the egress policy lets deliveries reach.
    async fn url(&self, raw: &str) -> DomainResult<String> {
        let url = checked_url(raw)?;
        self.egress
            .vet(&url)
            .await
            .map_err(|refused| DomainError::validation("url", refused.to_string()))?;
        Ok(url)
    }

    pub async fn list(&self, _admin: &Admin) -> DomainResult<Vec<WebhookView>> {
        let rows = webhooks::Entity::find()
            .order_by_asc(webhooks::Column::CreatedAt)
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(WebhookView::of).collect())
    }

    pub async fn get(&self, _admin: &Admin, id: WebhookId) -> DomainResult<WebhookView> {
        Ok(WebhookView::of(self.row(&self.db, id).await?))
    }

    /// # Errors
    /// `Validation` on `url` (not http(s), no host, too long), `kind`, `events`
    /// (unknown names) or `secret` (length).
    pub async fn create(&self, admin: &Admin, input: WebhookInput) -> DomainResult<WebhookView> {
        let id = Uuid::now_v7();
        let now = Utc::now();
        let (secret, version) = match &input.secret {
            Some(secret) => {
                let (sealed, version) = self.seal(id, secret)?;
                (Some(sealed), Some(version))
            }
            None => (None, None),
        };
        let row = webhooks::ActiveModel {
            id: Set(id),
            url: Set(self.url(&input.url).await?),
            kind: Set(checked_kind(input.kind.as_deref())?.as_str().to_owned()),
            enabled: Set(input.enabled.unwrap_or(true)),
            events: Set(checked_events(&input.events)?),
            secret: Set(secret),
            secret_key_version: Set(version),
            created_at: Set(now),
            updated_at: Set(now),
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = row.insert(&txn).await?;
        record(&txn, admin, AuditAction::WebhookCreated, &row).await?;
        txn.commit().await?;
        Ok(WebhookView::of(row))
    }

    /// # Errors
    /// `NotFound`; `Validation` as for `create`.
    pub async fn update(
        &self,
        admin: &Admin,
        id: WebhookId,
        patch: WebhookPatch,
    ) -> DomainResult<WebhookView> {
        let url = match &patch.url {
            Some(url) => Some(self.url(url).await?),
            None => None,
        };
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.row(&txn, id).await?;
        let mut active: webhooks::ActiveModel = row.into();
        if let Some(url) = url {
            active.url = Set(url);
        }
        if let Some(kind) = patch.kind.as_deref() {
            active.kind = Set(checked_kind(Some(kind))?.as_str().to_owned());
        }
        if let Some(enabled) = patch.enabled {
            active.enabled = Set(enabled);
        }
        if let Some(events) = &patch.events {
            active.events = Set(checked_events(events)?);
        }
        match (&patch.secret, patch.remove_secret) {
            (Some(_), true) => {
                return Err(DomainError::validation(
                    "secret",
                    "give a new secret or remove it, not both",
                ))
            }
            (Some(secret), false) => {
                let (sealed, version) = self.seal(id.uuid(), secret)?;
                active.secret = Set(Some(sealed));
                active.secret_key_version = Set(Some(version));
            }
            (None, true) => {
                active.secret = Set(None);
                active.secret_key_version = Set(None);
            }
            (None, false) => {}
        }
        active.updated_at = Set(Utc::now());
        let row = active.update(&txn).await?;
        record(&txn, admin, AuditAction::WebhookUpdated, &row).await?;
        txn.commit().await?;
        Ok(WebhookView::of(row))
    }

    /// Deletes the webhook and its delivery log.
    pub async fn delete(&self, admin: &Admin, id: WebhookId) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.row(&txn, id).await?;
        webhooks::Entity::delete_by_id(id.uuid()).exec(&txn).await?;
        record(&txn, admin, AuditAction::WebhookDeleted, &row).await?;
        Ok(txn.commit().await?)
    }

    /// The latest deliveries to a webhook, newest first.
    pub async fn deliveries(
        &self,
        _admin: &Admin,
        id: WebhookId,
    ) -> DomainResult<Vec<webhook_deliveries::Model>> {
        self.row(&self.db, id).await?;
        Ok(webhook_deliveries::Entity::find()
            .filter(webhook_deliveries::Column::WebhookId.eq(id.uuid()))
            .order_by_desc(webhook_deliveries::Column::CreatedAt)
            .order_by_desc(webhook_deliveries::Column::Id)
            .limit(DELIVERY_LOG_LEN)
            .all(&self.db)
            .await?)
    }

    /// The signing secret of a row, opened for one delivery.
    pub(super) fn secret(&self, row: &webhooks::Model) -> DomainResult<Option<Zeroizing<Vec<u8>>>> {
        match (&row.secret, row.secret_key_version) {
            (Some(sealed), Some(version)) => {
                Ok(Some(self.vault.decrypt(sealed, version, &context(row.id))?))
            }
            _ => Ok(None),
        }
    }

    /// Re-seals every webhook secret under the active data key (`keys rotate`).
    pub async fn rotate_secrets(&self) -> DomainResult<u64> {
        let active = self.vault.active_version();
        let rows = webhooks::Entity::find()
            .filter(webhooks::Column::SecretKeyVersion.ne(active))
            .all(&self.db)
            .await?;
        let mut rotated = 0;
        for row in rows {
            let Some(secret) = self.secret(&row)? else {
                continue;
            };
            let (sealed, version) = self.seal_bytes(row.id, &secret)?;
            let mut active_row: webhooks::ActiveModel = row.into();
            active_row.secret = Set(Some(sealed));
            active_row.secret_key_version = Set(Some(version));
            active_row.update(&self.db).await?;
            rotated += 1;
        }
        Ok(rotated)
    }

    /// How many webhook secrets a data-key version seals (a version in use cannot retire).
    pub async fn secrets_on_version(&self, version: i32) -> DomainResult<u64> {
        use sea_orm::PaginatorTrait;
        Ok(webhooks::Entity::find()
            .filter(webhooks::Column::SecretKeyVersion.eq(version))
            .count(&self.db)
            .await?)
    }

    async fn row(&self, db: &impl sea_orm::ConnectionTrait, id: WebhookId) -> DomainResult<webhooks::Model> {
        webhooks::Entity::find_by_id(id.uuid())
            .one(db)
            .await?
            .ok_or(DomainError::NotFound)
    }

    fn seal(&self, id: Uuid, secret: &SecretString) -> DomainResult<(String, i32)> {
        let secret = secret.expose_secret();
        if !SECRET_LEN.contains(&secret.chars().count()) {
            return Err(DomainError::validation(
                "secret",
                format!(
                    "must be {} to {} characters",
                    SECRET_LEN.start(),
                    SECRET_LEN.end()
                ),
            ));
        }
        self.seal_bytes(id, secret.as_bytes())
    }

    fn seal_bytes(&self, id: Uuid, secret: &[u8]) -> DomainResult<(String, i32)> {
        let sealer = self.vault.sealer();
        Ok((sealer.encrypt(secret, &context(id))?, sealer.version()))
    }
}

/// Audits a change with the URL's host only: a Slack URL's path is itself a secret.
async fn record(
    txn: &DatabaseTransaction,
    admin: &Admin,
    action: AuditAction,
    row: &webhooks::Model,
) -> DomainResult<()> {
    let host = reqwest::Url::parse(&row.url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned));
    let entry = AuditEntry {
        action,
        target: Some(row.id.to_string()),
        details: json!({"host": host, "kind": row.kind, "enabled": row.enabled}),
    };
    audit::record(txn, &admin.user().into(), entry).await
}

fn context(id: Uuid) -> String {
    format!("webhook:{id}:signing_secret")
}
