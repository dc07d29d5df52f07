use std::time::Duration;

use leptos::prelude::*;

/// A button that puts `text` on the clipboard (a one-time token, a link, an id, a base URL) and says so for a moment. Where the
/// browser offers no clipboard (a page served over plain HTTP to another host), it says
/// to copy by hand; the text it copies is selectable with one click.
#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    #[prop(default = "Copy")] label: &'static str,
    /// What the button copies, read after the label by assistive technology when the
    /// label alone would not tell one copy button of a table from the next ("Copy" +
    /// "Gemini's base URL"); the visible words stay the start of the button's name.
    #[prop(optional, into)]
    about: Option<String>,
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
        <button type="button" class="secondary copy" on:click=copy>
            {move || said.get().unwrap_or(label)}
            {about.map(|about| view! { <span class="visually-hidden">{format!(" {about}")}</span> })}
        </button>
    }
}
