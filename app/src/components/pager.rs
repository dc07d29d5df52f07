use leptos::prelude::*;

use super::UrlParam;

/// Back and forward through a list's pages: "Page 2 of 7 · 320 <noun>".
#[component]
pub fn Pager(
    page: UrlParam<u64>,
    total: u64,
    per_page: u64,
    /// What the list counts, e.g. "event(s)".
    noun: &'static str,
    /// The back and forward buttons' words (newer/older for logs).
    #[prop(default = ("Previous", "Next"))]
    labels: (&'static str, &'static str),
) -> impl IntoView {
    let pages = total.div_ceil(per_page.max(1)).max(1);
    if pages == 1 && page.get_untracked() <= 1 {
        return view! { <p class="pager">{format!("{total} {noun}")}</p> }.into_any();
    }
    // The list draws a new pager with each page's rows, so the page number is read once:
    // it changes with the rows, never ahead of them while they load.
    // Named outside `view!`: inside an attribute the macro reads `>` of `>=` as the end
    // of the tag, which once printed this closure as the button's label.
    let at_first = move || page.get() <= 1;
    let at_last = move || page.get() >= pages;
    let back = move |_| page.set(page.get_untracked().saturating_sub(1).max(1));
    let forward = move |_| page.set((page.get_untracked() + 1).min(pages));
    view! {
        <p class="pager">
            <button class="secondary" disabled=at_first on:click=back>{labels.0}</button>
            {format!(" Page {} of {pages} · {total} {noun} ", page.get_untracked())}
            <button class="secondary" disabled=at_last on:click=forward>{labels.1}</button>
        </p>
    }
    .into_any()
}
