//! `/api/admin/users`: the same user service the Users page calls.

use app::dto::{ListResponse, PasswordResetDto, UserDto};
use axum::extract::{Path, State};
use axum::response::IntoResponse;
use axum::Json;
use domain::error::{optional_word, word};
use domain::users::{NewUser, UserPatch, UserQuery};
use domain::values::Page;
use http::StatusCode;
use secrecy::SecretString;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use vocab::Role;

use super::extract::{path_id, AdminUser, ApiJson, ApiQuery};
use super::openapi::{AdminErrors, ErrorBody};
use super::{ApiError, AppState};

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct UserListQuery {
    /// Keeps the accounts whose email or name holds this text, in any case.
    search: Option<String>,
    /// `email` (the default), `name`, `role` (admins first) or `newest`.
    order: Option<String>,
    /// From 1. Without `page` and `perPage`, every match is listed.
    page: Option<u64>,
    /// 1 to 200; 50 when only `page` is given.
    per_page: Option<u64>,
}

/// Accounts by email unless asked otherwise; `total` counts every match.
#[utoipa::path(get, path = "/api/admin/users", tag = "users", security(("session" = [])),
    params(UserListQuery), responses((status = 200, body = ListResponse<UserDto>), AdminErrors))]
pub async fn list(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<UserListQuery>,
) -> Result<Json<ListResponse<UserDto>>, ApiError> {
    let paged = query.page.is_some() || query.per_page.is_some();
    let query = UserQuery {
        search: query.search,
        order: optional_word("order", query.order.as_deref())?.unwrap_or_default(),
        page: paged.then(|| Page::new(query.page, query.per_page)).transpose()?,
    };
    let (rows, total) = state.services.users.list(&admin, &query).await?;
    Ok(Json(ListResponse::page(rows, total)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CreateUserRequest {
    email: String,
    display_name: String,
    /// 12 to 256 characters.
    #[schema(value_type = String, format = Password)]
    password: SecretString,
    /// `admin` or `user` (the default).
    #[serde(default)]
    role: Option<String>,
}

#[utoipa::path(post, path = "/api/admin/users", tag = "users", security(("session" = [])), request_body = CreateUserRequest,
    responses((status = 201, body = UserDto), (status = 409, description = "The email is taken", body = ErrorBody), AdminErrors))]
pub async fn create(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CreateUserRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let role = word::<Role>("role", body.role.as_deref().unwrap_or("user"))?;
    let new = NewUser {
        email: body.email,
        display_name: body.display_name,
        password: body.password,
        role,
    };
    let row = state.services.users.create(&admin, new).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(row))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct UpdateUserRequest {
    role: Option<String>,
    active: Option<bool>,
    display_name: Option<String>,
}

#[utoipa::path(patch, path = "/api/admin/users/{id}", tag = "users", security(("session" = [])), request_body = UpdateUserRequest,
    params(("id" = Uuid, Path)), responses((status = 200, body = UserDto), AdminErrors))]
pub async fn update(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<UpdateUserRequest>,
) -> Result<Json<UserDto>, ApiError> {
    let id = path_id(&id)?;
    let patch = UserPatch {
        role: body.role.as_deref().map(|role| word("role", role)).transpose()?,
        active: body.active,
        display_name: body.display_name,
    };
    let row = state.services.users.update(&admin, id, patch).await?;
    Ok(Json(row.into()))
}

#[utoipa::path(delete, path = "/api/admin/users/{id}", tag = "users", security(("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted, with their connections, tokens and sessions"), AdminErrors))]
pub async fn delete(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.services.users.delete(&admin, path_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/admin/users/{id}/password-reset", tag = "users", security(("session" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 201, body = PasswordResetDto,
        description = "A one-time link for the user to set a new password, valid for 24 hours; an earlier one stops working"),
        AdminErrors))]
pub async fn issue_password_reset(
    AdminUser(admin): AdminUser,
    State(state): State<AppState>,
    headers: http::HeaderMap,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<PasswordResetDto>), ApiError> {
    let reset = state
        .services
        .auth
        .issue_password_reset(&admin, path_id(&id)?)
        .await?;
    let origin = app::ssr::origin_of(&headers, state.web.secure_cookies).unwrap_or_default();
    Ok((StatusCode::CREATED, Json(PasswordResetDto::of(&origin, reset))))
}
