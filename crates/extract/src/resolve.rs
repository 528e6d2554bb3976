//! URL resolution by the WHATWG rules (the `url` crate) against `<base href>` or the page URL,
//! and the page-level classification every link needs: dropped (not http(s), fragment-only),
//! internal (same host as the page) or external (anything else, including another host of the
//! same registrable domain).

use linkdex_model::{normalize_url, NormalUrl};
use url::Url;

/// Where a link points, seen from its page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// Not a web link (`mailto:`, `javascript:`, `data:`, `#top`, empty, unparsable).
    Dropped,
    /// Same host as the page: not a backlink.
    Internal,
    External(NormalUrl),
}

/// Resolves hrefs of one page.
#[derive(Debug, Clone)]
pub(crate) struct Resolver {
    base: Url,
    page_host: String,
    /// The base URL's host is the page's: relative hrefs are internal without parsing.
    base_is_page_host: bool,
}

impl Resolver {
    pub fn new(page: &NormalUrl) -> Option<Resolver> {
        let base = Url::parse(&page.url).ok()?;
        Some(Resolver {
            base,
            page_host: page.host.clone(),
            base_is_page_host: true,
        })
    }

    /// Applies `<base href>` (itself resolved against the page URL); an invalid or non-http(s)
    /// base is ignored, as browsers ignore it.
    pub fn set_base(&mut self, href: &str) {
        if let Ok(b) = self.base.join(href.trim()) {
            if matches!(b.scheme(), "http" | "https") {
                self.base_is_page_host = host_of(&b) == self.page_host;
                self.base = b;
            }
        }
    }

    /// The absolute URL of `href`, whatever its host; None when dropped.
    pub fn absolute(&self, href: &str) -> Option<NormalUrl> {
        let href = href.trim();
        if href.is_empty() || href.starts_with('#') {
            return None;
        }
        let u = self.base.join(href).ok()?;
        normalize_url(u.as_str()).ok()
    }

    pub fn classify(&self, href: &str) -> Target {
        let href = href.trim_matches(|c: char| c.is_ascii_whitespace() || c == '\0');
        if href.is_empty() || href.starts_with('#') {
            return Target::Dropped;
        }
        if self.base_is_page_host && is_plain_relative(href) {
            return Target::Internal;
        }
        let Ok(u) = self.base.join(href) else {
            return Target::Dropped;
        };
        if !matches!(u.scheme(), "http" | "https") {
            return Target::Dropped;
        }
        if host_of(&u) == self.page_host {
            return Target::Internal;
        }
        match normalize_url(u.as_str()) {
            Ok(n) => Target::External(n),
            Err(_) => Target::Dropped,
        }
    }
}

fn host_of(u: &Url) -> &str {
    u.host_str().unwrap_or("").trim_end_matches('.')
}

/// A path-relative or query-relative href: no scheme, not scheme-relative, and nothing the URL
/// parser would strip (tab, newline) that could turn it into one.
fn is_plain_relative(href: &str) -> bool {
    let b = href.as_bytes();
    if b.starts_with(b"//") || b.starts_with(b"\\") || b.starts_with(b"/\\") {
        return false;
    }
    if b.iter().any(|&c| c == b'\t' || c == b'\n' || c == b'\r') {
        return false;
    }
    // A scheme is letters, digits, '+', '-', '.' before the first ':' (starting with a letter).
    let scheme_end = b
        .iter()
        .position(|&c| !(c.is_ascii_alphanumeric() || b"+-.".contains(&c)));
    !matches!(scheme_end, Some(p) if b[p] == b':' && p > 0 && b[0].is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn page(u: &str) -> Resolver {
        Resolver::new(&normalize_url(u).unwrap()).unwrap()
    }

    #[test]
    fn classifies_by_host() {
        let r = page("https://www.example.com/a/b.html");
        assert_eq!(r.classify("c.html"), Target::Internal);
        assert_eq!(r.classify("HTTPS://WWW.EXAMPLE.COM/x"), Target::Internal);
        assert_eq!(r.classify("#top"), Target::Dropped);
        assert_eq!(r.classify("mailto:a@b.c"), Target::Dropped);
        assert_eq!(r.classify("javascript:void(0)"), Target::Dropped);
        let Target::External(n) = r.classify("//blog.example.com/p?q#f") else {
            panic!("a sibling host is external");
        };
        assert_eq!(n.url, "https://blog.example.com/p?q");
        let Target::External(n) = r.classify(" http://BÜCHER.de ") else {
            panic!();
        };
        assert_eq!(n.host, "xn--bcher-kva.de");
    }

    #[test]
    fn base_href_changes_resolution() {
        let mut r = page("http://a.com/dir/page");
        r.set_base("http://cdn.b.com/root/");
        assert_eq!(
            r.classify("x/y"),
            Target::External(normalize_url("http://cdn.b.com/root/x/y").unwrap())
        );
        r.set_base("javascript:alert(1)");
        assert!(matches!(r.classify("x"), Target::External(_)));
    }

    proptest! {
        /// The fast path for relative hrefs agrees with full WHATWG resolution.
        #[test]
        fn fast_path_agrees_with_the_url_crate(href in "[a-z0-9/\\\\.:?#%@ \t-]{0,20}") {
            let r = page("http://a.com/d/p");
            let slow = match Url::parse("http://a.com/d/p").unwrap().join(href.trim()) {
                Ok(u) if matches!(u.scheme(), "http" | "https") => {
                    if href.trim().is_empty() || href.trim().starts_with('#') { Target::Dropped }
                    else if u.host_str() == Some("a.com") { Target::Internal }
                    else { normalize_url(u.as_str()).map_or(Target::Dropped, Target::External) }
                }
                _ => Target::Dropped,
            };
            prop_assert_eq!(r.classify(&href), slow);
        }

        #[test]
        fn external_targets_are_normalized(host in "[a-z]{1,8}\\.(com|org|co\\.uk)", path in "[a-zA-Z0-9/_.-]{0,20}") {
            let r = page("https://page.example/");
            if let Target::External(n) = r.classify(&format!("HTTP://{}/{path}#frag", host.to_uppercase())) {
                prop_assert_eq!(normalize_url(&n.url).unwrap().url, n.url.clone());
                prop_assert!(!n.url.contains('#'));
                prop_assert_eq!(n.host, host);
            } else {
                prop_assert!(false, "not external");
            }
        }
    }
}
