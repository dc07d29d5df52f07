//! The knobs the domain's rules depend on; the server fills them from its configuration.

use std::time::Duration;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::auth::throttle::ThrottlePolicy;
use crate::entities::app_settings;
use crate::health::HealthPolicy;
use crate::scheduler::Schedule;

#[derive(Clone, Debug)]
pub struct AuthPolicy {
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, however active.
    pub session_absolute: Duration,
    /// Failed sign-ins for one email address.
    pub account_throttle: ThrottlePolicy,
    /// Failed sign-ins from one IP address (higher: offices share addresses).
    pub ip_throttle: ThrottlePolicy,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            session_idle: Duration::from_secs(30 * 60),
            session_absolute: Duration::from_secs(12 * 60 * 60),
            account_throttle: ThrottlePolicy::new(5, Duration::from_secs(30)),
            ip_throttle: ThrottlePolicy::new(20, Duration::from_secs(30)),
        }
    }
}

/// Probes and the scheduled health checks.
#[derive(Clone, Debug)]
pub struct HealthSettings {
    /// How long a probe waits for a provider.
    pub probe_timeout: Duration,
    /// Probes in flight at once (scheduled checks, test all).
    pub probe_concurrency: usize,
    pub policy: HealthPolicy,
    pub schedule: Schedule,
}

impl Default for HealthSettings {
    fn default() -> Self {
        Self {
            probe_timeout: Duration::from_secs(10),
            probe_concurrency: 8,
            policy: HealthPolicy::default(),
            schedule: Schedule {
                health_check_interval: chrono::Duration::minutes(5),
                log_retention_days: 30,
            },
        }
    }
}

/// Writes one `app_settings` row, replacing its value when the key exists.
pub(crate) async fn store(db: &impl ConnectionTrait, key: &str, value: String) -> crate::DomainResult<()> {
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
