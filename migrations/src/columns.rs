//! Columns added to existing tables. SQLite's ALTER TABLE takes one column per
//! statement, so a migration lists its columns once and both directions walk the list.

use sea_orm_migration::prelude::*;

/// Adds each column to its table, in order.
pub async fn add(manager: &SchemaManager<'_>, columns: Vec<(DynIden, ColumnDef)>) -> Result<(), DbErr> {
    for (table, mut column) in columns {
        manager
            .alter_table(Table::alter().table(table).add_column(&mut column).to_owned())
            .await?;
    }
    Ok(())
}

/// Drops the columns [`add`] added, last first.
pub async fn drop(manager: &SchemaManager<'_>, columns: Vec<(DynIden, ColumnDef)>) -> Result<(), DbErr> {
    for (table, column) in columns.into_iter().rev() {
        let name = Alias::new(column.get_column_name());
        manager
            .alter_table(Table::alter().table(table).drop_column(name).to_owned())
            .await?;
    }
    Ok(())
}
