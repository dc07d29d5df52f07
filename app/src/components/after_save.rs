//! What a create form does once its record is saved: empties itself, so a second click
//! on Save cannot make a duplicate, and says so for a few seconds.

use std::time::Duration;

use leptos::html::Form;
use leptos::prelude::*;

use crate::AppError;

/// How long the "saved" notice stays on screen.
const NOTICE_FOR: Duration = Duration::from_secs(6);

/// Each time the form's action (its `value()`) saves something, the form (given to
/// `ActionForm` as its `node_ref`) is reset to its defaults, `on_reset` puts back the
/// state its fields drive, and `say`'s words about what was saved show until
/// [`NOTICE_FOR`] passes or a newer notice replaces them.
pub fn after_save<T: 'static>(
    value: impl With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    say: impl Fn(&T) -> String + Send + Sync + 'static,
    on_reset: impl Fn() + Send + Sync + 'static,
) -> (NodeRef<Form>, Signal<Option<String>>) {
    let form = NodeRef::<Form>::new();
    let notice = RwSignal::new(None::<String>);
    let shown = StoredValue::new(0_u64);
    // Effects run in the browser only: the page as served shows no notice.
    Effect::new(move |_| {
        let Some(text) = value.with(|v| v.as_ref().and_then(|r| r.as_ref().ok()).map(&say)) else {
            return;
        };
        if let Some(form) = form.get_untracked() {
            form.reset();
        }
        on_reset();
        notice.set(Some(text));
        shown.update_value(|n| *n += 1);
        let this = shown.get_value();
        set_timeout(
            move || {
                if shown.get_value() == this {
                    notice.set(None);
                }
            },
            NOTICE_FOR,
        );
    });
    (form, notice.into())
}

/// The notice [`after_save`] keeps: a toast in the page's corner, inside a live region
/// that is on the page before any text (screen readers announce changes to a region
/// they already know, not a region that appears with its text).
#[component]
pub fn SavedNotice(notice: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div role="status" class="notice">
            {move || notice.get().map(|text| view! { <p class="ok toast">{text}</p> })}
        </div>
    }
}

/// Counts the completions of an action whose answer saved something (and that `counts`
/// accepts). A resource keyed on it is read again after a save and not after a refusal:
/// re-reading would redraw the form from the stored record and drop what was typed,
/// which the refusal beside the field asks the user to correct.
pub fn saves<T: 'static>(
    value: impl With<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
    counts: impl Fn(&T) -> bool + Send + Sync + 'static,
) -> Signal<u32> {
    let saved = RwSignal::new(0_u32);
    // Browser only, as actions are: the server renders the first read.
    Effect::new(move |_| {
        if value.with(|v| matches!(v, Some(Ok(answer)) if counts(answer))) {
            saved.update(|n| *n += 1);
        }
    });
    saved.into()
}
