//! `POST /api/auth/signin`, `/api/auth/signout` and `/api/auth/password-reset` for scripts.

use app::dto::SessionUser;
use app::ssr::{clearing_cookie, client_info, session_cookie, session_token, ClientAddr};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use http::header::SET_COOKIE;
use http::{HeaderMap, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use super::extract::ApiJson;
use super::openapi::ErrorBody;
use super::{ApiError, AppState};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignInRequest {
    email: String,
    #[schema(value_type = String, format = Password)]
    password: SecretString,
}

/// Signs in and sets the session cookie.
#[utoipa::path(post, path = "/api/auth/signin", tag = "auth", request_body = SignInRequest, responses(
    (status = 200, description = "`{user, expiresAt}` and a session cookie", body = Object),
    (status = 400, description = "The body is not `{email, password}`", body = ErrorBody),
    (status = 401, description = "Wrong email or password", body = ErrorBody),
    (status = 429, description = "Too many failures; see Retry-After", body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<SignInRequest>,
) -> Result<Response, ApiError> {
    let client = client_info(&headers, addr.map(|Extension(a)| a));
    let signed_in = state
        .services
        .auth
        .sign_in(&body.email, &body.password, &client)
        .await?;
    let max_age = (signed_in.expiry.absolute - chrono::Utc::now())
        .num_seconds()
        .max(0);
    let body = Json(json!({
        "user": SessionUser::from(&signed_in.user),
        "expiresAt": signed_in.expiry.absolute,
    }));
    let mut response = body.into_response();
    if let Some(cookie) = session_cookie(signed_in.token.expose_secret(), max_age, state.web.secure_cookies) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Ends the session of the cookie sent, if any.
#[utoipa::path(post, path = "/api/auth/signout", tag = "auth", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    if let Some(token) = session_token(&headers) {
        state.services.auth.sign_out(&token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    if let Some(cookie) = clearing_cookie(state.web.secure_cookies) {
        response.headers_mut().insert(SET_COOKIE, cookie);
    }
    Ok(response)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PasswordResetRequest {
    /// The `token` of the link an admin made.
    #[schema(value_type = String, format = Password)]
    token: SecretString,
    #[schema(value_type = String, format = Password)]
    new_password: SecretString,
}

/// Sets a new password through an admin's reset link; every session of the account ends.
#[utoipa::path(post, path = "/api/auth/password-reset", tag = "auth", request_body = PasswordResetRequest, responses(
    (status = 204, description = "The password is set; sign in with it"),
    (status = 400, description = "The new password does not meet the policy", body = ErrorBody),
    (status = 401, description = "The link is wrong, used or expired", body = ErrorBody)))]
pub async fn password_reset(
    State(state): State<AppState>,
    addr: Option<Extension<ClientAddr>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> Result<StatusCode, ApiError> {
    let client = client_info(&headers, addr.map(|Extension(a)| a));
    state
        .services
        .auth
        .complete_password_reset(&body.token, &body.new_password, &client)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
