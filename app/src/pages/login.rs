use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth::SignIn;
use crate::components::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let show_password = RwSignal::new(false);
    // The page that sent the visitor here; the server checks it is one of ours.
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            {move || (query.read().get("reset").as_deref() == Some("done")).then(|| view! {
                <p class="ok" role="status">"Your new password is set. Sign in with it."</p>
            })}
            <ActionForm action>
                <input type="hidden" name="next" value=next/>
                <label>"Email"
                    <input type="email" name="email" autocomplete="username" required maxlength="254"/>
                </label>
                <label>"Password"
                    <input
                        type=move || if show_password.get() { "text" } else { "password" }
                        name="password" autocomplete="current-password" required maxlength="256"
                    />
                </label>
                <label class="inline">
                    <input type="checkbox" on:change=move |ev| show_password.set(event_target_checked(&ev))/>
                    "Show password"
                </label>
                <FormError error/>
                <button type="submit" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
        </section>
    }
}
