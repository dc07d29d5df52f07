//! `switchyard audit verify`: recomputes the audit log's hash chain.

use clap::Subcommand;
use domain::audit::{AuditService, ChainReport};

use crate::config::Config;
use crate::startup::open_database;

#[derive(Subcommand, Debug)]
pub enum AuditAction {
    /// Check that no audit event was changed, removed or inserted; exits non-zero if one was.
    Verify,
}

pub async fn run(config: &Config, action: AuditAction) -> anyhow::Result<()> {
    let db = open_database(config).await?;
    match action {
        AuditAction::Verify => match AuditService::new(db).verify().await? {
            ChainReport::Intact { events } => {
                println!("audit log intact: {events} event(s), every hash matches");
                Ok(())
            }
            ChainReport::BrokenAt { seq } => {
                anyhow::bail!("audit log tampered with: event {seq} does not match the chain (it or an earlier one was changed, removed or inserted)")
            }
        },
    }
}
