//! Reading credentials in pages: an owner's list by priority, and every user's
//! connections for admins. Each row comes with its provider in the same statement.

use std::collections::{HashMap, HashSet};

use sea_orm::sea_query::{Expr, Func, NullOrdering};
use sea_orm::{
    ColumnTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Select,
};
use uuid::Uuid;
use vocab::{CredentialOrder, Scope};

use super::input::ListQuery;
use super::ownership::{in_scope, owned_by};
use super::service::CredentialService;
use super::view::{with_provider, CredentialView, Moves};
use crate::access::{Admin, Owner};
use crate::entities::{credentials, providers, users};
use crate::error::{DomainError, DomainResult};
use crate::values::{Page, Search};

/// The order credentials are used in: priority, then name (then id, for ties).
pub(super) fn ordered(select: Select<credentials::Entity>) -> Select<credentials::Entity> {
    select
        .order_by_asc(credentials::Column::Priority)
        .order_by_asc(credentials::Column::Name)
        .order_by_asc(credentials::Column::Id)
}

fn paged(select: Select<credentials::Entity>, page: Page) -> Select<credentials::Entity> {
    select.offset(page.offset()).limit(page.size())
}

impl CredentialService {
    /// One page in the query's order (by priority, lower first, unless asked otherwise)
    /// and the total; a search keeps the names that hold its text, in any case.
    ///
    /// # Errors
    /// `Validation` on `provider` when the filter names no provider, on `search` when it
    /// is longer than a name can be.
    pub async fn list(&self, owner: &Owner, query: &ListQuery) -> DomainResult<(Vec<CredentialView>, u64)> {
        let mut select = credentials::Entity::find().filter(owned_by(owner));
        if let Some(reference) = &query.provider {
            let provider = crate::providers::find(&self.db, reference)
                .await?
                .ok_or_else(|| DomainError::validation("provider", "no such provider"))?;
            select = select.filter(credentials::Column::ProviderId.eq(provider.id));
        }
        if let Some(search) = Search::parse(query.search.as_deref())? {
            select =
                select.filter(search.in_any([Expr::col((credentials::Entity, credentials::Column::Name))]));
        }
        let total = select.clone().count(&self.db).await?;
        let select = match query.order {
            CredentialOrder::Priority => ordered(select),
            // Lowered, so both databases agree on "alpha" and "Beta".
            CredentialOrder::Name => select
                .order_by(
                    Expr::expr(Func::lower(Expr::col((
                        credentials::Entity,
                        credentials::Column::Name,
                    )))),
                    Order::Asc,
                )
                .order_by_asc(credentials::Column::Name)
                .order_by_asc(credentials::Column::Id),
            CredentialOrder::LastUsed => select
                .order_by_with_nulls(credentials::Column::LastUsedAt, Order::Desc, NullOrdering::Last)
                .order_by_asc(credentials::Column::Name)
                .order_by_asc(credentials::Column::Id),
        };
        let page = paged(select, query.page);
        let mut views = self.views(page).await?;
        self.mark_moves(owner, &mut views).await?;
        Ok((views, total))
    }

    /// Marks each listed credential with the moves that would change something: the
    /// first and last of each provider's group are looked up, since the page may hold
    /// only part of the group.
    async fn mark_moves(&self, owner: &Owner, views: &mut [CredentialView]) -> DomainResult<()> {
        let mut ends: HashMap<Uuid, (Option<Uuid>, Option<Uuid>)> = HashMap::new();
        for view in views.iter() {
            let provider = view.row().provider_id;
            if ends.contains_key(&provider) {
                continue;
            }
            let group = || {
                credentials::Entity::find()
                    .filter(owned_by(owner))
                    .filter(credentials::Column::ProviderId.eq(provider))
                    .select_only()
                    .column(credentials::Column::Id)
            };
            let first = ordered(group()).into_tuple::<Uuid>().one(&self.db).await?;
            let last = group()
                .order_by_desc(credentials::Column::Priority)
                .order_by_desc(credentials::Column::Name)
                .order_by_desc(credentials::Column::Id)
                .into_tuple::<Uuid>()
                .one(&self.db)
                .await?;
            ends.insert(provider, (first, last));
        }
        for view in views.iter_mut() {
            let (first, last) = ends[&view.row().provider_id];
            let id = Some(view.row().id);
            view.moves = Some(Moves {
                up: first != id,
                down: last != id,
            });
        }
        Ok(())
    }

    /// Every user's connections, for admins: that they exist, whose, and their state,
    /// with how many there are in all. Adapters show no hint and no field of them.
    pub async fn list_all_connections(
        &self,
        admin: &Admin,
        page: Page,
    ) -> DomainResult<(Vec<(CredentialView, String)>, u64)> {
        let total = credentials::Entity::find()
            .filter(in_scope(Scope::Personal))
            .count(&self.db)
            .await?;
        Ok((self.connections_page(admin, page).await?, total))
    }

    /// The first `limit` of every user's connections, without counting them all.
    pub async fn first_connections(
        &self,
        admin: &Admin,
        limit: u64,
    ) -> DomainResult<Vec<(CredentialView, String)>> {
        self.connections_page(admin, Page::first(limit)).await
    }

    /// One page of users' connections by owner and name, each with its owner's email.
    async fn connections_page(
        &self,
        _admin: &Admin,
        page: Page,
    ) -> DomainResult<Vec<(CredentialView, String)>> {
        let select = credentials::Entity::find()
            .filter(in_scope(Scope::Personal))
            .order_by_asc(credentials::Column::OwnerId)
            .order_by_asc(credentials::Column::Name);
        let views = self.views(paged(select, page)).await?;
        let owners: HashSet<Uuid> = views.iter().filter_map(|v| v.row().owner_id).collect();
        let emails: HashMap<Uuid, String> = users::Entity::find()
            .filter(users::Column::Id.is_in(owners))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|u| (u.id, u.email))
            .collect();
        Ok(views
            .into_iter()
            .map(|view| {
                let email = view
                    .row()
                    .owner_id
                    .and_then(|id| emails.get(&id).cloned())
                    .unwrap_or_default();
                (view, email)
            })
            .collect())
    }

    /// Each active global credential's provider and priority, in the order they are
    /// used, for the start-up log (nothing secret, not even the hint).
    pub async fn active_global_order(&self) -> DomainResult<Vec<(String, i32)>> {
        let active = ordered(
            credentials::Entity::find()
                .filter(in_scope(Scope::Global))
                .filter(credentials::Column::Active.eq(true)),
        );
        Ok(self
            .views(active)
            .await?
            .into_iter()
            .filter(|v| v.provider_enabled)
            .map(|v| (v.provider_identifier.clone(), v.row().priority))
            .collect())
    }

    /// Runs a credentials query joined with each row's provider, in one statement.
    pub(super) async fn views(
        &self,
        select: Select<credentials::Entity>,
    ) -> DomainResult<Vec<CredentialView>> {
        select
            .find_also_related(providers::Entity)
            .all(&self.db)
            .await?
            .into_iter()
            .map(|pair| with_provider(pair).map(|(row, provider)| CredentialView::new(row, &provider)))
            .collect()
    }
}
