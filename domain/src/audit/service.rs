//! Reading the log and checking the chain.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Alias, Expr, Func, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;
use vocab::{AuditAction, LogOrder, UserId};

use super::chain::{event_hash, GENESIS};
use crate::access::Admin;
use crate::entities::{audit_events, users};
use crate::error::{DomainError, DomainResult};
use crate::values::{Page, Search};

#[derive(Default)]
pub struct AuditFilter {
    pub action: Option<AuditAction>,
    pub actor: Option<UserId>,
    pub since: Option<DateTime<Utc>>,
    /// Part of the actor's email, the target or the details (any case).
    pub search: Option<String>,
    /// Newest (the default) or oldest first; events have no duration to order by.
    pub order: LogOrder,
    pub page: Page,
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

/// Events whose actor's email, target or details hold the search.
fn search_condition(search: &Search) -> Condition {
    let actors = Query::select()
        .column(users::Column::Id)
        .from(users::Entity)
        .cond_where(search.in_any([Expr::col((users::Entity, users::Column::Email))]))
        .to_owned();
    let details = Func::cast_as(
        Expr::col((audit_events::Entity, audit_events::Column::Details)),
        Alias::new("text"),
    );
    Condition::any()
        .add(audit_events::Column::ActorId.in_subquery(actors))
        .add(search.in_any([
            Expr::col((audit_events::Entity, audit_events::Column::Target)),
            details.into(),
        ]))
}

#[derive(Clone)]
pub struct AuditService {
    db: DatabaseConnection,
}

impl AuditService {
    pub fn new(db: DatabaseConnection) -> Self {
        Self { db }
    }

    /// Newest first unless asked otherwise, each with its actor's email; one page and
    /// the total.
    ///
    /// # Errors
    /// `Validation` on `search` (see [`Search::parse`]) and on `order` for `slowest`.
    pub async fn list(&self, _admin: &Admin, filter: &AuditFilter) -> DomainResult<(Vec<AuditRecord>, u64)> {
        if !filter.order.reads_audit_log() {
            return Err(DomainError::validation(
                "order",
                "events take no time: use newest or oldest",
            ));
        }
        let order = match filter.order {
            LogOrder::Oldest => Order::Asc,
            LogOrder::Newest | LogOrder::Slowest => Order::Desc,
        };
        let mut select = audit_events::Entity::find();
        if let Some(search) = Search::parse(filter.search.as_deref())? {
            select = select.filter(search_condition(&search));
        }
        if let Some(action) = filter.action {
            select = select.filter(audit_events::Column::Action.eq(action.as_str()));
        }
        if let Some(actor) = filter.actor {
            select = select.filter(audit_events::Column::ActorId.eq(actor.uuid()));
        }
        if let Some(since) = filter.since {
            select = select.filter(audit_events::Column::CreatedAt.gte(since));
        }
        let total = select.clone().count(&self.db).await?;

        let rows = select
            .order_by(audit_events::Column::Seq, order)
            .offset(filter.page.offset())
            .limit(filter.page.size())
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
