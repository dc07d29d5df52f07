//! An index for listing every user's connections by owner and name: without it SQLite
//! reads every personal connection through the scope index and sorts them all to return
//! the first 50.

use sea_orm_migration::prelude::*;

const INDEX: &str = "idx_credentials_scope_owner_name";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Credentials::Table)
                    .col(Credentials::Scope)
                    .col(Credentials::OwnerId)
                    .col(Credentials::Name)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name(INDEX).to_owned()).await
    }
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Scope,
    OwnerId,
    Name,
}
