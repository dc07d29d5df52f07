//! What the browser and REST clients see. Rows never leave `domain`; these do, each
//! with an explicit `From` beside it (server build only). Closed sets of words are
//! `vocab` enums, ids are typed.

mod alerts;
mod audit;
mod credentials;
mod figures;
mod gateway;
mod logs;
mod people;
mod probes;
mod registry;
mod routing;
mod system;
mod tokens;

pub use alerts::*;
pub use audit::*;
pub use credentials::*;
pub use figures::*;
pub use gateway::*;
pub use logs::*;
pub use people::*;
pub use probes::*;
pub use registry::*;
pub use routing::*;
pub use system::*;
pub use tokens::*;

use serde::{Deserialize, Serialize};

/// One page of a list and how many rows match in all, for the pages' server functions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: u64,
}

impl<T> Page<T> {
    /// One page of rows converted into their wire type, with the total across all pages.
    pub fn of<R: Into<T>>(rows: Vec<R>, total: u64) -> Self {
        Self {
            rows: rows.into_iter().map(Into::into).collect(),
            total,
        }
    }
}

/// A list as REST returns it: `{"data": [...], "total": n}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub total: u64,
}

impl<T> ListResponse<T> {
    /// Converts each row into its wire type.
    pub fn of<R: Into<T>>(rows: Vec<R>) -> Self {
        let total = rows.len() as u64;
        Self::page(rows, total)
    }

    /// One page of rows, with the total across all pages.
    pub fn page<R: Into<T>>(rows: Vec<R>, total: u64) -> Self {
        Self {
            data: rows.into_iter().map(Into::into).collect(),
            total,
        }
    }
}
