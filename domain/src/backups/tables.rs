//! Every table a backup holds, described from its entity, and each value's portable form:
//! the same JSON on SQLite and PostgreSQL (times in RFC 3339 to the microsecond, which is
//! PostgreSQL's precision; UUIDs as text), so an archive made on one restores into the
//! other and back without a difference.

use chrono::{DateTime, SecondsFormat, Utc};
use sea_orm::sea_query::{Alias, ColumnType, Value};
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn, QueryResult};
use serde_json::Value as Json;
use uuid::Uuid;

use crate::entities::*;
use crate::error::{DomainError, DomainResult};

/// A column's type as the archive records it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Int,
    BigInt,
    Bool,
    Text,
    Uuid,
    Timestamp,
    Json,
}

impl Kind {
    /// # Errors
    /// `Internal` for a column type backups cannot carry yet: add it here, and the test
    /// that describes every table fails until then.
    fn of(column_type: &ColumnType) -> DomainResult<Self> {
        Ok(match column_type {
            ColumnType::Integer => Self::Int,
            ColumnType::BigInteger => Self::BigInt,
            ColumnType::Boolean => Self::Bool,
            ColumnType::String(_) | ColumnType::Text | ColumnType::Char(_) => Self::Text,
            ColumnType::Uuid => Self::Uuid,
            ColumnType::TimestampWithTimeZone | ColumnType::Timestamp | ColumnType::DateTime => {
                Self::Timestamp
            }
            ColumnType::Json | ColumnType::JsonBinary => Self::Json,
            other => {
                return Err(DomainError::internal(format!(
                    "backups cannot carry a {other:?} column"
                )))
            }
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// One table: its columns, and the key its rows are written in order of (so the same
/// data always gives the same bytes, and the same checksum).
#[derive(Clone, Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<Column>,
    pub key: Vec<&'static str>,
}

fn describe<E: EntityTrait + Default>() -> DomainResult<Table> {
    let columns = E::Column::iter()
        .map(|column| {
            Ok(Column {
                name: column.as_str().to_owned(),
                kind: Kind::of(column.def().get_column_type())?,
            })
        })
        .collect::<DomainResult<_>>()?;
    Ok(Table {
        name: E::default().table_name(),
        columns,
        key: E::PrimaryKey::iter()
            .map(|key| key.into_column().as_str())
            .collect(),
    })
}

/// The large tables no other table refers to and the key check does not read: a restore at
/// the same schema writes them from the archive without staging them first.
pub const BULK: [&str; 6] = [
    "request_logs",
    "request_stats",
    "usage_daily",
    "audit_events",
    "webhook_deliveries",
    "test_run_results",
];

/// Every table, each after the tables its foreign keys point to: restored in this
/// order, emptied in the reverse.
pub fn all() -> DomainResult<Vec<Table>> {
    Ok(vec![
        describe::<users::Entity>()?,
        describe::<sessions::Entity>()?,
        describe::<login_throttles::Entity>()?,
        describe::<app_settings::Entity>()?,
        describe::<vault_keys::Entity>()?,
        describe::<provider_templates::Entity>()?,
        describe::<providers::Entity>()?,
        describe::<models::Entity>()?,
        describe::<credentials::Entity>()?,
        describe::<api_tokens::Entity>()?,
        describe::<request_logs::Entity>()?,
        describe::<request_stats::Entity>()?,
        describe::<usage_daily::Entity>()?,
        describe::<rate_limits::Entity>()?,
        describe::<audit_events::Entity>()?,
        describe::<test_runs::Entity>()?,
        describe::<test_run_results::Entity>()?,
        describe::<webhooks::Entity>()?,
        describe::<webhook_deliveries::Entity>()?,
        describe::<idempotency_keys::Entity>()?,
        describe::<scheduler_jobs::Entity>()?,
        describe::<change_counter::Entity>()?,
    ])
}

/// One column of a fetched row as portable JSON (`null` for SQL NULL).
pub fn read(row: &QueryResult, column: &Column) -> DomainResult<Json> {
    let name = column.name.as_str();
    let value = match column.kind {
        Kind::Int => row.try_get::<Option<i32>>("", name)?.map(Json::from),
        Kind::BigInt => row.try_get::<Option<i64>>("", name)?.map(Json::from),
        Kind::Bool => row.try_get::<Option<bool>>("", name)?.map(Json::from),
        Kind::Text => row.try_get::<Option<String>>("", name)?.map(Json::from),
        Kind::Uuid => row
            .try_get::<Option<Uuid>>("", name)?
            .map(|id| Json::from(id.to_string())),
        Kind::Timestamp => row
            .try_get::<Option<DateTime<Utc>>>("", name)?
            .map(|at| Json::from(at.to_rfc3339_opts(SecondsFormat::Micros, true))),
        Kind::Json => row.try_get::<Option<Json>>("", name)?,
    };
    Ok(value.unwrap_or(Json::Null))
}

/// A portable JSON value back into a typed SQL value for `column`.
///
/// # Errors
/// `Validation` naming the column when the value does not fit its type.
pub fn write(table: &str, column: &Column, value: &Json) -> DomainResult<Value> {
    let wrong = || {
        DomainError::validation(
            "archive",
            format!(
                "table {table}, column {}: {value} is not a {:?} value",
                column.name, column.kind
            ),
        )
    };
    let null = value.is_null();
    Ok(match column.kind {
        Kind::Int => Value::Int(match null {
            true => None,
            false => Some(
                value
                    .as_i64()
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(wrong)?,
            ),
        }),
        Kind::BigInt => Value::BigInt(match null {
            true => None,
            false => Some(value.as_i64().ok_or_else(wrong)?),
        }),
        Kind::Bool => Value::Bool(match null {
            true => None,
            false => Some(value.as_bool().ok_or_else(wrong)?),
        }),
        Kind::Text => Value::String(match null {
            true => None,
            false => Some(value.as_str().ok_or_else(wrong)?.to_owned()),
        }),
        Kind::Uuid => Value::Uuid(match null {
            true => None,
            false => Some(
                value
                    .as_str()
                    .and_then(|s| Uuid::parse_str(s).ok())
                    .ok_or_else(wrong)?,
            ),
        }),
        Kind::Timestamp => Value::ChronoDateTimeUtc(match null {
            true => None,
            false => Some(
                value
                    .as_str()
                    .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                    .ok_or_else(wrong)?
                    .with_timezone(&Utc),
            ),
        }),
        Kind::Json => Value::Json(match null {
            true => None,
            false => Some(Box::new(value.clone())),
        }),
    })
}

/// A table or column name in a statement.
pub fn ident(name: &str) -> Alias {
    Alias::new(name)
}
