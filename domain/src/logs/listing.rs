//! Listing request logs for admins, with filters and the names people read them by.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;
use vocab::{CredentialId, LogKind, LogOrder, Outcome};

use super::RequestLogs;
use crate::access::Admin;
use crate::entities::{credentials, providers, request_logs};
use crate::error::{DomainError, DomainResult};
use crate::values::{Page, ProviderRef, Search};

/// Which rows to list; every filter is optional.
#[derive(Clone, Debug, Default)]
pub struct LogFilter {
    pub provider: Option<ProviderRef>,
    pub credential: Option<CredentialId>,
    pub status: Option<Outcome>,
    pub kind: Option<LogKind>,
    /// The attempts of one gateway request.
    pub request_id: Option<String>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Part of the model, the endpoint or the error (any case).
    pub search: Option<String>,
    pub order: LogOrder,
    pub page: Page,
}

/// A row with the names a person reads it by.
pub struct LogRecord {
    pub row: request_logs::Model,
    pub provider: Option<String>,
    pub credential_name: Option<String>,
}

impl RequestLogs {
    /// Newest first unless asked otherwise, one page and the total.
    ///
    /// # Errors
    /// `Validation` on `provider` for an unknown provider, on `until` for an empty range,
    /// on `search` (see [`Search::parse`]).
    pub async fn list(&self, _admin: &Admin, filter: &LogFilter) -> DomainResult<(Vec<LogRecord>, u64)> {
        let mut select = request_logs::Entity::find();
        if let Some(reference) = &filter.provider {
            let provider = crate::providers::find(&self.db, reference)
                .await?
                .ok_or_else(|| DomainError::validation("provider", "no such provider"))?;
            select = select.filter(request_logs::Column::ProviderId.eq(provider.id));
        }
        if let Some(credential) = filter.credential {
            select = select.filter(request_logs::Column::CredentialId.eq(credential.uuid()));
        }
        if let Some(status) = filter.status {
            select = select.filter(request_logs::Column::Status.eq(status.as_str()));
        }
        if let Some(kind) = filter.kind {
            select = select.filter(request_logs::Column::Kind.eq(kind.as_str()));
        }
        if let Some(request_id) = filter
            .request_id
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            select = select.filter(request_logs::Column::RequestId.eq(request_id));
        }
        if let (Some(since), Some(until)) = (filter.since, filter.until) {
            if until < since {
                return Err(DomainError::validation(
                    "until",
                    "the range ends before it starts",
                ));
            }
        }
        if let Some(since) = filter.since {
            select = select.filter(request_logs::Column::CreatedAt.gte(since));
        }
        if let Some(until) = filter.until {
            select = select.filter(request_logs::Column::CreatedAt.lt(until));
        }
        if let Some(search) = Search::parse(filter.search.as_deref())? {
            let column = |c: request_logs::Column| Expr::col((request_logs::Entity, c));
            select = select.filter(search.in_any([
                column(request_logs::Column::Model),
                column(request_logs::Column::Endpoint),
                column(request_logs::Column::Error),
            ]));
        }
        let total = select.clone().count(&self.db).await?;
        let select = match filter.order {
            LogOrder::Newest => select.order_by_desc(request_logs::Column::CreatedAt),
            LogOrder::Oldest => select.order_by_asc(request_logs::Column::CreatedAt),
            LogOrder::Slowest => select
                .order_by_desc(request_logs::Column::LatencyMs)
                .order_by_desc(request_logs::Column::CreatedAt),
        };
        // Ids are UUIDv7, in time order: rows of the same instant keep one order.
        let tie = match filter.order {
            LogOrder::Oldest => Order::Asc,
            _ => Order::Desc,
        };
        let rows = select
            .order_by(request_logs::Column::Id, tie)
            .offset(filter.page.offset())
            .limit(filter.page.size())
            .all(&self.db)
            .await?;
        let names = self.names(&rows).await?;
        let records = rows
            .into_iter()
            .map(|row| LogRecord {
                provider: row.provider_id.and_then(|id| names.0.get(&id).cloned()),
                credential_name: row.credential_id.and_then(|id| names.1.get(&id).cloned()),
                row,
            })
            .collect();
        Ok((records, total))
    }

    /// Provider identifiers and credential names for a page of rows, two queries.
    async fn names(
        &self,
        rows: &[request_logs::Model],
    ) -> DomainResult<(HashMap<Uuid, String>, HashMap<Uuid, String>)> {
        let provider_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.provider_id).collect();
        let credential_ids: Vec<Uuid> = rows.iter().filter_map(|r| r.credential_id).collect();
        let providers = providers::Entity::find()
            .filter(providers::Column::Id.is_in(provider_ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|p| (p.id, p.identifier))
            .collect();
        let credentials = credentials::Entity::find()
            .select_only()
            .column(credentials::Column::Id)
            .column(credentials::Column::Name)
            .filter(credentials::Column::Id.is_in(credential_ids))
            .into_tuple::<(Uuid, String)>()
            .all(&self.db)
            .await?
            .into_iter()
            .collect();
        Ok((providers, credentials))
    }
}
