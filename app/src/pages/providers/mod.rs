//! Providers: admins manage the registry; users see what they may use.

mod create_form;
mod detail;
mod enabled_list;
mod registry;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::current_user;
use crate::components::{page_result, signed_in};
pub use detail::ProviderDetailPage;
use enabled_list::EnabledProviders;
use registry::ProviderRegistry;

#[component]
pub fn ProvidersPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Title text="Providers"/>
        <h1>"Providers"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(signed_in(user.await), |user| {
                    if user.is_admin() {
                        view! { <ProviderRegistry/> }.into_any()
                    } else {
                        view! { <EnabledProviders/> }.into_any()
                    }
                })
            })}
        </Suspense>
    }
}
