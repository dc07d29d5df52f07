//! The overview's figures: per provider over the last 24 hours or 7 days, and what is out
//! of the rotation.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use vocab::{CredentialId, DisabledReason, ProviderId, Scope, Window};

/// Per provider over the window, and what is out of the rotation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct FiguresDto {
    pub window: Window,
    /// Hours per entry of each provider's `hourly` (1 for `24h`, 6 for `7d`).
    pub bucket_hours: i64,
    /// The start of the first hour of the window (the last bucket ends with the current hour).
    pub since: DateTime<Utc>,
    pub providers: Vec<ProviderFiguresDto>,
    pub sidelined: Vec<SidelinedDto>,
}

/// One provider's requests (tests, scheduled checks, gateway attempts) and tokens in the window.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ProviderFiguresDto {
    pub provider_id: ProviderId,
    /// The provider's identifier.
    pub provider: String,
    pub name: String,
    pub requests: u64,
    pub ok: u64,
    /// Requests with any outcome other than `ok`.
    pub errors: u64,
    /// Prompt and completion tokens of its gateway answers.
    pub tokens: u64,
    /// From 0 to 1; null without requests.
    pub success_rate: Option<f64>,
    pub avg_latency_ms: Option<f64>,
    /// Nearest rank over every request in the window.
    pub p95_latency_ms: Option<i64>,
    /// 24 entries, oldest first.
    pub hourly: Vec<HourDto>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct HourDto {
    /// The start of the hour.
    pub hour: DateTime<Utc>,
    pub requests: u64,
    pub errors: u64,
    pub tokens: u64,
}

/// A credential in cooldown or disabled, and why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SidelinedDto {
    pub id: CredentialId,
    pub name: String,
    pub provider: String,
    pub scope: Scope,
    /// `cooldown` or `disabled`.
    pub state: String,
    /// Why, when disabled.
    pub disabled_reason: Option<DisabledReason>,
    pub cooldown_until: Option<DateTime<Utc>>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub consecutive_failures: i32,
    /// The last test's message.
    pub last_error: Option<String>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::overview::{Figures, ProviderFigures, Sideline, SidelinedCredential};

    impl From<Figures> for FiguresDto {
        fn from(o: Figures) -> Self {
            Self {
                window: o.window,
                bucket_hours: o.bucket_hours,
                since: o.since,
                providers: o.providers.into_iter().map(Into::into).collect(),
                sidelined: o.sidelined.into_iter().map(Into::into).collect(),
            }
        }
    }

    impl From<ProviderFigures> for ProviderFiguresDto {
        fn from(p: ProviderFigures) -> Self {
            Self {
                provider_id: ProviderId::from_uuid(p.provider_id),
                provider: p.provider,
                name: p.name,
                errors: p.requests - p.ok,
                requests: p.requests,
                ok: p.ok,
                tokens: p.tokens,
                success_rate: p.success_rate,
                avg_latency_ms: p.avg_latency_ms,
                p95_latency_ms: p.p95_latency_ms,
                hourly: p
                    .hourly
                    .into_iter()
                    .map(|h| HourDto {
                        hour: h.hour,
                        requests: h.requests,
                        errors: h.errors,
                        tokens: h.tokens,
                    })
                    .collect(),
            }
        }
    }

    impl From<SidelinedCredential> for SidelinedDto {
        fn from(c: SidelinedCredential) -> Self {
            let (state, disabled_reason, cooldown_until, disabled_at) = match c.sideline {
                Sideline::Cooldown { until } => ("cooldown", None, Some(until), None),
                Sideline::HealthDisabled { since } => ("disabled", Some(DisabledReason::Health), None, since),
                Sideline::ManuallyDisabled => ("disabled", Some(DisabledReason::Manual), None, None),
            };
            Self {
                id: c.id,
                name: c.name,
                provider: c.provider,
                scope: c.scope,
                state: state.to_owned(),
                disabled_reason,
                cooldown_until,
                disabled_at,
                consecutive_failures: c.consecutive_failures,
                last_error: c.last_error,
            }
        }
    }
}
