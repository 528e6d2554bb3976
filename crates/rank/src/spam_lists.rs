//! Word and TLD lists behind the spam signals. Lowercase; matched as substrings (words) or
//! exactly (TLDs). Kept short and high-precision: a false hit costs a clean page points.

/// TLDs over-represented in abuse reports (Spamhaus, Interisle "most abused TLDs"), mostly
/// free or very cheap registrations.
pub(crate) const SUSPICIOUS_TLDS: &[&str] = &[
    "tk",
    "ml",
    "ga",
    "cf",
    "gq",
    "xyz",
    "top",
    "club",
    "work",
    "click",
    "link",
    "buzz",
    "rest",
    "fit",
    "loan",
    "win",
    "bid",
    "icu",
    "cyou",
    "cam",
    "sbs",
    "monster",
    "quest",
    "zip",
    "mov",
    "stream",
    "download",
    "racing",
    "date",
    "faith",
    "review",
    "party",
    "science",
    "accountant",
    "cricket",
    "men",
    "gdn",
    "su",
];

/// Words that mark gambling, pharma, adult, paid-link and essay-mill pages, in host names and
/// anchors. Chosen to be rare inside innocent words ("bet" would hit "alphabet").
pub(crate) const SPAM_WORDS: &[&str] = &[
    "casino",
    "poker",
    "viagra",
    "cialis",
    "porn",
    "xxx",
    "payday",
    "pills",
    "pharmacy",
    "replica",
    "escort",
    "betting",
    "slots",
    "backlinks",
    "essaywriting",
    "hentai",
];

/// Extra anchor-only phrases: harmless in a host name, typical of paid or injected anchors.
pub(crate) const SPAM_ANCHOR_PHRASES: &[&str] = &[
    "buy cheap",
    "cheap ",
    "free download",
    "make money",
    "weight loss",
    "loans",
    "adult",
];
