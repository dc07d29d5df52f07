//! `switchyard serve | migrate | admin create | keys … | backup … | audit verify | check`.

mod admin;
mod audit;
mod backup;
mod keys;
mod migrate;

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::startup::Application;
use crate::telemetry::LogFormat;

#[derive(Parser, Debug)]
#[command(
    name = "switchyard",
    version,
    about = "A self-hosted control plane for AI provider credentials"
)]
pub struct Cli {
    /// A TOML file with settings; `SWITCHYARD_*` variables override it.
    #[arg(long, global = true, env = "SWITCHYARD_CONFIG_FILE")]
    pub config: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the server (migrates and seeds first).
    Serve,
    /// Apply, revert or list database migrations.
    Migrate {
        #[command(subcommand)]
        action: migrate::MigrateAction,
    },
    /// Manage users from the command line.
    Admin {
        #[command(subcommand)]
        action: admin::AdminAction,
    },
    /// Manage the vault's keys: rotate the data key, replace the master key.
    Keys {
        #[command(subcommand)]
        action: keys::KeysAction,
    },
    /// Back the database up, list and verify backups, restore one.
    Backup {
        #[command(subcommand)]
        action: backup::BackupAction,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        action: audit::AuditAction,
    },
    /// Print the effective configuration, secrets redacted.
    Check,
    /// Ask a running instance whether it is live; exits 0 when it is. For a container's
    /// health check (the image has no curl).
    Health {
        /// What to ask; `http://<SWITCHYARD_ADDR>/health/live` when omitted.
        #[arg(long)]
        url: Option<String>,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = Config::load(cli.config.as_deref())?;
    match cli.command {
        Command::Serve => {
            let app = Application::build(config).await?;
            app.run_until(shutdown_signal()).await?;
            tracing::info!("Switchyard stopped");
            Ok(())
        }
        Command::Migrate { action } => migrate::run(&config, action).await,
        Command::Admin { action } => admin::run(&config, action).await,
        Command::Audit { action } => audit::run(&config, action).await,
        Command::Keys { action } => keys::run(&config, action).await,
        Command::Backup { action } => backup::run(&config, action).await,
        Command::Check => {
            print!("{}", describe(&config));
            Ok(())
        }
        Command::Health { url } => health(&config, url).await,
    }
}

async fn health(config: &Config, url: Option<String>) -> anyhow::Result<()> {
    let url = url.unwrap_or_else(|| {
        // A server bound to every interface is asked on loopback.
        let mut addr = config.addr;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}/health/live")
    });
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(5))
        .build()?;
    let status = client.get(&url).send().await?.status();
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
    println!("{url}: {status}");
    Ok(())
}

