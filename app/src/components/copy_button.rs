use std::time::Duration;

use leptos::prelude::*;

/// A button that puts `text` on the clipboard and says so for a moment. Where the
/// browser offers no clipboard (a page served over plain HTTP to another host), it says
/// to copy by hand; the text it copies is selectable with one click.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(default = "Copy")] label: &'static str,
) -> impl IntoView {
    let said = RwSignal::new(None::<&'static str>);
    let copy = move |_| {
        let outcome = if super::browser::write_clipboard(&text.get_untracked()) {
            "Copied"
        } else {
            "Select it and copy"
        };
        said.set(Some(outcome));
        set_timeout(move || said.set(None), Duration::from_secs(2));
    };
    view! {
        <button type="button" class="secondary copy" on:click=copy>{move || said.get().unwrap_or(label)}</button>
    }
}
