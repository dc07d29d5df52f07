//! The audit log as admins read it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vocab::UserId;

/// One audit event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct AuditEventDto {
    pub id: Uuid,
    pub seq: i64,
    pub actor_id: Option<UserId>,
    pub actor_email: Option<String>,
    pub action: String,
    pub target: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub details: serde_json::Value,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    /// SHA-256 linking this event to the previous one.
    pub hash: String,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::audit::AuditRecord;

    impl From<AuditRecord> for AuditEventDto {
        fn from(
            AuditRecord {
                event: row,
                actor_email,
            }: AuditRecord,
        ) -> Self {
            Self {
                actor_email,
                id: row.id,
                seq: row.seq,
                actor_id: row.actor_id.map(UserId::from_uuid),
                action: row.action,
                target: row.target,
                details: row.details,
                ip: row.ip,
                created_at: row.created_at,
                hash: row.hash,
            }
        }
    }
}
