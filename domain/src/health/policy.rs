//! What one scheduled check does to a credential's health: the failure count, the
//! cooldown that doubles from a base up to a cap, the automatic disable after N failures
//! in a row, and the automatic recovery of a credential the checks disabled (never of
//! one an admin turned off).

use chrono::{DateTime, Duration, Utc};
use vocab::{AlertEvent, AuditAction, DisabledReason, Outcome};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HealthPolicy {
    /// Failures in a row before the credential is disabled (1 or more).
    pub disable_after: u32,
    /// The first cooldown; each further failure doubles it.
    pub base_cooldown: Duration,
    pub max_cooldown: Duration,
}

impl Default for HealthPolicy {
    fn default() -> Self {
        Self {
            disable_after: 5,
            base_cooldown: Duration::seconds(30),
            max_cooldown: Duration::minutes(30),
        }
    }
}

/// The health columns of a credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Health {
    pub active: bool,
    pub disabled_reason: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
    pub cooldown_until: Option<DateTime<Utc>>,
}

/// What a check changed that someone should hear about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HealthEvent {
    /// The first failure of a streak.
    TestFailed,
    AutoDisabled,
    Recovered,
}

impl HealthEvent {
    /// The webhook event it raises.
    pub fn alert(self) -> AlertEvent {
        match self {
            HealthEvent::TestFailed => AlertEvent::TestFailed,
            HealthEvent::AutoDisabled => AlertEvent::AutoDisabled,
            HealthEvent::Recovered => AlertEvent::Recovered,
        }
    }

    /// The audit action it is recorded as, for the changes of state.
    pub fn audited(self) -> Option<AuditAction> {
        match self {
            HealthEvent::TestFailed => None,
            HealthEvent::AutoDisabled => Some(AuditAction::CredentialAutoDisabled),
            HealthEvent::Recovered => Some(AuditAction::CredentialRecovered),
        }
    }
}

impl Health {
    pub fn is_health_disabled(&self) -> bool {
        !self.active && self.disabled_reason.as_deref() == Some(DisabledReason::Health.as_str())
    }

    /// The state after a scheduled check that ended with `outcome`. `disable_after`
    /// overrides the policy's count for this credential. A rate limit is not a failure:
    /// the key works, so it only waits (for `Retry-After` when the provider said).
    pub fn after_check(
        &self,
        outcome: Outcome,
        retry_after_secs: Option<u64>,
        now: DateTime<Utc>,
        policy: &HealthPolicy,
        disable_after: Option<u32>,
    ) -> (Health, Vec<HealthEvent>) {
        let mut next = self.clone();
        let mut events = Vec::new();
        match outcome {
            // Says nothing about the key.
            Outcome::Rejected => {}
            Outcome::Ok => {
                next.consecutive_failures = 0;
                next.cooldown_until = None;
                if self.is_health_disabled() {
                    next.active = true;
                    next.disabled_reason = None;
                    next.disabled_at = None;
                    events.push(HealthEvent::Recovered);
                }
            }
            Outcome::RateLimited => {
                let wait = retry_after_secs
                    .and_then(|s| i64::try_from(s).ok())
                    .map_or(policy.base_cooldown, Duration::seconds)
                    .min(policy.max_cooldown);
                next.cooldown_until = Some(now + wait);
            }
            _ => {
                next.consecutive_failures = self.consecutive_failures.saturating_add(1);
                next.cooldown_until = Some(now + cooldown(policy, next.consecutive_failures));
                if self.consecutive_failures == 0 {
                    events.push(HealthEvent::TestFailed);
                }
                let limit =
                    i32::try_from(disable_after.unwrap_or(policy.disable_after).max(1)).unwrap_or(i32::MAX);
                if self.active && next.consecutive_failures >= limit {
                    next.active = false;
                    next.disabled_reason = Some(DisabledReason::Health.as_str().to_owned());
                    next.disabled_at = Some(now);
                    events.push(HealthEvent::AutoDisabled);
                }
            }
        }
        (next, events)
    }
}

