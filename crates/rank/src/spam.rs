//! Spam score 0–100 of a referring page from facts our records carry.
//!
//! The score is the capped sum of the weights of the signals that fire; each signal and weight
//! is listed in `docs/ranking.md` (a test keeps that table and [`Signal::ALL`] in step).

use std::collections::HashMap;

use crate::spam_lists::{SPAM_ANCHOR_PHRASES, SPAM_WORDS, SUSPICIOUS_TLDS};

/// What the score looks at: the fields of a backlink record about its referring page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PageFacts<'a> {
    /// `domain_from`: lowercase ASCII host.
    pub host: &'a str,
    /// `tld_from`: public suffix, `""` for an IP.
    pub tld: &'a str,
    /// `domain_from_is_ip`.
    pub is_ip: bool,
    /// True when the page was fetched (so a missing title or language is a fact about the
    /// page, not a gap in an import). Title and language signals only fire when true.
    pub fetched: bool,
    /// `page_from_external_links` / `page_from_internal_links`; `None` when unknown.
    pub external_links: Option<u64>,
    pub internal_links: Option<u64>,
    /// `page_from_title` / `page_from_language`.
    pub title: Option<&'a str>,
    pub language: Option<&'a str>,
    /// Anchor texts of the page's outgoing links that we store (`anchor` of its records).
    pub anchors: &'a [&'a str],
}

/// One spam signal; see `docs/ranking.md` for the exact rule of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    LongName,
    DigitsInName,
    HyphensInName,
    DeepSubdomains,
    SuspiciousTld,
    IpHost,
    SpamWordInHost,
    ExternalHeavy,
    ManyExternalLinks,
    NoTitle,
    NoLanguage,
    SpamAnchors,
    RepeatedAnchor,
}

impl Signal {
    pub const ALL: [Signal; 13] = [
        Signal::LongName,
        Signal::DigitsInName,
        Signal::HyphensInName,
        Signal::DeepSubdomains,
        Signal::SuspiciousTld,
        Signal::IpHost,
        Signal::SpamWordInHost,
        Signal::ExternalHeavy,
        Signal::ManyExternalLinks,
        Signal::NoTitle,
        Signal::NoLanguage,
        Signal::SpamAnchors,
        Signal::RepeatedAnchor,
    ];

    /// The name used in `docs/ranking.md`.
    pub fn name(self) -> &'static str {
        match self {
            Signal::LongName => "long_name",
            Signal::DigitsInName => "digits_in_name",
            Signal::HyphensInName => "hyphens_in_name",
            Signal::DeepSubdomains => "deep_subdomains",
            Signal::SuspiciousTld => "suspicious_tld",
            Signal::IpHost => "ip_host",
            Signal::SpamWordInHost => "spam_word_in_host",
            Signal::ExternalHeavy => "external_heavy",
            Signal::ManyExternalLinks => "many_external_links",
            Signal::NoTitle => "no_title",
            Signal::NoLanguage => "no_language",
            Signal::SpamAnchors => "spam_anchors",
            Signal::RepeatedAnchor => "repeated_anchor",
        }
    }

    /// Points added when the signal fires.
    pub fn weight(self) -> u8 {
        match self {
            Signal::LongName | Signal::DigitsInName | Signal::IpHost => 10,
            Signal::ManyExternalLinks => 10,
            Signal::HyphensInName | Signal::NoTitle => 8,
            Signal::DeepSubdomains | Signal::RepeatedAnchor => 5,
            Signal::SuspiciousTld | Signal::SpamWordInHost | Signal::SpamAnchors => 15,
            Signal::ExternalHeavy => 12,
            Signal::NoLanguage => 4,
        }
    }
}

/// The signals that fire for `page`, in [`Signal::ALL`] order.
pub fn spam_signals(page: &PageFacts<'_>) -> Vec<Signal> {
    Signal::ALL
        .into_iter()
        .filter(|&s| fires(s, page))
        .collect()
}

/// `min(100, Σ weight)` over [`spam_signals`].
pub fn spam_score(page: &PageFacts<'_>) -> u8 {
    let sum: u32 = spam_signals(page)
        .into_iter()
        .map(|s| u32::from(s.weight()))
        .sum();
    sum.min(100) as u8
}

fn fires(signal: Signal, page: &PageFacts<'_>) -> bool {
    let ip = page.is_ip || page.tld.is_empty();
    let (name, label) = name_and_label(page.host, page.tld);
    let text_absent = |t: Option<&str>| t.is_none_or(|t| t.trim().is_empty());
    match signal {
        Signal::LongName => !ip && label.len() >= 20,
        Signal::DigitsInName => !ip && label.bytes().filter(u8::is_ascii_digit).count() >= 3,
        Signal::HyphensInName => !ip && label.bytes().filter(|&b| b == b'-').count() >= 2,
        Signal::DeepSubdomains => !ip && name.split('.').count() >= 3,
        Signal::SuspiciousTld => SUSPICIOUS_TLDS.contains(&page.tld),
        Signal::IpHost => ip,
        Signal::SpamWordInHost => SPAM_WORDS.iter().any(|w| name.contains(w)),
        Signal::ExternalHeavy => match (page.external_links, page.internal_links) {
            (Some(ext), Some(int)) => ext >= 10 && ext > 4 * int,
            _ => false,
        },
        Signal::ManyExternalLinks => page.external_links.is_some_and(|e| e >= 300),
        Signal::NoTitle => page.fetched && text_absent(page.title),
        Signal::NoLanguage => page.fetched && text_absent(page.language),
        Signal::SpamAnchors => spam_anchor_share(page.anchors) >= 0.2,
        Signal::RepeatedAnchor => repeated_anchor(page.anchors),
    }
}

/// `name`: the host without its public suffix and a leading `www.`; `label`: the registrable
/// label (the last label of `name`), e.g. `blog.shop-24` / `shop-24` for `www.blog.shop-24.co.uk`.
fn name_and_label<'h>(host: &'h str, tld: &str) -> (&'h str, &'h str) {
    let host = host.trim_end_matches('.');
    let name = match host.strip_suffix(tld) {
        Some(rest) if !tld.is_empty() && rest.ends_with('.') => &rest[..rest.len() - 1],
        _ => host,
    };
    let name = name.strip_prefix("www.").unwrap_or(name);
    let label = name.rsplit('.').next().unwrap_or(name);
    (name, label)
}

/// Share of non-empty anchors holding a spam word or phrase (0 when there are none).
fn spam_anchor_share(anchors: &[&str]) -> f64 {
    let texts: Vec<String> = non_empty_lower(anchors).collect();
    if texts.is_empty() {
        return 0.0;
    }
    let spam = texts
        .iter()
        .filter(|t| {
            let t = format!("{t} ");
            SPAM_WORDS
                .iter()
                .chain(SPAM_ANCHOR_PHRASES)
                .any(|w| t.contains(w))
        })
        .count();
    spam as f64 / texts.len() as f64
}

/// At least 10 non-empty anchors, half or more of them the same text (case-insensitive).
fn repeated_anchor(anchors: &[&str]) -> bool {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut total = 0;
    for text in non_empty_lower(anchors) {
        *counts.entry(text).or_default() += 1;
        total += 1;
    }
    total >= 10 && counts.values().any(|&c| 2 * c >= total)
}

fn non_empty_lower<'a>(anchors: &'a [&'a str]) -> impl Iterator<Item = String> + 'a {
    anchors
        .iter()
        .map(|a| a.trim().to_lowercase())
        .filter(|a| !a.is_empty())
}
