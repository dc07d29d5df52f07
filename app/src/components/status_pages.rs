use leptos::prelude::*;
use leptos_meta::Title;

/// The HTTP status of the page being rendered (during SSR; nothing in the browser).
pub(crate) fn set_http_status(status: u16) {
    #[cfg(feature = "ssr")]
    crate::ssr::set_status(status);
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// An error page that also sets the HTTP status while rendering on the server.
#[component]
fn StatusPage(status: u16, title: &'static str, message: &'static str) -> impl IntoView {
    set_http_status(status);
    view! {
        <Title text=title/>
        <section class="status-page" data-status=status>
            <h1>{format!("{status} · {title}")}</h1>
            <p>{message}</p>
            <a href="/">"Back to the overview"</a>
        </section>
    }
}

/// Shown (with HTTP 403) when a signed-in user opens a page their role may not see.
#[component]
pub fn Forbidden() -> impl IntoView {
    view! {
        <StatusPage status=403 title="Not allowed" message="This page is for admins. Ask an admin if you need access."/>
    }
}

/// Shown (with HTTP 404) for any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! { <StatusPage status=404 title="Not found" message="There is nothing at this address."/> }
}
