//! The credentials workload: 10,000 credentials (80 global, the rest personal) and
//! 1,000 users written straight into the database, then `POST /api/resolve` at a fixed
//! 1,000 requests/s, and the credentials page at 50 concurrent and at fixed rates.

use std::time::{Duration, Instant};

use chrono::Utc;
use domain::entities::{credentials, providers, users};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, Database, DatabaseConnection, EntityTrait, Set, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::harness::sign_in_as;
use crate::load::{fixed_rate, load, users};
use crate::{Result, ADMIN_EMAIL};

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
        bound_origin: Set(Some(provider.base_url.clone())),
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

/// 10,000 credentials and 1,000 users; resolve at 1,000 requests/s; the credentials page.
pub async fn credential_figures(
    client: &reqwest::Client,
    base: &str,
    data: &tempfile::TempDir,
    admin_cookie: &str,
) -> Result<()> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        data.path().join("switchyard.db").display()
    );
    // Every load user shares the bench admin's password hash, so any of them can sign in.
    let db = sea_orm::Database::connect(&db_url).await?;
    let admin = domain::entities::users::Entity::find()
        .filter(domain::entities::users::Column::Email.eq(ADMIN_EMAIL))
        .one(&db)
        .await?
        .ok_or("no bench admin")?;
    let seeded = Instant::now();
    seed(&db_url, &admin.password_hash).await?;
    println!(
        "seeded {} users and {} credentials in {:.1} s",
        USERS,
        CREDENTIALS,
        seeded.elapsed().as_secs_f64()
    );

    let user_cookie = sign_in_as(client, base, "load-user-0@example.com").await?;
    let created: serde_json::Value = client
        .post(format!("{base}/api/tokens"))
        .header("cookie", user_cookie)
        .json(&json!({"name": "bench", "scopes": ["resolve"]}))
        .send()
        .await?
        .json()
        .await?;
    let token = created["token"].as_str().ok_or("no token")?.to_owned();
    let url = format!("{base}/api/resolve");
    let body = json!({"provider": "gemini"});
    let sample: serde_json::Value = client
        .post(&url)
        .header("x-api-key", &token)
        .json(&body)
        .send()
        .await?
        .json()
        .await?;
    println!(
        "resolve for gemini answers {} candidates, {} excluded",
        sample["candidates"].as_array().map_or(0, Vec::len),
        sample["excluded"].as_array().map_or(0, Vec::len)
    );
    let resolve = || client.post(&url).header("x-api-key", &token).json(&body);
    fixed_rate(500, Duration::from_secs(2), resolve).await?;
    let figures = fixed_rate(1000, Duration::from_secs(5), resolve).await?;
    figures.print("POST /api/resolve (token), fixed 1,000 req/s");

    let page = format!("{base}/credentials");
    let cookie = Some(admin_cookie.to_owned());
    let busy = load(client, page.clone(), cookie.clone(), 50, Duration::from_secs(5)).await?;
    busy.print("credentials page (50 a page), 50 connections back to back");
    let think = Duration::from_secs(1);
    let people = users(
        client,
        page.clone(),
        cookie.clone(),
        50,
        Duration::from_secs(10),
        think,
    )
    .await?;
    people.print("credentials page (50 a page), 50 users pausing about 1 s between pages");
    let admin_page = || client.get(&page).header("cookie", admin_cookie);
    for rate in [100, 300, 450] {
        let steady = fixed_rate(rate, Duration::from_secs(5), admin_page).await?;
        steady.print(&format!("credentials page (50 a page), fixed {rate} pages/s"));
    }
    let rest = format!("{base}/api/admin/credentials?perPage=50");
    let data = load(client, rest, cookie, 50, Duration::from_secs(5)).await?;
    data.print("GET /api/admin/credentials?perPage=50 (the list's data), 50 connections back to back");
    Ok(())
}
