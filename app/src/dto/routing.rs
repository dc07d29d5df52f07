//! Resolve answers: the candidates in order and the rest with why.

use serde::{Deserialize, Serialize};
use vocab::{CredentialId, Scope};

/// A credential in a resolve answer: enough to name and order it, nothing secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct ResolvedCredentialDto {
    pub id: CredentialId,
    pub name: String,
    /// The provider's identifier.
    pub provider: String,
    pub scope: Scope,
    pub priority: i32,
    pub weight: i32,
    pub hint: Option<String>,
    /// Why it was left out (excluded ones only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// `POST /api/resolve`: the candidates in the order to use them, and the rest with why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResolutionDto {
    pub candidates: Vec<ResolvedCredentialDto>,
    pub excluded: Vec<ResolvedCredentialDto>,
}

#[cfg(feature = "ssr")]
mod from_domain {
    use super::*;
    use domain::credentials::CredentialView;
    use domain::routing::Resolution;

    /// Only what an answer shows (resolve is a hot path: nothing else is built).
    fn resolved(view: &CredentialView, reason: Option<String>) -> ResolvedCredentialDto {
        ResolvedCredentialDto {
            id: view.id(),
            name: view.name().to_owned(),
            provider: view.provider_identifier.clone(),
            scope: view.scope(),
            priority: view.priority(),
            weight: view.weight(),
            hint: view.hint().map(str::to_owned),
            reason,
        }
    }

    impl From<Resolution> for ResolutionDto {
        fn from(r: Resolution) -> Self {
            Self {
                candidates: r.candidates.iter().map(|v| resolved(v, None)).collect(),
                excluded: r
                    .excluded
                    .iter()
                    .map(|(v, why)| resolved(v, Some(why.to_string())))
                    .collect(),
            }
        }
    }
}
