use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use super::ThemeToggle;
use crate::api::auth::{current_user, SignOut};

/// The top bar and the side navigation for a signed-in user; nothing for a visitor.
/// On a narrow screen the navigation folds into a menu the top bar opens.
#[component]
pub fn NavBar() -> impl IntoView {
    let location = use_location();
    // Re-read on every navigation so signing in or out shows at once.
    let user = Resource::new(move || location.pathname.get(), |_| current_user());
    let sign_out = ServerAction::<SignOut>::new();
    let menu_open = RwSignal::new(false);
    // Following a link closes the menu.
    Effect::new(move |_| {
        location.pathname.track();
        menu_open.set(false);
    });
    let toggle_menu = move |_| menu_open.update(|open| *open = !*open);
    view! {
        <Transition>
            {move || Suspend::new(async move {
                user.await.ok().flatten().map(|user| {
                    let admin = user.is_admin();
                    view! {
                        <header class="topbar">
                            <a class="brand" href="/">"Switchyard"</a>
                            <button type="button" class="secondary menu-toggle" aria-controls="site-nav"
                                aria-expanded=move || menu_open.get().to_string() on:click=toggle_menu>
                                "Menu"
                            </button>
                            <span class="who" data-role=user.role.as_str()>
                                {user.display_name.clone()} " · " {user.role.as_str()}
                            </span>
                            <ThemeToggle/>
                            <ActionForm action=sign_out>
                                <button type="submit" class="secondary">"Sign out"</button>
                            </ActionForm>
                        </header>
                        <nav id="site-nav" class="sidebar" aria-label="Main"
                            data-open=move || menu_open.get().to_string()>
                            <A href="/">"Overview"</A>
                            <NavGroup title="Routing">
                                <A href="/providers">"Providers"</A>
                                {admin.then(|| view! {
                                    <A href="/credentials">"Credentials"</A>
                                    <A href="/templates">"Templates"</A>
                                })}
                            </NavGroup>
                            <NavGroup title="Access">
                                {admin.then(|| view! { <A href="/users">"Users"</A> })}
                                <A href="/tokens">"API tokens"</A>
                                <A href="/connections">"My connections"</A>
                                <A href="/gateway">"Use the gateway"</A>
                            </NavGroup>
                            {admin.then(|| view! {
                                <NavGroup title="Watching">
                                    <A href="/logs">"Request logs"</A>
                                    <A href="/audit">"Audit log"</A>
                                    <A href="/webhooks">"Webhooks"</A>
                                    <A href="/jobs">"Jobs"</A>
                                    <A href="/backups">"Backups"</A>
                                </NavGroup>
                            })}
                            <A href="/account">"Account"</A>
                        </nav>
                    }
                })
            })}
        </Transition>
    }
}

/// Links that belong together under a small heading.
#[component]
fn NavGroup(title: &'static str, children: Children) -> impl IntoView {
    let id = format!("nav-{}", title.to_lowercase());
    let labelled_by = id.clone();
    view! {
        <div class="nav-group" role="group" aria-labelledby=labelled_by>
            <span class="nav-group-title" id=id>{title}</span>
            {children()}
        </div>
    }
}
