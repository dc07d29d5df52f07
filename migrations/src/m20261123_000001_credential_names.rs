//! Credential names: unique among global credentials, and among one user's connections.
//! Partial indexes (both SQLite and PostgreSQL have them), since `owner_id` is NULL for
//! every global credential and NULLs never clash in a plain unique index. And the index
//! resolve reads by: a provider's global credentials, or one owner's connections to it.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str, bool); 3] = [
    (
        "idx_credentials_global_name",
        "(name) WHERE scope = 'global'",
        true,
    ),
    (
        "idx_credentials_personal_name",
        "(owner_id, name) WHERE scope = 'personal'",
        true,
    ),
    (
        "idx_credentials_provider_scope_owner",
        "(provider_id, scope, owner_id, priority)",
        false,
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns, unique) in INDEXES {
            let unique = if unique { "UNIQUE " } else { "" };
            db.execute_unprepared(&format!("CREATE {unique}INDEX {name} ON credentials {columns}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, ..) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
