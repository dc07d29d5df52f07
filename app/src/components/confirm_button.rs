use leptos::html;
use leptos::prelude::*;

/// A button that asks first, the same way everywhere: the first click (`label`) shows
/// `question` with `confirm` and "Cancel". Focus moves to Cancel, so Enter twice never
/// destroys; Escape or Cancel puts the button back and focus on it. The confirm button
/// submits its form, or calls `on_confirm` when given one. No inline script (the CSP).
#[component]
pub fn ConfirmButton(
    label: &'static str,
    confirm: &'static str,
    #[prop(optional)] question: Option<&'static str>,
    #[prop(default = "secondary danger")] class: &'static str,
    #[prop(optional, into)] on_confirm: Option<Callback<()>>,
) -> impl IntoView {
    let armed = RwSignal::new(false);
    let trigger = NodeRef::<html::Button>::new();
    let cancel = NodeRef::<html::Button>::new();
    let was_armed = StoredValue::new(false);
    // The buttons come and go with the branch below: the refs are tracked, so this runs
    // again once the button to focus is in the page.
    Effect::new(move |_| {
        let now = armed.get();
        let (cancel, trigger) = (cancel.get(), trigger.get());
        if now {
            was_armed.set_value(true);
        }
        let target = match now {
            true => cancel,
            false if was_armed.get_value() => trigger,
            false => None,
        };
        if let Some(button) = target.filter(|b| b.is_connected()) {
            let _ = button.focus();
            if !now {
                was_armed.set_value(false);
            }
        }
    });
    let disarm = move || armed.set(false);
    move || {
        if !armed.get() {
            return view! {
                <button type="button" class=class node_ref=trigger on:click=move |_| armed.set(true)>{label}</button>
            }
            .into_any();
        }
        let confirm_button = match on_confirm {
            Some(confirmed) => view! {
                <button type="button" class="danger-solid" on:click=move |_| { disarm(); confirmed.run(()); }>{confirm}</button>
            }
            .into_any(),
            None => view! { <button type="submit" class="danger-solid">{confirm}</button> }.into_any(),
        };
        view! {
            <span class="confirm" role="group" aria-label=question.unwrap_or(confirm)
                on:keydown=move |ev| if ev.key() == "Escape" { ev.prevent_default(); disarm(); }>
                {question.map(|q| view! { <span class="question">{q}</span> })}
                {confirm_button}
                <button type="button" class="secondary" node_ref=cancel on:click=move |_| disarm()>"Cancel"</button>
            </span>
        }
        .into_any()
    }
}
