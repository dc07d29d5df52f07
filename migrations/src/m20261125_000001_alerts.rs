//! Alerts: webhook targets and their delivery log; and the overview's per-provider
//! figures: request counts per provider, hour and latency, kept as each request is
//! logged (filled here from the logs already kept), so the dashboard reads thousands of
//! rows where the logs hold millions.

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
                    .table(Webhooks::Table)
                    .col(pk_uuid(Webhooks::Id))
                    .col(text(Webhooks::Url))
                    .col(string_len(Webhooks::Kind, 16))
                    .col(boolean(Webhooks::Enabled))
                    .col(text(Webhooks::Events))
                    .col(text_null(Webhooks::Secret))
                    .col(integer_null(Webhooks::SecretKeyVersion))
                    .col(timestamp_with_time_zone(Webhooks::CreatedAt))
                    .col(timestamp_with_time_zone(Webhooks::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(WebhookDeliveries::Table)
                    .col(pk_uuid(WebhookDeliveries::Id))
                    .col(uuid(WebhookDeliveries::WebhookId))
                    .col(string_len(WebhookDeliveries::Event, 64))
                    .col(text(WebhookDeliveries::Payload))
                    .col(string_len(WebhookDeliveries::Status, 16))
                    .col(integer(WebhookDeliveries::Attempts).default(0))
                    .col(timestamp_with_time_zone(WebhookDeliveries::NextAttemptAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::LeaseUntil))
                    .col(integer_null(WebhookDeliveries::ResponseStatus))
                    .col(integer_null(WebhookDeliveries::LatencyMs))
                    .col(text_null(WebhookDeliveries::LastError))
                    .col(timestamp_with_time_zone(WebhookDeliveries::CreatedAt))
                    .col(timestamp_with_time_zone_null(WebhookDeliveries::FinishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(WebhookDeliveries::Table, WebhookDeliveries::WebhookId)
                            .to(Webhooks::Table, Webhooks::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_due")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::Status)
                    .col(WebhookDeliveries::NextAttemptAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_webhook_deliveries_webhook")
                    .table(WebhookDeliveries::Table)
                    .col(WebhookDeliveries::WebhookId)
                    .col(WebhookDeliveries::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(RequestStats::Table)
                    .col(timestamp_with_time_zone(RequestStats::Hour))
                    .col(uuid(RequestStats::ProviderId))
                    .col(integer(RequestStats::LatencyMs))
                    .col(big_integer(RequestStats::Requests))
                    .col(big_integer(RequestStats::Ok))
                    .primary_key(
                        Index::create()
                            .col(RequestStats::Hour)
                            .col(RequestStats::ProviderId)
                            .col(RequestStats::LatencyMs),
                    )
                    .to_owned(),
            )
            .await?;
        // The logs kept so far, hour by hour (SQLite keeps RFC 3339 text in UTC).
        let hour = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Postgres => {
                "date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'"
            }
            _ => "substr(created_at, 1, 13) || ':00:00+00:00'",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "INSERT INTO request_stats (hour, provider_id, latency_ms, requests, ok) \
                 SELECT {hour}, provider_id, latency_ms, COUNT(*), \
                   SUM(CASE WHEN status = 'ok' THEN 1 ELSE 0 END) \
                 FROM request_logs WHERE provider_id IS NOT NULL \
                 GROUP BY {hour}, provider_id, latency_ms"
            ))
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RequestStats::Table.into_iden(),
            WebhookDeliveries::Table.into_iden(),
            Webhooks::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Webhooks {
    Table,
    Id,
    Url,
    Kind,
    Enabled,
    Events,
    Secret,
    SecretKeyVersion,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum WebhookDeliveries {
    Table,
    Id,
    WebhookId,
    Event,
    Payload,
    Status,
    Attempts,
    NextAttemptAt,
    LeaseUntil,
    ResponseStatus,
    LatencyMs,
    LastError,
    CreatedAt,
    FinishedAt,
}

#[derive(DeriveIden)]
enum RequestStats {
    Table,
    Hour,
    ProviderId,
    LatencyMs,
    Requests,
    Ok,
}
