//! The credentials workload: 10,000 credentials (80 global, the rest personal) and
//! 1,000 users written straight into the database, then `POST /api/resolve` at a fixed
//! 1,000 requests/s, and the credentials page at 50 concurrent and at fixed rates.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::{credentials, providers, users};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, Set, TransactionTrait,
};
use serde_json::json;
use tokio::sync::Mutex;
use uuid::Uuid;

use crate::{gather, Figures, Result, Results};

pub const USERS: usize = 1_000;
pub const CREDENTIALS: usize = 10_000;
const GLOBAL_PER_PROVIDER: usize = 10;

/// Users and credentials, inserted in a few transactions. Ciphertexts are placeholders:
/// resolve never decrypts without `secrets:read`, and the page shows hints only.
pub async fn seed(db_url: &str, password_hash: &str) -> Result<Uuid> {
    let db = Database::connect(db_url).await?;
    let providers = providers::Entity::find().all(&db).await?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let mut user_ids = Vec::with_capacity(USERS);
    for i in 0..USERS {
        let id = Uuid::now_v7();
        users::ActiveModel {
            id: Set(id),
            email: Set(format!("load-user-{i}@example.com")),
            display_name: Set(format!("Load user {i}")),
            password_hash: Set(password_hash.to_owned()),
            role: Set("user".into()),
            active: Set(true),
            last_login_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
        }
        .insert(&txn)
        .await?;
        user_ids.push(id);
    }
    let global = GLOBAL_PER_PROVIDER * providers.len();
    for i in 0..CREDENTIALS {
        let provider = &providers[i % providers.len()];
        let owner = (i >= global).then(|| user_ids[i % USERS]);
        row(i, provider, owner).insert(&txn).await?;
    }
    txn.commit().await?;
    optimize(&db).await?;
    Ok(user_ids[0])
}

pub fn row(i: usize, provider: &providers::Model, owner: Option<Uuid>) -> credentials::ActiveModel {
    let now = Utc::now();
    credentials::ActiveModel {
        id: Set(Uuid::now_v7()),
        name: Set(format!("load {i}")),
        provider_id: Set(provider.id),
        scope: Set(if owner.is_some() { "personal" } else { "global" }.into()),
        owner_id: Set(owner),
        secret_fields: Set(json!({"api_key": "sy1.placeholder"})),
        plain_fields: Set(json!({})),
        key_version: Set(1),
        hint: Set(format!("{:04}", i % 10_000)),
        endpoint_override: Set(None),
        priority: Set((i % 50) as i32),
        weight: Set(1),
        active: Set(true),
        disabled_reason: Set(None),
        rate_limit_per_minute: Set(None),
        monthly_quota: Set(None),
        usage_count: Set(0),
        current_month_usage: Set(0),
        usage_month: Set(None),
        last_used_at: Set(None),
        last_test_status: Set(None),
        last_test_latency_ms: Set(None),
        last_test_at: Set(None),
        last_test_error: Set(None),
        consecutive_failures: Set(0),
        cooldown_until: Set(None),
        disabled_at: Set(None),
        auto_disable_after: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Fresh statistics for SQLite's planner after a bulk load.
async fn optimize(db: &DatabaseConnection) -> Result<()> {
    db.execute_unprepared("ANALYZE").await?;
    Ok(())
}

/// One request every `1/rate` s for `duration`, each on its own task: an open loop, so a
/// slow answer does not slow the arrivals down (no coordinated omission).
pub async fn fixed_rate(
    rate: u64,
    duration: Duration,
    request: impl Fn() -> reqwest::RequestBuilder,
) -> Result<Figures> {
    let results: Results = Arc::new(Mutex::new((Vec::new(), 0usize)));
    let started = Instant::now();
    let mut ticker = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut tasks = Vec::new();
    while started.elapsed() < duration {
        ticker.tick().await;
        let (request, results) = (request(), results.clone());
        tasks.push(tokio::spawn(async move {
            let sent = Instant::now();
            let ok = match request.send().await {
                Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
                _ => false,
            };
            let mut all = results.lock().await;
            if ok {
                all.0.push(sent.elapsed());
            } else {
                all.1 += 1;
            }
        }));
    }
    gather(tasks, &results, started).await
}
