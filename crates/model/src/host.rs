//! Hosts: normalization, IP literals, public suffixes and registrable domains.

use std::net::IpAddr;

/// Lowercases, IDNA-encodes and strips the trailing dot of a host name.
/// Returns `None` when the text is not a valid host.
pub fn normalize_host(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('.');
    if t.is_empty() {
        return None;
    }
    if let Some(inner) = t.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return inner
            .parse::<std::net::Ipv6Addr>()
            .ok()
            .map(|ip| ip.to_string());
    }
    if let Ok(ip) = t.parse::<IpAddr>() {
        return Some(ip.to_string());
    }
    let ascii = url::Host::parse(t).ok()?;
    match ascii {
        url::Host::Domain(d) => Some(d.trim_end_matches('.').to_string()),
        url::Host::Ipv4(ip) => Some(ip.to_string()),
        url::Host::Ipv6(ip) => Some(ip.to_string()),
    }
}

/// Whether a normalized host is an IP literal.
pub fn is_ip(host: &str) -> bool {
    host.parse::<IpAddr>().is_ok()
}

/// The public suffix of `host` from the ICANN section of the Public Suffix List
/// (`io` for `x.github.io`); `""` for an IP literal or a host with no known suffix.
pub fn icann_suffix(host: &str) -> &str {
    if is_ip(host) {
        return "";
    }
    let mut rest = host;
    loop {
        match psl::suffix(rest.as_bytes()) {
            Some(s) if s.typ() == Some(psl::Type::Private) => {
                // A private suffix (github.io) sits on an ICANN one (io): retry without
                // its first label.
                let len = s.as_bytes().len();
                let suffix = &rest[rest.len() - len..];
                match suffix.find('.') {
                    Some(dot) => rest = &suffix[dot + 1..],
                    None => return "",
                }
            }
            Some(s) => {
                let len = s.as_bytes().len();
                return &rest[rest.len() - len..];
            }
            None => return "",
        }
    }
}

/// The registrable domain of `host`: its public suffix (ICANN and private sections) plus one
/// label. An IP literal is its own registrable domain; a host that is itself a public suffix is
/// its own registrable domain too.
pub fn registrable_domain(host: &str) -> &str {
    if is_ip(host) {
        return host;
    }
    match psl::domain(host.as_bytes()) {
        Some(d) => &host[host.len() - d.as_bytes().len()..],
        None => host,
    }
}

/// The IPv4 /24 or IPv6 /48 subnet of an IP address, as text; `None` if it is not an IP.
pub fn subnet(ip: &str) -> Option<String> {
    match ip.parse::<IpAddr>().ok()? {
        IpAddr::V4(v4) => {
            let o = v4.octets();
            Some(format!("{}.{}.{}.0/24", o[0], o[1], o[2]))
        }
        IpAddr::V6(v6) => {
            let s = v6.segments();
            Some(format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_hosts() {
        assert_eq!(
            normalize_host("WWW.Example.COM.").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(
            normalize_host("bücher.de").as_deref(),
            Some("xn--bcher-kva.de")
        );
        assert_eq!(normalize_host("[::1]").as_deref(), Some("::1"));
        assert_eq!(normalize_host("10.0.0.1").as_deref(), Some("10.0.0.1"));
        assert_eq!(normalize_host(""), None);
        assert_eq!(normalize_host("a b.com"), None);
    }

    #[test]
    fn suffixes_and_registrable_domains() {
        assert_eq!(icann_suffix("www.example.com"), "com");
        assert_eq!(icann_suffix("blog.example.co.uk"), "co.uk");
        assert_eq!(icann_suffix("x.github.io"), "io");
        assert_eq!(icann_suffix("10.1.2.3"), "");
        assert_eq!(registrable_domain("blog.example.co.uk"), "example.co.uk");
        assert_eq!(registrable_domain("x.github.io"), "x.github.io");
        assert_eq!(registrable_domain("www.moz.com"), "moz.com");
        assert_eq!(registrable_domain("moz.com"), "moz.com");
        assert_eq!(registrable_domain("10.1.2.3"), "10.1.2.3");
    }

    #[test]
    fn subnets() {
        assert_eq!(subnet("192.168.7.9").as_deref(), Some("192.168.7.0/24"));
        assert_eq!(
            subnet("2001:db8:85a3::8a2e:370:7334").as_deref(),
            Some("2001:db8:85a3::/48")
        );
        assert_eq!(subnet("nope"), None);
    }
}
