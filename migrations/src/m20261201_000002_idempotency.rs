//! `Idempotency-Key`: the first answer to a create, kept for a day, so a retry after an
//! unclear answer gets the same answer instead of making a second row.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(string(IdempotencyKeys::Caller))
                    .col(string(IdempotencyKeys::Key))
                    .col(string(IdempotencyKeys::Request))
                    .col(integer_null(IdempotencyKeys::Status))
                    .col(string_null(IdempotencyKeys::ContentType))
                    .col(text_null(IdempotencyKeys::Body))
                    .col(integer_null(IdempotencyKeys::KeyVersion))
                    .col(timestamp_with_time_zone(IdempotencyKeys::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(IdempotencyKeys::Caller)
                            .col(IdempotencyKeys::Key),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IdempotencyKeys::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Caller,
    Key,
    Request,
    Status,
    ContentType,
    Body,
    KeyVersion,
    CreatedAt,
}
