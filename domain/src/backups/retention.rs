//! Which backups to keep: grandfather-father-son. The newest backup of each of the
//! newest `daily` days that have one is kept, likewise per ISO week and per month; the
//! newest backup of all is always kept. Everything else may go.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Keep {
    pub daily: u32,
    pub weekly: u32,
    pub monthly: u32,
}

impl Default for Keep {
    fn default() -> Self {
        Self {
            daily: 7,
            weekly: 4,
            monthly: 3,
        }
    }
}

/// The day, ISO week or month a time falls in, as (year, number).
type PeriodOf = fn(&DateTime<Utc>) -> (i32, u32);

/// The times (of `made`) to keep under `keep`.
pub fn kept(made: &[DateTime<Utc>], keep: Keep) -> BTreeSet<DateTime<Utc>> {
    let mut newest_first: Vec<DateTime<Utc>> = made.to_vec();
    newest_first.sort_unstable_by(|a, b| b.cmp(a));
    let mut out = BTreeSet::new();
    out.extend(newest_first.first().copied());
    let periods: [(u32, PeriodOf); 3] = [
        (keep.daily, |at| (at.year(), at.ordinal())),
        (keep.weekly, |at| {
            let week = at.iso_week();
            (week.year(), week.week())
        }),
        (keep.monthly, |at| (at.year(), at.month())),
    ];
    for (count, period_of) in periods {
        let mut seen = BTreeSet::new();
        for at in &newest_first {
            if seen.len() as u32 == count {
                break;
            }
            // The first backup met in a period is its newest.
            if seen.insert(period_of(at)) {
                out.insert(*at);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{Duration, TimeZone};

    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
    }

    /// 100 days of backups at 02:00 and 14:00, pruned after each one as the scheduler
    /// does, keep exactly: the last 7 days' newest, the newest of the 4 newest ISO weeks,
    /// the newest of the 3 newest months.
    #[test]
    fn a_hundred_days_pruned_as_they_go_keep_the_expected_set() {
        let start = at(2026, 1, 1, 2);
        let mut stored: Vec<DateTime<Utc>> = Vec::new();
        for half_day in 0..200 {
            stored.push(start + Duration::hours(12 * half_day));
            let keep = kept(&stored, Keep::default());
            stored.retain(|made| keep.contains(made));
        }
        // The last backup: 2026-04-10 14:00 (a Friday, ISO week 15).
        let expected: BTreeSet<_> = [
            // Daily: 4 April to 10 April, each day's 14:00.
            at(2026, 4, 4, 14),
            at(2026, 4, 5, 14),
            at(2026, 4, 6, 14),
            at(2026, 4, 7, 14),
            at(2026, 4, 8, 14),
            at(2026, 4, 9, 14),
            at(2026, 4, 10, 14),
            // Weekly: weeks 15 (above), 14 (Sunday 5 April, above), 13 and 12 (Sundays).
            at(2026, 3, 29, 14),
            at(2026, 3, 22, 14),
            // Monthly: April (above), March and February (their last days).
            at(2026, 3, 31, 14),
            at(2026, 2, 28, 14),
        ]
        .into_iter()
        .collect();
        assert_eq!(stored.iter().copied().collect::<BTreeSet<_>>(), expected);
        // Pruning as they go keeps what one pruning of all of them keeps.
        let all: Vec<_> = (0..200).map(|half| start + Duration::hours(12 * half)).collect();
        assert_eq!(kept(&all, Keep::default()), expected);
    }

    #[test]
    fn the_newest_is_kept_even_when_every_count_is_zero() {
        let made = [at(2026, 5, 1, 2), at(2026, 5, 2, 2)];
        let none = Keep {
            daily: 0,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(kept(&made, none), [at(2026, 5, 2, 2)].into_iter().collect());
        assert!(kept(&[], Keep::default()).is_empty());
    }

    /// Days without a backup do not count: seven daily backups spread over a month all stay.
    #[test]
    fn the_daily_count_is_of_days_that_have_backups() {
        let made: Vec<_> = (0..7).map(|i| at(2026, 6, 1 + 4 * i, 2)).collect();
        let keep = Keep {
            daily: 7,
            weekly: 0,
            monthly: 0,
        };
        assert_eq!(kept(&made, keep).len(), 7);
    }
}
