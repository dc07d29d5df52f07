//! Typed settings: defaults, then an optional TOML file, then `SWITCHYARD_*` variables.
//! Unknown keys and invalid values stop start-up with a message naming the key.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use domain::alerts::AlertSettings;
use domain::auth::AuthPolicy;
use domain::egress::AllowList;
use domain::gateway::GatewaySettings;
use domain::health::HealthPolicy;
use domain::scheduler::Schedule;
use domain::services::{BackupSettings, ProbeSettings, ServiceConfig};
use figment::providers::{Env, Format, Toml};
use figment::Figment;
use secrecy::SecretString;
use serde::Deserialize;

use crate::telemetry::LogFormat;

/// Variables with this prefix belong to the test suite, not to the app.
const TEST_PREFIX: &str = "test_";

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// Holds the SQLite database and the generated master key file by default.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; default: SQLite under `data_dir`.
    pub database_url: Option<SecretString>,
    /// 32 bytes, base64 or hex. Takes precedence over the key file.
    pub master_key: Option<SecretString>,
    /// Default: `data_dir/master.key`, created on first run when it does not exist.
    pub master_key_file: Option<PathBuf>,
    /// Seconds without a request after which a session ends.
    pub session_idle_timeout: u64,
    /// Seconds after sign-in after which a session ends, however active.
    pub session_absolute_timeout: u64,
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// The address users reach this instance at, for links printed in the log.
    pub public_url: Option<String>,
    /// The built site (`pkg/`, CSS, favicon); found next to the binary when unset.
    pub site_dir: Option<PathBuf>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Seconds Switchyard waits for a provider (model lists, tests).
    pub probe_timeout: u64,
    /// Probes in flight at once, for scheduled checks and "test all".
    pub probe_concurrency: usize,
    /// Seconds between scheduled checks of every active credential.
    pub health_check_interval: u64,
    /// Failed checks in a row before a credential is disabled (per credential overridable).
    pub auto_disable_after: u32,
    /// Seconds of the first cooldown after a failed check; it doubles with each failure.
    pub cooldown_base: u64,
    /// The longest cooldown, in seconds.
    pub cooldown_max: u64,
    /// Days request logs are kept.
    pub log_retention_days: u32,
    /// Run the scheduled jobs in this instance (several may: a lease picks one per run).
    pub scheduler: bool,
    /// Seconds a webhook delivery waits for the receiver.
    pub webhook_timeout: u64,
    /// Seconds before a failed webhook delivery is retried; doubles with each attempt.
    pub webhook_retry_base: u64,
    /// Attempts per webhook delivery before it is given up.
    pub webhook_max_attempts: u32,
    /// Private addresses and names outbound requests may reach: CIDRs, IPs, host names and
    /// `*.domain`, separated by commas or spaces (a local Ollama: `127.0.0.1`).
    pub egress_allow: String,
    /// Host names (besides the public URL's) requests may name in `Host`, comma-separated.
    pub allowed_hosts: String,
    /// The largest gateway request body (images in messages), apart from the admin API's.
    pub gateway_max_body_bytes: usize,
    /// Seconds a gateway attempt waits for the upstream's first byte before failing over.
    pub gateway_first_byte_timeout: u64,
    /// Credentials one gateway request tries at most.
    pub gateway_max_attempts: u32,
    /// Seconds all attempts of one gateway request may take together until the first byte.
    pub gateway_deadline: u64,
    /// `text` or `json` (one object per line); read at start-up by [`crate::telemetry`].
    pub log_format: LogFormat,
    /// Where `GET /metrics` (Prometheus) is served, on a listener of its own; off when
    /// unset. It needs no sign-in: bind it where only the scraper reaches it.
    pub metrics_addr: Option<SocketAddr>,
    /// Seconds after SIGTERM or Ctrl-C within which the process exits: requests in flight
    /// (streams too) finish inside it, what is left is cut off.
    pub shutdown_grace: u64,
    /// Seconds after SIGTERM during which new requests are still answered (readiness with
    /// 503) so a load balancer can take the instance out first; part of the grace period.
    pub shutdown_drain: u64,
    /// Where backups are written and looked for; `<data_dir>/backups` when unset.
    pub backup_dir: Option<PathBuf>,
    /// When the scheduler makes a backup (cron: minute hour day month weekday, UTC);
    /// off when unset.
    pub backup_schedule: Option<String>,
    /// Grandfather-father-son retention of scheduled backups: the newest of each of so
    /// many days, ISO weeks and months is kept.
    pub backup_keep_daily: u32,
    pub backup_keep_weekly: u32,
    pub backup_keep_monthly: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            master_key: None,
            master_key_file: None,
            session_idle_timeout: 30 * 60,
            session_absolute_timeout: 12 * 60 * 60,
            secure_cookies: false,
            public_url: None,
            site_dir: None,
            max_body_bytes: 256 * 1024,
            probe_timeout: 10,
            probe_concurrency: 8,
            health_check_interval: 300,
            auto_disable_after: 5,
            cooldown_base: 30,
            cooldown_max: 30 * 60,
            log_retention_days: 30,
            scheduler: true,
            webhook_timeout: 5,
            webhook_retry_base: 10,
            webhook_max_attempts: 6,
            egress_allow: String::new(),
            allowed_hosts: String::new(),
            gateway_max_body_bytes: 20 * 1024 * 1024,
            gateway_first_byte_timeout: 30,
            gateway_max_attempts: 3,
            gateway_deadline: 60,
            log_format: LogFormat::Text,
            metrics_addr: None,
            shutdown_grace: 30,
            shutdown_drain: 0,
            backup_dir: None,
            backup_schedule: None,
            backup_keep_daily: 7,
            backup_keep_weekly: 4,
            backup_keep_monthly: 3,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {0}")]
