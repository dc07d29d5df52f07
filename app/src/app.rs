//! The HTML shell and the router.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::{chosen_theme, NavBar, NotFound};
use crate::pages::{
    AccountPage, AuditLogPage, BackupsPage, ConnectionsPage, CredentialsPage, GatewayPage, JobsPage,
    LoginPage, OverviewPage, ProviderDetailPage, ProvidersPage, RequestLogsPage, ResetPasswordPage,
    SetupPage, TemplateDetailPage, TemplatesPage, TokensPage, UsersPage, WebhooksPage,
};

/// The document around the app; rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=chosen_theme()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser: this marks the page as interactive (browser tests wait for it).
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    // Pages render completely on the server before anything is sent, so they can
    // set the HTTP status (403, 404) and redirect to the sign-in page.
    view! {
        <Stylesheet id="switchyard" href="/pkg/switchyard.css"/>
        <Link rel="icon" href="/favicon.ico"/>
        <Title formatter=|page: String| format!("{page} · Switchyard")/>
        <Router>
            // The first stop for a keyboard: past the navigation, straight to the page.
            <a class="skip-link" href="#main" rel="external">"Skip to content"</a>
            <NavBar/>
            <main class="page" id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=OverviewPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/setup") view=SetupPage ssr=SsrMode::Async/>
                    <Route path=path!("/reset") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/providers") view=ProvidersPage ssr=SsrMode::Async/>
                    <Route path=path!("/providers/:id") view=ProviderDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/templates") view=TemplatesPage ssr=SsrMode::Async/>
                    <Route path=path!("/templates/:id") view=TemplateDetailPage ssr=SsrMode::Async/>
                    <Route path=path!("/credentials") view=CredentialsPage ssr=SsrMode::Async/>
                    <Route path=path!("/connections") view=ConnectionsPage ssr=SsrMode::Async/>
                    <Route path=path!("/tokens") view=TokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/gateway") view=GatewayPage ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view=AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/logs") view=RequestLogsPage ssr=SsrMode::Async/>
                    <Route path=path!("/webhooks") view=WebhooksPage ssr=SsrMode::Async/>
                    <Route path=path!("/backups") view=BackupsPage ssr=SsrMode::Async/>
                    <Route path=path!("/jobs") view=JobsPage ssr=SsrMode::Async/>
                    <Route path=path!("/users") view=UsersPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                </Routes>
            </main>
        </Router>
    }
}
