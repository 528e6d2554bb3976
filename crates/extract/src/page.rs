//! What extraction yields for one HTML page: its facts and its external links, before they
//! become records (see `capture.rs`).

use linkdex_model::{ItemType, NormalUrl};

/// One external link found on a page, in document order (not yet deduplicated).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub url_to: NormalUrl,
    /// `anchor` for `<a>`/`<area>`; `image` for a standalone `<img>` **and for an `<a>` that
    /// contains an `<img>`** (one record: `url_to` = the href, `image_url`/`alt` from the first
    /// image, `anchor` = the link's text), as DataForSEO types such links; `link`, `canonical`,
    /// `alternate` for `<link>`; `meta` for `<meta http-equiv=refresh>`.
    pub item_type: ItemType,
    /// rel tokens, lowercased and deduplicated.
    pub attributes: Vec<String>,
    /// From rel, and false for every link when the page says `robots: nofollow`.
    pub dofollow: bool,
    pub anchor: Option<String>,
    pub alt: Option<String>,
    pub image_url: Option<String>,
    pub text_pre: Option<String>,
    pub text_post: Option<String>,
    pub semantic_location: Option<&'static str>,
}

/// The facts of one HTML page and its external links.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Page {
    pub title: Option<String>,
    /// `<html lang>`, as written (trimmed).
    pub language: Option<String>,
    /// The encoding the page was decoded with, lowercase (`utf-8`, `euc-jp`, …).
    pub encoding: String,
    /// Payload bytes.
    pub size: usize,
    /// `<link rel=canonical>`, absolute, whatever its host; None when absent or not http(s).
    pub canonical: Option<String>,
    /// `<meta http-equiv=refresh>` target, absolute, whatever its host.
    pub refresh: Option<String>,
    /// `<meta name=robots>` (or googlebot) holds `nofollow` or `none`.
    pub robots_nofollow: bool,
    /// `<a>`/`<area>` links to the page's own host (fragment-only hrefs excluded).
    pub internal_links: u64,
    /// `<a>`/`<area>` links to any other host.
    pub external_links: u64,
    pub platform: Vec<String>,
    pub links: Vec<Link>,
}
