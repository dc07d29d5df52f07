use sea_orm::entity::prelude::*;

/// How many requests to a provider took `latency_ms` in one UTC hour, and how many of
/// them succeeded: the overview's figures, exact, without reading every log row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_stats")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub hour: DateTimeUtc,
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub latency_ms: i32,
    pub requests: i64,
    pub ok: i64,
    /// Prompt and completion tokens of these requests.
    pub tokens: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
