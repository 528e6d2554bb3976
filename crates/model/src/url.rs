//! URL normalization: the one function every key, pattern and comparison goes through.

/// A normalized absolute http(s) URL with its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NormalUrl {
    /// Lowercase scheme and host, default port dropped, fragment dropped, empty path = `/`
    /// (WHATWG serialization).
    pub url: String,
    /// The normalized host (lowercase, IDNA to ASCII, no trailing dot).
    pub host: String,
    pub https: bool,
}

/// Why a URL was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UrlError {
    #[error("not a URL: {0}")]
    Parse(String),
    #[error("scheme '{0}' is not http or https")]
    Scheme(String),
    #[error("URL has no host")]
    NoHost,
}

/// Normalizes an absolute http(s) URL.
pub fn normalize_url(text: &str) -> Result<NormalUrl, UrlError> {
    let mut u = url::Url::parse(text.trim()).map_err(|e| UrlError::Parse(e.to_string()))?;
    let https = match u.scheme() {
        "https" => true,
        "http" => false,
        other => return Err(UrlError::Scheme(other.to_string())),
    };
    u.set_fragment(None);
    let host = match u.host() {
        Some(url::Host::Domain(d)) => d.trim_end_matches('.').to_string(),
        Some(url::Host::Ipv4(ip)) => ip.to_string(),
        Some(url::Host::Ipv6(ip)) => ip.to_string(),
        None => return Err(UrlError::NoHost),
    };
    if host.is_empty() {
        return Err(UrlError::NoHost);
    }
    if u.host_str().is_some_and(|h| h.ends_with('.')) {
        // `url` keeps a trailing dot; the contract's hosts never carry one.
        let _ = u.set_host(Some(&host));
    }
    Ok(NormalUrl {
        url: u.into(),
        host,
        https,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_per_contract() {
        let n = normalize_url("HTTPS://WWW.Example.COM:443#top").unwrap();
        assert_eq!(n.url, "https://www.example.com/");
        assert_eq!(n.host, "www.example.com");
        assert!(n.https);
        assert_eq!(
            normalize_url("http://a.com:80/x?q=1#f").unwrap().url,
            "http://a.com/x?q=1"
        );
        assert_eq!(
            normalize_url("http://a.com:8080/X").unwrap().url,
            "http://a.com:8080/X"
        );
        assert_eq!(
            normalize_url("http://bücher.de/").unwrap().host,
            "xn--bcher-kva.de"
        );
        assert_eq!(
            normalize_url("http://a.com./p").unwrap().url,
            "http://a.com/p"
        );
    }

    #[test]
    fn refuses_what_is_not_a_web_url() {
        assert!(matches!(
            normalize_url("ftp://a.com/"),
            Err(UrlError::Scheme(_))
        ));
        assert!(matches!(
            normalize_url("/relative"),
            Err(UrlError::Parse(_))
        ));
        assert!(matches!(
            normalize_url("mailto:x@y.z"),
            Err(UrlError::Scheme(_))
        ));
    }
}
