//! Address classification: which IP addresses are globally routable unicast, and why the others are not.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an address is not public (not globally routable unicast).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// `0.0.0.0`, `::`: on Linux connecting to it reaches the local host.
    Unspecified,
    /// `127.0.0.0/8`, `::1`.
    Loopback,
    /// RFC 1918: `10/8`, `172.16/12`, `192.168/16`.
    Private,
    /// RFC 6598 carrier-grade NAT space, `100.64/10`.
    SharedCgnat,
    /// `169.254/16` (cloud metadata lives here), `fe80::/10`.
    LinkLocal,
    /// `fc00::/7`, the IPv6 counterpart of private space.
    UniqueLocal,
    /// Deprecated IPv6 site-local `fec0::/10`.
    SiteLocal,
    /// `224/4`, `ff00::/8`.
    Multicast,
    /// `255.255.255.255`.
    Broadcast,
    /// `192.0.2/24`, `198.51.100/24`, `203.0.113/24`, `2001:db8::/32`, `3fff::/20`.
    Documentation,
    /// `198.18/15`, `2001:2::/48`.
    Benchmarking,
    /// Teredo tunnel space `2001::/32`: the real endpoint is hidden in the address.
    Teredo,
    /// Anything else that is not routable unicast (`0/8`, `240/4`, `192.0.0/24`, non-`2000::/3` IPv6, ...).
    Reserved,
}

impl AddressClass {
    /// The word used in messages, e.g. "loopback" or "shared (CGNAT)".
    pub fn word(self) -> &'static str {
        match self {
            Self::Unspecified => "unspecified",
            Self::Loopback => "loopback",
            Self::Private => "private",
            Self::SharedCgnat => "shared (CGNAT)",
            Self::LinkLocal => "link-local",
            Self::UniqueLocal => "unique-local",
            Self::SiteLocal => "site-local",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
            Self::Documentation => "documentation",
            Self::Benchmarking => "benchmarking",
            Self::Teredo => "Teredo",
            Self::Reserved => "reserved",
        }
    }

    /// The word with its article, e.g. "a loopback" or "an unspecified".
    pub(crate) fn with_article(self) -> String {
        let article = if self == Self::Unspecified { "an" } else { "a" };
        format!("{article} {}", self.word())
    }
}

impl fmt::Display for AddressClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// True when `ip` is globally routable unicast, i.e. [`classify`] finds nothing wrong with it.
pub fn is_public(ip: IpAddr) -> bool {
    classify(ip).is_none()
}

/// Why `ip` is not public, or `None` when it is.
pub fn classify(ip: IpAddr) -> Option<AddressClass> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn classify_v4(ip: Ipv4Addr) -> Option<AddressClass> {
    use AddressClass::*;
    let [a, b, c, _] = ip.octets();
    let class = if ip.is_unspecified() {
        Unspecified
    } else if a == 0 || (a >= 240 && !ip.is_broadcast()) {
        Reserved // 0/8 "this network", 240/4 future use
    } else if ip.is_loopback() {
        Loopback
    } else if ip.is_private() {
        Private
    } else if a == 100 && b & 0xc0 == 64 {
        SharedCgnat
    } else if ip.is_link_local() {
        LinkLocal
    } else if ip.is_documentation() {
        Documentation
    } else if a == 198 && b & 0xfe == 18 {
        Benchmarking
    } else if (a, b, c) == (192, 0, 0) || (a, b, c) == (192, 88, 99) {
        Reserved // IETF protocol assignments; deprecated 6to4 relay anycast
    } else if ip.is_multicast() {
        Multicast
    } else if ip.is_broadcast() {
        Broadcast
    } else {
        return None;
    };
    Some(class)
}

