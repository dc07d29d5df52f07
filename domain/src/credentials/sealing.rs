//! Secrets in and out of the vault: each secret field sealed with the active data key
//! and bound to its row and field, opened only inside the domain, and re-sealed when
//! the data key rotates.

use std::collections::{BTreeMap, HashMap, HashSet};

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use super::service::CredentialService;
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};

/// Associated data of one secret field: a ciphertext only opens in its own row and field.
fn context(id: Uuid, field: &str) -> String {
    format!("credential:{id}:{field}")
}

impl CredentialService {
    /// Each secret field encrypted with the active data key, bound to the row and field,
    /// and the key version the row must record. Public for bulk loads (the benchmark).
    pub fn seal(
        &self,
        id: Uuid,
        secret: &BTreeMap<String, SecretString>,
    ) -> DomainResult<(serde_json::Value, i32)> {
        let sealer = self.vault.sealer();
        let mut sealed = serde_json::Map::new();
        for (name, value) in secret {
            let ciphertext = sealer.encrypt(value.expose_secret().as_bytes(), &context(id, name))?;
            sealed.insert(name.clone(), serde_json::Value::String(ciphertext));
        }
        Ok((serde_json::Value::Object(sealed), sealer.version()))
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

    /// Secret and plain values of a saved credential, by field name.
    pub(crate) fn stored_fields(
        &self,
        row: &credentials::Model,
    ) -> DomainResult<HashMap<String, SecretString>> {
        let mut fields: HashMap<String, SecretString> = self.open(row)?.into_iter().collect();
        let plain = row.plain_fields.as_object().cloned().unwrap_or_default();
        fields.extend(
            plain
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k, SecretString::from(v.to_owned())))),
        );
        Ok(fields)
    }

    /// Re-encrypts up to `batch` credentials still on an older data key with the active
    /// one, in one transaction, skipping `unreadable` ones. Returns how many were
    /// rotated and the ids that failed to decrypt (left as they are, for an admin to
    /// replace). Killing it between batches, or mid-batch, loses nothing: each row's
    /// ciphertexts and key version change together.
    pub(crate) async fn rotate_batch(
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
            let (sealed, version) = self.seal(row.id, &fields)?;
            credentials::Entity::update_many()
                .col_expr(credentials::Column::SecretFields, Expr::value(sealed))
                .col_expr(credentials::Column::KeyVersion, Expr::value(version))
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
    pub(crate) async fn unreadable(&self) -> DomainResult<Vec<Uuid>> {
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
    pub(crate) async fn rows_per_key_version(&self) -> DomainResult<BTreeMap<i32, u64>> {
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
}
