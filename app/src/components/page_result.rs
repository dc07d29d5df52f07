use leptos::prelude::*;
use leptos_router::components::Redirect;

use super::{Forbidden, NotFound};
use crate::dto::SessionUser;
use crate::AppError;

/// Renders a loaded page, or what its error means: visitors go to the sign-in page,
/// a too-low role sees 403, a missing thing 404, anything else a message under its own
/// status (503 while the database is unreachable), never a 200 that hides the failure.
pub fn page_result<T>(result: Result<T, AppError>, ok: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(value) => ok(value),
        Err(AppError::Unauthorized(_)) => view! { <Redirect path="/login"/> }.into_any(),
        Err(AppError::Forbidden) => view! { <Forbidden/> }.into_any(),
        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
        Err(error) => {
            super::status_pages::set_http_status(error.status());
            view! { <p class="error" role="alert">{error.to_string()}</p> }.into_any()
        }
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
