use leptos::prelude::*;
use leptos_meta::Title;

fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(status);
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// Shown (with HTTP 403) when a signed-in user opens a page their role may not see.
#[component]
pub fn Forbidden() -> impl IntoView {
    set_http_status(403);
    view! {
        <Title text="Not allowed"/>
        <section class="status-page" data-status="403">
            <h1>"403 · Not allowed"</h1>
            <p>"This page is for admins. Ask an admin if you need access."</p>
            <a href="/">"Back to the overview"</a>
        </section>
    }
}

/// Shown (with HTTP 404) for any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    set_http_status(404);
    view! {
        <Title text="Not found"/>
        <section class="status-page" data-status="404">
            <h1>"404 · Not found"</h1>
            <p>"There is nothing at this address."</p>
            <a href="/">"Back to the overview"</a>
        </section>
    }
}
