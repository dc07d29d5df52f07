//! The `app_settings` key/value table: instance-wide values that live in the database
//! (the set-up token's hash, the seeding time, admin settings). Each key has one owner,
//! the module that defines it; this module only reads and writes rows.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::entities::app_settings;
use crate::error::DomainResult;

/// The value stored under `key`, if any.
pub async fn read(db: &impl ConnectionTrait, key: &str) -> DomainResult<Option<String>> {
    Ok(app_settings::Entity::find_by_id(key.to_owned())
        .one(db)
        .await?
        .map(|row| row.value))
}

/// Writes one row, replacing its value when the key exists.
pub async fn store(db: &impl ConnectionTrait, key: &str, value: String) -> DomainResult<()> {
    let row = app_settings::ActiveModel {
        key: Set(key.to_owned()),
        value: Set(value),
        updated_at: Set(Utc::now()),
    };
    app_settings::Entity::insert(row)
        .on_conflict(
            OnConflict::column(app_settings::Column::Key)
                .update_columns([app_settings::Column::Value, app_settings::Column::UpdatedAt])
                .to_owned(),
        )
        .exec(db)
        .await?;
    Ok(())
}

/// Removes a row; a missing one is fine.
pub async fn remove(db: &impl ConnectionTrait, key: &str) -> DomainResult<()> {
    app_settings::Entity::delete_by_id(key.to_owned())
        .exec(db)
        .await?;
    Ok(())
}
