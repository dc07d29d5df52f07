use leptos::prelude::*;

use crate::api::settings::{personal_first, SetPersonalFirst};
use crate::components::ConfirmButton;
use crate::AppError;

/// The setting and its action, made by the page outside its `Suspense` (see `ListState`).
#[derive(Clone, Copy)]
pub struct OrderState {
    set: ServerAction<SetPersonalFirst>,
    current: Resource<Result<bool, AppError>>,
}

impl OrderState {
    pub fn new() -> Self {
        let set = ServerAction::<SetPersonalFirst>::new();
        let current = Resource::new(move || set.version().get(), |_| personal_first());
        Self { set, current }
    }
}

/// The order rule that concerns everyone: users' own connections before global ones.
#[component]
pub fn OrderSetting(state: OrderState) -> impl IntoView {
    let OrderState { set, current } = state;
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                current.await.ok().map(|on| view! {
                    <ActionForm action=set attr:class="row" attr:id="order-setting">
                        <input type="hidden" name="on" value=(!on).to_string()/>
                        <span class="subtitle">
                            {if on {
                                "Resolve offers a user's own connections before the global credentials."
                            } else {
                                "Resolve offers the global credentials before users' own connections."
                            }}
                        </span>
                        <ConfirmButton class="secondary" confirm="Switch the order"
                            label=if on { "Put global credentials first" } else { "Put users' connections first" }
                            question="Every resolve and gateway request follows the new order at once."/>
                    </ActionForm>
                })
            })}
        </Suspense>
    }
}
