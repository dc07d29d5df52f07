use sea_orm::entity::prelude::*;

/// A webhook target; `secret` is sealed by the vault (field `signing_secret`) and signs
/// each delivery, `events` is a JSON list of the event names it receives.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "webhooks")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub url: String,
    pub kind: String,
    pub enabled: bool,
    pub events: String,
    pub secret: Option<String>,
    pub secret_key_version: Option<i32>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
