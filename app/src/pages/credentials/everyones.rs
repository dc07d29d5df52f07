use leptos::prelude::*;

use crate::components::{page_result, Moment};
use crate::dto::ConnectionSummaryDto;
use crate::AppError;

/// Users' own connections, for admins: whose, which provider, what state. Nothing of
/// the key, not even its last characters.
#[component]
pub fn EveryonesConnections(rows: Resource<Result<Vec<ConnectionSummaryDto>, AppError>>) -> impl IntoView {
    view! {
        <section class="card" id="everyones-connections">
            <h2>"Users' connections"</h2>
            <Suspense>
                {move || Suspend::new(async move {
                    page_result(rows.await, |rows| {
                        if rows.is_empty() {
                            return view! { <p class="empty">"No user has a connection yet."</p> }.into_any();
                        }
                        view! {
                            <div class="table-scroll" tabindex="0"><table class="list">
                                <thead><tr><th>"Owner"</th><th>"Name"</th><th>"Provider"</th><th>"Endpoint"</th><th>"Status"</th><th>"Last used"</th></tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|c| view! {
                                        <tr>
                                            <td>{c.owner_email}</td>
                                            <td>{c.name}</td>
                                            <td>{c.provider_name}</td>
                                            <td class="endpoint">{c.endpoint_host.unwrap_or_else(|| "the provider's".into())}</td>
                                            <td>{if c.active { "active" } else { "inactive" }}</td>
                                            <td><Moment at=c.last_used_at/></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }
                        .into_any()
                    })
                })}
            </Suspense>
        </section>
    }
}
