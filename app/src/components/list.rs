//! What every list shares: its view kept in the page's address (search, order, page size
//! and page, so a link reproduces it), the search box, the page-size choice, column
//! headers that order the list, and an empty state that tells "nothing yet" from
//! "nothing matches".

use std::str::FromStr;

use leptos::prelude::*;

use super::{url_param, url_param_among, UrlParam};

/// Rows a page holds unless the viewer picks another size.
pub const PER_PAGE: u64 = 50;
/// The page sizes offered.
pub const PAGE_SIZES: [u64; 4] = [25, 50, 100, 200];

/// The rows a page holds for `?per=`: a size the server takes (1 to 200), else the
/// default, so an address typed by hand does not break the list.
pub fn page_size(asked: u64) -> u64 {
    if (1..=200).contains(&asked) {
        asked
    } else {
        PER_PAGE
    }
}

/// The bounds a list's order word meets to live in the address.
pub trait ListOrder: FromStr + ToString + PartialEq + Copy + Send + Sync + 'static {}

impl<T: FromStr + ToString + PartialEq + Copy + Send + Sync + 'static> ListOrder for T {}

/// A list's view: `?q=`, `?order=`, `?per=` and `?page=` (defaults stay out of the
/// address).
pub struct ListView<O: ListOrder> {
    pub search: UrlParam<String>,
    pub order: UrlParam<O>,
    pub per_page: UrlParam<u64>,
    pub page: UrlParam<u64>,
}

impl<O: ListOrder> Clone for ListView<O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<O: ListOrder> Copy for ListView<O> {}

impl<O: ListOrder> ListView<O> {
    pub fn new(default_order: O) -> Self {
        Self::among(default_order, |_| true)
    }

    /// A list read in only some of `O`'s orders; another in the address reads as the default.
    pub fn among(default_order: O, readable: fn(&O) -> bool) -> Self {
        Self {
            search: url_param("q", String::new()),
            order: url_param_among("order", default_order, readable),
            per_page: url_param("per", PER_PAGE),
            page: url_param("page", 1_u64),
        }
    }

    /// The rows a page holds (tracked: a resource keyed on it reloads on a change).
    pub fn size(&self) -> u64 {
        page_size(self.per_page.get())
    }

    /// Whether the search box holds text (read once, as the rows are drawn).
    pub fn searching(&self) -> bool {
        !self.search.get_untracked().trim().is_empty()
    }
}

/// The search box of a list: looks when the text is committed (Enter, leaving the box),
/// from the first page when the list has pages.
#[component]
pub fn SearchBox(
    search: UrlParam<String>,
    #[prop(optional)] page: Option<UrlParam<u64>>,
    label: &'static str,
) -> impl IntoView {
    let look = move |ev| {
        search.set(event_target_value(&ev));
        if let Some(page) = page {
            page.set(1);
        }
    };
    view! {
        <label>{label}
            <input type="search" maxlength="100" prop:value=move || search.get() on:change=look/>
        </label>
    }
}

/// How many rows a page of the list holds.
#[component]
pub fn PageSizeChoice<O: ListOrder>(list: ListView<O>) -> impl IntoView {
    let per_page = list.per_page;
    view! {
        <label>"Per page"
            <select prop:value=move || page_size(per_page.get()).to_string()
                on:change=move |ev| {
                    if let Ok(size) = event_target_value(&ev).parse() { per_page.set(size); list.page.set(1); }
                }>
                {PAGE_SIZES.into_iter().map(|size| view! {
                    <option value=size.to_string() selected=move || page_size(per_page.get()) == size>{size}</option>
                }).collect_view()}
            </select>
        </label>
    }
}

/// A column header that orders the list by its column; `aria-sort` says which does.
/// With `reverse`, a second click reads the column the other way. A new order starts
/// from the first page.
#[component]
pub fn SortHeader<O: ListOrder>(
    list: ListView<O>,
    by: O,
    label: &'static str,
    /// Whether `by` reads downwards (the most recent, the slowest first).
    #[prop(optional)]
    descending: bool,
    /// The order a click gives when the column is already in `by`'s.
    #[prop(optional)]
    reverse: Option<O>,
) -> impl IntoView {
    // Whether the list is in this column's order, and if so, whether downwards.
    let current = move || {
        let order = list.order.get();
        if order == by {
            Some(descending)
        } else if Some(order) == reverse {
            Some(!descending)
        } else {
            None
        }
    };
    let sort = move |_| {
        let next = match list.order.get_untracked() == by {
            true => reverse.unwrap_or(by),
            false => by,
        };
        list.order.set(next);
        list.page.set(1);
    };
    view! {
        <th aria-sort=move || match current() { Some(true) => "descending", Some(false) => "ascending", None => "none" }>
            <button type="button" class="sort" data-order=by.to_string() on:click=sort>
                {label}
                {move || current().map(|down| view! {
                    <span aria-hidden="true">{if down { " ▼" } else { " ▲" }}</span>
                })}
            </button>
        </th>
    }
}

/// What an empty list says: that a filter hides every row, or that there is none yet.
#[component]
pub fn EmptyList(filtered: bool, nothing_yet: &'static str) -> impl IntoView {
    let text = if filtered {
        "Nothing matches this filter."
    } else {
        nothing_yet
    };
    view! { <p class="empty">{text}</p> }
}
