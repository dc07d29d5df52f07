//! Egress policy: the one gate every outbound HTTP request of the server goes through, so that a
//! user-supplied endpoint cannot point the server at loopback, private or metadata addresses (SSRF).
//!
//! Two checks together cover every way a request picks its destination:
//! - an IP-literal host (`http://127.0.0.1/`, `http://[::1]/`, and any spelling the URL parser turns
//!   into one, such as `http://2130706433/`) never reaches a DNS resolver, so [`Egress::check_url`]
//!   judges it before the request is built ([`Egress::request`] always calls it);
//! - a host name is judged by the resolver installed by [`Egress::client`], on the very addresses
//!   reqwest then connects to, so DNS cannot change the answer between check and connect.
//!
//! Redirects are never followed and proxies are never used, since either would pick a destination
//! outside these checks. An address that is not public is refused unless `SWITCHYARD_EGRESS_ALLOW`
//! ([`AllowList`]) names it, its range or its host name.

mod address;
mod allow;
mod resolver;

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use url::{Host, Url};

pub use address::{classify, is_public, AddressClass};
pub use allow::{AllowEntry, AllowList};

/// Why the egress policy refused a URL or could not set up a client. Every message is safe to show
/// to users: it names at most the host, never the path or query (which may carry a key).
#[derive(Debug, thiserror::Error)]
pub enum EgressError {
    /// The text is not a URL.
    #[error("not a valid URL: {0}")]
    InvalidUrl(#[from] url::ParseError),
    /// Only `http` and `https` may leave the server.
    #[error("only http and https URLs are allowed, not {scheme}")]
    Scheme {
        /// The refused scheme.
        scheme: String,
    },
    /// The URL has no host to connect to.
    #[error("the URL has no host")]
    NoHost,
    /// User name or password in the URL (they would be sent, and leak into logs).
    #[error("the URL for {host} carries a user name or password; send credentials in headers instead")]
    UserInfo {
        /// The URL's host.
        host: String,
    },
    /// The destination is not public and not allow-listed.
    #[error("{}", refusal_sentence(.host, *.class, *.resolved))]
    Refused {
        /// The host as written (an IP literal or a name).
        host: String,
        /// Why the address is not public.
        class: AddressClass,
        /// The address the name resolved to; `None` when `host` is itself the address.
        resolved: Option<IpAddr>,
    },
    /// The name could not be resolved.
    #[error("could not resolve {host}: {reason}")]
    Resolve {
        /// The name looked up.
        host: String,
        /// What the system resolver said.
        reason: String,
    },
    /// A malformed `SWITCHYARD_EGRESS_ALLOW` entry.
    #[error("SWITCHYARD_EGRESS_ALLOW entry `{entry}` is not valid: {reason}")]
    AllowEntry {
        /// The entry as written.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// reqwest could not build the client (stripped of any URL).
    #[error("could not build an HTTP client: {0}")]
    Client(#[source] reqwest::Error),
}

fn refusal_sentence(host: &str, class: AddressClass, resolved: Option<IpAddr>) -> String {
    let what = class.with_article();
    match resolved {
        None => format!("{host} is {what} address; an admin can allow it with SWITCHYARD_EGRESS_ALLOW"),
        Some(ip) => format!(
            "{host} resolves to {what} address ({ip}); an admin can allow it with SWITCHYARD_EGRESS_ALLOW"
        ),
    }
}

/// Why `ip` must not be reached under `allow`, or `None` when it may be.
fn refusal(allow: &AllowList, ip: IpAddr) -> Option<AddressClass> {
    classify(ip).filter(|_| !allow.allows_ip(ip))
}

/// The egress policy. Cheap to clone (the allow-list is shared).
///
/// Build every outbound client with [`Egress::client`] and every request with [`Egress::request`];
/// a request made with `client.get(url)` directly skips the IP-literal check.
#[derive(Debug, Clone)]
pub struct Egress {
    allow: AllowList,
    connect_timeout: Duration,
}

impl Egress {
    /// A policy allowing public addresses plus whatever `allow` names; clients from
    /// [`Egress::client`] give up connecting (DNS included) after `connect_timeout`.
    pub fn new(allow: AllowList, connect_timeout: Duration) -> Self {
        Self {
            allow,
            connect_timeout,
        }
    }

    /// The admin's exceptions, e.g. for `switchyard check` to print.
    pub fn allow_list(&self) -> &AllowList {
        &self.allow
    }

    /// Parses `url` and refuses what the policy forbids before any connection: schemes other than
    /// http(s), a missing host, user info, and an IP-literal host that is neither public nor
    /// allow-listed. Host names pass here; the client's resolver judges their addresses.
    pub fn check_url(&self, url: &str) -> Result<Url, EgressError> {
        let url = Url::parse(url)?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(EgressError::Scheme {
                scheme: url.scheme().to_owned(),
            });
        }
        let host = url.host_str().ok_or(EgressError::NoHost)?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(EgressError::UserInfo {
                host: host.to_owned(),
            });
        }
        let ip = match url.host() {
            Some(Host::Ipv4(v4)) => IpAddr::V4(v4),
            Some(Host::Ipv6(v6)) => IpAddr::V6(v6),
            _ => return Ok(url),
        };
        match refusal(&self.allow, ip) {
            // Name the parsed address, not the spelling: 0x7f.1 reads better as 127.0.0.1.
            Some(class) => Err(EgressError::Refused {
                host: ip.to_string(),
                class,
                resolved: None,
            }),
            None => Ok(url),
        }
    }

    /// Checks a destination before it is saved (a base URL, an endpoint, a webhook): the same
    /// refusals as [`Egress::check_url`], and for a host name the addresses it resolves to now,
    /// so a bad destination is refused with a clear sentence at once. A name that does not
    /// resolve now passes (DNS may be down, or the host not up yet): sending re-checks at
    /// connect time, so this only gives the early answer.
    pub async fn vet(&self, url: &str) -> Result<Url, EgressError> {
        let url = self.check_url(url)?;
        if let Some(Host::Domain(name)) = url.host() {
            let port = url.port_or_known_default().unwrap_or(443);
            if let Ok(found) = tokio::net::lookup_host((name, port)).await {
                resolver::screen(&self.allow, name, found.collect())?;
            }
        }
        Ok(url)
    }

    /// Finishes `builder` into a client that obeys the policy: no redirects, no proxy (a proxy
    /// resolves names itself), the policy's resolver and the connect timeout. These are applied last,
    /// so they override whatever the caller set; callers must not add `resolve` overrides.
    pub fn client(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::Client, EgressError> {
        builder
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(self.connect_timeout)
            .dns_resolver(Arc::new(resolver::PolicyResolver::new(self.allow.clone())))
            .build()
            .map_err(|e| EgressError::Client(e.without_url()))
    }

    /// The only way callers should start a request: [`Egress::check_url`], then `client.request`.
    /// IP-literal hosts never reach a DNS resolver, so this check is what covers them; `client`
    /// must come from [`Egress::client`] for host names to be covered.
    pub fn request(
        &self,
        client: &reqwest::Client,
        method: reqwest::Method,
        url: &str,
    ) -> Result<reqwest::RequestBuilder, EgressError> {
        Ok(client.request(method, self.check_url(url)?))
    }
}

/// The policy's sentence if `err` (from sending a request) was caused by the resolver refusing the
/// destination, `None` for any other failure. Walks the `source()` chain, where reqwest keeps the
/// resolver's error. Show users this sentence or `err.without_url()`: reqwest's own message for
/// `err` contains the full URL, query included.
pub fn refused_by_policy(err: &reqwest::Error) -> Option<String> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(current) = next {
        if let Some(refused @ EgressError::Refused { .. }) = current.downcast_ref::<EgressError>() {
            return Some(refused.to_string());
        }
        next = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn egress(allow: &str) -> Egress {
        Egress::new(AllowList::parse(allow).unwrap(), Duration::from_secs(5))
    }

    #[test]
    fn refuses_every_spelling_of_internal_addresses() {
        let policy = egress("");
        for (url, class) in [
            ("http://127.0.0.1/", "loopback"),
            ("http://2130706433/", "loopback"),
            ("http://0177.0.0.1/", "loopback"),
            ("http://0x7f.1/", "loopback"),
            ("http://127.1/", "loopback"),
            ("http://[::ffff:127.0.0.1]/", "loopback"),
            ("http://[::1]/", "loopback"),
            ("http://169.254.169.254/latest/meta-data", "link-local"),
            ("http://[fe80::1]/", "link-local"),
            ("http://0.0.0.0/", "unspecified"),
            ("http://10.1.2.3/", "private"),
            ("http://224.0.0.1/", "multicast"),
            ("https://100.64.0.1:8443/", "shared (CGNAT)"),
        ] {
            let err = policy.check_url(url).unwrap_err();
            assert!(
                matches!(err, EgressError::Refused { resolved: None, .. }),
                "{url}: {err:?}"
            );
            let text = err.to_string();
            assert!(text.contains(&format!(" {class} address;")), "{url}: {text}");
            assert!(
                text.ends_with("an admin can allow it with SWITCHYARD_EGRESS_ALLOW"),
                "{text}"
            );
        }
        assert_eq!(
            policy.check_url("http://0x7f.1/").unwrap_err().to_string(),
            "127.0.0.1 is a loopback address; an admin can allow it with SWITCHYARD_EGRESS_ALLOW"
        );
        assert!(policy
            .check_url("http://0.0.0.0/")
            .unwrap_err()
            .to_string()
            .contains("an unspecified"));
    }

    #[test]
    fn allow_list_opens_literals_and_names_pass_to_the_resolver() {
        let open = egress("127.0.0.0/8");
        for url in [
            "http://127.0.0.1:8080/v1",
            "http://2130706433/",
            "http://[::ffff:127.0.0.1]/",
        ] {
            assert!(open.check_url(url).is_ok(), "{url}");
        }
        assert!(open.check_url("http://[::1]/").is_err());
        assert!(egress("").check_url("https://api.openai.com/v1/models").is_ok());
        assert!(egress("").check_url("http://localhost:11434/").is_ok());
        assert!(egress("").check_url("https://[2606:4700::1111]/").is_ok());
    }

    #[test]
    fn refuses_other_schemes_user_info_and_garbage_without_echoing_secrets() {
        let policy = egress("");
        let err = |url: &str| policy.check_url(url).unwrap_err();
        assert!(matches!(err("ftp://files.example/x"), EgressError::Scheme { .. }));
        assert!(matches!(err("file:///etc/passwd"), EgressError::Scheme { .. }));
        assert!(matches!(
            err("http://user:pw@host/"),
            EgressError::UserInfo { .. }
        ));
        assert!(matches!(
            err("https://sk-secret@api.example/"),
            EgressError::UserInfo { .. }
        ));
        assert!(matches!(err("not a url"), EgressError::InvalidUrl(_)));
        assert!(matches!(err("http://[::1/"), EgressError::InvalidUrl(_)));
        for url in [
            "http://user:sk-secret@host/",
            "http://10.0.0.1/v1?key=sk-secret",
            "http://127.1/sk-secret",
        ] {
            let text = err(url).to_string();
            assert!(!text.contains("sk-secret") && !text.contains("/v1"), "{text}");
        }
        assert_eq!(
            err("http://user:pw@host/").to_string(),
            "the URL for host carries a user name or password; send credentials in headers instead"
        );
    }
}
