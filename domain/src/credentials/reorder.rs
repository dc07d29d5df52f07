//! Reordering: a credential moves before or after its neighbour.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use vocab::{AuditAction, CredentialId, Direction};

use super::listing::ordered;
use super::ownership::owned_by;
use super::service::{record, CredentialService};
use super::view::CredentialView;
use crate::access::Owner;
use crate::entities::credentials;
use crate::error::{DomainError, DomainResult};
use crate::values::Priority;

impl CredentialService {
    /// Moves a credential before (up) or after (down) its neighbour among the same
    /// provider's credentials of this owner: their priorities swap, or when they are
    /// equal this one steps by one. At either end nothing changes and nothing is
    /// recorded: a move that moved nothing is not an event.
    pub async fn move_by(
        &self,
        owner: &Owner,
        id: CredentialId,
        direction: Direction,
    ) -> DomainResult<CredentialView> {
        let txn = crate::db::write_transaction(&self.db).await?;
        let row = self.owned_row(&txn, owner, id).await?;
        let siblings = ordered(
            credentials::Entity::find()
                .filter(owned_by(owner))
                .filter(credentials::Column::ProviderId.eq(row.provider_id)),
        )
        .all(&txn)
        .await?;
        let at = siblings
            .iter()
            .position(|s| s.id == row.id)
            .ok_or(DomainError::NotFound)?;
        let neighbour = match direction {
            Direction::Up => at.checked_sub(1).and_then(|i| siblings.get(i)),
            Direction::Down => siblings.get(at + 1),
        };
        let Some(neighbour) = neighbour else {
            let provider = self.provider_of(&txn, &row).await?;
            return Ok(CredentialView::new(row, &provider));
        };
        let (mine, theirs) = match (neighbour.priority == row.priority, direction) {
            (false, _) => (neighbour.priority, row.priority),
            (true, Direction::Up) if row.priority > 0 => (row.priority - 1, neighbour.priority),
            (true, Direction::Up) => (row.priority, row.priority + 1),
            (true, Direction::Down) if row.priority < Priority::MAX => (row.priority + 1, neighbour.priority),
            (true, Direction::Down) => (row.priority, row.priority - 1),
        };
        set_priority(&txn, row.id, mine).await?;
        set_priority(&txn, neighbour.id, theirs).await?;
        let row = self.owned_row(&txn, owner, id).await?;
        let view = CredentialView::new(row.clone(), &self.provider_of(&txn, &row).await?);
        record(&txn, owner, AuditAction::CredentialReorder, &view, &["priority"]).await?;
        txn.commit().await?;
        Ok(view)
    }
}

async fn set_priority(db: &impl ConnectionTrait, id: Uuid, priority: i32) -> DomainResult<()> {
    credentials::Entity::update_many()
        .col_expr(credentials::Column::Priority, Expr::value(priority))
        .col_expr(credentials::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(credentials::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
