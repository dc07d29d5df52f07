//! Telling every instance that something the gateway routes by has changed. A use case
//! announces its change inside its transaction, by raising the one counter row every
//! instance watches, so the signal commits (or rolls back) with the change itself; this
//! process also hears of it at once, without waiting for its next look at the row.

use std::sync::{LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant};

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tokio::sync::Notify;

use crate::entities::change_counter;
use crate::error::DomainResult;

/// The counter's one row.
const ROW: i32 = 1;

/// How long after this process announces a change its readers compare their copy with
/// the committed counter before answering; later, the watcher (which reads the counter
/// more often than that) has seen the change commit.
const RECENT: Duration = Duration::from_secs(2);

/// When this process last announced a change (committed or not).
static LAST_ANNOUNCED: Mutex<Option<Instant>> = Mutex::new(None);
static WAKE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// Records, in the caller's transaction, that routing data changed.
pub async fn announce(txn: &impl ConnectionTrait) -> DomainResult<()> {
    change_counter::Entity::update_many()
        .col_expr(
            change_counter::Column::Generation,
            Expr::col(change_counter::Column::Generation).add(1),
        )
        .filter(change_counter::Column::Id.eq(ROW))
        .exec(txn)
        .await?;
    *LAST_ANNOUNCED.lock().unwrap_or_else(PoisonError::into_inner) = Some(Instant::now());
    WAKE.notify_waiters();
    Ok(())
}

/// The committed generation: it differs from a copy's when anyone, anywhere, changed
/// something since that copy was read.
pub async fn generation(db: &impl ConnectionTrait) -> DomainResult<i64> {
    Ok(change_counter::Entity::find_by_id(ROW)
        .one(db)
        .await?
        .map_or(0, |row| row.generation))
}

/// Whether this process announced a change a moment ago. The change commits after its
/// announcement, so only the committed counter says whether a copy shows it: a copy
/// read in between does not, however recently it was read.
pub fn announced_recently() -> bool {
    LAST_ANNOUNCED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .is_some_and(|at| at.elapsed() < RECENT)
}

/// Resolves at this process's next announcement.
pub async fn next_announcement() {
    WAKE.notified().await;
}
