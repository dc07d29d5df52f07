use leptos::prelude::*;

use crate::AppError;

/// The message of an action's error when it concerns `field`.
#[component]
pub fn FieldError(error: Signal<Option<AppError>>, #[prop(into)] field: Oco<'static, str>) -> impl IntoView {
    move || {
        error.get().and_then(|e| e.for_field(&field)).map(|message| {
            view! { <span class="field-error" data-field=field.clone()>{message}</span> }
        })
    }
}

/// An action's error that no field explains (`fields` lists those shown elsewhere).
#[component]
pub fn FormError(
    error: Signal<Option<AppError>>,
    #[prop(optional)] fields: &'static [&'static str],
) -> impl IntoView {
    move || {
        error
            .get()
            .filter(|e| !fields.iter().any(|f| e.is_about(f)))
            .map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })
    }
}
