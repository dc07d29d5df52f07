//! The gateway: tokens' allow-lists and rate limit, per-attempt detail on request logs,
//! tokens in the hourly figures, daily usage per credential, token and user, the shared
//! rate-limit state, and the change counter every instance watches.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        columns::add(manager, added()).await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_request_logs_request_id")
                    .table(RequestLogs::Table)
                    .col(RequestLogs::RequestId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsageDaily::Table)
                    .col(string(UsageDaily::Day))
                    .col(uuid(UsageDaily::CredentialId))
                    .col(uuid(UsageDaily::TokenId))
                    .col(uuid(UsageDaily::UserId))
                    .col(big_integer(UsageDaily::Requests).default(0))
                    .col(big_integer(UsageDaily::PromptTokens).default(0))
                    .col(big_integer(UsageDaily::CompletionTokens).default(0))
                    .primary_key(
                        Index::create()
                            .col(UsageDaily::Day)
                            .col(UsageDaily::CredentialId)
                            .col(UsageDaily::TokenId)
                            .col(UsageDaily::UserId),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_usage_daily_user_day")
                    .table(UsageDaily::Table)
                    .col(UsageDaily::UserId)
                    .col(UsageDaily::Day)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RateLimits::Table)
                    .col(string(RateLimits::Key).primary_key())
                    .col(big_integer(RateLimits::TatUs))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChangeCounter::Table)
                    .col(integer(ChangeCounter::Id).primary_key())
                    .col(big_integer(ChangeCounter::Generation).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(ChangeCounter::Table)
                    .columns([ChangeCounter::Id, ChangeCounter::Generation])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChangeCounter::Table.into_iden(),
            RateLimits::Table.into_iden(),
            UsageDaily::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("idx_request_logs_request_id")
                    .table(RequestLogs::Table)
                    .to_owned(),
            )
            .await?;
        columns::drop(manager, added()).await?;
        Ok(())
    }
}

/// The columns this migration adds to existing tables.
fn added() -> Vec<(DynIden, ColumnDef)> {
    vec![
        (ApiTokens::Table.into_iden(), json_null(ApiTokens::AllowedModels)),
        (
            ApiTokens::Table.into_iden(),
            json_null(ApiTokens::AllowedProviders),
        ),
        (
            ApiTokens::Table.into_iden(),
            integer_null(ApiTokens::RateLimitPerMinute),
        ),
        (
            RequestLogs::Table.into_iden(),
            string_null(RequestLogs::RequestId),
        ),
        (RequestLogs::Table.into_iden(), integer_null(RequestLogs::TtfbMs)),
        (
            RequestLogs::Table.into_iden(),
            integer_null(RequestLogs::PromptTokens),
        ),
        (
            RequestLogs::Table.into_iden(),
            integer_null(RequestLogs::CompletionTokens),
        ),
        (RequestLogs::Table.into_iden(), string_null(RequestLogs::Endpoint)),
        (
            RequestStats::Table.into_iden(),
            big_integer(RequestStats::Tokens).default(0).to_owned(),
        ),
    ]
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    AllowedModels,
    AllowedProviders,
    RateLimitPerMinute,
}

#[derive(DeriveIden)]
enum RequestLogs {
    Table,
    RequestId,
    TtfbMs,
    PromptTokens,
    CompletionTokens,
    /// `chat`, `embeddings` or `messages` for a gateway attempt.
    Endpoint,
}

#[derive(DeriveIden)]
enum RequestStats {
    Table,
    Tokens,
}

#[derive(DeriveIden)]
enum UsageDaily {
    Table,
    Day,
    CredentialId,
    TokenId,
    UserId,
    Requests,
    PromptTokens,
    CompletionTokens,
}

#[derive(DeriveIden)]
enum RateLimits {
    Table,
    Key,
    TatUs,
}

#[derive(DeriveIden)]
enum ChangeCounter {
    Table,
    Id,
    Generation,
}