/// `base · 2^(failures-1)`, at most the cap.
fn cooldown(policy: &HealthPolicy, failures: i32) -> Duration {
    let doublings = u32::try_from(failures.saturating_sub(1)).unwrap_or(0).min(30);
    let factor = 1_i32 << doublings;
    policy
        .base_cooldown
        .checked_mul(factor)
        .unwrap_or(policy.max_cooldown)
        .min(policy.max_cooldown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn healthy() -> Health {
        Health {
            active: true,
            disabled_reason: None,
            disabled_at: None,
            consecutive_failures: 0,
            cooldown_until: None,
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn failures_cool_down_doubling_then_disable_and_a_pass_recovers() {
        let policy = HealthPolicy {
            disable_after: 3,
            base_cooldown: Duration::seconds(10),
            max_cooldown: Duration::seconds(25),
        };
        let mut health = healthy();
        let mut waits = Vec::new();
        let mut all_events = Vec::new();
        for _ in 0..4 {
            let (next, events) = health.after_check(Outcome::UpstreamError, None, now(), &policy, None);
            waits.push((next.cooldown_until.unwrap() - now()).num_seconds());
            all_events.extend(events);
            health = next;
        }
        assert_eq!(waits, [10, 20, 25, 25]);
        assert_eq!(all_events, [HealthEvent::TestFailed, HealthEvent::AutoDisabled]);
        assert!(health.is_health_disabled());
        assert_eq!(health.disabled_at, Some(now()));
        let (recovered, events) = health.after_check(Outcome::Ok, None, now(), &policy, None);
        assert_eq!(events, [HealthEvent::Recovered]);
        assert_eq!(recovered, healthy());
    }

    #[test]
    fn a_credential_an_admin_turned_off_is_never_turned_back_on() {
        let manual = Health {
            active: false,
            disabled_reason: Some("manual".into()),
            ..healthy()
        };
        let (next, events) = manual.after_check(Outcome::Ok, None, now(), &HealthPolicy::default(), None);
        assert!(!next.active && events.is_empty());
    }

    #[test]
    fn rate_limits_wait_without_counting_as_failures() {
        let (next, events) = healthy().after_check(
            Outcome::RateLimited,
            Some(20),
            now(),
            &HealthPolicy::default(),
            None,
        );
        assert_eq!((next.consecutive_failures, events.len()), (0, 0));
        assert_eq!(next.cooldown_until, Some(now() + Duration::seconds(20)));
    }

    #[test]
    fn the_per_credential_count_overrides_the_policy() {
        let (next, events) = healthy().after_check(
            Outcome::AuthRejected,
            None,
            now(),
            &HealthPolicy::default(),
            Some(1),
        );
        assert!(next.is_health_disabled());
        assert_eq!(events, [HealthEvent::TestFailed, HealthEvent::AutoDisabled]);
    }

    proptest! {
        /// Whatever the outcomes, a manual disable stays, the cooldown never passes the
        /// cap, and only a pass clears the failure count.
        #[test]
        fn any_sequence_keeps_the_rules(outcomes in proptest::collection::vec(0_usize..Outcome::ALL.len(), 1..40), manual in any::<bool>()) {
            let policy = HealthPolicy::default();
            let mut health = if manual { Health { active: false, disabled_reason: Some("manual".into()), ..healthy() } } else { healthy() };
            for index in outcomes {
                let outcome = Outcome::ALL[index];
                let (next, _) = health.after_check(outcome, Some(10_000), now(), &policy, None);
                if manual {
                    prop_assert!(!next.active);
                    prop_assert_eq!(next.disabled_reason.as_deref(), Some("manual"));
                }
                if let Some(until) = next.cooldown_until {
                    prop_assert!(until - now() <= policy.max_cooldown);
                }
                match outcome {
                    Outcome::Ok => prop_assert_eq!(next.consecutive_failures, 0),
                    Outcome::RateLimited | Outcome::Rejected => prop_assert_eq!(next.consecutive_failures, health.consecutive_failures),
                    _ => prop_assert_eq!(next.consecutive_failures, health.consecutive_failures + 1),
                }
                health = next;
            }
        }
    }
}
