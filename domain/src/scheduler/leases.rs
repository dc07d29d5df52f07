//! Job leases in the database: a due job is taken by exactly one instance (an atomic
//! conditional UPDATE), so instances sharing one PostgreSQL never run it twice. Leases
//! are short and renewed while the work runs: an instance that dies stops renewing, and
//! another takes the job over within one lease.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set};

use vocab::{Job, JobStatus};

use crate::entities::scheduler_jobs;
use crate::error::DomainResult;

#[derive(Clone)]
pub struct Leases {
    db: DatabaseConnection,
    /// This instance, as lease rows name it.
    owner: String,
}

/// A lease this instance took: a due run, or a run taken over from an instance that
/// stopped renewing its lease (`from`).
#[derive(Debug, PartialEq, Eq)]
pub enum Taken {
    Due,
    TakenOver { from: String },
}

impl Leases {
    pub fn new(db: DatabaseConnection, owner: String) -> Self {
        Self { db, owner }
    }

    /// This instance's name in lease rows.
    pub fn owner(&self) -> &str {
        &self.owner
    }

    /// Takes `job` when it is due and nobody holds it, or when its holder stopped
    /// renewing (then at once: that run was cut short). The next run is set to `next`,
    /// and the lease lasts `lease` unless renewed.
    pub async fn try_take(
        &self,
        job: Job,
        next: DateTime<Utc>,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> DomainResult<Option<Taken>> {
        // A read first: instances poll often, and only a due job is worth a write.
        let existing = scheduler_jobs::Entity::find_by_id(job.as_str().to_owned())
            .one(&self.db)
            .await?;
        let Some(existing) = existing else {
            self.schedule_first(job, next).await?;
            return Ok(None);
        };
        let expired = existing.lease_until.is_some_and(|until| until < now);
        let abandoned = expired.then_some(existing.lease_owner.clone()).flatten();
        let free = existing.lease_until.is_none() || expired;
        if !free || (abandoned.is_none() && existing.next_run_at > now) {
            return Ok(None);
        }
        let mut take = scheduler_jobs::Entity::update_many()
            .col_expr(
                scheduler_jobs::Column::LeaseOwner,
                Expr::value(self.owner.clone()),
            )
            .col_expr(scheduler_jobs::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(scheduler_jobs::Column::LastStartedAt, Expr::value(now))
            .col_expr(scheduler_jobs::Column::NextRunAt, Expr::value(next))
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()));
        // The same condition as the read, so of two instances only one matches.
        take = match &abandoned {
            Some(from) => take
                .col_expr(scheduler_jobs::Column::TakenOverFrom, Expr::value(from.clone()))
                .filter(scheduler_jobs::Column::LeaseOwner.eq(from.clone()))
                .filter(scheduler_jobs::Column::LeaseUntil.lt(now)),
            None => take
                .col_expr(
                    scheduler_jobs::Column::TakenOverFrom,
                    Expr::value(Option::<String>::None),
                )
                .filter(scheduler_jobs::Column::NextRunAt.lte(now))
                .filter(
                    Condition::any()
                        .add(scheduler_jobs::Column::LeaseUntil.is_null())
                        .add(scheduler_jobs::Column::LeaseUntil.lt(now)),
                ),
        };
        let taken = take.exec(&self.db).await?;
        let taken_as = match abandoned {
            Some(from) => Taken::TakenOver { from },
            None => Taken::Due,
        };
        Ok((taken.rows_affected == 1).then_some(taken_as))
    }

