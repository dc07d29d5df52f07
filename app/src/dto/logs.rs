//! Request logs: what Switchyard sent to providers.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use vocab::{CredentialId, LogKind, Outcome, TokenId, UserId};

/// One request Switchyard sent to a provider: a test, a scheduled check, a gateway call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct RequestLogDto {
    pub id: Uuid,
    /// `probe` (a test), `health` (a scheduled check) or `gateway`.
    pub kind: LogKind,
    /// The outcome.
    pub status: Outcome,
    pub http_status: Option<i32>,
    pub latency_ms: i32,
    /// The provider's identifier.
    pub provider: Option<String>,
    pub credential_id: Option<CredentialId>,
    pub credential_name: Option<String>,
    pub user_id: Option<UserId>,
    pub model: Option<String>,
    pub error: Option<String>,
    pub created_at: DateTime<Utc>,
    /// The gateway request this attempt belongs to: attempts of one request share it.
    pub request_id: Option<String>,
    /// `chat`, `embeddings` or `messages`, for a gateway attempt.
    pub endpoint: Option<String>,
    pub token_id: Option<TokenId>,
    /// Milliseconds until the answer's first byte.
    pub ttfb_ms: Option<i32>,
    pub prompt_tokens: Option<i32>,
    pub completion_tokens: Option<i32>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;

    impl From<domain::logs::LogRecord> for RequestLogDto {
        fn from(record: domain::logs::LogRecord) -> Self {
            let row = record.row;
            Self {
                id: row.id,
                kind: LogKind::parse(&row.kind).unwrap_or(LogKind::Test),
                status: Outcome::parse(&row.status).unwrap_or(Outcome::BadResponse),
                http_status: row.http_status,
                latency_ms: row.latency_ms,
                provider: record.provider,
                credential_id: row.credential_id.map(CredentialId::from_uuid),
                credential_name: record.credential_name,
                user_id: row.user_id.map(UserId::from_uuid),
                model: row.model,
                error: row.error,
                created_at: row.created_at,
                request_id: row.request_id,
                endpoint: row.endpoint,
                token_id: row.token_id.map(TokenId::from_uuid),
                ttfb_ms: row.ttfb_ms,
                prompt_tokens: row.prompt_tokens,
                completion_tokens: row.completion_tokens,
            }
        }
    }
}
