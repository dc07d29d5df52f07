use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "request_logs")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub credential_id: Option<Uuid>,
    pub provider_id: Option<Uuid>,
    pub user_id: Option<Uuid>,
    pub token_id: Option<Uuid>,
    pub kind: String,
    pub status: String,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    pub model: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTimeUtc,
    /// The gateway request this attempt belongs to (attempts of one request share it).
    pub request_id: Option<String>,
    /// Time to the first byte of the answer.
    pub ttfb_ms: Option<i32>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
    /// `chat`, `embeddings` or `messages` for a gateway attempt.
    pub endpoint: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
