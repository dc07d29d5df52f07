//! Health checks: when and how a credential was disabled by them, its own failure count
//! before that, the scheduler's job leases, "test all" runs with their results, and the
//! indexes the per-provider figures and the credential lists read.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite adds one column per ALTER TABLE.
        for column in [
            timestamp_with_time_zone_null(Credentials::DisabledAt),
            integer_null(Credentials::AutoDisableAfter),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Credentials::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(SchedulerJobs::Table)
                    .col(string_len(SchedulerJobs::Name, 64).primary_key())
                    .col(string_len_null(SchedulerJobs::LeaseOwner, 64))
                    .col(timestamp_with_time_zone_null(SchedulerJobs::LeaseUntil))
                    .col(timestamp_with_time_zone(SchedulerJobs::NextRunAt))
                    .col(timestamp_with_time_zone_null(SchedulerJobs::LastStartedAt))
                    .col(timestamp_with_time_zone_null(SchedulerJobs::LastFinishedAt))
                    .col(string_len_null(SchedulerJobs::LastStatus, 16))
                    .col(text_null(SchedulerJobs::LastError))
                    .col(integer_null(SchedulerJobs::LastDurationMs))
                    .col(integer(SchedulerJobs::Runs).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TestRuns::Table)
                    .col(pk_uuid(TestRuns::Id))
                    .col(uuid_null(TestRuns::StartedBy))
                    .col(string_len(TestRuns::Status, 16))
                    .col(integer(TestRuns::Total))
                    .col(integer(TestRuns::Done).default(0))
                    .col(integer(TestRuns::Ok).default(0))
                    .col(integer(TestRuns::Failed).default(0))
                    .col(integer(TestRuns::RateLimited).default(0))
                    .col(timestamp_with_time_zone(TestRuns::CreatedAt))
                    .col(timestamp_with_time_zone(TestRuns::UpdatedAt))
                    .col(timestamp_with_time_zone_null(TestRuns::FinishedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(TestRunResults::Table)
                    .col(pk_uuid(TestRunResults::Id))
                    .col(uuid(TestRunResults::RunId))
                    .col(uuid(TestRunResults::CredentialId))
                    .col(string(TestRunResults::CredentialName))
                    .col(string(TestRunResults::Provider))
                    .col(string_len(TestRunResults::Outcome, 32))
                    .col(integer_null(TestRunResults::HttpStatus))
                    .col(integer(TestRunResults::LatencyMs))
                    .col(integer_null(TestRunResults::ModelCount))
                    .col(text(TestRunResults::Message))
                    .col(timestamp_with_time_zone(TestRunResults::TestedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(TestRunResults::Table, TestRunResults::RunId)
                            .to(TestRuns::Table, TestRuns::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_test_run_results_run")
                    .table(TestRunResults::Table)
                    .col(TestRunResults::RunId)
                    .col(TestRunResults::TestedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_credentials_scope_priority")
                    .table(Credentials::Table)
                    .col(Credentials::Scope)
                    .col(Credentials::Priority)
                    .col(Credentials::Name)
                    .col(Credentials::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_logs_provider_created")
                    .table(RequestLogs::Table)
                    .col(RequestLogs::ProviderId)
                    .col(RequestLogs::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for index in [
            "idx_request_logs_provider_created",
            "idx_credentials_scope_priority",
        ] {
            manager.drop_index(Index::drop().name(index).to_owned()).await?;
        }
        for table in [
            TestRunResults::Table.into_iden(),
            TestRuns::Table.into_iden(),
            SchedulerJobs::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        for column in [Credentials::AutoDisableAfter, Credentials::DisabledAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Credentials::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Id,
    Name,
    Scope,
    Priority,
    DisabledAt,
    AutoDisableAfter,
}

#[derive(DeriveIden)]
enum SchedulerJobs {
    Table,
    Name,
    LeaseOwner,
    LeaseUntil,
    NextRunAt,
    LastStartedAt,
    LastFinishedAt,
    LastStatus,
    LastError,
    LastDurationMs,
    Runs,
}

#[derive(DeriveIden)]
enum TestRuns {
    Table,
    Id,
    StartedBy,
    Status,
    Total,
    Done,
    Ok,
    Failed,
    RateLimited,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum TestRunResults {
    Table,
    Id,
    RunId,
    CredentialId,
    CredentialName,
    Provider,
    Outcome,
    HttpStatus,
    LatencyMs,
    ModelCount,
    Message,
    TestedAt,
}

#[derive(DeriveIden)]
enum RequestLogs {
    Table,
    ProviderId,
    CreatedAt,
}
