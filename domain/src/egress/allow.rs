//! Allow-list: the admin's exceptions to the egress policy, parsed from `SWITCHYARD_EGRESS_ALLOW`.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

use ipnet::IpNet;

use super::EgressError;

/// One allow-list entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllowEntry {
    /// An address range; a single IP is kept as a /32 or /128.
    Net(IpNet),
    /// An exact host name, lower-case, without a trailing dot.
    Host(String),
    /// `*.suffix`: any subdomain of `suffix` (not `suffix` itself); stored without the `*.`.
    Suffix(String),
}

impl AllowEntry {
    fn parse(entry: &str) -> Result<Self, EgressError> {
        let bad = |reason: &str| EgressError::AllowEntry {
            entry: entry.to_owned(),
            reason: reason.to_owned(),
        };
        if let Ok(ip) = entry.parse::<IpAddr>() {
            return Ok(Self::Net(IpNet::from(ip)));
        }
        if entry.contains('/') {
            // Host bits are dropped (10.1.2.3/8 means 10.0.0.0/8), as most tools do.
            return entry.parse::<IpNet>().map(|net| Self::Net(net.trunc())).map_err(|_| {
                bad("not a valid CIDR range (address/prefix, prefix at most 32 for IPv4 and 128 for IPv6)")
            });
        }
        if let Some(suffix) = entry.strip_prefix("*.") {
            return host_name(suffix)
                .map(Self::Suffix)
                .ok_or_else(|| bad("`*.` must be followed by a domain"));
        }
        host_name(entry)
            .map(Self::Host)
            .ok_or_else(|| bad("not an IP address, CIDR range, host name or *.domain"))
    }
}

impl fmt::Display for AllowEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Net(net) if net.prefix_len() == net.max_prefix_len() => write!(f, "{}", net.addr()),
            Self::Net(net) => write!(f, "{net}"),
            Self::Host(host) => f.write_str(host),
            Self::Suffix(suffix) => write!(f, "*.{suffix}"),
        }
    }
}

/// Lower-cases a host name (dropping a trailing dot) if it is plausible DNS syntax.
fn host_name(text: &str) -> Option<String> {
    let name = text.strip_suffix('.').unwrap_or(text).to_ascii_lowercase();
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    // A numeric last label makes URL parsers read the host as IPv4, so such a "name" can never match.
    let numeric_tail = name
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    (name.len() <= 253 && name.split('.').all(label_ok) && !numeric_tail).then_some(name)
}

/// The admin's exceptions: addresses, ranges and host names that may be reached even though they are
/// not public. Cheap to clone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowList {
    entries: Arc<[AllowEntry]>,
}

impl AllowList {
    /// Parses the `SWITCHYARD_EGRESS_ALLOW` text: entries separated by commas and/or whitespace, each
    /// a CIDR (`10.0.0.0/8`), an IP (`::1`), a host name (`ollama.internal`) or `*.domain`.
    /// Empty text gives an empty list; a malformed entry is refused with a message naming it.
    pub fn parse(text: &str) -> Result<Self, EgressError> {
        let entries = text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|piece| !piece.is_empty())
            .map(AllowEntry::parse)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            entries: entries.into(),
        })
    }

    /// The entries, in the order given.
    pub fn entries(&self) -> &[AllowEntry] {
        &self.entries
    }

    /// True when the list has no entries (only public addresses are reachable).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// True when `ip` is inside an address or range entry. An IPv4-mapped IPv6 address also matches
    /// IPv4 entries, since it reaches the same host.
    pub fn allows_ip(&self, ip: IpAddr) -> bool {
        let canonical = ip.to_canonical();
        self.entries
            .iter()
            .any(|e| matches!(e, AllowEntry::Net(n) if n.contains(&ip) || n.contains(&canonical)))
    }

    /// True when the host name matches a name entry exactly or a `*.domain` entry as a subdomain
    /// (case-insensitive, trailing dot ignored). IP literals are never matched here.
    pub fn allows_host(&self, host: &str) -> bool {
        let host = host.strip_suffix('.').unwrap_or(host).to_ascii_lowercase();
        self.entries.iter().any(|e| match e {
            AllowEntry::Host(name) => *name == host,
            AllowEntry::Suffix(suffix) => host
                .strip_suffix(suffix.as_str())
                .and_then(|rest| rest.strip_suffix('.'))
                .is_some_and(|sub| !sub.is_empty()),
            AllowEntry::Net(_) => false,
        })
    }
}

/// The canonical text, comma-separated; it parses back to the same list.
impl fmt::Display for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, entry) in self.entries.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{entry}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_good_entries() {
        let list = AllowList::parse(
            " 10.0.0.0/8,fd00::/8 192.168.1.5,\n::1,, Ollama.Internal.  *.corp.example,10.1.2.3/16",
        )
        .unwrap();
        assert_eq!(
            list.to_string(),
            "10.0.0.0/8, fd00::/8, 192.168.1.5, ::1, ollama.internal, *.corp.example, 10.1.0.0/16"
        );
        assert_eq!(AllowList::parse(&list.to_string()).unwrap(), list);
        assert_eq!(list.entries().len(), 7);
        assert!(AllowList::parse("").unwrap().is_empty());
        assert!(AllowList::parse(" , ,\t").unwrap().is_empty());
    }

    #[test]
    fn refuses_bad_entries_naming_them() {
        let err = |text: &str| AllowList::parse(text).unwrap_err().to_string();
        for entry in "10.0.0.0/33 fd00::/129 host! *. * a.*.com 10.0.0 -a.example a..b http://a.b".split(' ')
        {
            let text = err(&format!("10.0.0.0/8, {entry}"));
            assert!(
                text.starts_with(&format!("SWITCHYARD_EGRESS_ALLOW entry `{entry}` is not")),
                "{text}"
            );
        }
        assert!(err("not a host!").contains("`host!`"));
    }

    #[test]
    fn matches_ips_hosts_and_wildcards() {
        let list =
            AllowList::parse("127.0.0.0/8 fd00::/8 192.168.1.5 Ollama.internal *.Corp.Example").unwrap();
        for ip in "127.9.9.9 ::ffff:127.0.0.1 fd12::1 192.168.1.5".split(' ') {
            assert!(list.allows_ip(ip.parse().unwrap()), "{ip}");
        }
        for ip in "192.168.1.6 ::1 10.0.0.1".split(' ') {
            assert!(!list.allows_ip(ip.parse().unwrap()), "{ip}");
        }
        for host in "ollama.internal OLLAMA.Internal. a.corp.example A.B.CORP.EXAMPLE".split(' ') {
            assert!(list.allows_host(host), "{host}");
        }
        for host in "x.ollama.internal corp.example xcorp.example corp.example.evil 127.0.0.1".split(' ') {
            assert!(!list.allows_host(host), "{host}");
        }
    }
}
