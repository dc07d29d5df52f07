//! The first version of the whole data model in DESIGN.md.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in tables() {
            manager.create_table(table).await?;
        }
        for index in indexes() {
            manager.create_index(index).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Reverse creation order so foreign keys never point at a dropped table.
        for name in TABLE_NAMES.iter().rev() {
            manager
                .drop_table(Table::drop().table(Alias::new(*name)).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

const TABLE_NAMES: [&str; 12] = [
    "users",
    "sessions",
    "login_throttles",
    "app_settings",
    "provider_templates",
    "providers",
    "models",
    "credentials",
    "request_logs",
    "api_tokens",
    "audit_events",
    "vault_keys",
];

fn created_updated(mut table: TableCreateStatement) -> TableCreateStatement {
    table
        .col(timestamp_with_time_zone(Alias::new("created_at")))
        .col(timestamp_with_time_zone(Alias::new("updated_at")));
    table
}

fn fk(from: (&str, &str), to: &str, on_delete: ForeignKeyAction) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{}_{}", from.0, from.1))
        .from(Alias::new(from.0), Alias::new(from.1))
        .to(Alias::new(to), Alias::new("id"))
        .on_delete(on_delete)
        .to_owned()
}

fn tables() -> Vec<TableCreateStatement> {
    vec![
        created_updated(
            Table::create()
                .table(Users::Table)
                .col(pk_uuid(Users::Id))
                .col(string_uniq(Users::Email))
                .col(string(Users::DisplayName))
                .col(string(Users::PasswordHash))
                .col(string_len(Users::Role, 16))
                .col(boolean(Users::Active))
                .col(timestamp_with_time_zone_null(Users::LastLoginAt))
                .to_owned(),
        ),
        Table::create()
            .table(Sessions::Table)
            .col(pk_uuid(Sessions::Id))
            .col(string_uniq(Sessions::TokenHash))
            .col(uuid(Sessions::UserId))
            .col(timestamp_with_time_zone(Sessions::CreatedAt))
            .col(timestamp_with_time_zone(Sessions::LastSeenAt))
            .col(timestamp_with_time_zone(Sessions::IdleExpiresAt))
            .col(timestamp_with_time_zone(Sessions::AbsoluteExpiresAt))
            .col(string_null(Sessions::Ip))
            .col(string_null(Sessions::UserAgent))
            .foreign_key(&mut fk(
                ("sessions", "user_id"),
                "users",
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        Table::create()
            .table(LoginThrottles::Table)
            .col(string(LoginThrottles::Key).primary_key())
            .col(integer(LoginThrottles::Failures))
            .col(timestamp_with_time_zone(LoginThrottles::LastFailureAt))
            .col(timestamp_with_time_zone_null(LoginThrottles::LockedUntil))
            .to_owned(),
        Table::create()
            .table(AppSettings::Table)
            .col(string(AppSettings::Key).primary_key())
            .col(text(AppSettings::Value))
            .col(timestamp_with_time_zone(AppSettings::UpdatedAt))
            .to_owned(),
        created_updated(
            Table::create()
                .table(ProviderTemplates::Table)
                .col(pk_uuid(ProviderTemplates::Id))
                .col(string_uniq(ProviderTemplates::Key))
                .col(string(ProviderTemplates::Name))
                .col(text(ProviderTemplates::Description))
                .col(string_len(ProviderTemplates::AuthScheme, 32))
                .col(json(ProviderTemplates::Definition))
                .col(string_null(ProviderTemplates::DefaultBaseUrl))
                .col(boolean(ProviderTemplates::Builtin))
                .to_owned(),
        ),
        created_updated(
            Table::create()
                .table(Providers::Table)
                .col(pk_uuid(Providers::Id))
                .col(string_uniq(Providers::Identifier))
                .col(string(Providers::Name))
                .col(uuid(Providers::TemplateId))
                .col(string(Providers::BaseUrl))
                .col(boolean(Providers::IsSystem))
                .col(boolean(Providers::Enabled))
                .col(integer(Providers::DefaultPriority))
                .col(json(Providers::Settings))
                .foreign_key(&mut fk(
                    ("providers", "template_id"),
                    "provider_templates",
                    ForeignKeyAction::Restrict,
                ))
                .to_owned(),
        ),
        created_updated(
            Table::create()
                .table(Models::Table)
                .col(pk_uuid(Models::Id))
                .col(uuid(Models::ProviderId))
                .col(string(Models::ModelId))
                .col(string(Models::DisplayName))
                .col(boolean(Models::Enabled))
                .col(string_len(Models::Source, 16))
                .col(timestamp_with_time_zone_null(Models::LastSyncedAt))
                .foreign_key(&mut fk(
                    ("models", "provider_id"),
                    "providers",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ),
        created_updated(
            Table::create()
                .table(Credentials::Table)
                .col(pk_uuid(Credentials::Id))
                .col(string(Credentials::Name))
                .col(uuid(Credentials::ProviderId))
                .col(string_len(Credentials::Scope, 16))
                .col(uuid_null(Credentials::OwnerId))
                .col(json(Credentials::SecretFields))
                .col(json(Credentials::PlainFields))
                .col(integer(Credentials::KeyVersion))
                .col(string_len(Credentials::Hint, 8))
                .col(string_null(Credentials::EndpointOverride))
                .col(integer(Credentials::Priority))
                .col(integer(Credentials::Weight))
                .col(boolean(Credentials::Active))
                .col(string_len_null(Credentials::DisabledReason, 16))
                .col(integer_null(Credentials::RateLimitPerMinute))
                .col(big_integer_null(Credentials::MonthlyQuota))
                .col(big_integer(Credentials::UsageCount).default(0))
                .col(big_integer(Credentials::CurrentMonthUsage).default(0))
                .col(string_len_null(Credentials::UsageMonth, 7))
                .col(timestamp_with_time_zone_null(Credentials::LastUsedAt))
                .col(string_len_null(Credentials::LastTestStatus, 32))
                .col(integer_null(Credentials::LastTestLatencyMs))
                .col(timestamp_with_time_zone_null(Credentials::LastTestAt))
                .col(text_null(Credentials::LastTestError))
                .col(integer(Credentials::ConsecutiveFailures).default(0))
                .col(timestamp_with_time_zone_null(Credentials::CooldownUntil))
                .foreign_key(&mut fk(
                    ("credentials", "provider_id"),
                    "providers",
                    ForeignKeyAction::Restrict,
                ))
                .foreign_key(&mut fk(
                    ("credentials", "owner_id"),
                    "users",
                    ForeignKeyAction::Cascade,
                ))
                .to_owned(),
        ),
        Table::create()
            .table(RequestLogs::Table)
            .col(pk_uuid(RequestLogs::Id))
            .col(uuid_null(RequestLogs::CredentialId))
            .col(uuid_null(RequestLogs::ProviderId))
            .col(uuid_null(RequestLogs::UserId))
            .col(uuid_null(RequestLogs::TokenId))
            .col(string_len(RequestLogs::Kind, 16))
            .col(string_len(RequestLogs::Status, 32))
            .col(integer_null(RequestLogs::HttpStatus))
            .col(integer(RequestLogs::LatencyMs))
            .col(string_null(RequestLogs::Model))
            .col(text_null(RequestLogs::Error))
            .col(timestamp_with_time_zone(RequestLogs::CreatedAt))
            .to_owned(),
        Table::create()
            .table(ApiTokens::Table)
            .col(pk_uuid(ApiTokens::Id))
            .col(string(ApiTokens::Name))
            .col(string_uniq(ApiTokens::TokenHash))
            .col(string_len(ApiTokens::Prefix, 16))
            .col(uuid(ApiTokens::OwnerId))
            .col(string_len(ApiTokens::Kind, 16))
            .col(json(ApiTokens::Scopes))
            .col(timestamp_with_time_zone(ApiTokens::CreatedAt))
            .col(timestamp_with_time_zone_null(ApiTokens::LastUsedAt))
            .col(timestamp_with_time_zone_null(ApiTokens::ExpiresAt))
            .col(timestamp_with_time_zone_null(ApiTokens::RevokedAt))
            .foreign_key(&mut fk(
                ("api_tokens", "owner_id"),
                "users",
                ForeignKeyAction::Cascade,
            ))
            .to_owned(),
        Table::create()
            .table(AuditEvents::Table)
            .col(pk_uuid(AuditEvents::Id))
            .col(big_integer_uniq(AuditEvents::Seq))
            .col(uuid_null(AuditEvents::ActorId))
            .col(string(AuditEvents::Action))
            .col(string_null(AuditEvents::Target))
            .col(json(AuditEvents::Details))
            .col(string_null(AuditEvents::Ip))
            .col(timestamp_with_time_zone(AuditEvents::CreatedAt))
            .col(string_len(AuditEvents::PrevHash, 64))
            .col(string_len(AuditEvents::Hash, 64))
            .to_owned(),
        Table::create()
            .table(VaultKeys::Table)
            .col(integer(VaultKeys::Version).primary_key())
            .col(text(VaultKeys::WrappedKey))
            .col(text(VaultKeys::Canary))
            .col(string_len(VaultKeys::State, 16))
            .col(timestamp_with_time_zone(VaultKeys::CreatedAt))
            .to_owned(),
    ]
}

fn index(name: &str, table: impl IntoIden, columns: &[&str], unique: bool) -> IndexCreateStatement {
    let mut statement = Index::create();
    statement.name(name).table(table);
    for column in columns {
        statement.col(Alias::new(*column));
    }
    if unique {
        statement.unique();
    }
    statement.to_owned()
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index("idx_sessions_user", Sessions::Table, &["user_id"], false),
        index(
            "idx_models_provider_model",
            Models::Table,
            &["provider_id", "model_id"],
            true,
        ),
        index(
            "idx_credentials_provider_priority",
            Credentials::Table,
            &["provider_id", "priority"],
            false,
        ),
        index("idx_credentials_owner", Credentials::Table, &["owner_id"], false),
        index(
            "idx_request_logs_created",
            RequestLogs::Table,
            &["created_at"],
            false,
        ),
        index(
            "idx_request_logs_credential",
            RequestLogs::Table,
            &["credential_id", "created_at"],
            false,
        ),
        index("idx_api_tokens_owner", ApiTokens::Table, &["owner_id"], false),
        index(
            "idx_audit_events_created",
            AuditEvents::Table,
            &["created_at"],
            false,
        ),
    ]
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    Email,
    DisplayName,
    PasswordHash,
    Role,
    Active,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    TokenHash,
    UserId,
    CreatedAt,
    LastSeenAt,
    IdleExpiresAt,
    AbsoluteExpiresAt,
    Ip,
    UserAgent,
}

#[derive(DeriveIden)]
enum LoginThrottles {
    Table,
    Key,
    Failures,
    LastFailureAt,
    LockedUntil,
}

#[derive(DeriveIden)]
enum AppSettings {
    Table,
    Key,
    Value,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ProviderTemplates {
    Table,
    Id,
    Key,
    Name,
    Description,
    AuthScheme,
    Definition,
    DefaultBaseUrl,
    Builtin,
}

#[derive(DeriveIden)]
enum Providers {
    Table,
    Id,
    Identifier,
    Name,
    TemplateId,
    BaseUrl,
    IsSystem,
    Enabled,
    DefaultPriority,
    Settings,
}

#[derive(DeriveIden)]
enum Models {
    Table,
    Id,
    ProviderId,
    ModelId,
    DisplayName,
    Enabled,
    Source,
    LastSyncedAt,
}

#[derive(DeriveIden)]
enum Credentials {
    Table,
    Id,
    Name,
    ProviderId,
    Scope,
    OwnerId,
    SecretFields,
    PlainFields,
    KeyVersion,
    Hint,
    EndpointOverride,
    Priority,
    Weight,
    Active,
    DisabledReason,
    RateLimitPerMinute,
    MonthlyQuota,
    UsageCount,
    CurrentMonthUsage,
    UsageMonth,
    LastUsedAt,
    LastTestStatus,
    LastTestLatencyMs,
    LastTestAt,
    LastTestError,
    ConsecutiveFailures,
    CooldownUntil,
}

#[derive(DeriveIden)]
enum RequestLogs {
    Table,
    Id,
    CredentialId,
    ProviderId,
    UserId,
    TokenId,
    Kind,
    Status,
    HttpStatus,
    LatencyMs,
    Model,
    Error,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    Id,
    Name,
    TokenHash,
    Prefix,
    OwnerId,
    Kind,
    Scopes,
    CreatedAt,
    LastUsedAt,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum AuditEvents {
    Table,
    Id,
    Seq,
    ActorId,
    Action,
    Target,
    Details,
    Ip,
    CreatedAt,
    PrevHash,
    Hash,
}

#[derive(DeriveIden)]
enum VaultKeys {
    Table,
    Version,
    WrappedKey,
    Canary,
    State,
    CreatedAt,
}
