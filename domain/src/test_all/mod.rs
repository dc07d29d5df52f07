//! "Test all": every global credential of an enabled provider probed in the background
//! with bounded concurrency; progress and results kept in the database, so any instance
//! answers for them and a cancel reaches the one running it. One run at a time across
//! instances: the instance running it renews a short lease, and when that stops (a
//! crash) another instance adopts the run and tests what is left.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use uuid::Uuid;
use vocab::{CredentialId, Outcome, RunId, RunStatus, Scope};

use crate::access::{Admin, Owner};
use crate::credentials::ownership::in_scope;
use crate::credentials::CredentialService;
use crate::entities::{credentials, providers, test_run_results, test_runs};
use crate::error::{DomainError, DomainResult};
use crate::probe::ProbeReport;

const RUNNING: &str = RunStatus::Running.as_str();
const FINISHED: &str = RunStatus::Finished.as_str();
const CANCELLED: &str = RunStatus::Cancelled.as_str();

/// A result for a credential nothing was sent for (its secret no longer decrypts).
pub const NOT_TESTED: &str = "not_tested";

/// How long a run's lease lasts unless its instance renews it (every third of it).
const RUN_LEASE: Duration = Duration::seconds(6);

mod lease;

#[derive(Clone)]
pub struct TestAll {
    db: DatabaseConnection,
    credentials: CredentialService,
    concurrency: usize,
    /// This instance, as run rows name their owner.
    instance: String,
}

impl TestAll {
    pub fn new(
        db: DatabaseConnection,
        credentials: CredentialService,
        concurrency: usize,
        instance: String,
    ) -> Self {
        Self {
            db,
            credentials,
            concurrency: concurrency.max(1),
            instance,
        }
    }

    /// Starts a run, or returns the run already going (a second press, on any instance,
    /// joins it). A run whose instance stopped renewing its lease is adopted here.
    pub async fn start(&self, admin: &Admin) -> DomainResult<RunId> {
        let now = Utc::now();
        let txn = crate::db::write_transaction(&self.db).await?;
        // Two instances pressed at once would each see no run and start one.
        crate::db::serialize_on(&txn, crate::db::Serial::TestAllStart).await?;
        let running = test_runs::Entity::find()
            .filter(test_runs::Column::Status.eq(RUNNING))
            .order_by_desc(test_runs::Column::CreatedAt)
            .one(&txn)
            .await?;
        if let Some(run) = running {
            if run.lease_until.is_some_and(|until| until >= now) {
                return Ok(RunId::from_uuid(run.id));
            }
            txn.commit().await?;
            let id = RunId::from_uuid(run.id);
            self.adopt(run).await?;
            return Ok(id);
        }
        let targets = targets(&txn).await?;
        let id = Uuid::now_v7();
        test_runs::ActiveModel {
            id: Set(id),
            started_by: Set(Some(admin.user().id().uuid())),
            status: Set(if targets.is_empty() { FINISHED } else { RUNNING }.to_owned()),
            total: Set(i32::try_from(targets.len()).unwrap_or(i32::MAX)),
            done: Set(0),
            ok: Set(0),
            failed: Set(0),
            rate_limited: Set(0),
            created_at: Set(now),
            updated_at: Set(now),
            finished_at: Set(targets.is_empty().then_some(now)),
            owner: Set(Some(self.instance.clone())),
            lease_until: Set((!targets.is_empty()).then_some(now + RUN_LEASE)),
        }
        .insert(&txn)
        .await?;
        txn.commit().await?;
        if !targets.is_empty() {
            self.spawn_run(admin.clone(), id, targets);
        }
        Ok(RunId::from_uuid(id))
    }

