//! Work an instance repeats for as long as it runs (key checks, adopting orphaned runs,
//! scheduled jobs): one loop, so each keeps the same pace and logs its failures alike.

use std::future::Future;
use std::time::Duration;

use crate::error::DomainResult;

/// Runs `work` every `period`, the first time at once; a late round delays the next
/// instead of bunching up. A failure is logged as `what` and the loop goes on.
pub async fn every<T, F, Fut>(period: Duration, what: &'static str, mut work: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = DomainResult<T>>,
{
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if let Err(err) = work().await {
            tracing::warn!(%err, "{what}");
        }
    }
}
