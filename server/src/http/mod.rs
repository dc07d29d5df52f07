//! The HTTP surface: Leptos pages and server functions, the REST API, health probes,
//! and the layers every response passes through.

mod api_error;
mod auth;
mod extract;
mod health;
mod middleware;
mod models;
mod providers;
mod site;
mod system;
mod templates;
mod users;

use std::time::{Duration, Instant};

use app::ssr::WebConfig;
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::{any, get, patch, post};
use axum::Router;
use domain::Services;
use http::{header, HeaderValue, StatusCode};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use api_error::ApiError;

use crate::config::Settings;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub leptos_options: LeptosOptions,
    pub web: WebConfig,
    /// The database's name for `/health/db` (no host, no credentials).
    pub db_name: String,
    /// The SQLite file, whose disappearance makes the database unhealthy.
    pub sqlite_file: Option<std::path::PathBuf>,
    pub started_at: Instant,
    pub max_body_bytes: usize,
}

impl AppState {
    pub fn new(services: Services, settings: &Settings) -> anyhow::Result<Self> {
        let url = settings.database_url();
        Ok(Self {
            services,
            leptos_options: site::leptos_options(settings)?,
            web: WebConfig {
                secure_cookies: settings.secure_cookies,
            },
            db_name: site::database_name(&url),
            sqlite_file: site::sqlite_file(&url),
            started_at: Instant::now(),
            max_body_bytes: settings.max_body_bytes,
        })
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The app's routes, generated once per process. Generating them renders the app with
/// resource loading suppressed process-wide (leptos issue #4773), so a second generation
/// (another instance built in the same process, as tests do) could stall a page being rendered.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let context = {
        let services = state.services.clone();
        let web = state.web.clone();
        move || {
            provide_context(services.clone());
            provide_context(web.clone());
        }
    };
    let shell_fn = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let api = Router::new()
        .route("/api/test", get(health::api_test))
        .route("/api/auth/signin", post(auth::sign_in))
        .route("/api/auth/signout", post(auth::sign_out))
        .route("/api/admin/users", get(users::list).post(users::create))
        .route("/api/admin/users/{id}", patch(users::update))
        .route("/api/system/status", get(system::status))
        .route(
            "/api/admin/providers",
            get(providers::list).post(providers::create),
        )
        .route(
            "/api/admin/providers/{id}",
            get(providers::get)
                .patch(providers::update)
                .delete(providers::delete),
        )
        .route(
            "/api/admin/providers/registry-status",
            get(providers::registry_status),
        )
        .route(
            "/api/admin/providers/refresh-registry",
            post(providers::refresh_registry),
        )
        .route(
            "/api/admin/providers/{id}/models",
            get(models::list).post(models::add),
        )
        .route("/api/admin/providers/{id}/models/{model}", patch(models::update))
        .route("/api/admin/providers/{id}/sync-models", post(models::sync))
        .route("/api/providers", get(providers::list_enabled))
        .route(
            "/api/admin/provider-templates",
            get(templates::list).post(templates::create),
        )
        .route(
            "/api/admin/provider-templates/{id}",
            get(templates::get)
                .patch(templates::update)
                .delete(templates::delete),
        )
        .route("/api/{*rest}", any(api_error::unknown_route));
    let probes = Router::new()
        .route("/health", get(health::health))
        .route("/health/live", get(health::live))
        .route("/health/ready", get(health::ready))
        .route("/health/db", get(health::database));

    Router::new()
        .merge(api)
        .merge(probes)
        .leptos_routes_with_context(&state, route_list(), context.clone(), shell_fn)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(state.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(middleware::refuse_cross_origin))
        .layer(axum::middleware::from_fn(middleware::content_security_policy))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http()
                        .make_span_with(middleware::request_span)
                        .on_response(DefaultOnResponse::new().level(Level::INFO)),
                )
                .layer(PropagateRequestIdLayer::x_request_id())
                .layer(CatchPanicLayer::custom(middleware::panic_response))
                .layer(axum::middleware::from_fn(middleware::request_context)),
        )
        .with_state(state)
}
