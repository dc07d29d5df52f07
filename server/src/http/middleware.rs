//! Per-request layers that are ours: request context, CSP with a nonce, and the
//! cross-origin refusal. The rest comes from tower-http.

use std::net::SocketAddr;

use app::ssr::{ClientAddr, CspNonce, RequestId, CURRENT_REQUEST_ID};
use app::AppError;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use http::{header, HeaderMap, HeaderValue};

use super::ApiError;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

fn request_id_of(headers: &HeaderMap) -> String {
    headers
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned()
}

/// The span every log line of a request carries. The query string is left out: it
/// can hold a one-time set-up token.
pub fn request_span(req: &Request<Body>) -> tracing::Span {
    tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
        request_id = %request_id_of(req.headers()),
    )
}

/// Makes the request id and the peer address available to handlers and server functions.
pub async fn request_context(mut req: Request, next: Next) -> Response {
    let request_id = request_id_of(req.headers());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        req.extensions_mut().insert(ClientAddr(addr.ip()));
    }
    CURRENT_REQUEST_ID.scope(request_id, next.run(req)).await
}

/// A fresh nonce per response; Leptos puts it on its hydration scripts, and the
/// policy allows only scripts that carry it (plus our own files).
pub async fn content_security_policy(mut req: Request, next: Next) -> Response {
    let nonce = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 16]>());
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let mut response = next.run(req).await;
    let policy = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response
            .headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response
}

/// Refuses state-changing requests that a browser marks as coming from another site.
/// Requests without `Origin` and `Sec-Fetch-Site` (scripts, curl) pass.
pub async fn refuse_cross_origin(req: Request, next: Next) -> Response {
    if !req.method().is_safe() && is_cross_origin(req.headers()) {
        tracing::warn!("refused a cross-origin {} request", req.method());
        return ApiError::from(AppError::Forbidden)
            .with_message("Cross-origin requests that change data are refused.")
            .into_response();
    }
    next.run(req).await
}

pub fn is_cross_origin(headers: &HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if fetch_site == Some("cross-site") || fetch_site == Some("same-site") {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_authority = origin.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    origin_authority.is_empty() || !origin_authority.eq_ignore_ascii_case(host)
}

/// The host names a request may carry in `Host`. A name elsewhere means the request was
/// meant for another site (DNS rebinding points a name someone controls at this address).
#[derive(Clone, Debug)]
pub struct HostPolicy {
    names: Vec<String>,
    /// Any IP address is fine in `Host` (no public URL names the instance): rebinding
    /// needs a name.
    any_ip: bool,
}

impl HostPolicy {
    pub fn new(names: Vec<String>, any_ip: bool) -> Self {
        let names = names
            .into_iter()
            .map(|n| {
                n.trim_start_matches('[')
                    .trim_end_matches(']')
                    .to_ascii_lowercase()
            })
            .collect();
        Self { names, any_ip }
    }

    fn allows(&self, host_header: &str) -> bool {
        let host = match host_header.rsplit_once(':') {
            // `[::1]:3000`, `name:3000`; a bare IPv6 literal has colons but no brackets.
            Some((name, port)) if port.chars().all(|c| c.is_ascii_digit()) && !name.ends_with(':') => name,
            _ => host_header,
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_ascii_lowercase();
        self.names.contains(&host) || (self.any_ip && host.parse::<std::net::IpAddr>().is_ok())
    }
}

/// Refuses requests whose `Host` is not this instance's, except the health probes, which
/// load balancers and Kubernetes call by the instance's own address.
pub async fn refuse_foreign_host(
    axum::extract::State(policy): axum::extract::State<std::sync::Arc<HostPolicy>>,
    req: Request,
    next: Next,
) -> Response {
    let path = req.uri().path();
    let probe = path == "/health" || path.starts_with("/health/");
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()));
    if !probe && !host.is_some_and(|h| policy.allows(h)) {
        tracing::warn!("refused a request for another host");
        return ApiError::from(AppError::BadRequest("unknown host".into()))
            .with_message("This request names a host this server does not answer for.")
            .with_status(http::StatusCode::MISDIRECTED_REQUEST)
            .into_response();
    }
    next.run(req).await
}

/// Server functions answer a refusal (not signed in, no access, a bad field, a conflict)
/// with its own status instead of Leptos's 500, so a typo pages nobody; it is logged as a
/// refusal, with the request's id.
pub async fn server_function_status(req: Request, next: Next) -> Response {
    let is_rpc = req.uri().path().starts_with("/rpc/");
    let response = next.run(req).await;
    if !is_rpc || response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<AppError>(&bytes) {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            if status.is_client_error() {
                tracing::info!(code = error.code(), %status, "a server function refused the request");
            }
            parts.status = status;
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// A panic becomes a short 500 without its message, which could hold anything.
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let request_id = CURRENT_REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "unknown".into());
    tracing::error!(%request_id, "a request handler panicked");
    ApiError::from(AppError::Internal { request_id }).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn same_origin_and_scripted_requests_pass() {
        assert!(!is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
        assert!(!is_cross_origin(&headers(&[("host", "127.0.0.1:3000")])));
        assert!(!is_cross_origin(&headers(&[("sec-fetch-site", "same-origin")])));
    }

    #[test]
    fn hosts_are_matched_by_name_without_the_port() {
        let named = HostPolicy::new(vec!["switchyard.example.com".into()], false);
        assert!(named.allows("switchyard.example.com"));
        assert!(named.allows("Switchyard.Example.com:443"));
        assert!(!named.allows("evil.example"));
        assert!(!named.allows("127.0.0.1:3000"));
        let local = HostPolicy::new(vec!["localhost".into(), "[::1]".into()], true);
        assert!(
            local.allows("localhost:3000") && local.allows("[::1]:3000") && local.allows("10.0.0.5:3000")
        );
        assert!(!local.allows("rebound.evil.example:3000"));
    }

    #[test]
    fn foreign_origins_are_refused() {
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://evil.example")
        ])));
        assert!(is_cross_origin(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "null")
        ])));
        assert!(is_cross_origin(&headers(&[("sec-fetch-site", "cross-site")])));
    }
}
