use leptos::prelude::*;

/// A submit button that asks once more: the first click arms it (`label`), the second
/// submits (`confirm`). Works without inline script, which the CSP forbids.
#[component]
pub fn ConfirmButton(label: &'static str, confirm: &'static str) -> impl IntoView {
    let armed = RwSignal::new(false);
    move || {
        if armed.get() {
            view! { <button type="submit" class="danger-solid">{confirm}</button> }.into_any()
        } else {
            view! { <button type="button" class="secondary danger" on:click=move |_| armed.set(true)>{label}</button> }
                .into_any()
        }
    }
}
