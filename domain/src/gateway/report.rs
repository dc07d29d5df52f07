//! What the gateway offers a caller (`GET /v1/models`) and what they used (`GET
//! /api/usage`).

use chrono::{Duration, NaiveDate, Utc};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, SimpleExpr};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use vocab::TokenId;

use super::caller::GatewayCaller;
use super::route::reachable_by;
use super::Gateway;
use crate::entities::usage_daily;
use crate::error::{DomainError, DomainResult};

/// A model the caller can reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelEntry {
    pub id: String,
    /// The provider that serves it first.
    pub owned_by: String,
    /// Every provider that can serve it for this caller, in order.
    pub providers: Vec<String>,
    pub created: i64,
}

/// Requests and tokens of one day.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UsageDay {
    pub day: String,
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageReport {
    pub from: String,
    pub to: String,
    pub total: UsageDay,
    /// Days with use, oldest first.
    pub days: Vec<UsageDay>,
}

impl Gateway {
    /// The enabled models the caller can reach through at least one usable credential
    /// (a cooldown or a spent quota passes; a disabled one does not), within its token's
    /// allow-lists.
    pub async fn models(&self, caller: &GatewayCaller) -> Vec<ModelEntry> {
        let table = self.table().await;
        let restrictions = caller.restrictions();
        let mut ids: Vec<&String> = table.by_model.keys().collect();
        ids.sort();
        let mut entries = Vec::new();
        for id in ids {
            if restrictions
                .models
                .as_ref()
                .is_some_and(|allowed| !allowed.contains(id))
            {
                continue;
            }
            let providers: Vec<String> = table.by_model[id]
                .iter()
                .filter_map(|provider_id| table.providers.get(provider_id))
                .filter(|provider| provider.enabled)
                .filter(|provider| {
                    restrictions
                        .providers
                        .as_ref()
                        .is_none_or(|allowed| allowed.contains(&provider.identifier))
                })
                .filter(|provider| {
                    table.routes.get(&provider.id).is_some_and(|routes| {
                        routes
                            .iter()
                            .any(|r| reachable_by(r, caller) && r.upstream.is_ok() && r.live().health.active)
                    })
                })
                .map(|provider| provider.identifier.clone())
                .collect();
            let Some(first) = providers.first().cloned() else {
                continue;
            };
            entries.push(ModelEntry {
                id: id.clone(),
                owned_by: first,
                providers,
                created: table.model_created.get(id).copied().unwrap_or(0),
            });
        }
        entries
    }

    /// The caller's gateway use over the last `days` days (today included): a session
    /// sees its user's use through every token and the UI, a token its own.
    ///
    /// # Errors
    /// `Validation` on `days` outside 1 to 366.
    pub async fn usage(&self, caller: &GatewayCaller, days: i64) -> DomainResult<UsageReport> {
        if !(1..=366).contains(&days) {
            return Err(DomainError::validation("days", "use 1 to 366"));
        }
        let to = Utc::now().date_naive();
        let from = to - Duration::days(days - 1);
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut query = usage_daily::Entity::find()
            .select_only()
            .column(usage_daily::Column::Day)
            .column_as(summed(usage_daily::Column::Requests), "requests")
            .column_as(summed(usage_daily::Column::PromptTokens), "prompt")
            .column_as(summed(usage_daily::Column::CompletionTokens), "completion")
            .filter(usage_daily::Column::Day.gte(day(from)))
            .filter(usage_daily::Column::Day.lte(day(to)))
            .group_by(usage_daily::Column::Day)
            .order_by_asc(usage_daily::Column::Day);
        query = match caller.token_id() {
            Some(token) => query.filter(usage_daily::Column::TokenId.eq(TokenId::uuid(token))),
            None => query.filter(usage_daily::Column::UserId.eq(caller.user().uuid())),
        };
        // (day, requests, prompt tokens, completion tokens)
        type Row = (String, Option<i64>, Option<i64>, Option<i64>);
        let rows: Vec<Row> = query.into_tuple().all(&self.0.db).await?;
        let mut total = UsageDay::default();
        let days: Vec<UsageDay> = rows
            .into_iter()
            .map(|(day, requests, prompt, completion)| UsageDay {
                day,
                requests: requests.unwrap_or(0),
                prompt_tokens: prompt.unwrap_or(0),
                completion_tokens: completion.unwrap_or(0),
            })
            .inspect(|d| {
                total.requests += d.requests;
                total.prompt_tokens += d.prompt_tokens;
                total.completion_tokens += d.completion_tokens;
            })
            .collect();
        Ok(UsageReport {
            from: day(from),
            to: day(to),
            total,
            days,
        })
    }
}

/// `SUM(column)` as a BIGINT (PostgreSQL sums BIGINTs into NUMERIC).
fn summed(column: usage_daily::Column) -> SimpleExpr {
    Expr::col(column).sum().cast_as(Alias::new("BIGINT"))
}
