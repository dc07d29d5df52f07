//! Every schema change of Switchyard, up and down, in the order they were made.

pub use sea_orm_migration::prelude::*;
pub use sea_orm_migration::Migration;

mod columns;
mod m20261122_000001_initial_schema;
mod m20261123_000001_credential_names;
mod m20261124_000001_health_checks;
mod m20261125_000001_alerts;
mod m20261127_000001_connection_list_index;
mod m20261129_000001_trust;
mod m20261130_000001_gateway;
mod m20261201_000001_leases;
mod m20261201_000002_idempotency;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_initial_schema::Migration),
            Box::new(m20261123_000001_credential_names::Migration),
            Box::new(m20261124_000001_health_checks::Migration),
            Box::new(m20261125_000001_alerts::Migration),
            Box::new(m20261127_000001_connection_list_index::Migration),
            Box::new(m20261129_000001_trust::Migration),
            Box::new(m20261130_000001_gateway::Migration),
            Box::new(m20261201_000001_leases::Migration),
            Box::new(m20261201_000002_idempotency::Migration),
        ]
    }
}
