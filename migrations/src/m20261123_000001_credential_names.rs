//! Credential names: unique among global credentials, and among one user's connections.
//! Partial indexes (both SQLite and PostgreSQL have them), since `owner_id` is NULL for
//! every global credential and NULLs never clash in a plain unique index.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEXES: [(&str, &str); 2] = [
    ("idx_credentials_global_name", "(name) WHERE scope = 'global'"),
    (
        "idx_credentials_personal_name",
        "(owner_id, name) WHERE scope = 'personal'",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, columns) in INDEXES {
            db.execute_unprepared(&format!("CREATE UNIQUE INDEX {name} ON credentials {columns}"))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for (name, _) in INDEXES {
            db.execute_unprepared(&format!("DROP INDEX IF EXISTS {name}"))
                .await?;
        }
        Ok(())
    }
}
