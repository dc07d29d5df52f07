//! The one error every service returns; adapters map it to a status and a sentence.

use sea_orm::{DbErr, SqlErr};

pub type DomainResult<T> = Result<T, DomainError>;

#[derive(Debug, thiserror::Error)]
pub enum DomainError {
    #[error("not found")]
    NotFound,
    /// No valid session or token, or a failed sign-in; the message is safe to show.
    #[error("{0}")]
    Unauthorized(String),
    #[error("you do not have access to this")]
    Forbidden,
    /// Authenticated, but not allowed for a reason worth saying (a token's missing scope).
    #[error("{0}")]
    Denied(String),
    #[error("{field}: {message}")]
    Validation { field: String, message: String },
    #[error("{field}: {message}")]
    Conflict { field: String, message: String },
    #[error("too many attempts; try again in {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// Everything that could serve a request is at its rate limit or quota; the message
    /// says which, and when the first frees up.
    #[error("{message}")]
    Exhausted { message: String, retry_after_secs: u64 },
    /// A dependency (database, vault) cannot serve; the message is safe to show.
    #[error("{0}")]
    Unavailable(String),
    /// A provider failed; the message says how, readably, and never holds a secret.
    #[error("{0}")]
    Upstream(String),
    /// Anything unexpected. The text goes to the log only, never to a response.
    #[error("internal error: {0}")]
    Internal(String),
}

impl DomainError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        Self::Conflict {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    pub fn unauthorized(message: impl Into<String>) -> Self {
        Self::Unauthorized(message.into())
    }

    pub fn internal(cause: impl std::fmt::Display) -> Self {
        Self::Internal(cause.to_string())
    }
}

impl From<DbErr> for DomainError {
    fn from(err: DbErr) -> Self {
        match err.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(_)) => {
                Self::conflict("unknown", "a record with this value already exists")
            }
            _ => match err {
                DbErr::RecordNotFound(_) => Self::NotFound,
                DbErr::Conn(_) | DbErr::ConnectionAcquire(_) => {
                    Self::Unavailable("the database is not reachable".into())
                }
                other if takes_no_writes_now(&other) => {
                    Self::Unavailable(format!("the database takes no writes now: {other}"))
                }
                other => Self::Internal(other.to_string()),
            },
        }
    }
}

/// A refusal that passes (a full disk, a read-only file, a lock held past the busy
/// timeout, a cancelled statement): nothing is wrong with the request and a retry may
/// succeed, so it is 503, not 500.
fn takes_no_writes_now(err: &DbErr) -> bool {
    use sea_orm::RuntimeErr;
    let (DbErr::Exec(RuntimeErr::SqlxError(cause)) | DbErr::Query(RuntimeErr::SqlxError(cause))) = err else {
        return false;
    };
    let sea_orm::sqlx::Error::Database(database) = cause.as_ref() else {
        return false;
    };
    let code = database.code().unwrap_or_default();
    if database
        .try_downcast_ref::<sea_orm::sqlx::sqlite::SqliteError>()
        .is_some()
    {
        // SQLite's extended codes; the primary code is the low byte: BUSY, LOCKED,
        // READONLY, IOERR, FULL.
        code.parse::<i32>()
            .is_ok_and(|extended| matches!(extended & 0xff, 5 | 6 | 8 | 10 | 13))
    } else {
        // PostgreSQL: insufficient resources (disk full, out of memory), a lock not
        // available, a statement cancelled by its timeout, a read-only transaction.
        code.starts_with("53") || matches!(code.as_ref(), "55P03" | "57014" | "25006")
    }
}

/// Maps a unique violation to a conflict on a named field; anything else as usual.
pub fn conflict_on(field: &str, message: &str) -> impl FnOnce(DbErr) -> DomainError {
    let field = field.to_owned();
    let message = message.to_owned();
    move |err| match err.sql_err() {
        Some(SqlErr::UniqueConstraintViolation(_)) => DomainError::Conflict { field, message },
        _ => err.into(),
    }
}

/// One of a vocabulary's words, as a request spells it; another word is a validation
/// error on `field` that lists the known ones.
///
/// # Errors
/// `Validation` on `field`.
pub fn word<T: std::str::FromStr<Err = vocab::UnknownWord>>(field: &str, text: &str) -> DomainResult<T> {
    text.parse()
        .map_err(|err: vocab::UnknownWord| DomainError::validation(field, err.to_string()))
}

/// As [`word`], for an optional filter: absent or blank is none.
///
/// # Errors
/// `Validation` on `field` for a word that is not one of the set's.
pub fn optional_word<T: std::str::FromStr<Err = vocab::UnknownWord>>(
    field: &str,
    text: Option<&str>,
) -> DomainResult<Option<T>> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| word(field, t))
        .transpose()
}
