use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::SignIn;
use crate::components::FormError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let show_password = RwSignal::new(false);
    view! {
        <Title text="Sign in"/>
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action>
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
