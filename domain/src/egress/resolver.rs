//! The DNS resolver that reqwest clients from `Egress::client` use: it hands reqwest only addresses
//! the policy allows, so the address checked is the address connected to (no DNS rebinding window).

use std::error::Error;
use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use super::{refusal, AllowList, EgressError};

/// Resolves with the system resolver, then applies the policy to every address.
pub(super) struct PolicyResolver {
    allow: AllowList,
}

impl PolicyResolver {
    pub(super) fn new(allow: AllowList) -> Self {
        Self { allow }
    }
}

impl Resolve for PolicyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow = self.allow.clone();
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found =
                tokio::net::lookup_host((host.as_str(), 0))
                    .await
                    .map_err(|e| EgressError::Resolve {
                        host: host.clone(),
                        reason: e.to_string(),
                    })?;
            // Returned as a boxed EgressError so it stays downcastable in the reqwest error's
            // source chain (see `refused_by_policy`).
            let addrs = screen(&allow, &host, found.collect())?;
            Ok::<Addrs, Box<dyn Error + Send + Sync>>(Box::new(addrs.into_iter()))
        })
    }
}

/// Applies the policy to the addresses `host` resolved to. An allow-listed name gets all of them.
/// Otherwise one refused address refuses the whole name, even next to public ones: a name that
/// points inside the network is suspect as a whole, and failing loudly beats quietly dropping
/// addresses (which would also make the outcome depend on DNS answer order and caching).
pub(super) fn screen(
    allow: &AllowList,
    host: &str,
    addrs: Vec<SocketAddr>,
) -> Result<Vec<SocketAddr>, EgressError> {
    if addrs.is_empty() {
        return Err(EgressError::Resolve {
            host: host.to_owned(),
            reason: "no addresses".to_owned(),
        });
    }
    if allow.allows_host(host) {
        return Ok(addrs);
    }
    for addr in &addrs {
        if let Some(class) = refusal(allow, addr.ip()) {
            return Err(EgressError::Refused {
                host: host.to_owned(),
                class,
                resolved: Some(addr.ip()),
            });
        }
    }
    Ok(addrs)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;

    use super::super::{refused_by_policy, Egress};
    use super::*;

    fn sockets(ips: &[&str]) -> Vec<SocketAddr> {
        ips.iter()
            .map(|ip| SocketAddr::new(ip.parse().unwrap(), 0))
            .collect()
    }

    #[test]
    fn a_single_internal_address_refuses_the_whole_name() {
        let empty = AllowList::default();
        let mixed = sockets(&["8.8.8.8", "10.0.0.7"]);
        let err = screen(&empty, "evil.example", mixed.clone())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("evil.example resolves to a private address (10.0.0.7);"),
            "{err}"
        );
        assert_eq!(
            screen(&empty, "ok.example", sockets(&["8.8.8.8", "2606:4700::1111"]))
                .unwrap()
                .len(),
            2
        );
        let by_name = AllowList::parse("*.example").unwrap();
        assert_eq!(screen(&by_name, "evil.example", mixed.clone()).unwrap(), mixed);
        let by_range = AllowList::parse("10.0.0.0/8").unwrap();
        assert_eq!(screen(&by_range, "evil.example", mixed.clone()).unwrap(), mixed);
        assert!(matches!(
            screen(&by_name, "x.example", vec![]),
            Err(EgressError::Resolve { .. })
        ));
    }

    /// A one-shot-per-connection HTTP server on 127.0.0.1 answering `response`; counts requests.
    async fn serve(response: String) -> (u16, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&hits);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (counter, response) = (Arc::clone(&counter), response.clone());
                tokio::spawn(async move {
                    let (mut seen, mut buf) = (Vec::new(), [0u8; 1024]);
                    while !seen.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => seen.extend_from_slice(&buf[..n]),
                        }
                    }
                    counter.fetch_add(1, Ordering::SeqCst);
                    let _ = socket.write_all(response.as_bytes()).await;
                });
            }
        });
        (port, hits)
    }

    const OK: &str = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";

    /// GET through the policy: the status, or the policy's sentence ("other: ..." for other errors).
    async fn get(policy: &Egress, url: &str) -> Result<u16, String> {
        let client = policy.client(reqwest::Client::builder()).unwrap();
        let request = policy
            .request(&client, reqwest::Method::GET, url)
            .map_err(|e| e.to_string())?;
        match request.send().await {
            Ok(response) => Ok(response.status().as_u16()),
            Err(e) => Err(refused_by_policy(&e).unwrap_or_else(|| format!("other: {e:?}"))),
        }
    }

    fn egress(allow: &str) -> Egress {
        Egress::new(AllowList::parse(allow).unwrap(), Duration::from_secs(5))
    }

    #[tokio::test]
    async fn empty_allow_list_reaches_neither_localhost_nor_loopback() {
        let (port, hits) = serve(OK.to_owned()).await;
        let policy = egress("");
        let err = get(&policy, &format!("http://localhost:{port}/v1?key=sk-secret"))
            .await
            .unwrap_err();
        assert!(
            err.starts_with("localhost resolves to a loopback address ("),
            "{err}"
        );
        assert!(!err.contains("sk-secret"), "{err}");
        let err = get(&policy, &format!("http://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(err.starts_with("127.0.0.1 is a loopback address;"), "{err}");
        assert_eq!(hits.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn allowed_range_reaches_both() {
        let (port, hits) = serve(OK.to_owned()).await;
        // `::1` too: where /etc/hosts maps localhost to ::1 as well, the whole-name rule needs it.
        let policy = egress("127.0.0.0/8, ::1");
        assert_eq!(get(&policy, &format!("http://localhost:{port}/")).await, Ok(200));
        assert_eq!(get(&policy, &format!("http://127.0.0.1:{port}/")).await, Ok(200));
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn allowed_name_does_not_open_its_address() {
        let (port, hits) = serve(OK.to_owned()).await;
        let policy = egress("LOCALHOST");
        assert_eq!(get(&policy, &format!("http://localhost:{port}/")).await, Ok(200));
        let err = get(&policy, &format!("http://127.0.0.1:{port}/"))
            .await
            .unwrap_err();
        assert!(err.contains("loopback"), "{err}");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        let (target, target_hits) = serve(OK.to_owned()).await;
        let redirect = format!(
            "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:{target}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        let (port, hits) = serve(redirect).await;
        assert_eq!(
            get(&egress("127.0.0.0/8"), &format!("http://127.0.0.1:{port}/")).await,
            Ok(302)
        );
        assert_eq!(
            (hits.load(Ordering::SeqCst), target_hits.load(Ordering::SeqCst)),
            (1, 0)
        );
    }
}
