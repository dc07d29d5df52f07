//! Light and dark colours. The page follows the system's choice until the user picks one
//! with the toggle; the choice is kept in a cookie, which the server reads to render the
//! page in it from the first byte (no flash of the other theme).

use leptos::prelude::*;

/// The cookie that keeps an explicit choice: `light` or `dark`.
pub const THEME_COOKIE: &str = "switchyard_theme";

/// The `data-theme` the document is rendered with: the user's explicit choice, if any.
pub fn chosen_theme() -> Option<&'static str> {
    #[cfg(feature = "ssr")]
    let chosen = crate::ssr::request_cookie(THEME_COOKIE);
    #[cfg(not(feature = "ssr"))]
    let chosen = document()
        .document_element()
        .and_then(|html| html.get_attribute("data-theme"));
    match chosen.as_deref() {
        Some("dark") => Some("dark"),
        Some("light") => Some("light"),
        _ => None,
    }
}

/// A button that switches between light and dark and remembers the choice for a year.
#[component]
pub fn ThemeToggle() -> impl IntoView {
    let dark = RwSignal::new(chosen_theme() == Some("dark"));
    // Without a choice the server cannot know the system's; the browser tells once hydrated.
    Effect::new(move |_| {
        if chosen_theme().is_none() {
            dark.set(super::browser::prefers_dark());
        }
    });
    let toggle = move |_| {
        let theme = if dark.get_untracked() { "light" } else { "dark" };
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-theme", theme);
        }
        super::browser::set_cookie(&format!(
            "{THEME_COOKIE}={theme}; Path=/; Max-Age=31536000; SameSite=Lax"
        ));
        dark.set(theme == "dark");
    };
    view! {
        <button type="button" class="secondary theme-toggle" aria-pressed=move || dark.get().to_string()
            aria-label="Dark theme" title="Dark theme" on:click=toggle>
            <span aria-hidden="true">"◐"</span>
            <span class="wide-only" aria-hidden="true">" Dark theme"</span>
        </button>
    }
}
