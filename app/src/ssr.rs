//! Server-only glue shared by the server functions and the REST API: finding the
//! services, authenticating a request, cookies, and mapping domain errors.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use domain::access::{Admin, ClientInfo, CurrentUser, Owner};
use domain::error::DomainError;
use domain::services::Services;
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use secrecy::SecretString;

use crate::AppError;

pub use domain::auth::session::SESSION_COOKIE;

/// Web settings the app needs at request time.
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub secure_cookies: bool,
}

/// The peer address, put into request extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

/// The request id, put into request extensions by the server.
#[derive(Clone, Debug)]
pub struct RequestId(pub String);

tokio::task_local! {
    /// The current request's id, for errors raised outside a Leptos context.
    pub static CURRENT_REQUEST_ID: String;
}

fn parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

fn current_request_id() -> String {
    request_id().unwrap_or_else(|| "unknown".to_owned())
}

/// The current request's id (`x-request-id`), when the server gave it one.
pub fn request_id() -> Option<String> {
    parts()
        .and_then(|p| p.extensions.get::<RequestId>().map(|id| id.0.clone()))
        .or_else(|| CURRENT_REQUEST_ID.try_with(Clone::clone).ok())
        .filter(|id| id != "unknown")
}

/// `scheme://host` as the current request names this site (see [`origin_of`]).
pub fn request_origin() -> Option<String> {
    let parts = parts()?;
    origin_of(&parts.headers, web_config().secure_cookies)
        .or_else(|| parts.uri.authority().map(|host| format!("http://{host}")))
}

/// `scheme://host` from a request's `Host` (which the server checks against the allowed
/// hosts), https when cookies are marked Secure.
pub fn origin_of(headers: &HeaderMap, secure: bool) -> Option<String> {
    let host = headers.get(http::header::HOST)?.to_str().ok()?;
    let scheme = if secure { "https" } else { "http" };
    Some(format!("{scheme}://{host}"))
}

impl From<DomainError> for AppError {
    fn from(err: DomainError) -> Self {
        match err {
            DomainError::NotFound => AppError::NotFound,
            DomainError::Unauthorized(message) => AppError::Unauthorized(message),
            DomainError::Forbidden => AppError::Forbidden,
            DomainError::Denied(message) => AppError::Denied(message),
            DomainError::Upstream(message) => AppError::Upstream(message),
            DomainError::Validation { field, message } => AppError::Validation { field, message },
            DomainError::Conflict { field, message } => AppError::Conflict { field, message },
            DomainError::RateLimited { retry_after_secs }
            | DomainError::Exhausted { retry_after_secs, .. } => AppError::RateLimited { retry_after_secs },
            DomainError::Unavailable(message) => {
                tracing::warn!(%message, "service unavailable");
                AppError::Unavailable("The service is temporarily unavailable. Try again shortly.".into())
            }
            DomainError::Internal(cause) => {
                let request_id = current_request_id();
                tracing::error!(%cause, %request_id, "internal error");
                AppError::Internal { request_id }
            }
        }
    }
}

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| DomainError::internal("services missing from context").into())
}

fn web_config() -> WebConfig {
    use_context::<WebConfig>().unwrap_or(WebConfig {
        secure_cookies: false,
    })
}

/// The session token from a `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value from the `Cookie` headers; an empty value counts as none.
pub fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty())
}

/// A cookie of the request being rendered.
pub fn request_cookie(name: &str) -> Option<String> {
    parts().and_then(|p| cookie(&p.headers, name))
}

/// The user behind a request's session cookie, with the address they came from.
pub async fn authenticate(
    services: &Services,
    parts: &http::request::Parts,
) -> Result<CurrentUser, AppError> {
    let token =
        session_token(&parts.headers).ok_or_else(|| AppError::Unauthorized("Please sign in.".into()))?;
    let user = services.auth.authenticate(&token).await?;
    Ok(user.at(client_ip(parts)))
}

/// The caller's address, as the connection gave it.
pub fn client_ip(parts: &http::request::Parts) -> Option<String> {
    parts.extensions.get::<ClientAddr>().map(|a| a.0.to_string())
}

