//! Recording events and checking the chain.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::chain::{event_hash, GENESIS};
use crate::auth::{Admin, CurrentUser};
use crate::entities::{audit_events, users};
use crate::{DomainError, DomainResult};

/// One thing that happened. `details` must never hold a secret: callers pass names,
/// ids and which fields changed, not values.
pub struct AuditEntry {
    pub action: &'static str,
    pub target: Option<String>,
    pub details: serde_json::Value,
}

#[derive(Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    pub actor: Option<Uuid>,
    pub since: Option<DateTime<Utc>>,
    pub page: u64,
    pub per_page: u64,
}

/// An event with its actor's email (for people reading the log).
pub struct AuditRecord {
    pub event: audit_events::Model,
    pub actor_email: Option<String>,
}

/// What `verify` found.
#[derive(Debug, PartialEq, Eq)]
pub enum ChainReport {
    Intact {
        events: u64,
    },
    /// The first event whose hash or link does not match.
    BrokenAt {
        seq: i64,
    },
}

/// Writers racing for the next sequence number retry this often.
const ATTEMPTS: usize = 8;

#[derive(Clone)]
pub struct AuditService {
    db: DatabaseConnection,
}

impl AuditService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Appends an event by `actor` (their address included) to the chain.
    pub async fn record(&self, actor: &CurrentUser, entry: AuditEntry) -> DomainResult<()> {
        self.record_as(Some(actor), entry).await
    }

    /// Appends an event done by the operator on the command line (no user, no address).
    pub async fn record_operator(&self, entry: AuditEntry) -> DomainResult<()> {
        self.record_as(None, entry).await
    }

    async fn record_as(&self, actor: Option<&CurrentUser>, entry: AuditEntry) -> DomainResult<()> {
        let mut last_error = None;
        for _ in 0..ATTEMPTS {
            match self.append(actor, &entry).await {
                Ok(()) => return Ok(()),
                // Another writer took this sequence number; read the new tail and retry.
                Err(DomainError::Conflict { .. }) => {
                    last_error = Some(DomainError::internal("audit chain contention"))
                }
                Err(other) => return Err(other),
            }
        }
        Err(last_error.unwrap_or_else(|| DomainError::internal("audit chain contention")))
    }

    async fn append(&self, actor: Option<&CurrentUser>, entry: &AuditEntry) -> DomainResult<()> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let tail = audit_events::Entity::find()
            .order_by_desc(audit_events::Column::Seq)
            .one(&txn)
            .await?;
        let mut event = audit_events::Model {
            id: Uuid::now_v7(),
            seq: tail.as_ref().map_or(1, |t| t.seq + 1),
            actor_id: actor.map(CurrentUser::id),
            action: entry.action.to_owned(),
            target: entry.target.clone(),
            details: entry.details.clone(),
            ip: actor.and_then(CurrentUser::ip).map(str::to_owned),
            // Microseconds: what both databases keep, so the hash survives the round trip.
            created_at: Utc::now().trunc_subsecs(6),
            prev_hash: tail.map_or_else(|| GENESIS.to_owned(), |t| t.hash),
            hash: String::new(),
        };
        event.hash = event_hash(&event);
        audit_events::ActiveModel::from(event).insert(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Newest first, each with its actor's email; one page and the total.
    pub async fn list(&self, _admin: &Admin, filter: &AuditFilter) -> DomainResult<(Vec<AuditRecord>, u64)> {
        let mut select = audit_events::Entity::find();
        if let Some(action) = filter.action.as_deref().filter(|a| !a.is_empty()) {
            select = select.filter(audit_events::Column::Action.eq(action));
        }
        if let Some(actor) = filter.actor {
            select = select.filter(audit_events::Column::ActorId.eq(actor));
        }
        if let Some(since) = filter.since {
            select = select.filter(audit_events::Column::CreatedAt.gte(since));
        }
        let total = select.clone().count(&self.db).await?;
        let per_page = filter.per_page.clamp(1, 200);
        let rows = select
            .order_by_desc(audit_events::Column::Seq)
            .offset(filter.page.max(1).saturating_sub(1) * per_page)
            .limit(per_page)
            .all(&self.db)
            .await?;
        let actors: HashSet<Uuid> = rows.iter().filter_map(|r| r.actor_id).collect();
        let emails: HashMap<Uuid, String> = users::Entity::find()
            .filter(users::Column::Id.is_in(actors))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        let records = rows
            .into_iter()
            .map(|event| AuditRecord {
                actor_email: event.actor_id.and_then(|id| emails.get(&id).cloned()),
                event,
            })
            .collect();
        Ok((records, total))
    }

    /// Walks the whole chain in order, recomputing every hash.
    pub async fn verify(&self) -> DomainResult<ChainReport> {
        let mut pages = audit_events::Entity::find()
            .order_by_asc(audit_events::Column::Seq)
            .paginate(&self.db, 1000);
        let mut previous = GENESIS.to_owned();
        let mut expected_seq = 1;
        let mut events = 0;
        while let Some(batch) = pages.fetch_and_next().await? {
            for event in batch {
                if event.seq != expected_seq
                    || event.prev_hash != previous
                    || event_hash(&event) != event.hash
                {
                    return Ok(ChainReport::BrokenAt { seq: event.seq });
                }
                previous = event.hash;
                expected_seq += 1;
                events += 1;
            }
        }
        Ok(ChainReport::Intact { events })
    }
}
