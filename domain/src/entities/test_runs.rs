use sea_orm::entity::prelude::*;

/// One "test all": its progress counters and state (`running`, `finished`, `cancelled`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "test_runs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub started_by: Option<Uuid>,
    pub status: String,
    pub total: i32,
    pub done: i32,
    pub ok: i32,
    pub failed: i32,
    pub rate_limited: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    /// The instance running it, which renews `lease_until` while it works.
    pub owner: Option<String>,
    pub lease_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