pub fn client_info(headers: &HeaderMap, addr: Option<ClientAddr>) -> ClientInfo {
    ClientInfo {
        ip: addr.map(|a| a.0.to_string()),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    }
}

/// One authentication per request, shared by the server functions a page render
/// calls (the layout, the page and its sections each ask who is signed in).
#[derive(Clone, Default)]
pub struct RequestAuth(Arc<tokio::sync::OnceCell<Result<CurrentUser, AppError>>>);

/// The guard every user-facing server function starts with.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    let parts = parts().ok_or_else(|| AppError::from(DomainError::internal("no request parts")))?;
    let services = services()?;
    match use_context::<RequestAuth>() {
        Some(memo) => memo
            .0
            .get_or_init(|| authenticate(&services, &parts))
            .await
            .clone(),
        None => authenticate(&services, &parts).await,
    }
}

/// The guard every admin server function starts with.
pub async fn require_admin() -> Result<Admin, AppError> {
    Ok(require_user().await?.require_admin()?)
}

/// The guard for a credential list: admins for the global one, any user for their own.
pub async fn require_owner(scope: vocab::Scope) -> Result<Owner, AppError> {
    Ok(Owner::of(require_user().await?, scope)?)
}

/// Form values as the domain takes them: every value held as a secret until the
/// template says which are not.
pub fn secret_values(fields: HashMap<String, String>) -> HashMap<String, SecretString> {
    fields
        .into_iter()
        .map(|(name, value)| (name, SecretString::from(value)))
        .collect()
}

/// A whole number typed into a form field.
pub fn whole_number(field: &str, text: &str) -> Result<i64, AppError> {
    text.trim().parse().map_err(|_| AppError::Validation {
        field: field.into(),
        message: "enter a whole number".into(),
    })
}

/// A whole number typed into a form field that may be left empty.
pub fn optional_number(field: &str, text: &str) -> Result<Option<i64>, AppError> {
    match text.trim() {
        "" => Ok(None),
        text => whole_number(field, text).map(Some),
    }
}

/// The caller's address and user agent, for sessions and throttling.
pub fn request_client() -> ClientInfo {
    match parts() {
        Some(parts) => client_info(&parts.headers, parts.extensions.get::<ClientAddr>().copied()),
        None => ClientInfo::default(),
    }
}

/// `Set-Cookie` for a new session. HttpOnly, SameSite=Strict, Secure when configured.
pub fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .ok()
}

/// `Set-Cookie` that removes the session cookie.
pub fn clearing_cookie(secure: bool) -> Option<HeaderValue> {
    session_cookie("", 0, secure)
}

/// Sets or clears the session cookie on the current server-function response.
pub fn set_cookie(value: Option<HeaderValue>) {
    if let (Some(response), Some(value)) = (use_context::<ResponseOptions>(), value) {
        response.append_header(SET_COOKIE, value);
    }
}

pub fn start_session_cookie(signed_in: &domain::auth::SignedIn) {
    use secrecy::ExposeSecret;
    let max_age = (signed_in.expiry.absolute - chrono::Utc::now())
        .num_seconds()
        .max(0);
    set_cookie(session_cookie(
        signed_in.token.expose_secret(),
        max_age,
        web_config().secure_cookies,
    ));
}

pub fn end_session_cookie() {
    set_cookie(clearing_cookie(web_config().secure_cookies));
}

/// Sets the HTTP status of the page being rendered (error pages during SSR).
pub fn set_status(status: u16) {
    if let (Some(response), Ok(code)) = (
        use_context::<ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        response.set_status(code);
    }
}

/// Signs out whoever holds the current request's cookie.
pub async fn sign_out_current() -> Result<(), AppError> {
    if let Some(token) = parts().and_then(|p| session_token(&p.headers)) {
        services()?.auth.sign_out(&token).await?;
    }
    end_session_cookie();
    Ok(())
}

/// The CSP nonce the server chose for this response, put into request extensions.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

/// Hands the server's nonce to Leptos so its inline scripts carry it.
pub fn provide_request_nonce() {
    if let Some(nonce) = parts().and_then(|p| p.extensions.get::<CspNonce>().cloned()) {
        leptos::prelude::provide_context(leptos::nonce::Nonce::from_value(nonce.0));
    }
}
