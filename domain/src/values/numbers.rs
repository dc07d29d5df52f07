//! The numbers a credential is configured with, each within its bounds.

use crate::error::{DomainError, DomainResult};

/// Lower is used first. 0 to 10,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Priority(i32);

impl Priority {
    pub const MAX: i32 = 10_000;

    /// # Errors
    /// `Validation` on `field` outside 0 to 10,000.
    pub fn new(value: i64, field: &str) -> DomainResult<Self> {
        bounded(
            value,
            0,
            i64::from(Self::MAX),
            field,
            "use a number from 0 to 10000",
        )
        .map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// How often a credential is drawn among equal priorities. 1 to 1,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Weight(i32);

impl Weight {
    /// # Errors
    /// `Validation` on `weight` outside 1 to 1,000.
    pub fn new(value: i64) -> DomainResult<Self> {
        bounded(value, 1, 1000, "weight", "use a number from 1 to 1000").map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Requests a credential may serve per minute. 1 to 1,000,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit(i32);

impl RateLimit {
    /// # Errors
    /// `Validation` on `rate_limit_per_minute` outside 1 to 1,000,000.
    pub fn new(value: i64) -> DomainResult<Self> {
        let message = "use a number from 1 to 1,000,000, or none";
        bounded(value, 1, 1_000_000, "rate_limit_per_minute", message).map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

/// Uses a credential may have in a calendar month. 0 to 10^12.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MonthlyQuota(i64);

impl MonthlyQuota {
    /// # Errors
    /// `Validation` on `monthly_quota` outside 0 to 10^12.
    pub fn new(value: i64) -> DomainResult<Self> {
        if (0..=1_000_000_000_000).contains(&value) {
            Ok(Self(value))
        } else {
            Err(DomainError::validation("monthly_quota", "use 0 or more, or none"))
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

/// Failed checks in a row before a credential is disabled. 1 to 1,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailureLimit(i32);

impl FailureLimit {
    /// # Errors
    /// `Validation` on `auto_disable_after` outside 1 to 1,000.
    pub fn new(value: i64) -> DomainResult<Self> {
        let message = "use a number from 1 to 1000, or none";
        bounded(value, 1, 1000, "auto_disable_after", message).map(Self)
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

fn bounded(value: i64, min: i64, max: i64, field: &str, message: &str) -> DomainResult<i32> {
    if (min..=max).contains(&value) {
        i32::try_from(value).map_err(|_| DomainError::validation(field, message))
    } else {
        Err(DomainError::validation(field, message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_number_keeps_its_bounds() {
        assert_eq!(Priority::new(0, "priority").unwrap().get(), 0);
        assert_eq!(Priority::new(10_000, "priority").unwrap().get(), 10_000);
        assert!(Priority::new(-1, "priority").is_err());
        assert!(Priority::new(10_001, "priority").is_err());
        assert!(Weight::new(0).is_err() && Weight::new(1001).is_err());
        assert_eq!(Weight::new(1000).unwrap().get(), 1000);
        assert!(RateLimit::new(0).is_err() && RateLimit::new(i64::MAX).is_err());
        assert_eq!(MonthlyQuota::new(0).unwrap().get(), 0);
        assert!(MonthlyQuota::new(-1).is_err());
        assert!(FailureLimit::new(1001).is_err() && FailureLimit::new(i64::MIN).is_err());
    }

    proptest::proptest! {
        #[test]
        fn a_parsed_weight_is_always_within_bounds(value in proptest::num::i64::ANY) {
            if let Ok(weight) = Weight::new(value) {
                proptest::prop_assert!((1..=1000).contains(&weight.get()));
            }
        }
    }
}