pub struct ConfigError(String);

impl Config {
    /// Reads the optional file and the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ConfigError> {
        let mut figment = Figment::new();
        if let Some(file) = file {
            if !file.exists() {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file(file));
        }
        figment = figment.merge(
            Env::prefixed("SWITCHYARD_")
                .filter(|key| !key.as_str().to_ascii_lowercase().starts_with(TEST_PREFIX)),
        );
        Self::from_figment(figment)
    }

    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let config: Config = figment.extract().map_err(|err| ConfigError(describe(err)))?;
        config.validate()?;
        Ok(config)
    }

    /// The egress allow-list (checked when the configuration was read).
    pub fn egress_allow(&self) -> AllowList {
        AllowList::parse(&self.egress_allow).unwrap_or_default()
    }

    /// The host names requests may carry in `Host`: the public URL's (or, without one, the
    /// loopback names and the address listened on), and `SWITCHYARD_ALLOWED_HOSTS`.
    pub fn allowed_hosts(&self) -> Vec<String> {
        let mut hosts: Vec<String> = match self.public_url.as_deref().and_then(|u| url::Url::parse(u).ok()) {
            Some(url) => url.host_str().map(str::to_owned).into_iter().collect(),
            None => vec![
                "localhost".into(),
                "127.0.0.1".into(),
                "[::1]".into(),
                self.addr.ip().to_string(),
            ],
        };
        hosts.extend(
            self.allowed_hosts
                .split(',')
                .map(|h| h.trim().to_ascii_lowercase())
                .filter(|h| !h.is_empty()),
        );
        hosts
    }

    /// Whether the public URL is https (responses then carry Strict-Transport-Security).
    pub fn serves_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }

    pub fn session_idle(&self) -> Duration {
        Duration::from_secs(self.session_idle_timeout)
    }

    pub fn probe_timeout(&self) -> Duration {
        Duration::from_secs(self.probe_timeout)
    }

    /// What the domain's services are built with, each section its owner's type.
    pub fn services(&self) -> ServiceConfig {
        let seconds = |s: u64| chrono::Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX));
        ServiceConfig {
            auth: AuthPolicy {
                session_idle: self.session_idle(),
                session_absolute: self.session_absolute(),
                ..AuthPolicy::default()
            },
            probes: ProbeSettings {
                timeout: self.probe_timeout(),
                concurrency: self.probe_concurrency,
            },
            health: HealthPolicy {
                disable_after: self.auto_disable_after,
                base_cooldown: seconds(self.cooldown_base),
                max_cooldown: seconds(self.cooldown_max),
            },
            schedule: Schedule {
                check_interval: seconds(self.health_check_interval),
                log_retention_days: self.log_retention_days,
            },
            alerts: AlertSettings {
                timeout: Duration::from_secs(self.webhook_timeout),
                retry_base: Duration::from_secs(self.webhook_retry_base),
                max_attempts: self.webhook_max_attempts,
            },
            egress_allow: self.egress_allow(),
            gateway: GatewaySettings {
                first_byte_timeout: Duration::from_secs(self.gateway_first_byte_timeout),
                max_attempts: self.gateway_max_attempts,
                deadline: Duration::from_secs(self.gateway_deadline),
                ..GatewaySettings::default()
            },
            sqlite_file: crate::http::sqlite_file(&self.database_url()),
            backups: BackupSettings {
                dir: self.backup_dir(),
                schedule: self.backup_schedule.clone().filter(|s| !s.trim().is_empty()),
                keep: self.backup_keep(),
                version: env!("CARGO_PKG_VERSION").to_owned(),
            },
        }
    }

    pub fn session_absolute(&self) -> Duration {
        Duration::from_secs(self.session_absolute_timeout)
    }

    /// The database URL in effect (the default is a SQLite file under `data_dir`).
    pub fn database_url(&self) -> String {
        use secrecy::ExposeSecret;
        match &self.database_url {
            Some(url) => url.expose_secret().to_owned(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("switchyard.db").display()
            ),
        }
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.backup_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("backups"))
    }

    pub fn backup_keep(&self) -> domain::backups::Keep {
        domain::backups::Keep {
            daily: self.backup_keep_daily,
            weekly: self.backup_keep_weekly,
            monthly: self.backup_keep_monthly,
        }
    }

    /// True when using the embedded default, where a key file may be generated.
    pub fn master_key_path(&self) -> PathBuf {
        self.master_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("master.key"))
    }

    pub fn public_url(&self, port: u16) -> String {
        match &self.public_url {
            Some(url) => url.trim_end_matches('/').to_owned(),
            None => format!("http://{}:{port}", self.addr.ip()),
        }
    }
}

/// Figment names the key (`session_idle_timeout`); operators know the variable.
fn describe(err: figment::Error) -> String {
    err.into_iter()
        .map(|e| {
            let key = e.path.join(".");
            let variable = if key.is_empty() {
                String::new()
            } else {
                format!(" (SWITCHYARD_{})", key.to_uppercase())
            };
            let kind = match &e.kind {
                figment::error::Kind::UnknownField(field, _) => {
                    format!("unknown key `{field}` (SWITCHYARD_{})", field.to_uppercase())
                }
                other => format!("key `{key}`{variable}: {other}"),
            };
            match &e.metadata {
                Some(meta) => format!("{kind}, from {}", meta.name),
                None => kind,
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

mod checks;

#[cfg(test)]
#[allow(clippy::result_large_err)] // figment's Jail closures return its own large error
mod tests;