    /// Extends this instance's lease on `job` to `lease` from now; `false` when it no
    /// longer holds it.
    pub async fn renew(&self, job: Job, lease: Duration) -> DomainResult<bool> {
        let renewed = scheduler_jobs::Entity::update_many()
            .col_expr(
                scheduler_jobs::Column::LeaseUntil,
                Expr::value(Utc::now() + lease),
            )
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()))
            .filter(scheduler_jobs::Column::LeaseOwner.eq(self.owner.clone()))
            .exec(&self.db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }

    /// Frees every lease this instance holds on a clean stop: each cut-short run is
    /// marked interrupted and due again at once, so the next instance redoes it.
    pub async fn release_all(&self) -> DomainResult<u64> {
        let now = Utc::now();
        let error = format!("instance {} stopped during the run", self.owner);
        let released = self
            .end_leases(now, JobStatus::Interrupted, Some(error))
            .col_expr(scheduler_jobs::Column::NextRunAt, Expr::value(now))
            .exec(&self.db)
            .await?;
        Ok(released.rows_affected)
    }

    /// The job's row, its first run one interval away: a restart does not probe every
    /// key at once. Another instance may have written it first; that is fine.
    async fn schedule_first(&self, job: Job, at: DateTime<Utc>) -> DomainResult<()> {
        let row = scheduler_jobs::ActiveModel {
            name: Set(job.as_str().to_owned()),
            lease_owner: Set(None),
            lease_until: Set(None),
            next_run_at: Set(at),
            last_started_at: Set(None),
            last_finished_at: Set(None),
            last_status: Set(None),
            last_error: Set(None),
            last_duration_ms: Set(None),
            runs: Set(0),
            taken_over_from: Set(None),
        };
        scheduler_jobs::Entity::insert(row)
            .on_conflict_do_nothing_on([scheduler_jobs::Column::Name])
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Records the run and frees the lease (only this instance's).
    pub async fn finish(
        &self,
        job: Job,
        status: JobStatus,
        error: Option<String>,
        started: DateTime<Utc>,
    ) -> DomainResult<()> {
        let now = Utc::now();
        let millis = i32::try_from((now - started).num_milliseconds()).unwrap_or(i32::MAX);
        crate::metrics::scheduler_run(job, status);
        self.end_leases(now, status, error)
            .col_expr(scheduler_jobs::Column::LastDurationMs, Expr::value(millis))
            .col_expr(
                scheduler_jobs::Column::Runs,
                Expr::col(scheduler_jobs::Column::Runs).add(1),
            )
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    /// Lets go of the leases this instance holds (the caller narrows it to one job), and
    /// records how their runs ended.
    fn end_leases(
        &self,
        now: DateTime<Utc>,
        status: JobStatus,
        error: Option<String>,
    ) -> sea_orm::UpdateMany<scheduler_jobs::Entity> {
        scheduler_jobs::Entity::update_many()
            .col_expr(
                scheduler_jobs::Column::LeaseOwner,
                Expr::value(Option::<String>::None),
            )
            .col_expr(
                scheduler_jobs::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .col_expr(scheduler_jobs::Column::LastFinishedAt, Expr::value(now))
            .col_expr(scheduler_jobs::Column::LastStatus, Expr::value(status.as_str()))
            .col_expr(scheduler_jobs::Column::LastError, Expr::value(error))
            .filter(scheduler_jobs::Column::LeaseOwner.eq(self.owner.clone()))
    }

    /// Makes `job` due at `now`, so the next instance to look runs it (within its poll);
    /// a run under way is left alone. `false` when it was running.
    pub async fn bring_forward(&self, job: Job, now: DateTime<Utc>) -> DomainResult<bool> {
        self.schedule_first(job, now).await?;
        let moved = scheduler_jobs::Entity::update_many()
            .col_expr(scheduler_jobs::Column::NextRunAt, Expr::value(now))
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()))
            .filter(
                Condition::any()
                    .add(scheduler_jobs::Column::LeaseUntil.is_null())
                    .add(scheduler_jobs::Column::LeaseUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(moved.rows_affected == 1)
    }

    pub async fn list(&self) -> DomainResult<Vec<scheduler_jobs::Model>> {
        Ok(scheduler_jobs::Entity::find()
            .order_by_asc(scheduler_jobs::Column::Name)
            .all(&self.db)
            .await?)
    }
}
