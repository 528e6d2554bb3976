//! The small vocabularies generated records and requests draw from: few hosts and values, so
//! that hosts link to several targets and filters sometimes hold.

/// Hosts that targets are drawn from: www/sub variants, a multi-label suffix, a private suffix
/// and an IP.
pub(crate) const TARGET_HOSTS: &[&str] = &[
    "moz.com",
    "www.moz.com",
    "blog.moz.com",
    "ahrefs.com",
    "www.ahrefs.com",
    "a.co.uk",
    "shop.a.co.uk",
    "x.github.io",
    "y.github.io",
    "203.0.113.7",
];

/// Referring hosts; some share a registrable domain with a target (internal links), some are
/// IP literals, one is written in Unicode and in upper case to exercise normalization.
pub(crate) const REFERRING_HOSTS: &[&str] = &[
    "www.xroxy.com",
    "xroxy.com",
    "blog.xroxy.com",
    "WWW.Xroxy.COM",
    "news.example.org",
    "example.org",
    "b.co.uk",
    "forum.b.co.uk",
    "z.github.io",
    "bücher.de",
    "198.51.100.4",
    "[2001:db8::5]",
    "blog.moz.com",
    "www.ahrefs.com",
    "shop.a.co.uk",
    "x.github.io",
];

pub(crate) const OTHER_TARGET_HOSTS: &[&str] = &["semrush.com", "news.example.org"];

pub(crate) const PATHS: &[&str] = &[
    "/",
    "/a",
    "/blog/",
    "/blog/post-1",
    "/blog/post-2?x=1",
    "/Page_One",
    "/tools/seo",
];

pub(crate) const IPS: &[&str] = &[
    "192.0.2.1",
    "192.0.2.77",
    "198.51.100.4",
    "198.51.100.200",
    "203.0.113.9",
    "2001:db8:1::1",
    "2001:db8:1:ffff::2",
    "2001:db8:2::1",
];

pub(crate) const ATTRIBUTES: &[&str] = &[
    "nofollow",
    "ugc",
    "sponsored",
    "noopener",
    "noreferrer",
    "external",
];
pub(crate) const PLATFORMS: &[&str] = &[
    "cms",
    "blogs",
    "ecommerce",
    "message-boards",
    "wikis",
    "news",
    "organization",
];
pub(crate) const SEMANTIC: &[&str] = &[
    "article",
    "aside",
    "footer",
    "header",
    "main",
    "nav",
    "section",
    "figure",
    "figcaption",
];
pub(crate) const COUNTRIES: &[&str] = &["US", "DE", "GB", "FR"];
pub(crate) const ITEM_TYPES: &[&str] = &[
    "anchor",
    "image",
    "link",
    "meta",
    "canonical",
    "alternate",
    "redirect",
];
pub(crate) const TEXTS: &[&str] = &[
    "Best SEO tools",
    "moz blog",
    "link-building guide",
    "SEO: the guide",
    "Straße der Links",
    "ahrefs vs moz",
    "",
    "click here",
    "TOOLS_2023",
];

/// 2020-01-01 00:00:00 UTC and four years after it: the span generated times fall in.
pub(crate) const EPOCH: i64 = 1_577_836_800;
pub(crate) const SPAN: i64 = 4 * 365 * 86_400;
