//! A run's lease: its instance renews it while it works; when that stops, another
//! instance adopts the run and tests what is left.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{targets, TestAll, FINISHED, RUNNING, RUN_LEASE};
use crate::access::{Admin, CurrentUser};
use crate::entities::{test_run_results, test_runs, users};
use crate::error::DomainResult;

impl TestAll {
    /// Adopts orphaned runs a few times per lease, for as long as the instance runs.
    pub async fn watch(self) {
        let every = (RUN_LEASE / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(2));
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(err) = self.adopt_orphans().await {
                tracing::warn!(%err, "could not look for test-all runs to adopt");
            }
        }
    }

    /// Adopts every running run whose instance stopped renewing its lease; called on
    /// every instance a few times per lease. Returns how many this instance adopted.
    pub async fn adopt_orphans(&self) -> DomainResult<usize> {
        let orphans = test_runs::Entity::find()
            .filter(test_runs::Column::Status.eq(RUNNING))
            .filter(
                Condition::any()
                    .add(test_runs::Column::LeaseUntil.is_null())
                    .add(test_runs::Column::LeaseUntil.lt(Utc::now())),
            )
            .all(&self.db)
            .await?;
        let mut adopted = 0;
        for run in orphans {
            adopted += usize::from(self.adopt(run).await?);
        }
        Ok(adopted)
    }

    /// Takes `run` over if its lease is still lapsed (one instance wins), then tests the
    /// credentials it had not reached, as whoever started it.
    pub(super) async fn adopt(&self, run: test_runs::Model) -> DomainResult<bool> {
        let now = Utc::now();
        let mut claim = test_runs::Entity::update_many()
            .col_expr(test_runs::Column::Owner, Expr::value(self.instance.clone()))
            .col_expr(test_runs::Column::LeaseUntil, Expr::value(now + RUN_LEASE))
            .col_expr(test_runs::Column::UpdatedAt, Expr::value(now))
            .filter(test_runs::Column::Id.eq(run.id))
            .filter(test_runs::Column::Status.eq(RUNNING));
        claim = match run.lease_until {
            Some(until) => claim.filter(test_runs::Column::LeaseUntil.eq(until)),
            None => claim.filter(test_runs::Column::LeaseUntil.is_null()),
        };
        if claim.exec(&self.db).await?.rows_affected != 1 {
            return Ok(false);
        }
        tracing::warn!(run = %run.id, from = ?run.owner, "adopted a test-all run whose instance stopped renewing its lease");
        let tested: Vec<Uuid> = test_run_results::Entity::find()
            .filter(test_run_results::Column::RunId.eq(run.id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|r| r.credential_id)
            .collect();
        let left = usize::try_from(run.total - run.done).unwrap_or(0);
        let rest: Vec<Uuid> = targets(&self.db)
            .await?
            .into_iter()
            .filter(|id| !tested.contains(id))
            .take(left)
            .collect();
        let starter = match run.started_by {
            Some(user) => starter(&self.db, user).await?,
            None => None,
        };
        match starter {
            Some(admin) if !rest.is_empty() => self.spawn_run(admin, run.id, rest),
            // Nothing left, or its admin is gone: the run ends with what it has.
            _ => self.end(run.id, FINISHED).await?,
        }
        Ok(true)
    }

    pub(super) fn spawn_run(&self, admin: Admin, id: Uuid, targets: Vec<Uuid>) {
        let this = self.clone();
        tokio::spawn(async move {
            if let Err(err) = this.run_renewing(admin, id, targets).await {
                tracing::error!(run = %id, %err, "test all stopped");
            }
        });
    }

    /// Runs while renewing the run's lease; stops sending probes when another instance
    /// took the run over (this one was presumed dead).
    async fn run_renewing(self, admin: Admin, run: Uuid, targets: Vec<Uuid>) -> DomainResult<()> {
        let every = (RUN_LEASE / 3)
            .to_std()
            .unwrap_or(std::time::Duration::from_secs(2));
        let mut beat = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        let work = self.clone().run(admin, run, targets);
        tokio::pin!(work);
        loop {
            tokio::select! {
                outcome = &mut work => return outcome,
                _ = beat.tick() => {
                    if !self.renew(run).await? {
                        tracing::warn!(run = %run, "another instance took this test-all run over");
                        return Ok(());
                    }
                }
            }
        }
    }

    /// Extends this instance's lease on `run`; `false` when it no longer holds it.
    async fn renew(&self, run: Uuid) -> DomainResult<bool> {
        let renewed = test_runs::Entity::update_many()
            .col_expr(test_runs::Column::LeaseUntil, Expr::value(Utc::now() + RUN_LEASE))
            .filter(test_runs::Column::Id.eq(run))
            .filter(test_runs::Column::Status.eq(RUNNING))
            .filter(test_runs::Column::Owner.eq(self.instance.clone()))
            .exec(&self.db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }

    /// On a clean stop: this instance's runs are left for another instance (or this one
    /// after its restart) to adopt at once.
    pub async fn release(&self) -> DomainResult<u64> {
        let released = test_runs::Entity::update_many()
            .col_expr(test_runs::Column::Owner, Expr::value(Option::<String>::None))
            .col_expr(
                test_runs::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(test_runs::Column::Status.eq(RUNNING))
            .filter(test_runs::Column::Owner.eq(self.instance.clone()))
            .exec(&self.db)
            .await?;
        Ok(released.rows_affected)
    }
}

/// The admin who started a run, if they still are one.
async fn starter(db: &impl ConnectionTrait, user: Uuid) -> DomainResult<Option<Admin>> {
    let Some(row) = users::Entity::find_by_id(user).one(db).await? else {
        return Ok(None);
    };
    if !row.active {
        return Ok(None);
    }
    Ok(CurrentUser::from_row(&row, None)?.require_admin().ok())
}
