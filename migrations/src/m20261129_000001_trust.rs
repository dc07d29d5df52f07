//! Trust: whether a provider lets users point their connections elsewhere, and the origin
//! each credential's secret was saved for (a stored secret is sent nowhere else).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Providers::Table)
                    .add_column(boolean(Providers::AllowEndpointOverride).default(false))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Credentials::Table)
                    .add_column(text_null(Credentials::BoundOrigin))
                    .to_owned(),
            )
            .await?;
        // Existing secrets are bound to where they are sent today: the endpoint override,
        // else the template's endpoint field (Azure), else the provider's base URL. The
        // origin (scheme, host, port) is worked out by the application from this URL.
        let endpoint_field = match manager.get_database_backend() {
            DbBackend::Postgres => "plain_fields::jsonb ->> 'endpoint'",
            _ => "json_extract(plain_fields, '$.endpoint')",
        };
        let sql = format!(
            "UPDATE credentials SET bound_origin = COALESCE(NULLIF(endpoint_override, ''), \
             NULLIF({endpoint_field}, ''), \
             (SELECT base_url FROM providers WHERE providers.id = credentials.provider_id))"
        );
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Credentials::Table)
                    .drop_column(Credentials::BoundOrigin)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Providers::Table)
                    .drop_column(Providers::AllowEndpointOverride)
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Providers {
    Table,
    AllowEndpointOverride,
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    BoundOrigin,
}
