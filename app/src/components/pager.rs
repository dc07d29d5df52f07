use leptos::prelude::*;

/// Back and forward through a list's pages: "Page 2 of 7 · 320 <noun>".
#[component]
pub fn Pager(
    page: RwSignal<u64>,
    total: u64,
    per_page: u64,
    /// What the list counts, e.g. "event(s)".
    noun: &'static str,
    /// The back and forward buttons' words (newer/older for logs).
    #[prop(default = ("Previous", "Next"))]
    labels: (&'static str, &'static str),
) -> impl IntoView {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    view! {
        <p class="pager">
            <button class="secondary" disabled=move || { page.get() <= 1 } on:click=move |_| page.update(|p| *p -= 1)>{labels.0}</button>
            {format!(" Page {} of {pages} · {total} {noun} ", page.get_untracked())}
            <button class="secondary" disabled=move || { page.get() >= pages } on:click=move |_| page.update(|p| *p += 1)>{labels.1}</button>
        </p>
    }
}
