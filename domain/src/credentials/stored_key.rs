//! A saved key for the admins' own calls to a provider (listing its models), so they
//! need not type a key the vault already holds.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use secrecy::SecretString;
use vocab::Scope;

use super::destination::{destination, refused_destination};
use super::listing::ordered;
use super::ownership::in_scope;
use super::service::CredentialService;
use crate::entities::{credentials, providers};
use crate::error::DomainResult;

/// A global credential's values and where they may be sent.
pub struct StoredKey {
    /// The credential's name, to say which key was used.
    pub name: String,
    pub base_url: String,
    pub fields: HashMap<String, SecretString>,
}

impl CredentialService {
    /// The first global credential of `provider`, in routing order (resting keys before
    /// cooling ones), that is active, still decrypts and whose secret may go where it
    /// would be sent; `None` when there is none.
    pub(crate) async fn first_usable_global(
        &self,
        provider: &providers::Model,
    ) -> DomainResult<Option<StoredKey>> {
        let mut rows = ordered(credentials::Entity::find())
            .filter(in_scope(Scope::Global))
            .filter(credentials::Column::ProviderId.eq(provider.id))
            .filter(credentials::Column::Active.eq(true))
            .all(&self.db)
            .await?;
        // A key cooling down (rate limited a moment ago) is the last one asked; the
        // others keep the routing order (the sort is stable).
        let now = chrono::Utc::now();
        rows.sort_by_key(|row| row.cooldown_until.is_some_and(|until| until > now));
        for row in rows {
            // One unreadable or re-pointed key does not stop the next from serving.
            let Ok(fields) = self.stored_fields(&row) else {
                continue;
            };
            let base_url = destination(provider, row.endpoint_override.as_deref(), &fields);
            if refused_destination(&row, &base_url).is_none() {
                return Ok(Some(StoredKey {
                    name: row.name,
                    base_url,
                    fields,
                }));
            }
        }
        Ok(None)
    }
}
