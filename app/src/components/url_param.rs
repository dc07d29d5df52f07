use std::str::FromStr;

use leptos::prelude::*;
use leptos_router::hooks::query_signal_with_options;
use leptos_router::NavigateOptions;

/// One setting of a list's view (its page, a filter) kept in the page's address, so a
/// link or a reload shows the same view and Back returns to the one before. The server
/// reads it from the request, so the first page sent is already that view. The default
/// value stays out of the address.
pub struct UrlParam<T: Send + Sync + 'static> {
    value: Memo<T>,
    write: SignalSetter<Option<T>>,
    default: StoredValue<T>,
}

impl<T: Send + Sync + 'static> Clone for UrlParam<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for UrlParam<T> {}

/// The setting `key` of the address's query, `default` when absent or unreadable.
pub fn url_param<T>(key: &'static str, default: T) -> UrlParam<T>
where
    T: FromStr + ToString + PartialEq + Clone + Send + Sync + 'static,
{
    url_param_among(key, default, |_| true)
}

/// As [`url_param`], for a page that reads only some of `T`'s values: one it does not
/// (typed or linked by hand) reads as `default`, like an unreadable one.
pub fn url_param_among<T>(key: &'static str, default: T, readable: fn(&T) -> bool) -> UrlParam<T>
where
    T: FromStr + ToString + PartialEq + Clone + Send + Sync + 'static,
{
    let options = NavigateOptions {
        scroll: false,
        ..Default::default()
    };
    let (read, write) = query_signal_with_options::<T>(key, options);
    let default = StoredValue::new(default);
    let value = Memo::new(move |_| read.get().filter(readable).unwrap_or_else(|| default.get_value()));
    UrlParam {
        value,
        write,
        default,
    }
}

impl<T> UrlParam<T>
where
    T: PartialEq + Clone + Send + Sync + 'static,
{
    pub fn get(&self) -> T {
        self.value.get()
    }

    pub fn get_untracked(&self) -> T {
        self.value.get_untracked()
    }

    pub fn set(&self, value: T) {
        let value = (value != self.default.get_value()).then_some(value);
        self.write.set(value);
    }
}

/// `text` as a value in a URL's query: everything but unreserved characters percent-encoded.
pub fn encode_query_value(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => char::from(b).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
