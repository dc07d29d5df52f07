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
        let outcome = if write_clipboard(&text.get_untracked()) {
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

/// `navigator.clipboard.writeText(text)`, reached by name: the web-sys features for the
/// Clipboard API are not compiled in. False when the browser has no clipboard here.
fn write_clipboard(text: &str) -> bool {
    use leptos::wasm_bindgen::{JsCast, JsValue};
    use leptos::web_sys::js_sys::{Function, Reflect};
    let get = |target: &JsValue, name: &str| Reflect::get(target, &JsValue::from_str(name)).ok();
    let Some(clipboard) = get(&window(), "navigator").and_then(|n| get(&n, "clipboard")) else {
        return false;
    };
    match get(&clipboard, "writeText").and_then(|f| f.dyn_into::<Function>().ok()) {
        Some(write) => write.call1(&clipboard, &JsValue::from_str(text)).is_ok(),
        None => false,
    }
}
