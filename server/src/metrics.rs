//! `GET /metrics` in Prometheus' text format (metrics-exporter-prometheus), on its own
//! listener (`SWITCHYARD_METRICS_ADDR`) so it can stay inside the cluster while the site
//! faces users. HTTP requests are counted here by route template; what the domain does
//! (provider requests, scheduler runs) it counts itself through the `metrics` facade.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use domain::services::Services;
use http::{header, HeaderValue, Method, StatusCode};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

const HTTP_REQUESTS: &str = "switchyard_http_requests_total";
const HTTP_SECONDS: &str = "switchyard_http_request_duration_seconds";

/// Latency buckets, in seconds, for every `…_seconds` histogram: a few milliseconds for
/// the site up to a minute for a slow provider.
const BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0,
];

/// The process's one recorder (tests start several applications in one process: they
/// share it).
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            // Only empty buckets are refused; summaries would be the fallback.
            let builder = || {
                PrometheusBuilder::new()
                    .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &BUCKETS)
                    .unwrap_or_else(|_| PrometheusBuilder::new())
            };
            builder().install_recorder().unwrap_or_else(|err| {
                // Another recorder took the global slot: keep ours private rather than fail.
                tracing::warn!(%err, "the metrics recorder could not be installed globally");
                builder().build_recorder().handle()
            })
        })
        .clone()
}

/// Counts each request by its route's template (`/api/admin/credentials/{id}`, never the
/// path itself, so the series stay few), method and status, with its time to the answer's
/// head (a stream's body is not included).
pub async fn count_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = known_method(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!(HTTP_SECONDS, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

/// The method as a label: a client may send any token as a method, and each would
/// otherwise start a series of its own.
fn known_method(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The metrics listener's routes: `/metrics` only, open to whoever reaches the listener.
pub fn router(services: Services) -> Router {
    Router::new().route("/metrics", get(scrape)).with_state(services)
}

async fn scrape(State(services): State<Services>) -> Response {
    render(&services).await
}

/// Reads the gauges (credentials by state, the pool, the log writer), then renders.
pub async fn render(services: &Services) -> Response {
    let handle = handle();
    handle.run_upkeep();
    match services.system.gauges().await {
        Ok(gauges) => {
            for (state, count) in [
                ("active", gauges.credentials_active),
                ("cooldown", gauges.credentials_cooldown),
                ("disabled", gauges.credentials_disabled),
            ] {
                metrics::gauge!("switchyard_credentials", "state" => state).set(count as f64);
            }
            metrics::gauge!("switchyard_webhook_queue").set(gauges.webhook_queue as f64);
            let idle = gauges.pool_idle as f64;
            let all = f64::from(gauges.pool_connections);
            metrics::gauge!("switchyard_db_pool_connections", "state" => "idle").set(idle);
            metrics::gauge!("switchyard_db_pool_connections", "state" => "in_use").set((all - idle).max(0.0));
        }
        Err(err) => tracing::warn!(%err, "the metrics' database figures could not be read"),
    }
    let written = services.gateway.recorder_stats();
    metrics::counter!("switchyard_log_rows_written_total").absolute(written.written);
    metrics::counter!("switchyard_log_rows_dropped_total").absolute(written.dropped);
    metrics::gauge!("switchyard_build_info", "version" => env!("CARGO_PKG_VERSION")).set(1.0);
    let mut response = (StatusCode::OK, handle.render()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    response
}
