//! Short, renewed leases: a scheduled run records whose run it took over, and a "test all"
//! run has an owner that renews its lease, so another instance adopts it when that stops.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::add(manager, added()).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::drop(manager, added()).await
    }
}

fn added() -> Vec<(DynIden, ColumnDef)> {
    vec![
        (
            SchedulerJobs::Table.into_iden(),
            text_null(SchedulerJobs::TakenOverFrom),
        ),
        (TestRuns::Table.into_iden(), text_null(TestRuns::Owner)),
        (
            TestRuns::Table.into_iden(),
            timestamp_with_time_zone_null(TestRuns::LeaseUntil),
        ),
    ]
}

#[derive(DeriveIden)]
enum SchedulerJobs {
    Table,
    TakenOverFrom,
}

#[derive(DeriveIden)]
enum TestRuns {
    Table,
    Owner,
    LeaseUntil,
}
