//! How long sessions live and how sign-in failures are throttled.

use std::time::Duration;

use super::throttle::ThrottlePolicy;

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
