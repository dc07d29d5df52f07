//! The HTTP surface: Leptos pages and server functions, the REST API, health probes,
//! and the layers every response passes through.

mod api_error;
mod audit;
mod auth;
mod backups;
mod credentials;
mod extract;
mod gateway;
mod idempotent;
mod logs;
mod metrics;
mod middleware;
mod models;
mod openapi;
mod overview;
mod probes;
mod providers;
mod readiness;
mod resolve;
mod scheduler;
mod settings;
mod site;
mod system;
mod templates;
mod tokens;
mod users;
mod webhooks;

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use app::ssr::{RequestAuth, WebConfig};
use app::{shell, App};
use axum::extract::FromRef;
use axum::routing::any;
use axum::{Extension, Router};
use domain::services::Services;
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
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use api_error::ApiError;
pub use site::sqlite_file;

use crate::config::Config;

/// Shared by every handler; one reference count to clone (axum clones it per request).
#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

impl std::ops::Deref for AppState {
    type Target = StateInner;

    fn deref(&self) -> &StateInner {
        &self.0
    }
}

pub struct StateInner {
    pub services: Services,
    pub leptos_options: LeptosOptions,
    pub web: WebConfig,
    /// The database's name for `/health/db` (no host, no credentials).
    pub db_name: String,
    pub started_at: Instant,
    pub max_body_bytes: usize,
    pub gateway_max_body_bytes: usize,
    /// The host names requests may name.
    pub hosts: Arc<middleware::HostPolicy>,
    /// Served over https: responses tell browsers to keep to it.
    pub hsts: bool,
    /// Raised when a stop was asked for: readiness answers 503 from then on.
    pub stopping: Arc<AtomicBool>,
}

impl AppState {
    pub fn new(services: Services, config: &Config) -> anyhow::Result<Self> {
        let url = config.database_url();
        Ok(Self(Arc::new(StateInner {
            services,
            leptos_options: site::leptos_options(config)?,
            web: WebConfig {
                secure_cookies: config.secure_cookies,
            },
            db_name: site::database_name(&url),
            started_at: Instant::now(),
            max_body_bytes: config.max_body_bytes,
            gateway_max_body_bytes: config.gateway_max_body_bytes,
            hosts: Arc::new(middleware::HostPolicy::new(
                config.allowed_hosts(),
                config.public_url.is_none(),
            )),
            hsts: config.serves_https(),
            stopping: Arc::default(),
        })))
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

pub fn router(state: AppState) -> anyhow::Result<Router> {
    let context = {
        let services = state.services.clone();
        let web = state.web.clone();
        move || {
            provide_context(services.clone());
            provide_context(web.clone());
            provide_context(RequestAuth::default());
        }
    };
    let shell_fn = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    // Every REST route is registered with its OpenAPI annotation, so the document
    // at /api/openapi.json lists exactly what the router serves.
    let (api, document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(readiness::api_test))
        .routes(routes!(openapi::document))
        .routes(routes!(auth::sign_in))
        .routes(routes!(auth::sign_out))
        .routes(routes!(auth::password_reset))
        .routes(routes!(users::list, users::create))
        .routes(routes!(users::update, users::delete))
        .routes(routes!(users::issue_password_reset))
        .routes(routes!(system::status))
        .routes(routes!(providers::list, providers::create))
        .routes(routes!(providers::get, providers::update, providers::delete))
        .routes(routes!(providers::registry_status))
        .routes(routes!(providers::refresh_registry))
        .routes(routes!(models::list, models::add))
        .routes(routes!(models::update))
        .routes(routes!(models::sync))
        .routes(routes!(providers::list_enabled))
        .routes(routes!(templates::list, templates::create))
        .routes(routes!(templates::get, templates::update, templates::delete))
        .routes(routes!(credentials::admin_list, credentials::admin_create))
        .routes(routes!(credentials::admin_export))
        .routes(routes!(credentials::admin_import))
        .routes(routes!(
            credentials::admin_get,
            credentials::admin_update,
            credentials::admin_delete
        ))
        .routes(routes!(credentials::own_list, credentials::own_create))
        .routes(routes!(credentials::admin_connections))
        .routes(routes!(
            credentials::own_get,
            credentials::own_update,
            credentials::own_delete
        ))
        .routes(routes!(probes::admin_test))
        .routes(routes!(probes::admin_test_unsaved))
        .routes(routes!(probes::own_test))
        .routes(routes!(probes::own_test_unsaved))
        .routes(routes!(probes::start_test_all))
        .routes(routes!(probes::test_all_progress))
        .routes(routes!(probes::cancel_test_all))
        .routes(routes!(scheduler::jobs))
        .routes(routes!(scheduler::run_now))
        .routes(routes!(backups::list, backups::create))
        .routes(routes!(backups::verify))
        .routes(routes!(metrics::scrape))
        .routes(routes!(logs::list))
        .routes(routes!(overview::figures))
        .routes(routes!(webhooks::list, webhooks::create))
        .routes(routes!(webhooks::update, webhooks::delete))
        .routes(routes!(webhooks::send_test))
        .routes(routes!(webhooks::deliveries))
        .routes(routes!(resolve::resolve))
        .routes(routes!(settings::get, settings::update))
        .routes(routes!(tokens::own_list, tokens::own_create))
        .routes(routes!(tokens::revoke))
        .routes(routes!(tokens::admin_list, tokens::admin_create))
        .routes(routes!(audit::list))
        .routes(routes!(readiness::health))
        .routes(routes!(readiness::live))
        .routes(routes!(readiness::ready))
        .routes(routes!(readiness::database))
        .routes(routes!(gateway::usage))
        .split_for_parts();
    // The gateway's routes stay outside the site's body limit, timeout and compression:
    // their bodies are larger, their streams long, and chunks must leave as they come.
    let (gateway_routes, gateway_document) = OpenApiRouter::new()
        .routes(routes!(gateway::chat))
        .routes(routes!(gateway::embeddings))
        .routes(routes!(gateway::messages))
        .routes(routes!(gateway::models))
        .split_for_parts();
    let mut document = document;
    document.merge(gateway_document);
    let api = api
        .route("/api/{*rest}", any(api_error::unknown_route))
        .layer(Extension(openapi::publish(&document)?))
        .layer(axum::middleware::from_fn_with_state(
            state.services.idempotency.clone(),
            idempotent::kept_answers,
        ));

    // Only over https: a plain-http instance must not tell browsers to refuse it.
    let hsts = state.hsts.then(|| {
        SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        )
    });
    let hosts = state.hosts.clone();
    let site = Router::new()
        .merge(api)
        .leptos_routes_with_context(&state, route_list(), context.clone(), shell_fn)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            context, shell,
        ))
        // Inside compression: it reads the refusal's body as the server function wrote it.
        .layer(axum::middleware::from_fn(middleware::server_function_status))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(state.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .layer(axum::middleware::from_fn(middleware::refuse_cross_origin))
        .layer(axum::middleware::from_fn(middleware::content_security_policy));
    let gateway_routes = gateway_routes.route("/v1/{*rest}", any(gateway::unknown_route));
    Ok(Router::new()
        .merge(gateway_routes)
        .merge(site)
        .layer(axum::middleware::from_fn(crate::metrics::count_requests))
        .layer(axum::middleware::from_fn_with_state(
            hosts,
            middleware::refuse_foreign_host,
        ))
        .layer(tower::util::option_layer(hsts))
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
        .with_state(state))
}
