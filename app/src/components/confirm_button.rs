use leptos::prelude::*;

/// A button that asks once more: the first click arms it (`label`), the second confirms
/// (`confirm`). It submits its form, or calls `on_confirm` when given one. Works
/// without inline script, which the CSP forbids.
#[component]
pub fn ConfirmButton(
    label: &'static str,
    confirm: &'static str,
    #[prop(optional, into)] on_confirm: Option<Callback<()>>,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    move || {
        if !armed.get() {
            return view! { <button type="button" class="secondary danger" on:click=move |_| armed.set(true)>{label}</button> }
                .into_any();
        }
        match on_confirm {
            Some(confirmed) => view! {
                <button type="button" class="danger-solid" on:click=move |_| { armed.set(false); confirmed.run(()); }>{confirm}</button>
            }
            .into_any(),
            None => view! { <button type="submit" class="danger-solid">{confirm}</button> }.into_any(),
        }
    }
}
