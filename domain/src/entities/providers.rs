use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "providers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub identifier: String,
    pub name: String,
    pub template_id: Uuid,
    pub base_url: String,
    pub is_system: bool,
    pub enabled: bool,
    pub default_priority: i32,
    pub settings: Json,
    /// Whether users' connections may override the base URL.
    pub allow_endpoint_override: bool,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::provider_templates::Entity",
        from = "Column::TemplateId",
        to = "super::provider_templates::Column::Id"
    )]
    Template,
}

impl Related<super::provider_templates::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Template.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
