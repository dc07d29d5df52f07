//! Request logs: one row per probe and gateway attempt, kept for a number of days.

use chrono::{DateTime, Duration, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::entities::request_logs;
use crate::DomainResult;

#[derive(Clone)]
pub struct RequestLogs {
    db: DatabaseConnection,
}

impl RequestLogs {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Deletes the rows older than `retention_days`; returns how many.
    pub async fn prune(&self, retention_days: u32, now: DateTime<Utc>) -> DomainResult<u64> {
        let cutoff = now - Duration::days(i64::from(retention_days));
        let deleted = request_logs::Entity::delete_many()
            .filter(request_logs::Column::CreatedAt.lt(cutoff))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }
}
