use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::api::auth::{current_user, SignOut};

/// The top bar for a signed-in user; nothing for a visitor.
#[component]
pub fn NavBar() -> impl IntoView {
    let location = use_location();
    // Re-read on every navigation so signing in or out shows at once.
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    let sign_out = ServerAction::<SignOut>::new();
    view! {
        <Transition>
            {move || Suspend::new(async move {
                user.await.ok().flatten().map(|user| {
                    let admin = user.is_admin();
                    view! {
                        <header class="topbar">
                            <a class="brand" href="/">"Switchyard"</a>
                            <nav>
                                <A href="/">"Overview"</A>
                                <A href="/providers">"Providers"</A>
                                {admin.then(|| view! { <A href="/credentials">"Credentials"</A> })}
                                <A href="/connections">"My connections"</A>
                                <A href="/tokens">"API tokens"</A>
                                <A href="/gateway">"Use the gateway"</A>
                                {admin.then(|| view! {
                                    <A href="/templates">"Templates"</A>
                                    <A href="/users">"Users"</A>
                                    <A href="/logs">"Request logs"</A>
                                    <A href="/webhooks">"Webhooks"</A>
                                    <A href="/audit">"Audit log"</A>
                                    <A href="/backups">"Backups"</A>
                                })}
                                <A href="/account">"Account"</A>
                            </nav>
                            <span class="who" data-role=user.role.as_str()>
                                {user.display_name.clone()} " · " {user.role.as_str()}
                            </span>
                            <ActionForm action=sign_out>
                                <button type="submit" class="secondary">"Sign out"</button>
                            </ActionForm>
                        </header>
                    }
                })
            })}
        </Transition>
    }
}
