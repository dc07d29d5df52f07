//! Liveness and readiness for operators and load balancers. Their JSON shapes are
//! fixed: scripts depend on them.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{SecondsFormat, Utc};
use http::StatusCode;
use serde_json::json;

use super::AppState;

fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

#[utoipa::path(get, path = "/health", tag = "system",
    responses((status = 200, description = "`{status, timestamp, version, service}`", body = Object)))]
pub async fn health() -> Json<serde_json::Value> {
    Json(json!({
        "status": "healthy",
        "timestamp": now(),
        "version": env!("CARGO_PKG_VERSION"),
        "service": "switchyard",
    }))
}

#[utoipa::path(get, path = "/health/live", tag = "system",
    responses((status = 200, description = "`{status: alive, timestamp, uptime}`", body = Object)))]
/// Never touches the database: a slow database must not get the process restarted.
pub async fn live(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(json!({
        "status": "alive",
        "timestamp": now(),
        "uptime": state.started_at.elapsed().as_secs(),
    }))
}

async fn database_ok(state: &AppState) -> bool {
    state
        .services
        .system
        .database_is_healthy(Duration::from_secs(2))
        .await
}

#[utoipa::path(get, path = "/health/db", tag = "system", responses(
    (status = 200, description = "`{status: healthy, database: connected, timestamp, db_name}`", body = Object),
    (status = 503, description = "`{status: unhealthy, database: disconnected, timestamp, error}`", body = Object)))]
pub async fn database(State(state): State<AppState>) -> Response {
    if database_ok(&state).await {
        Json(json!({
            "status": "healthy",
            "database": "connected",
            "timestamp": now(),
            "db_name": state.db_name,
        }))
        .into_response()
    } else {
        tracing::warn!("database health check failed");
        (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unhealthy",
                "database": "disconnected",
                "timestamp": now(),
                "error": "Database connection failed",
            })),
        )
            .into_response()
    }
}

#[utoipa::path(get, path = "/health/ready", tag = "system", responses(
    (status = 200, description = "`{status: ready, timestamp, checks: {database, database_writes, application}}`", body = Object),
    (status = 503, description = "`{status: not_ready, timestamp, checks}`: the database cannot be reached or takes no write, or the instance is stopping (`application: stopping`)", body = Object)))]
pub async fn ready(State(state): State<AppState>) -> Response {
    let stopping = state.stopping.load(Ordering::SeqCst);
    let connected = database_ok(&state).await;
    let writable = connected
        && state
            .services
            .system
            .database_takes_writes(Duration::from_secs(2))
            .await;
    let ready = writable && !stopping;
    let word = |ok: bool| if ok { "ok" } else { "failed" };
    let body = json!({
        "status": if ready { "ready" } else { "not_ready" },
        "timestamp": now(),
        "checks": {
            "database": word(connected),
            "database_writes": word(writable),
            "application": if stopping { "stopping" } else { "ok" },
        },
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body)).into_response()
}

#[utoipa::path(get, path = "/api/test", tag = "system",
    responses((status = 200, description = "`{message, timestamp}`", body = Object)))]
pub async fn api_test() -> Json<serde_json::Value> {
    Json(json!({ "message": "Server is working", "timestamp": now() }))
}