    async fn run(self, admin: Admin, run: Uuid, targets: Vec<Uuid>) -> DomainResult<()> {
        let permits = Arc::new(Semaphore::new(self.concurrency));
        let mut tasks = JoinSet::new();
        for credential in targets {
            let (this, admin, permits) = (self.clone(), admin.clone(), permits.clone());
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                if this.is_cancelled(run).await? {
                    return Ok(());
                }
                this.test_one(&admin, run, credential).await
            });
        }
        while let Some(joined) = tasks.join_next().await {
            joined.map_err(DomainError::internal)??;
        }
        self.end(run, FINISHED).await
    }

    async fn test_one(&self, admin: &Admin, run: Uuid, credential: Uuid) -> DomainResult<()> {
        let owner = Owner::Admins(admin.clone());
        let id = CredentialId::from_uuid(credential);
        let view = match self.credentials.get(&owner, id).await {
            Ok(view) => view,
            // Deleted since the run started: counted as done, nothing to report.
            Err(DomainError::NotFound) => return self.advance(run, None).await,
            Err(other) => return Err(other),
        };
        let (outcome, report) = match self.credentials.test(&owner, id).await {
            Ok(report) => (report.outcome.as_str(), report),
            Err(DomainError::Internal(cause)) => {
                tracing::error!(%credential, %cause, "test all could not read a credential");
                let report = ProbeReport {
                    outcome: Outcome::BadResponse,
                    http_status: None,
                    latency_ms: 0,
                    model_count: None,
                    message: "the stored secret cannot be decrypted; replace its key".into(),
                    retry_after_secs: None,
                    tested_at: Utc::now(),
                };
                (NOT_TESTED, report)
            }
            Err(other) => return Err(other),
        };
        test_run_results::ActiveModel {
            id: Set(Uuid::now_v7()),
            run_id: Set(run),
            credential_id: Set(credential),
            credential_name: Set(view.name().to_owned()),
            provider: Set(view.provider_identifier.clone()),
            outcome: Set(outcome.to_owned()),
            http_status: Set(report.http_status.map(i32::from)),
            latency_ms: Set(i32::try_from(report.latency_ms).unwrap_or(i32::MAX)),
            model_count: Set(report.model_count.and_then(|n| i32::try_from(n).ok())),
            message: Set(report.message.clone()),
            tested_at: Set(report.tested_at),
        }
        .insert(&self.db)
        .await?;
        self.advance(run, Some(&report)).await
    }

    /// One more credential done, counted by how its probe ended.
    async fn advance(&self, run: Uuid, report: Option<&ProbeReport>) -> DomainResult<()> {
        let outcome = report.map(|r| r.outcome);
        let counter = |column: test_runs::Column, hit: bool| (column, Expr::col(column).add(i32::from(hit)));
        let counters = [
            counter(test_runs::Column::Done, true),
            counter(test_runs::Column::Ok, outcome == Some(Outcome::Ok)),
            counter(
                test_runs::Column::RateLimited,
                outcome == Some(Outcome::RateLimited),
            ),
            counter(
                test_runs::Column::Failed,
                outcome.is_some_and(|o| o != Outcome::Ok && o != Outcome::RateLimited),
            ),
        ];
        let mut update = test_runs::Entity::update_many()
            .col_expr(test_runs::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(test_runs::Column::Id.eq(run));
        for (column, value) in counters {
            update = update.col_expr(column, value);
        }
        update.exec(&self.db).await?;
        Ok(())
    }

    async fn is_cancelled(&self, run: Uuid) -> DomainResult<bool> {
        let status = test_runs::Entity::find_by_id(run).one(&self.db).await?;
        Ok(status.is_none_or(|r| r.status == CANCELLED))
    }

    /// A run's counters and its results so far, in the order they arrived.
    pub async fn progress(
        &self,
        _admin: &Admin,
        run: RunId,
    ) -> DomainResult<(test_runs::Model, Vec<test_run_results::Model>)> {
        let found = test_runs::Entity::find_by_id(run.uuid())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)?;
        let results = test_run_results::Entity::find()
            .filter(test_run_results::Column::RunId.eq(run.uuid()))
            .order_by_asc(test_run_results::Column::TestedAt)
            .order_by_asc(test_run_results::Column::Id)
            .all(&self.db)
            .await?;
        Ok((found, results))
    }

    /// Stops a running run: probes already sent finish, no new one starts.
    pub async fn cancel(&self, _admin: &Admin, run: RunId) -> DomainResult<()> {
        let found = test_runs::Entity::find_by_id(run.uuid())
            .one(&self.db)
            .await?
            .ok_or(DomainError::NotFound)?;
        if found.status != RUNNING {
            return Err(DomainError::conflict(
                "jobId",
                format!("this run is already {}", found.status),
            ));
        }
        self.end(run.uuid(), CANCELLED).await
    }

    /// Deletes ended runs (their results go with them) from before `cutoff`; returns how many.
    pub async fn prune(&self, cutoff: DateTime<Utc>) -> DomainResult<u64> {
        let deleted = test_runs::Entity::delete_many()
            .filter(test_runs::Column::CreatedAt.lt(cutoff))
            .filter(test_runs::Column::Status.ne(RUNNING))
            .exec(&self.db)
            .await?;
        Ok(deleted.rows_affected)
    }

    /// A running run ends as `status` (finished or cancelled); an ended one stays as it is.
    async fn end(&self, run: Uuid, status: &str) -> DomainResult<()> {
        test_runs::Entity::update_many()
            .col_expr(test_runs::Column::Status, Expr::value(status))
            .col_expr(test_runs::Column::FinishedAt, Expr::value(Utc::now()))
            .col_expr(
                test_runs::Column::LeaseUntil,
                Expr::value(Option::<DateTime<Utc>>::None),
            )
            .filter(test_runs::Column::Id.eq(run))
            .filter(test_runs::Column::Status.eq(RUNNING))
            .exec(&self.db)
            .await?;
        Ok(())
    }
}

/// Every global credential of an enabled provider, in the order a run tests them.
async fn targets(db: &impl ConnectionTrait) -> DomainResult<Vec<Uuid>> {
    Ok(credentials::Entity::find()
        .find_also_related(providers::Entity)
        .filter(in_scope(Scope::Global))
        .filter(providers::Column::Enabled.eq(true))
        .order_by_asc(credentials::Column::Priority)
        .order_by_asc(credentials::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|(row, _)| row.id)
        .collect())
}
