//! The site's built files under `/pkg` (the wasm, its JS glue, the CSS). The build writes
//! a gzipped copy beside each, which is sent as it is instead of compressing megabytes on
//! every page load; browsers keep them and ask again with `If-Modified-Since` (a 304)
//! rather than fetching them anew.

use std::path::Path;

use axum::Router;
use http::{header, HeaderValue};
use tower::ServiceBuilder;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;

pub fn pkg_routes(site_root: &str) -> Router<AppState> {
    let files = ServeDir::new(Path::new(site_root).join("pkg")).precompressed_gzip();
    // File names carry no version: "no-cache" means keep it, but check before use.
    let service = ServiceBuilder::new()
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-cache"),
        ))
        .service(files);
    Router::new().nest_service("/pkg", service)
}
