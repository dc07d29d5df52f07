//! A row's less frequent actions folded behind one "More" button, so a row shows its
//! main action and stays one line. The menu opens in place, inside its cell: a dropdown
//! would be clipped by the table's scroll box.

use leptos::html;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

/// `label` names the menu for assistive technology ("More actions for Team key").
/// Escape closes it and puts focus back on its button, unless something inside (a
/// confirmation) used the key first; moving the focus out of it closes it too.
#[component]
pub fn RowMenu(#[prop(into)] label: String, children: Children) -> impl IntoView {
    let menu = NodeRef::<html::Details>::new();
    let close = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() != "Escape" || ev.default_prevented() {
            return;
        }
        let Some(menu) = menu.get() else { return };
        if menu.has_attribute("open") {
            ev.prevent_default();
            let _ = menu.remove_attribute("open");
            let summary = menu.query_selector("summary").ok().flatten();
            if let Some(summary) = summary.and_then(|s| s.dyn_into::<leptos::web_sys::HtmlElement>().ok()) {
                let _ = summary.focus();
            }
        }
    };
    // Tabbing past the last item closes the menu. Focus that goes nowhere (a button
    // replaced as a confirmation opens) leaves it open.
    let leave = move |ev: leptos::ev::FocusEvent| {
        let Some(menu) = menu.get() else { return };
        let Some(next) = ev
            .related_target()
            .and_then(|t| t.dyn_into::<leptos::web_sys::Node>().ok())
        else {
            return;
        };
        if !menu.contains(Some(&next)) {
            let _ = menu.remove_attribute("open");
        }
    };
    view! {
        <details class="row-menu" node_ref=menu on:keydown=close on:focusout=leave>
            <summary class="secondary" aria-label=label>"More"</summary>
            <div class="row-menu-items">{children()}</div>
        </details>
    }
}
