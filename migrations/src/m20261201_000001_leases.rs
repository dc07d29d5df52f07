//! Short, renewed leases: a scheduled run records whose run it took over, and a "test all"
//! run has an owner that renews its lease, so another instance adopts it when that stops.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite's ALTER TABLE adds one at a time.
        let columns = [
            (
                SchedulerJobs::Table.into_iden(),
                text_null(SchedulerJobs::TakenOverFrom),
            ),
            (TestRuns::Table.into_iden(), text_null(TestRuns::Owner)),
            (
                TestRuns::Table.into_iden(),
                timestamp_with_time_zone_null(TestRuns::LeaseUntil),
            ),
        ];
        for (table, mut column) in columns {
            manager
                .alter_table(Table::alter().table(table).add_column(&mut column).to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let columns = [
            (
                SchedulerJobs::Table.into_iden(),
                SchedulerJobs::TakenOverFrom.into_iden(),
            ),
            (TestRuns::Table.into_iden(), TestRuns::Owner.into_iden()),
            (TestRuns::Table.into_iden(), TestRuns::LeaseUntil.into_iden()),
        ];
        for (table, column) in columns {
            manager
                .alter_table(Table::alter().table(table).drop_column(column).to_owned())
                .await?;
        }
        Ok(())
    }
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
