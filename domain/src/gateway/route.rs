//! Which credentials may serve a request, in order: the model names the providers (an
//! enabled model id, or `provider/model` to pin one), the token's allow-lists narrow
//! them, and the one ranking rule `resolve` uses orders their credentials.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use vocab::Scope;

use super::caller::GatewayCaller;
use super::inspect::Endpoint;
use super::table::{Route, Table};
use crate::error::{DomainError, DomainResult};
use crate::routing::{exclusion, rank, Exclusion};

pub(super) struct Plan {
    /// The model name the upstream gets (without a `provider/` prefix).
    pub upstream_model: String,
    pub candidates: Vec<Arc<Route>>,
    pub excluded: Vec<(Arc<Route>, Exclusion)>,
}

/// # Errors
/// `Validation` on `model` when no provider offers it; `Denied` when the token's
/// allow-lists leave it out.
pub(super) fn plan(
    table: &Table,
    caller: &GatewayCaller,
    model: &str,
    endpoint: Endpoint,
    now: DateTime<Utc>,
) -> DomainResult<Plan> {
    let (providers, upstream_model) = target(table, model)?;
    let restrictions = caller.restrictions();
    if let Some(allowed) = &restrictions.models {
        if !allowed.iter().any(|m| m == model || m == upstream_model) {
            return Err(DomainError::Denied(format!(
                "this API token may not use the model `{model}`"
            )));
        }
    }
    let providers: Vec<uuid::Uuid> = match &restrictions.providers {
        None => providers,
        Some(allowed) => {
            let kept: Vec<uuid::Uuid> = providers
                .iter()
                .copied()
                .filter(|id| {
                    table
                        .providers
                        .get(id)
                        .is_some_and(|p| allowed.contains(&p.identifier))
                })
                .collect();
            if kept.is_empty() {
                return Err(DomainError::Denied(format!(
                    "this API token may not use the providers that offer `{model}`"
                )));
            }
            kept
        }
    };
    let items = providers
        .iter()
        .filter_map(|id| table.routes.get(id))
        .flatten()
        .filter(|route| reachable_by(route, caller))
        .map(|route| {
            let excluded = match &route.upstream {
                Err(why) => Some(Exclusion::Unreachable(why.clone())),
                Ok(upstream) if !upstream.serves(endpoint) => Some(Exclusion::Unreachable(
                    "its provider does not speak Anthropic's Messages API".to_owned(),
                )),
                Ok(_) => exclusion(&route.standing(now), now),
            };
            (route.clone(), excluded)
        });
    let (candidates, excluded) = rank(items, !caller.personal() || table.personal_first);
    Ok(Plan {
        upstream_model: upstream_model.to_owned(),
        candidates,
        excluded,
    })
}

/// The providers a model name points at, and the name the upstream gets.
fn target<'a>(table: &Table, model: &'a str) -> DomainResult<(Vec<uuid::Uuid>, &'a str)> {
    if let Some(providers) = table.by_model.get(model) {
        return Ok((providers.clone(), model));
    }
    if let Some((prefix, rest)) = model.split_once('/') {
        if let (Some(id), false) = (table.by_identifier.get(prefix), rest.is_empty()) {
            return Ok((vec![*id], rest));
        }
    }
    Err(DomainError::validation(
        "model",
        format!("no provider offers the model `{model}`; GET /v1/models lists the models you can use"),
    ))
}

/// Global credentials for everyone; a user's own connections for their sessions and
/// personal tokens only.
pub(super) fn reachable_by(route: &Route, caller: &GatewayCaller) -> bool {
    match route.scope {
        Scope::Global => true,
        Scope::Personal => caller.personal() && route.owner == Some(caller.user().uuid()),
    }
}
