use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::overview::get_overview;
use crate::components::page_result;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let overview = Resource::new(|| (), |_| get_overview());
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                page_result(overview.await, |o| view! {
                    <div class="figures">
                        <Figure label="Providers" value=o.providers detail=format!("{} enabled", o.enabled_providers)/>
                        <Figure label="Credentials" value=o.credentials detail=format!("{} active", o.active_credentials)/>
                        <Figure label="Users" value=o.users detail=String::new()/>
                        <Figure label="Templates" value=o.templates detail=String::new()/>
                    </div>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Figure(label: &'static str, value: u64, detail: String) -> impl IntoView {
    view! {
        <div class="figure" data-figure=label.to_lowercase()>
            <span class="figure-label">{label}</span>
            <span class="figure-value">{value}</span>
            <span class="figure-detail">{detail}</span>
        </div>
    }
}
