use sea_orm::entity::prelude::*;

/// One credential's result within a "test all" run.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "test_run_results")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub run_id: Uuid,
    pub credential_id: Uuid,
    pub credential_name: String,
    /// The provider's identifier.
    pub provider: String,
    pub outcome: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    pub model_count: Option<i32>,
    pub message: String,
    pub tested_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
