use clap::Subcommand;
use domain::db;

use crate::config::Config;
use crate::startup::open_database;

#[derive(Subcommand, Debug)]
pub enum MigrateAction {
    /// Apply every pending migration.
    Up,
    /// Revert the newest migrations.
    Down {
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List applied and pending migrations.
    Status,
}

pub async fn run(config: &Config, action: MigrateAction) -> anyhow::Result<()> {
    let conn = open_database(config).await?;
    match action {
        MigrateAction::Up => {
            let (_, pending) = db::migration_status(&conn).await?;
            db::migrate_up(&conn).await?;
            println!("applied {} migration(s); the schema is up to date", pending.len());
        }
        MigrateAction::Down { steps } => {
            db::migrate_down(&conn, steps).await?;
            println!("reverted up to {steps} migration(s)");
        }
        MigrateAction::Status => {
            let (applied, pending) = db::migration_status(&conn).await?;
            for name in applied {
                println!("applied  {name}");
            }
            for name in pending {
                println!("pending  {name}");
            }
        }
    }
    Ok(())
}
