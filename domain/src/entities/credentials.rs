use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "credentials")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub name: String,
    pub provider_id: Uuid,
    pub scope: String,
    pub owner_id: Option<Uuid>,
    pub secret_fields: Json,
    pub plain_fields: Json,
    pub key_version: i32,
    pub hint: String,
    pub endpoint_override: Option<String>,
    /// Where the secret was saved to be sent (its origin is what counts); it goes nowhere else.
    pub bound_origin: Option<String>,
    pub priority: i32,
    pub weight: i32,
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub rate_limit_per_minute: Option<i32>,
    pub monthly_quota: Option<i64>,
    pub usage_count: i64,
    pub current_month_usage: i64,
    pub usage_month: Option<String>,
    pub last_used_at: Option<DateTimeUtc>,
    pub last_test_status: Option<String>,
    pub last_test_latency_ms: Option<i32>,
    pub last_test_at: Option<DateTimeUtc>,
    pub last_test_error: Option<String>,
    pub consecutive_failures: i32,
    pub cooldown_until: Option<DateTimeUtc>,
    /// When the health checks disabled it (`disabled_reason = health`).
    pub disabled_at: Option<DateTimeUtc>,
    /// Failures in a row before it is disabled; the setting's count when NULL.
    pub auto_disable_after: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::providers::Entity",
        from = "Column::ProviderId",
        to = "super::providers::Column::Id"
    )]
    Provider,
}

impl Related<super::providers::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Provider.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
