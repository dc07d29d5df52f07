//! The rules of the order, as pure functions: what excludes a credential, and how the
//! usable ones are ranked (personal first, then priority, equal priorities by weight).

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
    Cooldown { until: DateTime<Utc> },
    QuotaReached { used: i64, quota: i64 },
    RateLimited { recent: u64, limit: i32 },
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
            Exclusion::RateLimited { recent, limit } => {
                write!(
                    f,
                    "rate limit reached ({recent} of {limit} requests in the last minute)"
                )
            }
        }
    }
}

/// The first rule a credential breaks, checked in the order an admin would look.
pub fn exclusion(view: &CredentialView, now: DateTime<Utc>, requests_last_minute: u64) -> Option<Exclusion> {
    let row = view.row();
    if !view.provider_enabled {
        return Some(Exclusion::ProviderDisabled);
    }
    if !row.active {
        return Some(
            match row.disabled_reason.as_deref().and_then(DisabledReason::parse) {
                Some(DisabledReason::Health) => Exclusion::DisabledByHealth,
                _ => Exclusion::Inactive,
            },
        );
    }
    if let Some(until) = row.cooldown_until.filter(|until| *until > now) {
        return Some(Exclusion::Cooldown { until });
    }
    if let Some(quota) = row.monthly_quota {
        let used = view.current_month_usage(now);
        if used >= quota {
            return Some(Exclusion::QuotaReached { used, quota });
        }
    }
    if let Some(limit) = row.rate_limit_per_minute {
        if requests_last_minute >= u64::try_from(limit).unwrap_or(0) {
            return Some(Exclusion::RateLimited {
                recent: requests_last_minute,
                limit,
            });
        }
    }
    None
}

/// A usable credential with the random draw that places it among equal priorities.
pub struct Ranked {
    pub view: CredentialView,
    /// A uniform draw in (0, 1].
    pub draw: f64,
}

impl Ranked {
    /// Efraimidis–Spirakis: sorting by `draw^(1/weight)`, largest first, puts each
    /// credential first with probability proportional to its weight.
    fn weighted_key(&self) -> f64 {
        let weight = f64::from(self.view.row().weight.max(1));
        self.draw.powf(1.0 / weight)
    }
}

