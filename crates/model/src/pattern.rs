//! Target patterns: a domain, a page, or a page with `*` wildcards (contract §4).

use crate::host::normalize_host;
use crate::url::normalize_url;

/// One target or exclude target of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// Matches host `h` when `h == P`, `h == "www." + P`, or (with subdomains) `h` ends `"." + P`.
    Domain(String),
    /// Matches a normalized `url_to` exactly.
    Page { url: String, host: String },
    /// `*` matches any run of characters of the normalized `url_to`.
    Wildcard { glob: String, host: String },
}

impl Pattern {
    /// Parses a target as the caller wrote it; `None` when it is neither a valid host nor an
    /// absolute http(s) URL.
    pub fn parse(text: &str) -> Option<Pattern> {
        let t = text.trim();
        let lower = t.get(..8).unwrap_or(t).to_ascii_lowercase();
        if !(lower.starts_with("http://") || lower.starts_with("https://")) {
            if t.contains('*') {
                return None;
            }
            return normalize_host(t).map(Pattern::Domain);
        }
        if t.contains('*') {
            let split = t.find("://")? + 3;
            let rest = &t[split..];
            let host_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
            let host_part = rest[..host_end].to_ascii_lowercase();
            let glob = format!(
                "{}{}{}",
                t[..split].to_ascii_lowercase(),
                host_part,
                &rest[host_end..]
            );
            let host = host_part.replace('*', "");
            let host = host.trim_matches('.');
            let host = host.rsplit_once(':').map_or(host, |(h, port)| {
                if port.bytes().all(|c| c.is_ascii_digit()) {
                    h
                } else {
                    host
                }
            });
            return Some(Pattern::Wildcard {
                glob,
                host: host.to_string(),
            });
        }
        let n = normalize_url(t).ok()?;
        Some(Pattern::Page {
            url: n.url,
            host: n.host,
        })
    }

    /// The pattern's host, for the internal-backlink rule.
    pub fn host(&self) -> &str {
        match self {
            Pattern::Domain(h) => h,
            Pattern::Page { host, .. } | Pattern::Wildcard { host, .. } => host,
        }
    }

    /// Whether a record with this normalized `url_to` and host feeds the pattern (rule 1).
    pub fn matches(&self, url_to: &str, domain_to: &str, include_subdomains: bool) -> bool {
        match self {
            Pattern::Domain(p) => domain_matches(p, domain_to, include_subdomains),
            Pattern::Page { url, .. } => url == url_to,
            Pattern::Wildcard { glob, .. } => glob_matches(glob, url_to),
        }
    }
}

/// The domain rule: `h == P`, `h == "www." + P`, or with subdomains `h` ends with `"." + P`.
pub fn domain_matches(p: &str, h: &str, include_subdomains: bool) -> bool {
    if h == p {
        return true;
    }
    match h.strip_suffix(p).and_then(|head| head.strip_suffix('.')) {
        Some(head) => include_subdomains || head == "www",
        None => false,
    }
}

/// The host of a wildcard pattern when its host part holds no `*` (without a port): the one
/// host whose records can match it.
pub fn exact_glob_host(glob: &str) -> Option<&str> {
    let rest = &glob[glob.find("://")? + 3..];
    let host = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    if host.contains('*') {
        return None;
    }
    Some(host.rsplit_once(':').map_or(host, |(h, _)| h))
}

/// `*` matches any run of characters (possibly empty); everything else is literal.
pub fn glob_matches(glob: &str, text: &str) -> bool {
    let mut parts = glob.split('*');
    let first = parts.next().unwrap_or("");
    let Some(mut rest) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    let Some((last, middle)) = parts.split_last() else {
        return rest.is_empty();
    };
    for part in middle {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_patterns() {
        let p = Pattern::parse("Moz.com.").unwrap();
        assert_eq!(p, Pattern::Domain("moz.com".into()));
        assert!(p.matches("", "moz.com", false));
        assert!(p.matches("", "www.moz.com", false));
        assert!(!p.matches("", "blog.moz.com", false));
        assert!(p.matches("", "blog.moz.com", true));
        assert!(!p.matches("", "notmoz.com", true));
        assert!(!p.matches("", "moz.com.au", true));
    }

    #[test]
    fn page_and_wildcard_patterns() {
        let p = Pattern::parse("HTTPS://Moz.com:443/Blog#x").unwrap();
        assert_eq!(
            p,
            Pattern::Page {
                url: "https://moz.com/Blog".into(),
                host: "moz.com".into()
            }
        );
        assert!(p.matches("https://moz.com/Blog", "moz.com", true));
        assert!(!p.matches("http://moz.com/Blog", "moz.com", true));
        let w = Pattern::parse("https://WWW.Apple.com/iphone/*").unwrap();
        assert_eq!(w.host(), "www.apple.com");
        assert!(w.matches("https://www.apple.com/iphone/", "www.apple.com", true));
        assert!(w.matches("https://www.apple.com/iphone/x?y", "www.apple.com", true));
        assert!(!w.matches("https://www.apple.com/ipad/", "www.apple.com", true));
        let sub = Pattern::parse("https://*.apple.com/*").unwrap();
        assert_eq!(sub.host(), "apple.com");
        assert!(sub.matches("https://x.apple.com/a", "x.apple.com", true));
    }

    #[test]
    fn refuses_non_targets() {
        for bad in [
            "",
            "*.moz.com",
            "moz.com/blog",
            "ftp://moz.com/",
            "http://",
            "a b",
        ] {
            assert_eq!(Pattern::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_matches("a*c", "abc"));
        assert!(glob_matches("a*c", "ac"));
        assert!(!glob_matches("a*c", "ab"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("a*b*a", "aba"));
        assert!(!glob_matches("ab*ba", "aba"));
        assert!(glob_matches("abc", "abc"));
        assert!(!glob_matches("abc", "abcd"));
    }
}
