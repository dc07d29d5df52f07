//! Tests of `order`.

use chrono::Duration;
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use super::*;
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
    let cases: Vec<(CredentialView, Option<&str>)> = vec![
        (view(base()), None),
        (
            CredentialView::new(base(), &provider(false)),
            Some("provider disabled"),
        ),
        (
            view(credentials::Model {
                active: false,
                disabled_reason: Some("manual".into()),
                ..base()
            }),
            Some("inactive"),
        ),
        (
            view(credentials::Model {
                active: false,
                disabled_reason: Some("health".into()),
                ..base()
            }),
            Some("disabled automatically after failing health checks"),
        ),
        (
            view(credentials::Model {
                cooldown_until: Some(now + Duration::minutes(5)),
                ..base()
            }),
            Some("in cooldown until"),
        ),
        (
            view(credentials::Model {
                cooldown_until: Some(now - Duration::minutes(5)),
                ..base()
            }),
            None,
        ),
        (
            view(credentials::Model {
                monthly_quota: Some(100),
                current_month_usage: 100,
                usage_month: Some(month.clone()),
                ..base()
            }),
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
            None,
        ),
    ];
    for (view, expected) in cases {
        let reason = exclusion(&standing(&view, now), now).map(|e| e.to_string());
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
                item: view(credential("global-5", 5, 1, Scope::Global)),
                draw: 0.5,
            },
            Ranked {
                item: view(credential("mine-50", 50, 1, Scope::Personal)),
                draw: 0.5,
            },
            Ranked {
                item: view(credential("global-1", 1, 1, Scope::Global)),
                draw: 0.5,
            },
        ]
    };
    let names =
        |views: Vec<CredentialView>| views.into_iter().map(|v| v.name().to_owned()).collect::<Vec<_>>();
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
                item: view(credential("heavy", 10, 3, Scope::Global)),
                draw: 1.0 - rng.random::<f64>(),
            },
            Ranked {
                item: view(credential("light", 10, 1, Scope::Global)),
                draw: 1.0 - rng.random::<f64>(),
            },
        ];
        if order(ranked, true)[0].name() == "heavy" {
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
        let ranked: Vec<Ranked<CredentialView>> = rows
            .iter()
            .enumerate()
            .map(|(i, (priority, weight, personal, draw))| {
                let scope = if *personal { Scope::Personal } else { Scope::Global };
                Ranked { item: view(credential(&format!("c{i}"), *priority, *weight, scope)), draw: *draw }
            })
            .collect();
        let ids: std::collections::BTreeSet<Uuid> = ranked.iter().map(|r| r.item.id().uuid()).collect();
        let ordered = order(ranked, personal_first);
        let out: std::collections::BTreeSet<Uuid> = ordered.iter().map(|v| v.id().uuid()).collect();
        prop_assert_eq!(ordered.len(), ids.len());
        prop_assert_eq!(out, ids);
        let key = |v: &CredentialView| (u8::from(!(personal_first && v.scope() == Scope::Personal)), Candidate::priority(v));
        for pair in ordered.windows(2) {
            prop_assert!(key(&pair[0]) <= key(&pair[1]));
        }
    }
}
