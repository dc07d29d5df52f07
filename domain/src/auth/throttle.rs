//! The sign-in backoff rule: a few free failures, then lockouts that double up to a cap.

use std::time::Duration;

use chrono::{DateTime, Utc};

#[derive(Clone, Debug)]
pub struct ThrottlePolicy {
    /// Failures allowed before the first lockout.
    pub free_failures: u32,
    /// Length of the first lockout; each further failure doubles it.
    pub base_lockout: Duration,
    /// The longest lockout.
    pub max_lockout: Duration,
    /// Failures older than this are forgotten.
    pub window: Duration,
}

impl ThrottlePolicy {
    pub fn new(free_failures: u32, base_lockout: Duration) -> Self {
        Self {
            free_failures,
            base_lockout,
            max_lockout: Duration::from_secs(15 * 60),
            window: Duration::from_secs(15 * 60),
        }
    }

    /// How long to lock after the `failures`-th consecutive failure, if at all.
    pub fn lockout_after(&self, failures: u32) -> Option<Duration> {
        if failures < self.free_failures {
            return None;
        }
        let doublings = (failures - self.free_failures).min(20);
        let lockout = self.base_lockout.saturating_mul(1u32 << doublings);
        Some(lockout.min(self.max_lockout))
    }

    /// The failure count to continue from, given the last failure's time.
    pub fn carried_failures(&self, failures: u32, last_failure: DateTime<Utc>, now: DateTime<Utc>) -> u32 {
        let age = (now - last_failure).to_std().unwrap_or_default();
        if age > self.window {
            0
        } else {
            failures
        }
    }
}

/// Whole seconds left until `locked_until`, rounded up; `None` when not locked.
pub fn seconds_left(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<u64> {
    let until = locked_until?;
    let left = (until - now).num_milliseconds();
    (left > 0).then(|| (left as u64).div_ceil(1000))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeDelta;

    fn policy() -> ThrottlePolicy {
        ThrottlePolicy::new(5, Duration::from_secs(30))
    }

    #[test]
    fn the_first_failures_are_free() {
        for failures in 0..5 {
            assert_eq!(policy().lockout_after(failures), None);
        }
    }

    #[test]
    fn lockouts_double_and_stop_at_the_cap() {
        let p = policy();
        assert_eq!(p.lockout_after(5), Some(Duration::from_secs(30)));
        assert_eq!(p.lockout_after(6), Some(Duration::from_secs(60)));
        assert_eq!(p.lockout_after(7), Some(Duration::from_secs(120)));
        assert_eq!(p.lockout_after(50), Some(Duration::from_secs(15 * 60)));
        assert_eq!(p.lockout_after(u32::MAX), Some(Duration::from_secs(15 * 60)));
    }

    #[test]
    fn old_failures_are_forgotten() {
        let now = Utc::now();
        let p = policy();
        assert_eq!(p.carried_failures(7, now - TimeDelta::minutes(1), now), 7);
        assert_eq!(p.carried_failures(7, now - TimeDelta::minutes(16), now), 0);
    }

    #[test]
    fn seconds_left_rounds_up_and_ends() {
        let now = Utc::now();
        assert_eq!(
            seconds_left(Some(now + TimeDelta::milliseconds(1500)), now),
            Some(2)
        );
        assert_eq!(seconds_left(Some(now - TimeDelta::seconds(1)), now), None);
        assert_eq!(seconds_left(None, now), None);
    }
}
