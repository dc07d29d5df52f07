//! Credentials (the admins' global list, by priority) and My connections (a user's
//! own): one list component, the scope deciding which.

mod everyones;
mod form;
mod import;
mod list;
mod order_setting;
mod state;
mod table;

pub(crate) use table::{last_test_view, status as credential_status};
mod test_all;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::auth::current_user;
use crate::api::credentials::list_all_connections;
use crate::components::{admin_only, page_result};
use everyones::EveryonesConnections;
use import::ImportKeys;
use list::CredentialList;
use order_setting::{OrderSetting, OrderState};
use state::ListState;
use test_all::{TestAllPanel, TestAllState};
use vocab::Scope;

#[component]
pub fn CredentialsPage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    // Loaded alongside the user rather than inside the Suspense below (see `ListState`);
    // for anyone but an admin they answer 403 and are never shown.
    let order = OrderState::new();
    let list = ListState::new(Scope::Global);
    let test_all = TestAllState::new(list.reload);
    let everyones = Resource::new(|| (), |_| list_all_connections());
    view! {
        <Title text="Credentials"/>
        <h1>"Credentials"</h1>
        <p class="subtitle">
            "Global credentials, used by priority (lower first). Secrets are write-only: after saving, only the last four characters show."
        </p>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                // Checked before anything renders, so a user gets the 403 page and nothing else.
                page_result(admin_only(user.await), |_| view! {
                    <OrderSetting state=order/>
                    <TestAllPanel state=test_all/>
                    <CredentialList state=list/>
                    <ImportKeys state=list/>
                    <EveryonesConnections rows=everyones/>
                }.into_any())
            })}
        </Suspense>
    }
}

#[component]
pub fn ConnectionsPage() -> impl IntoView {
    view! {
        <Title text="My connections"/>
        <h1>"My connections"</h1>
        <p class="subtitle">"Your own keys for the providers an admin enabled. Nobody else can see them."</p>
        <CredentialList state=ListState::new(Scope::Personal)/>
    }
}
