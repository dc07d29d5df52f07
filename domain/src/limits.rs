//! Requests-per-minute limits (a credential's, a token's), as GCRA: each key keeps a
//! theoretical arrival time that every admitted request pushes one interval further, and
//! a request is admitted while that time is at most the burst tolerance ahead of now.
//! In any window of a minute a limit of `n` admits at most `n + burst(n)` requests. The
//! state belongs to a key and its limit: a changed limit starts afresh, rather than
//! waiting out what the old one admitted (so a raised limit takes effect at once).
//!
//! One instance keeps the state in memory. Instances sharing a database keep it in the
//! `rate_limits` table, and each claims a small slice of permits at a time, so a busy
//! limit costs one database round trip per slice, not per request; unused permits lapse
//! when their interval has passed, so no instance can hoard them.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set};

use vocab::{CredentialId, TokenId};

use crate::entities::rate_limits;
use crate::error::{DomainError, DomainResult};

/// The limiter key of a credential's limit.
pub fn credential_key(id: CredentialId) -> String {
    format!("credential:{id}")
}

/// The limiter key of a token's limit.
pub fn token_key(id: TokenId) -> String {
    format!("token:{id}")
}

/// A limit of some requests per minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerMinute(u32);

impl PerMinute {
    /// `None` for zero or less, which no saved limit is (they are refused when saved).
    pub fn new(limit: i32) -> Option<Self> {
        u32::try_from(limit).ok().filter(|l| *l > 0).map(Self)
    }

    /// Microseconds between two requests at the steady rate.
    fn interval_us(self) -> i64 {
        60_000_000 / i64::from(self.0)
    }

    /// Requests admitted at once from a rested state: 5% of the limit, at least one.
    pub fn burst(self) -> u32 {
        (self.0 / 20).max(1)
    }

    fn tolerance_us(self) -> i64 {
        i64::from(self.burst() - 1) * self.interval_us()
    }

    /// Permits an instance claims from the shared state at once: 0.5% of the limit.
    fn slice(self) -> u32 {
        (self.0 / 200).max(1)
    }

    /// Where `key`'s state under this limit is kept.
    fn state_of(self, key: &str) -> String {
        format!("{key}@{}", self.0)
    }
}

/// The one rule: `count` requests at `now_us` against a key whose arrival time is
/// `tat_us`. The new arrival time when admitted, else how long until they would be.
pub fn admit(tat_us: i64, now_us: i64, count: u32, limit: PerMinute) -> Result<i64, Duration> {
    let start = tat_us.max(now_us);
    let ahead = start - now_us;
    if ahead <= limit.tolerance_us() {
        Ok(start + i64::from(count) * limit.interval_us())
    } else {
        let wait = ahead - limit.tolerance_us();
        Err(Duration::from_micros(u64::try_from(wait).unwrap_or(0)))
    }
}

fn now_us() -> i64 {
    Utc::now().timestamp_micros()
}

#[derive(Default)]
struct Slot {
    /// Local mode: the key's arrival time.
    tat_us: i64,
    /// Shared mode: permits claimed and not used yet, and when they lapse.
    permits: u32,
    permits_until_us: i64,
    /// Shared mode: the shared state refused until then; no need to ask again sooner.
    refused_until_us: i64,
}

#[derive(Clone)]
pub struct Limiter {
    shared: Option<DatabaseConnection>,
    slots: Arc<Mutex<HashMap<String, Slot>>>,
}

impl Limiter {
    /// State in this process only (one instance, SQLite).
    pub fn local() -> Self {
        Self {
            shared: None,
            slots: Arc::default(),
        }
    }

