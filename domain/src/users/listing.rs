//! Reading accounts for admins: a search over emails and names, an order, a page.

use sea_orm::sea_query::{Expr, Func};
use sea_orm::{EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use vocab::UserOrder;

use super::UserService;
use crate::access::Admin;
use crate::entities::users;
use crate::error::DomainResult;
use crate::values::{Page, Search};

/// Which accounts to list, and how.
#[derive(Clone, Debug, Default)]
pub struct UserQuery {
    /// Part of an email or a name (any case).
    pub search: Option<String>,
    pub order: UserOrder,
    /// One page; every match without one.
    pub page: Option<Page>,
}

impl UserService {
    /// The accounts the query matches, in its order (by email unless asked otherwise),
    /// one page of them, and how many match in all.
    ///
    /// # Errors
    /// `Validation` on `search` (see [`Search::parse`]).
    pub async fn list(&self, _admin: &Admin, query: &UserQuery) -> DomainResult<(Vec<users::Model>, u64)> {
        let mut select = users::Entity::find();
        if let Some(search) = Search::parse(query.search.as_deref())? {
            select = select.filter(search.in_any([
                Expr::col((users::Entity, users::Column::Email)),
                Expr::col((users::Entity, users::Column::DisplayName)),
            ]));
        }
        let total = select.clone().count(&self.db).await?;
        let select = match query.order {
            UserOrder::Email => select,
            // Lowered, so both databases agree on "ada" and "Bob".
            UserOrder::Name => select.order_by(
                Expr::expr(Func::lower(Expr::col((
                    users::Entity,
                    users::Column::DisplayName,
                )))),
                Order::Asc,
            ),
            // "admin" sorts before "user".
            UserOrder::Role => select.order_by_asc(users::Column::Role),
            UserOrder::Newest => select.order_by_desc(users::Column::CreatedAt),
        };
        // Emails are unique: every order ends on one, so pages never overlap.
        let select = select.order_by_asc(users::Column::Email);
        let rows = match query.page {
            Some(page) => select.offset(page.offset()).limit(page.size()),
            None => select,
        }
        .all(&self.db)
        .await?;
        Ok((rows, total))
    }
}
