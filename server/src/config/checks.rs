//! The settings' bounds: each value out of range stops start-up with a message naming
//! the variable and the range.

use domain::egress::AllowList;

use super::{Config, ConfigError};

impl Config {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        if self.session_idle_timeout == 0 {
            return Err(ConfigError(
                "SWITCHYARD_SESSION_IDLE_TIMEOUT must be at least 1 second".into(),
            ));
        }
        if self.session_absolute_timeout < self.session_idle_timeout {
            return Err(ConfigError(
                "SWITCHYARD_SESSION_ABSOLUTE_TIMEOUT must not be shorter than SWITCHYARD_SESSION_IDLE_TIMEOUT".into(),
            ));
        }
        if self.max_body_bytes < 1024 {
            return Err(ConfigError(
                "SWITCHYARD_MAX_BODY_BYTES must be at least 1024".into(),
            ));
        }
        if self.probe_timeout == 0 || self.probe_timeout > 300 {
            return Err(ConfigError(
                "SWITCHYARD_PROBE_TIMEOUT must be from 1 to 300 seconds".into(),
            ));
        }
        let ranges: [(&str, u64, u64, u64); 15] = [
            (
                "SWITCHYARD_GATEWAY_MAX_BODY_BYTES",
                self.gateway_max_body_bytes as u64,
                1024,
                1024 * 1024 * 1024,
            ),
            (
                "SWITCHYARD_GATEWAY_FIRST_BYTE_TIMEOUT",
                self.gateway_first_byte_timeout,
                1,
                3600,
            ),
            (
                "SWITCHYARD_GATEWAY_MAX_ATTEMPTS",
                u64::from(self.gateway_max_attempts),
                1,
                10,
            ),
            (
                "SWITCHYARD_GATEWAY_DEADLINE",
                self.gateway_deadline,
                self.gateway_first_byte_timeout,
                3 * 3600,
            ),
            ("SWITCHYARD_WEBHOOK_TIMEOUT", self.webhook_timeout, 1, 60),
            ("SWITCHYARD_WEBHOOK_RETRY_BASE", self.webhook_retry_base, 1, 3600),
            (
                "SWITCHYARD_WEBHOOK_MAX_ATTEMPTS",
                u64::from(self.webhook_max_attempts),
                1,
                20,
            ),
            (
                "SWITCHYARD_PROBE_CONCURRENCY",
                self.probe_concurrency as u64,
                1,
                256,
            ),
            (
                "SWITCHYARD_HEALTH_CHECK_INTERVAL",
                self.health_check_interval,
                1,
                7 * 24 * 3600,
            ),
            (
                "SWITCHYARD_AUTO_DISABLE_AFTER",
                u64::from(self.auto_disable_after),
                1,
                1000,
            ),
            ("SWITCHYARD_COOLDOWN_BASE", self.cooldown_base, 1, 24 * 3600),
            (
                "SWITCHYARD_COOLDOWN_MAX",
                self.cooldown_max,
                self.cooldown_base,
                7 * 24 * 3600,
            ),
            (
                "SWITCHYARD_LOG_RETENTION_DAYS",
                u64::from(self.log_retention_days),
                1,
                3650,
            ),
            ("SWITCHYARD_SHUTDOWN_GRACE", self.shutdown_grace, 1, 3600),
            // The drain is part of the grace period: what is left of it finishes requests.
            (
                "SWITCHYARD_SHUTDOWN_DRAIN",
                self.shutdown_drain,
                0,
                self.shutdown_grace.saturating_sub(1),
            ),
        ];
        for (name, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(ConfigError(format!("{name} must be from {min} to {max}")));
            }
        }
        if let Some(url) = &self.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) || url::Url::parse(url).is_err() {
                return Err(ConfigError(
                    "SWITCHYARD_PUBLIC_URL must be a URL that starts with http:// or https://".into(),
                ));
            }
        }
        AllowList::parse(&self.egress_allow).map_err(|err| ConfigError(err.to_string()))?;
        if let Some(schedule) = self.backup_schedule.as_deref().filter(|s| !s.trim().is_empty()) {
            domain::scheduler::parse_schedule(schedule).map_err(|err| ConfigError(err.to_string()))?;
        }
        Ok(())
    }
}
