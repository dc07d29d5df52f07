//! Job leases in the database: a due job is taken by exactly one instance (an atomic
//! conditional UPDATE), so instances sharing one PostgreSQL never run it twice.

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

impl Leases {
    pub fn new(db: DatabaseConnection, owner: String) -> Self {
        Self { db, owner }
    }

    /// Takes `job` when it is due and nobody holds it; the next run is set `interval`
    /// from now at once, and the lease lasts `lease` (a crashed holder frees it then).
    pub async fn try_take(
        &self,
        job: Job,
        interval: Duration,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> DomainResult<bool> {
        // A read first: instances poll often, and only a due job is worth a write.
        let existing = scheduler_jobs::Entity::find_by_id(job.as_str().to_owned())
            .one(&self.db)
            .await?;
        let Some(existing) = existing else {
            self.schedule_first(job, now + interval).await?;
            return Ok(false);
        };
        if existing.next_run_at > now || existing.lease_until.is_some_and(|until| until >= now) {
            return Ok(false);
        }
        let taken = scheduler_jobs::Entity::update_many()
            .col_expr(
                scheduler_jobs::Column::LeaseOwner,
                Expr::value(self.owner.clone()),
            )
            .col_expr(scheduler_jobs::Column::LeaseUntil, Expr::value(now + lease))
            .col_expr(scheduler_jobs::Column::LastStartedAt, Expr::value(now))
            .col_expr(scheduler_jobs::Column::NextRunAt, Expr::value(now + interval))
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()))
            .filter(scheduler_jobs::Column::NextRunAt.lte(now))
            .filter(
                Condition::any()
                    .add(scheduler_jobs::Column::LeaseUntil.is_null())
                    .add(scheduler_jobs::Column::LeaseUntil.lt(now)),
            )
            .exec(&self.db)
            .await?;
        Ok(taken.rows_affected == 1)
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
            .col_expr(scheduler_jobs::Column::LastDurationMs, Expr::value(millis))
            .col_expr(
                scheduler_jobs::Column::Runs,
                Expr::col(scheduler_jobs::Column::Runs).add(1),
            )
            .filter(scheduler_jobs::Column::Name.eq(job.as_str()))
            .filter(scheduler_jobs::Column::LeaseOwner.eq(self.owner.clone()))
            .exec(&self.db)
            .await?;
        Ok(())
    }

    pub async fn list(&self) -> DomainResult<Vec<scheduler_jobs::Model>> {
        Ok(scheduler_jobs::Entity::find()
            .order_by_asc(scheduler_jobs::Column::Name)
            .all(&self.db)
            .await?)
    }
}