/// The effective settings as `KEY=value` lines, with secrets replaced.
pub fn describe(config: &Config) -> String {
    let redacted = |present: bool| if present { "[redacted]" } else { "(not set)" };
    let database = redact_url_password(&config.database_url());
    let lines = [
        ("SWITCHYARD_ADDR", config.addr.to_string()),
        ("SWITCHYARD_DATA_DIR", config.data_dir.display().to_string()),
        ("SWITCHYARD_DATABASE_URL", database),
        (
            "SWITCHYARD_MASTER_KEY",
            redacted(config.master_key.is_some()).to_owned(),
        ),
        (
            "SWITCHYARD_MASTER_KEY_FILE",
            config.master_key_path().display().to_string(),
        ),
        (
            "SWITCHYARD_SESSION_IDLE_TIMEOUT",
            config.session_idle_timeout.to_string(),
        ),
        (
            "SWITCHYARD_SESSION_ABSOLUTE_TIMEOUT",
            config.session_absolute_timeout.to_string(),
        ),
        ("SWITCHYARD_SECURE_COOKIES", config.secure_cookies.to_string()),
        ("SWITCHYARD_PUBLIC_URL", config.public_url(config.addr.port())),
        (
            "SWITCHYARD_SITE_DIR",
            config
                .site_dir
                .as_ref()
                .map(|d| d.display().to_string())
                .unwrap_or_else(|| "(next to the binary)".into()),
        ),
        ("SWITCHYARD_MAX_BODY_BYTES", config.max_body_bytes.to_string()),
        ("SWITCHYARD_PROBE_TIMEOUT", config.probe_timeout.to_string()),
        (
            "SWITCHYARD_PROBE_CONCURRENCY",
            config.probe_concurrency.to_string(),
        ),
        (
            "SWITCHYARD_HEALTH_CHECK_INTERVAL",
            config.health_check_interval.to_string(),
        ),
        (
            "SWITCHYARD_AUTO_DISABLE_AFTER",
            config.auto_disable_after.to_string(),
        ),
        ("SWITCHYARD_COOLDOWN_BASE", config.cooldown_base.to_string()),
        ("SWITCHYARD_COOLDOWN_MAX", config.cooldown_max.to_string()),
        (
            "SWITCHYARD_LOG_RETENTION_DAYS",
            config.log_retention_days.to_string(),
        ),
        ("SWITCHYARD_SCHEDULER", config.scheduler.to_string()),
        ("SWITCHYARD_WEBHOOK_TIMEOUT", config.webhook_timeout.to_string()),
        (
            "SWITCHYARD_WEBHOOK_RETRY_BASE",
            config.webhook_retry_base.to_string(),
        ),
        (
            "SWITCHYARD_WEBHOOK_MAX_ATTEMPTS",
            config.webhook_max_attempts.to_string(),
        ),
        ("SWITCHYARD_EGRESS_ALLOW", config.egress_allow().to_string()),
        ("SWITCHYARD_ALLOWED_HOSTS", config.allowed_hosts().join(",")),
        (
            "SWITCHYARD_GATEWAY_MAX_BODY_BYTES",
            config.gateway_max_body_bytes.to_string(),
        ),
        (
            "SWITCHYARD_GATEWAY_FIRST_BYTE_TIMEOUT",
            config.gateway_first_byte_timeout.to_string(),
        ),
        (
            "SWITCHYARD_GATEWAY_MAX_ATTEMPTS",
            config.gateway_max_attempts.to_string(),
        ),
        ("SWITCHYARD_GATEWAY_DEADLINE", config.gateway_deadline.to_string()),
        (LogFormat::VARIABLE, config.log_format.as_str().to_owned()),
        (
            "SWITCHYARD_METRICS_ADDR",
            config
                .metrics_addr
                .map_or_else(|| "(off)".to_owned(), |addr| addr.to_string()),
        ),
        ("SWITCHYARD_SHUTDOWN_GRACE", config.shutdown_grace.to_string()),
        ("SWITCHYARD_SHUTDOWN_DRAIN", config.shutdown_drain.to_string()),
        ("SWITCHYARD_BACKUP_DIR", config.backup_dir().display().to_string()),
        (
            "SWITCHYARD_BACKUP_SCHEDULE",
            config
                .backup_schedule
                .clone()
                .unwrap_or_else(|| "(off)".to_owned()),
        ),
        (
            "SWITCHYARD_BACKUP_KEEP_DAILY",
            config.backup_keep_daily.to_string(),
        ),
        (
            "SWITCHYARD_BACKUP_KEEP_WEEKLY",
            config.backup_keep_weekly.to_string(),
        ),
        (
            "SWITCHYARD_BACKUP_KEEP_MONTHLY",
            config.backup_keep_monthly.to_string(),
        ),
    ];
    lines
        .iter()
        .map(|(key, value)| format!("{key}={value}\n"))
        .collect()
}

/// `postgres://user:secret@host/db` → `postgres://user:[redacted]@host/db`.
fn redact_url_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:[redacted]@{host}"),
        None => url.to_owned(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    let signal = tokio::select! {
        () = ctrl_c => "interrupt",
        () = terminate => "terminate",
    };
    tracing::info!(signal, "shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_never_prints_secrets() {
        let config = Config {
            database_url: Some("postgres://app:db-password-123@db:5432/sy".to_owned().into()),
            master_key: Some("bWFzdGVyLWtleS1zZWNyZXQtdmFsdWUtMzItYnl0ZXM=".to_owned().into()),
            ..Config::default()
        };
        let text = describe(&config);
        assert!(!text.contains("db-password-123"), "{text}");
        assert!(!text.contains("bWFzdGVy"), "{text}");
        assert!(text.contains("SWITCHYARD_DATABASE_URL=postgres://app:[redacted]@db:5432/sy"));
        assert!(text.contains("SWITCHYARD_MASTER_KEY=[redacted]"));
    }

    /// Every setting the server reads is one `check` prints: the list of fields comes
    /// from the settings type itself (serde names them all when refusing an unknown one).
    #[test]
    fn check_lists_every_setting() {
        let refusal = serde_json::from_value::<Config>(serde_json::json!({"not_a_setting": 1}))
            .expect_err("unknown keys are refused")
            .to_string();
        let fields: Vec<&str> = refusal
            .split("expected one of")
            .nth(1)
            .expect("serde lists the known fields")
            .split('`')
            .skip(1)
            .step_by(2)
            .collect();
        assert!(fields.len() > 20, "{refusal}");
        let text = describe(&Config::default());
        for field in fields {
            let variable = format!("SWITCHYARD_{}=", field.to_uppercase());
            assert!(text.contains(&variable), "`switchyard check` omits {variable}");
        }
    }
}