fn classify_v6(ip: Ipv6Addr) -> Option<AddressClass> {
    use AddressClass::*;
    let s = ip.segments();
    let embedded = |hi: u16, lo: u16| Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo));
    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    // Forms that carry an IPv4 address reach that address: judge the embedded one.
    if let Some(v4) = ip.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    if s[..6] == [0; 6] {
        // Deprecated IPv4-compatible ::a.b.c.d: never a legitimate destination.
        return Some(classify_v4(embedded(s[6], s[7])).unwrap_or(Reserved));
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        return classify_v4(embedded(s[6], s[7])); // NAT64 well-known prefix
    }
    if s[0] == 0x2002 {
        return classify_v4(embedded(s[1], s[2])); // 6to4
    }
    let class = if ip.is_multicast() {
        Multicast
    } else if ip.is_unicast_link_local() {
        LinkLocal
    } else if ip.is_unique_local() {
        UniqueLocal
    } else if s[0] & 0xffc0 == 0xfec0 {
        SiteLocal
    } else if (s[0], s[1]) == (0x2001, 0xdb8) || (s[0] == 0x3fff && s[1] < 0x1000) {
        Documentation
    } else if (s[0], s[1], s[2]) == (0x2001, 2, 0) {
        Benchmarking
    } else if (s[0], s[1]) == (0x2001, 0) {
        Teredo
    } else if s[0] & 0xe000 != 0x2000 || (s[0] == 0x2001 && s[1] < 0x200) {
        Reserved // all global unicast is inside 2000::/3; 2001::/23 is IETF protocol space
    } else {
        return None;
    };
    Some(class)
}

#[cfg(test)]
mod tests {
    use super::AddressClass::*;
    use super::*;

    /// `address=class` pairs, `public` for globally routable: every range, its first and last
    /// address, and public neighbours.
    const TABLE: &str = "
        0.0.0.0=unspecified 0.0.0.1=reserved 0.255.255.255=reserved 1.0.0.0=public 8.8.8.8=public
        9.255.255.255=public 10.0.0.0=private 10.255.255.255=private 11.0.0.0=public
        100.63.255.255=public 100.64.0.0=shared 100.127.255.255=shared 100.128.0.0=public
        126.255.255.255=public 127.0.0.0=loopback 127.255.255.255=loopback 128.0.0.0=public
        169.253.255.255=public 169.254.0.0=link-local 169.254.169.254=link-local
        169.254.255.255=link-local 169.255.0.0=public 172.15.255.255=public 172.16.0.0=private
        172.31.255.255=private 172.32.0.1=public 192.0.0.0=reserved 192.0.0.255=reserved
        192.0.1.1=public 192.0.2.0=documentation 192.0.2.255=documentation 192.0.3.0=public
        192.88.99.1=reserved 192.167.255.255=public 192.168.0.0=private 192.168.255.255=private
        192.169.0.0=public 198.17.255.255=public 198.18.0.0=benchmarking 198.19.255.255=benchmarking
        198.20.0.0=public 198.51.100.0=documentation 198.51.100.255=documentation
        203.0.113.0=documentation 203.0.113.255=documentation 203.0.114.0=public
        223.255.255.255=public 224.0.0.0=multicast 239.255.255.255=multicast 240.0.0.0=reserved
        255.255.255.254=reserved 255.255.255.255=broadcast
        ::=unspecified ::1=loopback ::2=reserved 2606:4700::1111=public 2a00:1450:4001::200e=public
        fe80::=link-local febf:ffff::1=link-local fec0::1=site-local feff::1=site-local
        fc00::=unique-local fdff:ffff::1=unique-local ff00::=multicast ff02::1=multicast
        2001:db8::=documentation 2001:db8:ffff::1=documentation 2001:db9::1=public
        3fff::1=documentation 2001:2::1=benchmarking 2001::=Teredo 2001:0:ffff::1=Teredo
        2001:1::1=reserved 100::1=reserved 4000::1=reserved
        ::ffff:127.0.0.1=loopback ::ffff:169.254.169.254=link-local ::ffff:8.8.8.8=public
        ::127.0.0.1=loopback ::10.0.0.1=private ::8.8.8.8=reserved
        64:ff9b::127.0.0.1=loopback 64:ff9b::10.1.2.3=private 64:ff9b::8.8.8.8=public
        64:ff9b:1::1=reserved 2002:7f00:1::=loopback 2002:a9fe:a9fe::1=link-local 2002:808:808::1=public";

    #[test]
    fn classifies_every_range_and_its_edges() {
        for pair in TABLE.split_whitespace() {
            let (text, want) = pair.split_once('=').unwrap();
            let ip: IpAddr = text.parse().unwrap();
            let got = classify(ip).map_or("public", |class| class.word().split(' ').next().unwrap());
            assert_eq!(got, want, "{text}");
            assert_eq!(is_public(ip), want == "public", "{text}");
        }
    }

    #[test]
    fn words_read_well_in_sentences() {
        assert_eq!(SharedCgnat.to_string(), "shared (CGNAT)");
        assert_eq!(Unspecified.with_article(), "an unspecified");
        assert_eq!(LinkLocal.with_article(), "a link-local");
    }
}