/// Personal connections first (when `personal_first`), then priority ascending, then
/// the weighted draw; the name last, so equal draws still give one order.
pub fn order(mut ranked: Vec<Ranked>, personal_first: bool) -> Vec<CredentialView> {
    let group = |r: &Ranked| match (personal_first, r.view.scope()) {
        (true, Scope::Personal) => 0,
        _ => 1,
    };
    ranked.sort_by(|a, b| {
        group(a)
            .cmp(&group(b))
            .then(a.view.row().priority.cmp(&b.view.row().priority))
            .then(
                b.weighted_key()
                    .partial_cmp(&a.weighted_key())
                    .unwrap_or(Ordering::Equal),
            )
            .then(a.view.row().name.cmp(&b.view.row().name))
    });
    ranked.into_iter().map(|r| r.view).collect()
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use proptest::prelude::*;
    use rand::{Rng, SeedableRng};
    use uuid::Uuid;

    use super::*;
    use crate::credentials::CredentialView;
    use crate::entities::{credentials, providers};

    fn provider(enabled: bool) -> providers::Model {
        providers::Model {
            id: Uuid::nil(),
            identifier: "gemini".into(),
            name: "Google Gemini".into(),
            template_id: Uuid::nil(),
            base_url: "https://example.com".into(),
            is_system: true,
            enabled,
            default_priority: 10,
            settings: serde_json::json!({}),
            allow_endpoint_override: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn credential(name: &str, priority: i32, weight: i32, scope: Scope) -> credentials::Model {
        credentials::Model {
            id: Uuid::now_v7(),
            name: name.into(),
            provider_id: Uuid::nil(),
            scope: scope.as_str().into(),
            owner_id: None,
            secret_fields: serde_json::json!({}),
            plain_fields: serde_json::json!({}),
            key_version: 1,
            hint: String::new(),
            endpoint_override: None,
            bound_origin: None,
            priority,
            weight,
            active: true,
            disabled_reason: None,
            rate_limit_per_minute: None,
            monthly_quota: None,
            usage_count: 0,
            current_month_usage: 0,
            usage_month: None,
            last_used_at: None,
            last_test_status: None,
            last_test_latency_ms: None,
            last_test_at: None,
            last_test_error: None,
            consecutive_failures: 0,
            cooldown_until: None,
            disabled_at: None,
            auto_disable_after: None,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    fn view(row: credentials::Model) -> CredentialView {
        CredentialView::new(row, &provider(true))
    }

    #[test]
    fn each_exclusion_has_its_reason() {
        let now = Utc::now();
        let month = crate::credentials::month_of(now);
        let base = || credential("k", 10, 1, Scope::Global);
        let cases: Vec<(CredentialView, u64, Option<&str>)> = vec![
            (view(base()), 0, None),
            (
                CredentialView::new(base(), &provider(false)),
                0,
                Some("provider disabled"),
            ),
            (
                view(credentials::Model {
                    active: false,
                    disabled_reason: Some("manual".into()),
                    ..base()
                }),
                0,
                Some("inactive"),
            ),
            (
                view(credentials::Model {
                    active: false,
                    disabled_reason: Some("health".into()),
                    ..base()
                }),
                0,
                Some("disabled automatically after failing health checks"),
            ),
            (
                view(credentials::Model {
                    cooldown_until: Some(now + Duration::minutes(5)),
                    ..base()
                }),
                0,
                Some("in cooldown until"),
            ),
            (
                view(credentials::Model {
                    cooldown_until: Some(now - Duration::minutes(5)),
                    ..base()
                }),
                0,
                None,
            ),
            (
                view(credentials::Model {
                    monthly_quota: Some(100),
                    current_month_usage: 100,
                    usage_month: Some(month.clone()),
                    ..base()
                }),
                0,
                Some("monthly quota reached (100 of 100)"),
            ),
            (
                // Last month's usage does not count against this month's quota.
                view(credentials::Model {
                    monthly_quota: Some(100),
                    current_month_usage: 100,
                    usage_month: Some("1999-01".into()),
                    ..base()
                }),
                0,
                None,
            ),
            (
                view(credentials::Model {
                    rate_limit_per_minute: Some(3),
                    ..base()
                }),
                3,
                Some("rate limit reached (3 of 3"),
            ),
            (
                view(credentials::Model {
                    rate_limit_per_minute: Some(3),
                    ..base()
                }),
                2,
                None,
            ),
        ];
        for (view, recent, expected) in cases {
            let reason = exclusion(&view, now, recent).map(|e| e.to_string());
            match expected {
                None => assert_eq!(reason, None),
                Some(start) => assert!(
                    reason.as_deref().is_some_and(|r| r.starts_with(start)),
                    "{reason:?} vs {start}"
                ),
            }
        }
    }

    #[test]
    fn personal_connections_come_first_unless_turned_off() {
        let ranked = || {
            vec![
                Ranked {
                    view: view(credential("global-5", 5, 1, Scope::Global)),
                    draw: 0.5,
                },
                Ranked {
                    view: view(credential("mine-50", 50, 1, Scope::Personal)),
                    draw: 0.5,
                },
                Ranked {
                    view: view(credential("global-1", 1, 1, Scope::Global)),
                    draw: 0.5,
                },
            ]
        };
        let names = |views: Vec<CredentialView>| {
            views
                .into_iter()
                .map(|v| v.row().name.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(names(order(ranked(), true)), ["mine-50", "global-1", "global-5"]);
        assert_eq!(names(order(ranked(), false)), ["global-1", "global-5", "mine-50"]);
    }

    #[test]
    fn equal_priorities_share_first_place_by_weight() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let mut heavy_first = 0;
        let rounds = 4000;
        for _ in 0..rounds {
            let ranked = vec![
                Ranked {
                    view: view(credential("heavy", 10, 3, Scope::Global)),
                    draw: 1.0 - rng.random::<f64>(),
                },
                Ranked {
                    view: view(credential("light", 10, 1, Scope::Global)),
                    draw: 1.0 - rng.random::<f64>(),
                },
            ];
            if order(ranked, true)[0].row().name == "heavy" {
                heavy_first += 1;
            }
        }
        let share = f64::from(heavy_first) / f64::from(rounds);
        assert!(
            (0.72..0.78).contains(&share),
            "weight 3 of 4 should lead about 75% of the time, got {share}"
        );
    }

    proptest! {
        #[test]
        fn the_order_is_a_permutation_sorted_by_group_then_priority(
            rows in prop::collection::vec((0..20i32, 1..5i32, any::<bool>(), 0.001..1.0f64), 0..30),
            personal_first in any::<bool>(),
        ) {
            let ranked: Vec<Ranked> = rows
                .iter()
                .enumerate()
                .map(|(i, (priority, weight, personal, draw))| {
                    let scope = if *personal { Scope::Personal } else { Scope::Global };
                    Ranked { view: view(credential(&format!("c{i}"), *priority, *weight, scope)), draw: *draw }
                })
                .collect();
            let ids: std::collections::BTreeSet<Uuid> = ranked.iter().map(|r| r.view.row().id).collect();
            let ordered = order(ranked, personal_first);
            let out: std::collections::BTreeSet<Uuid> = ordered.iter().map(|v| v.row().id).collect();
            prop_assert_eq!(ordered.len(), ids.len());
            prop_assert_eq!(out, ids);
            let key = |v: &CredentialView| (u8::from(!(personal_first && v.scope() == Scope::Personal)), v.row().priority);
            for pair in ordered.windows(2) {
                prop_assert!(key(&pair[0]) <= key(&pair[1]));
            }
        }
    }
}
