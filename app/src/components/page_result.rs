use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

use super::{encode_query_value, Forbidden, NotFound};
use crate::dto::SessionUser;
use crate::AppError;

/// Renders a loaded page, or what its error means: visitors go to the sign-in page,
/// a too-low role sees 403, a missing thing 404, anything else a message under its own
/// status (503 while the database is unreachable), never a 200 that hides the failure.
pub fn page_result<T>(result: Result<T, AppError>, ok: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => ok(value),
        Err(AppError::Unauthorized(_)) => view! { <Redirect path=sign_in_path()/> }.into_any(),
        Err(AppError::Forbidden) => view! { <Forbidden/> }.into_any(),
        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
        Err(error) => {
            super::status_pages::set_http_status(error.status());
            view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
        }
    }
}

/// The sign-in page, told to come back to the page being shown.
fn sign_in_path() -> String {
    let location = use_location();
    let query = location.search.get_untracked();
    let query = query.trim_start_matches('?');
    let path = location.pathname.get_untracked();
    match (path.as_str(), query) {
        ("/", "") => "/login".to_owned(),
        (path, "") => format!("/login?next={}", encode_query_value(path)),
        (path, query) => format!("/login?next={}", encode_query_value(&format!("{path}?{query}"))),
    }
}

/// The signed-in admin, for pages that must refuse everyone else before rendering.
pub fn admin_only(user: Result<Option<SessionUser>, AppError>) -> Result<SessionUser, AppError> {
    signed_in(user).and_then(|u| {
        if u.is_admin() {
            Ok(u)
        } else {
            Err(AppError::Forbidden)
        }
    })
}

/// The signed-in user from `current_user`, with a visitor turned into `Unauthorized`
/// so `page_result` sends them to the sign-in page.
pub fn signed_in(user: Result<Option<SessionUser>, AppError>) -> Result<SessionUser, AppError> {
    user.and_then(|u| u.ok_or_else(|| AppError::Unauthorized(String::new())))
}
