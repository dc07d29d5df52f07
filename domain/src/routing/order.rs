//! The rules of the order, as pure functions: what excludes a credential, and how the
//! usable ones are ranked (personal first, then priority, equal priorities by weight).
//! `resolve` and the gateway both rank with these.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, SecondsFormat, Utc};
use vocab::{DisabledReason, Scope};

use crate::credentials::CredentialView;

/// Why a credential is not a candidate. The sentence answers "why was this key not used?".
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exclusion {
    ProviderDisabled,
    Inactive,
    DisabledByHealth,
    Cooldown {
        until: DateTime<Utc>,
    },
    QuotaReached {
        used: i64,
        quota: i64,
    },
    RateLimited {
        limit: i32,
        retry_after_secs: u64,
    },
    /// The gateway cannot send to it, and why (its template has no gateway section, its
    /// key does not decrypt, its address is refused).
    Unreachable(String),
}

impl fmt::Display for Exclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exclusion::ProviderDisabled => write!(f, "provider disabled"),
            Exclusion::Inactive => write!(f, "inactive"),
            Exclusion::DisabledByHealth => write!(f, "disabled automatically after failing health checks"),
            Exclusion::Cooldown { until } => write!(
                f,
                "in cooldown until {}",
                until.to_rfc3339_opts(SecondsFormat::Secs, true)
            ),
            Exclusion::QuotaReached { used, quota } => write!(f, "monthly quota reached ({used} of {quota})"),
            Exclusion::RateLimited {
                limit,
                retry_after_secs,
            } => write!(
                f,
                "rate limit reached ({limit} request{} a minute); free again in {retry_after_secs} s",
                if *limit == 1 { "" } else { "s" }
            ),
            Exclusion::Unreachable(why) => write!(f, "the gateway cannot use it: {why}"),
        }
    }
}

/// What decides whether a credential may be used now, apart from its rate limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Standing {
    pub provider_enabled: bool,
    pub active: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub cooldown_until: Option<DateTime<Utc>>,
    pub monthly_quota: Option<i64>,
    /// Uses in the current month.
    pub used_this_month: i64,
}

/// The first rule a credential breaks, checked in the order an admin would look. Rate
/// limits are checked apart: a limiter holds their state.
pub fn exclusion(standing: &Standing, now: DateTime<Utc>) -> Option<Exclusion> {
    if !standing.provider_enabled {
        return Some(Exclusion::ProviderDisabled);
    }
    if !standing.active {
        return Some(match standing.disabled_reason {
            Some(DisabledReason::Health) => Exclusion::DisabledByHealth,
            _ => Exclusion::Inactive,
        });
    }
    if let Some(until) = standing.cooldown_until.filter(|until| *until > now) {
        return Some(Exclusion::Cooldown { until });
    }
    if let Some(quota) = standing.monthly_quota {
        if standing.used_this_month >= quota {
            return Some(Exclusion::QuotaReached {
                used: standing.used_this_month,
                quota,
            });
        }
    }
    None
}

/// A stored credential's standing as of `now`.
pub fn standing(view: &CredentialView, now: DateTime<Utc>) -> Standing {
    let row = view.row();
    Standing {
        provider_enabled: view.provider_enabled,
        active: row.active,
        disabled_reason: row.disabled_reason.as_deref().and_then(DisabledReason::parse),
        cooldown_until: row.cooldown_until,
        monthly_quota: row.monthly_quota,
        used_this_month: view.current_month_usage(now),
    }
}

/// What the order looks at.
pub trait Candidate {
    fn scope(&self) -> Scope;
    fn priority(&self) -> i32;
    fn weight(&self) -> i32;
    fn name(&self) -> &str;
}

impl Candidate for CredentialView {
    fn scope(&self) -> Scope {
        CredentialView::scope(self)
    }

    fn priority(&self) -> i32 {
        CredentialView::priority(self)
    }

    fn weight(&self) -> i32 {
        CredentialView::weight(self)
    }

    fn name(&self) -> &str {
        CredentialView::name(self)
    }
}

/// A usable credential with the random draw that places it among equal priorities.
pub struct Ranked<T> {
    pub item: T,
    /// A uniform draw in (0, 1].
    pub draw: f64,
}

impl<T: Candidate> Ranked<T> {
    /// A fresh draw for `item`.
    pub fn drawn(item: T) -> Self {
        Self {
            item,
            draw: 1.0 - rand::random::<f64>(),
        }
    }

    /// Efraimidis–Spirakis: sorting by `draw^(1/weight)`, largest first, puts each
    /// credential first with probability proportional to its weight.
    fn weighted_key(&self) -> f64 {
        let weight = f64::from(self.item.weight().max(1));
        self.draw.powf(1.0 / weight)
    }
}

/// Personal connections first (when `personal_first`), then priority ascending, then
/// the weighted draw; the name last, so equal draws still give one order.
pub fn order<T: Candidate>(mut ranked: Vec<Ranked<T>>, personal_first: bool) -> Vec<T> {
    let group = |r: &Ranked<T>| match (personal_first, r.item.scope()) {
        (true, Scope::Personal) => 0,
        _ => 1,
    };
    ranked.sort_by(|a, b| {
        group(a)
            .cmp(&group(b))
            .then(a.item.priority().cmp(&b.item.priority()))
            .then(
                b.weighted_key()
                    .partial_cmp(&a.weighted_key())
                    .unwrap_or(Ordering::Equal),
            )
            .then(a.item.name().cmp(b.item.name()))
    });
    ranked.into_iter().map(|r| r.item).collect()
}

/// The usable ones in order, and the excluded ones with their reason by priority, then
/// name.
pub fn rank<T: Candidate>(
    items: impl IntoIterator<Item = (T, Option<Exclusion>)>,
    personal_first: bool,
) -> (Vec<T>, Vec<(T, Exclusion)>) {
    let mut ranked = Vec::new();
    let mut excluded = Vec::new();
    for (item, exclusion) in items {
        match exclusion {
            Some(reason) => excluded.push((item, reason)),
            None => ranked.push(Ranked::drawn(item)),
        }
    }
    excluded.sort_by(|(a, _), (b, _)| (a.priority(), a.name()).cmp(&(b.priority(), b.name())));
    (order(ranked, personal_first), excluded)
}

#[cfg(test)]
mod tests;
