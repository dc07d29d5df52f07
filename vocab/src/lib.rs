//! Switchyard's vocabulary: every closed set of words the domain decides with (roles,
//! scopes, outcomes, events, jobs, states) and the typed ids, each with its one wire
//! spelling. Serde only, so the browser build shares them with the server; the domain
//! parses into them once and nothing re-types `"admin"` or `"gateway"` as a string.

#[macro_use]
mod macros;
mod ids;
mod words;

pub use ids::*;
pub use words::*;

/// A word that is not one of its set's, with the set's name for the message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownWord {
    pub set: &'static str,
    pub known: Vec<&'static str>,
}

impl std::fmt::Display for UnknownWord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "use one of: {}", self.known.join(", "))
    }
}

impl std::error::Error for UnknownWord {}
