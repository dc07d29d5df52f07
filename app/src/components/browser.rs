//! Browser APIs reached by name: the web-sys features for them are not compiled in, and a
//! handful of calls does not justify more generated bindings. Called from event handlers
//! and effects only, so never on the server.

use leptos::prelude::*;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::js_sys::{Function, Reflect};

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// `target.method(argument)`; None when there is no such method or it throws.
fn call(target: &JsValue, method: &str, argument: &str) -> Option<JsValue> {
    let function = get(target, method)?.dyn_into::<Function>().ok()?;
    function.call1(target, &JsValue::from_str(argument)).ok()
}

/// `navigator.clipboard.writeText(text)`; false when the browser has no clipboard here.
pub fn write_clipboard(text: &str) -> bool {
    get(&window(), "navigator")
        .and_then(|navigator| get(&navigator, "clipboard"))
        .and_then(|clipboard| call(&clipboard, "writeText", text))
        .is_some()
}

/// `document.cookie = text`: sets one cookie.
pub fn set_cookie(text: &str) {
    let _ = Reflect::set(
        &document(),
        &JsValue::from_str("cookie"),
        &JsValue::from_str(text),
    );
}

/// Whether the system asks for dark colours (`prefers-color-scheme`).
pub fn prefers_dark() -> bool {
    call(&window(), "matchMedia", "(prefers-color-scheme: dark)")
        .and_then(|query| get(&query, "matches"))
        .and_then(|matches| matches.as_bool())
        .unwrap_or(false)
}
