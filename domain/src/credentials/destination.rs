//! Where a credential's requests go, and where its secret may go: a stored secret is
//! bound to the origin (scheme, host, port) it was saved for and is sent nowhere else,
//! so neither a changed endpoint nor a provider's new base URL can carry it away.

use std::collections::HashMap;

use secrecy::{ExposeSecret, SecretString};

use crate::access::Owner;
use crate::entities::{credentials, providers};
use crate::error::{DomainError, DomainResult};
use crate::probe::Prober;

/// A plain field that, when a template has it, is the address to call (Azure's endpoint).
pub(crate) const ENDPOINT_FIELD: &str = "endpoint";

/// The base URL requests go to: the credential's endpoint override, else its endpoint
/// field, else the provider's base URL.
pub(crate) fn destination(
    provider: &providers::Model,
    endpoint_override: Option<&str>,
    fields: &HashMap<String, SecretString>,
) -> String {
    let from_field = fields
        .get(ENDPOINT_FIELD)
        .map(|v| v.expose_secret().trim())
        .filter(|v| !v.is_empty());
    endpoint_override
        .or(from_field)
        .unwrap_or(&provider.base_url)
        .to_owned()
}

/// `scheme://host:port` of a URL; `None` when it does not parse.
pub(crate) fn origin(url: &str) -> Option<String> {
    url::Url::parse(url)
        .ok()
        .map(|u| u.origin().ascii_serialization())
}

/// `None` when a row's stored secret may be sent to `destination`; else why not.
pub(crate) fn refused_destination(row: &credentials::Model, destination: &str) -> Option<String> {
    let bound = row.bound_origin.as_deref()?;
    let (bound, now) = (origin(bound), origin(destination));
    (bound != now).then(|| {
        format!(
            "this key was saved for {} and is not sent to {}; type the key again to use the new address",
            bound.as_deref().unwrap_or("another address"),
            now.as_deref().unwrap_or("an unreadable address")
        )
    })
}

/// Whether `owner` may point a credential of `provider` at its own endpoint: admins may,
/// users only where the provider allows it.
///
/// # Errors
/// `Validation` on `endpoint` for a user and a provider that does not allow overrides.
pub(crate) fn check_override_allowed(owner: &Owner, provider: &providers::Model) -> DomainResult<()> {
    match owner {
        Owner::User(_) if !provider.allow_endpoint_override => Err(DomainError::validation(
            "endpoint",
            format!(
                "{} does not allow connections to use their own endpoint",
                provider.name
            ),
        )),
        _ => Ok(()),
    }
}

/// Where a destination came from: the saver typed it (an endpoint override, an endpoint
/// field) or it is the provider's base URL (the admins').
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    Override,
    EndpointField,
    Provider,
}

impl Source {
    /// The source of [`destination`]'s answer for the same arguments.
    pub(crate) fn of(endpoint_override: Option<&str>, fields: &HashMap<String, SecretString>) -> Self {
        match (endpoint_override, fields.contains_key(ENDPOINT_FIELD)) {
            (Some(_), _) => Self::Override,
            (None, true) => Self::EndpointField,
            (None, false) => Self::Provider,
        }
    }

    /// The field an error about the destination names.
    fn field(self) -> &'static str {
        match self {
            Self::Override => "endpoint",
            Self::EndpointField => "fields.endpoint",
            Self::Provider => "provider",
        }
    }
}

/// Refuses a destination the egress policy would refuse, before it is saved or tested,
/// naming the field the address came from. An address the saver typed is looked up in DNS
/// too; the provider's own base URL is only read as written: the admins' save looked it
/// up, and every request is screened again as it connects, so saving a key never waits on
/// a resolver (one that drops a packet stalls for seconds).
///
/// # Errors
/// `Validation` on the source's field, with the policy's sentence.
pub(crate) async fn vet(prober: &Prober, destination: &str, source: Source) -> DomainResult<()> {
    let egress = prober.egress();
    let vetted = match source {
        Source::Provider => egress.check_url(destination),
        Source::Override | Source::EndpointField => egress.vet(destination).await,
    };
    vetted
        .map(drop)
        .map_err(|refused| DomainError::validation(source.field(), refused.to_string()))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{vet, Source};
    use crate::egress::{AllowList, Egress};
    use crate::probe::Prober;

    #[tokio::test]
    async fn a_typed_address_is_looked_up_and_the_providers_is_read_as_written() {
        let egress = Egress::new(AllowList::parse("").unwrap(), Duration::from_secs(5));
        let prober = Prober::new(Duration::from_secs(5), egress).unwrap();
        // "localhost" resolves to loopback: refused where someone typed it.
        for source in [Source::Override, Source::EndpointField] {
            let refused = vet(&prober, "http://localhost:9/v1", source).await.unwrap_err();
            assert!(refused.to_string().contains("loopback"), "{source:?}: {refused}");
        }
        // The provider's base URL was looked up when the admins saved it.
        vet(&prober, "http://localhost:9/v1", Source::Provider)
            .await
            .unwrap();
        // What can be judged as written still is.
        for refused in [
            "http://127.0.0.1:9/v1",
            "ftp://example.com/",
            "http://user@example.com/",
        ] {
            assert!(
                vet(&prober, refused, Source::Provider).await.is_err(),
                "{refused}"
            );
        }
    }
}