    /// State in the database, for instances sharing it.
    pub fn shared(db: DatabaseConnection) -> Self {
        Self {
            shared: Some(db),
            slots: Arc::default(),
        }
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<String, Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Takes one request's permit for `key`, or says how long until one is free.
    ///
    /// # Errors
    /// A database error when the shared state cannot be reached.
    pub async fn acquire(&self, key: &str, limit: PerMinute) -> DomainResult<Result<(), Duration>> {
        let key = &limit.state_of(key);
        let now = now_us();
        {
            let mut slots = self.slots();
            let slot = slots.entry(key.to_owned()).or_default();
            if self.shared.is_none() {
                return Ok(admit(slot.tat_us, now, 1, limit).map(|tat| slot.tat_us = tat));
            }
            if slot.permits > 0 && slot.permits_until_us > now {
                slot.permits -= 1;
                return Ok(Ok(()));
            }
            if slot.refused_until_us > now {
                let wait = slot.refused_until_us - now;
                return Ok(Err(Duration::from_micros(u64::try_from(wait).unwrap_or(0))));
            }
        }
        let slice = limit.slice();
        let claimed = self.claim(key, slice, limit).await?;
        let mut slots = self.slots();
        let slot = slots.entry(key.to_owned()).or_default();
        match claimed {
            Ok(()) => {
                slot.permits = slice - 1;
                slot.permits_until_us = now + i64::from(slice) * limit.interval_us();
                Ok(Ok(()))
            }
            Err(wait) => {
                slot.refused_until_us = now + i64::try_from(wait.as_micros()).unwrap_or(i64::MAX / 2);
                Ok(Err(wait))
            }
        }
    }

    /// How long until `key` admits a request, without taking it; `None` when it would now.
    ///
    /// # Errors
    /// A database error when the shared state cannot be reached.
    pub async fn peek(&self, key: &str, limit: PerMinute) -> DomainResult<Option<Duration>> {
        let key = &limit.state_of(key);
        let now = now_us();
        let tat = {
            let slots = self.slots();
            let slot = slots.get(key);
            match (&self.shared, slot) {
                (None, slot) => return Ok(admit(slot.map_or(0, |s| s.tat_us), now, 1, limit).err()),
                (Some(_), Some(slot)) if slot.permits > 0 && slot.permits_until_us > now => return Ok(None),
                _ => None::<i64>,
            }
        };
        let Some(db) = &self.shared else { return Ok(None) };
        let stored = match tat {
            Some(tat) => Some(tat),
            None => rate_limits::Entity::find_by_id(key.to_owned())
                .one(db)
                .await?
                .map(|row| row.tat_us),
        };
        Ok(admit(stored.unwrap_or(0), now, 1, limit).err())
    }

    /// Claims `count` permits from the shared state: read under a row lock, the rule in
    /// Rust, written back, in one transaction.
    async fn claim(&self, key: &str, count: u32, limit: PerMinute) -> DomainResult<Result<(), Duration>> {
        let Some(db) = &self.shared else {
            return Err(DomainError::internal("a local limiter has no shared state"));
        };
        let txn = crate::db::write_transaction(db).await?;
        rate_limits::Entity::insert(rate_limits::ActiveModel {
            key: Set(key.to_owned()),
            tat_us: Set(0),
        })
        .on_conflict_do_nothing()
        .exec(&txn)
        .await?;
        let row = rate_limits::Entity::find_by_id(key.to_owned())
            .lock_exclusive()
            .one(&txn)
            .await?
            .ok_or(DomainError::NotFound)?;
        let verdict = admit(row.tat_us, now_us(), count, limit);
        if let Ok(tat) = verdict {
            rate_limits::Entity::update_many()
                .col_expr(rate_limits::Column::TatUs, sea_orm::sea_query::Expr::value(tat))
                .filter(rate_limits::Column::Key.eq(key))
                .exec(&txn)
                .await?;
        }
        txn.commit().await?;
        Ok(verdict.map(drop))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Drives the rule with requests at the given times (µs) and counts admissions in
    /// every window of a minute.
    fn most_in_any_minute(limit: PerMinute, arrivals: &[i64]) -> usize {
        let mut tat = 0;
        let mut admitted = Vec::new();
        for &at in arrivals {
            if let Ok(next) = admit(tat, at, 1, limit) {
                tat = next;
                admitted.push(at);
            }
        }
        admitted
            .iter()
            .map(|&start| {
                admitted
                    .iter()
                    .filter(|&&t| t >= start && t < start + 60_000_000)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn sixty_a_minute_admits_at_most_sixty_three_in_any_minute() {
        let limit = PerMinute::new(60).unwrap();
        // A request every 10 ms for three minutes: far more than the limit.
        let arrivals: Vec<i64> = (0..18_000).map(|i| 1_000_000_000 + i * 10_000).collect();
        let most = most_in_any_minute(limit, &arrivals);
        assert!((60..=63).contains(&most), "{most}");
    }

    #[test]
    fn a_rested_limit_admits_its_burst_at_once_then_says_how_long_to_wait() {
        let limit = PerMinute::new(600).unwrap();
        assert_eq!(limit.burst(), 30);
        let now = 5_000_000_000;
        let mut tat = 0;
        for _ in 0..30 {
            tat = admit(tat, now, 1, limit).unwrap();
        }
        let wait = admit(tat, now, 1, limit).unwrap_err();
        assert_eq!(wait, Duration::from_millis(100));
        assert!(admit(tat, now + 100_000, 1, limit).is_ok());
    }

    #[test]
    fn zero_and_negative_limits_are_not_limits() {
        assert_eq!(PerMinute::new(0), None);
        assert_eq!(PerMinute::new(-5), None);
    }

    #[tokio::test]
    async fn the_local_limiter_keeps_keys_apart() {
        let limiter = Limiter::local();
        let limit = PerMinute::new(20).unwrap();
        assert!(limiter.acquire("a", limit).await.unwrap().is_ok());
        assert!(limiter.acquire("a", limit).await.unwrap().is_err());
        assert!(limiter.peek("a", limit).await.unwrap().is_some());
        assert!(limiter.acquire("b", limit).await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn a_changed_limit_starts_afresh() {
        let limiter = Limiter::local();
        let (one, many) = (PerMinute::new(1).unwrap(), PerMinute::new(600).unwrap());
        assert!(limiter.acquire("a", one).await.unwrap().is_ok());
        assert!(limiter.acquire("a", one).await.unwrap().is_err());
        assert!(limiter.acquire("a", many).await.unwrap().is_ok());
    }
}
