//! Log set-up: lines on stderr, filtered by `RUST_LOG`; human-readable, or one JSON object
//! per line with `SWITCHYARD_LOG_FORMAT=json`. Colour only on a terminal, so a log written
//! to a file or a pipe stays plain text for `grep`.

use std::io::IsTerminal;

use serde::Deserialize;
use tracing_subscriber::EnvFilter;

/// How log lines are written: `SWITCHYARD_LOG_FORMAT`.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

impl LogFormat {
    pub const VARIABLE: &str = "SWITCHYARD_LOG_FORMAT";

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Json => "json",
        }
    }

    /// Read from the environment before anything else, so the first line is already in
    /// its format; the configuration reads the same variable with the same words.
    ///
    /// # Errors
    /// A value that names no format; the message says which exist.
    pub fn from_env() -> Result<Self, String> {
        match std::env::var(Self::VARIABLE).as_deref().map(str::trim) {
            Err(_) | Ok("") => Ok(Self::default()),
            Ok(value) => serde_json::from_value(serde_json::Value::String(value.to_owned())).map_err(|_| {
                format!(
                    "{}={value:?} is not a log format; use text or json",
                    Self::VARIABLE
                )
            }),
        }
    }
}

/// # Errors
/// When `SWITCHYARD_LOG_FORMAT` names no known format.
pub fn init() -> Result<(), String> {
    let format = LogFormat::from_env()?;
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second set-up (tests start several applications in one process) keeps the first.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
    };
    Ok(())
}
