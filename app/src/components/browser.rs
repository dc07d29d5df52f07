//! Browser APIs reached by name: the web-sys features for them are not compiled in, and a
//! handful of calls does not justify more generated bindings. Called from event handlers
//! and effects only, so never on the server.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use leptos::wasm_bindgen::closure::Closure;
use leptos::wasm_bindgen::{JsCast, JsValue};
use leptos::web_sys::js_sys::{Function, Reflect};

fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name))
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// `target.method(argument)`; None when there is no such method or it throws.
fn call(target: &JsValue, method: &str, argument: &str) -> Option<JsValue> {
    call_with(target, method, &JsValue::from_str(argument))
}

fn call_with(target: &JsValue, method: &str, argument: &JsValue) -> Option<JsValue> {
    let function = get(target, method)?.dyn_into::<Function>().ok()?;
    function.call1(target, argument).ok()
}

/// Reads the file chosen in a file input (`input.files[0].text()`) and hands its text to
/// `then`, or None when no file is chosen or it cannot be read as text.
pub fn read_chosen_file(input: &JsValue, then: impl FnOnce(Option<String>) + 'static) {
    let promise = get(input, "files")
        .and_then(|files| get(&files, "0"))
        .and_then(|file| call_with(&file, "text", &JsValue::UNDEFINED));
    let Some(promise) = promise else {
        return then(None);
    };
    // The promise settles one way or the other: whichever comes first hands the text on.
    let then = Rc::new(RefCell::new(Some(then)));
    let settle = move |text: Option<String>| {
        if let Some(then) = then.borrow_mut().take() {
            then(text);
        }
    };
    let on_error = settle.clone();
    let on_text = Closure::once_into_js(move |text: JsValue| settle(text.as_string()));
    let on_error = Closure::once_into_js(move |_: JsValue| on_error(None));
    if let Some(function) = get(&promise, "then").and_then(|f| f.dyn_into::<Function>().ok()) {
        let _ = function.call2(&promise, &on_text, &on_error);
    }
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
