use leptos::prelude::*;

/// What a status means at a glance; the badge's colour. The words always say it too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Good,
    Warning,
    Bad,
    Off,
}

impl Tone {
    fn as_str(self) -> &'static str {
        match self {
            Self::Good => "good",
            Self::Warning => "warning",
            Self::Bad => "bad",
            Self::Off => "off",
        }
    }

    /// Good when on, off otherwise: for enabled/disabled and active/disabled pairs.
    pub fn on(on: bool) -> Self {
        if on {
            Self::Good
        } else {
            Self::Off
        }
    }
}

/// A status as a coloured badge with its words.
#[component]
pub fn StatusBadge(tone: Tone, #[prop(into)] text: String) -> impl IntoView {
    view! { <span class="status-badge" data-tone=tone.as_str()>{text}</span> }
}

/// A message that may run long (a failure's sentence): one line, cut with an ellipsis;
/// a click or Enter opens it to its whole length (and the pointer shows it on hover).
#[component]
pub fn Clipped(#[prop(into)] text: String) -> impl IntoView {
    let whole = text.clone();
    view! {
        <details class="clipped">
            <summary title=whole>{text}</summary>
        </details>
    }
}
