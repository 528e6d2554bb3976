//! A capture: one fetch of one URL (from a WARC response or a WAT description) with what the
//! recrawl logic needs (status, redirect, canonical, date) and the page's backlink records.

use std::collections::HashMap;
use std::net::IpAddr;

use linkdex_model::{icann_suffix, is_ip, normalize_url, parse_time, ItemType, NormalUrl, Record};
use linkdex_warc::{Headers, WarcRecord};

use crate::html::extract_html;
use crate::page::{Link, Page};
use crate::rel::robots_nofollow;
use crate::resolve::{Resolver, Target};

/// One fetch of one URL.
#[derive(Debug, Clone, PartialEq)]
pub struct Capture {
    /// The fetched URL, normalized.
    pub url: String,
    /// WARC-Date (else the HTTP `Date`, else the caller's `now`), Unix seconds.
    pub date: i64,
    pub status: Option<u16>,
    pub ip: Option<String>,
    /// A 3xx response's `Location`, absolute, whatever its host.
    pub redirect_location: Option<String>,
    /// `<link rel=canonical>`, absolute, whatever its host.
    pub canonical: Option<String>,
    /// `<meta http-equiv=refresh>` target, absolute.
    pub refresh: Option<String>,
    pub content_type: Option<String>,
    /// The page facts; None when the payload is not HTML (or a WAT gave no HTML metadata).
    pub page: Option<Page>,
    /// The backlink records of this capture: one per key `(url_from, url_to, item_type)`,
    /// `links_count` = how often it occurs, fields from its first occurrence;
    /// `first_seen = last_seen = date`.
    pub links: Vec<Record>,
}

impl Capture {
    /// The capture in a WARC `response` record; None for other records, non-HTTP blocks and
    /// target URIs that are not http(s).
    pub fn from_warc(record: &WarcRecord, now: i64) -> Option<Capture> {
        let resp = record.http_response()?;
        let url = normalize_url(record.target_uri()?).ok()?;
        let date = record
            .date()
            .and_then(parse_time)
            .or_else(|| resp.headers.get("Date").and_then(parse_http_date))
            .unwrap_or(now);
        let content_type = resp.headers.get("Content-Type").map(str::to_string);
        let html = is_html(content_type.as_deref(), &resp.body);
        let mut page = None;
        if html && !(300..400).contains(&resp.status) {
            page = extract_html(&url.url, &resp.body, content_type.as_deref()).ok();
        }
        if let Some(p) = &mut page {
            if resp.headers.get_all("X-Robots-Tag").any(robots_nofollow) {
                p.robots_nofollow = true;
                p.links.iter_mut().for_each(|l| l.dofollow = false);
            }
        }
        let location = resp.headers.get("Location");
        Some(Capture::build(
            url,
            date,
            Some(resp.status),
            record.ip_address(),
            location,
            content_type,
            page,
        ))
    }

    pub(crate) fn build(
        url: NormalUrl,
        date: i64,
        status: Option<u16>,
        ip: Option<&str>,
        location: Option<&str>,
        content_type: Option<String>,
        page: Option<Page>,
    ) -> Capture {
        let resolver = Resolver::new(&url);
        let redirect = match (status, location, &resolver) {
            (Some(s), Some(loc), Some(r)) if (300..400).contains(&s) => Some(loc).and_then(|l| {
                let abs = r.absolute(l)?;
                let external = matches!(r.classify(l), Target::External(_));
                Some((abs, external))
            }),
            _ => None,
        };
        let mut capture = Capture {
            ip: ip
                .and_then(|i| i.trim().parse::<IpAddr>().ok())
                .map(|i| i.to_string()),
            redirect_location: redirect.as_ref().map(|(n, _)| n.url.clone()),
            canonical: page.as_ref().and_then(|p| p.canonical.clone()),
            refresh: page.as_ref().and_then(|p| p.refresh.clone()),
            url: url.url.clone(),
            date,
            status,
            content_type,
            page: None,
            links: Vec::new(),
        };
        let mut out = Records::new(&url, &capture);
        if let Some((to, true)) = redirect {
            out.add(&Link {
                url_to: to,
                item_type: ItemType::Redirect,
                attributes: Vec::new(),
                dofollow: true,
                anchor: None,
                alt: None,
                image_url: None,
                text_pre: None,
                text_post: None,
                semantic_location: None,
            });
        }
        if let Some(p) = &page {
            for l in &p.links {
                out.add(l);
            }
            out.set_page_facts(p);
        }
        capture.links = out.finish();
        capture.page = page;
        capture
    }
}

/// Builds the records of one capture, merging identical keys.
struct Records {
    proto: Record,
    index: HashMap<(String, ItemType), usize>,
    list: Vec<Record>,
}

impl Records {
    fn new(from: &NormalUrl, c: &Capture) -> Records {
        let mut proto =
            Record::new(&from.url, &from.url, c.date).expect("a normalized URL is valid");
        proto.tld_from = icann_suffix(&from.host).to_string();
        proto.domain_from_is_ip = is_ip(&from.host);
        proto.domain_from_ip = c.ip.clone();
        proto.page_from_status_code = c.status.map(i64::from);
        Records {
            proto,
            index: HashMap::new(),
            list: Vec::new(),
        }
    }

    fn add(&mut self, l: &Link) {
        let key = (l.url_to.url.clone(), l.item_type);
        if let Some(&i) = self.index.get(&key) {
            self.list[i].links_count += 1;
            return;
        }
        let mut r = self.proto.clone();
        r.url_to = l.url_to.url.clone();
        r.domain_to = l.url_to.host.clone();
        r.url_to_https = l.url_to.https;
        r.item_type = l.item_type;
        r.attributes = l.attributes.clone();
        r.dofollow = l.dofollow;
        r.semantic_location = l.semantic_location.map(str::to_string);
        r.anchor = l.anchor.clone();
        r.alt = l.alt.clone();
        r.image_url = l.image_url.clone();
        r.text_pre = l.text_pre.clone();
        r.text_post = l.text_post.clone();
        self.index.insert(key, self.list.len());
        self.list.push(r);
    }

    fn set_page_facts(&mut self, p: &Page) {
        for r in &mut self.list {
            r.page_from_external_links = Some(p.external_links as i64);
            r.page_from_internal_links = Some(p.internal_links as i64);
            r.page_from_size = Some(p.size as i64);
            r.page_from_encoding = (!p.encoding.is_empty()).then(|| p.encoding.clone());
            r.page_from_language = p.language.clone();
            r.page_from_title = p.title.clone();
            r.domain_from_platform_type = p.platform.clone();
        }
    }

    fn finish(self) -> Vec<Record> {
        self.list
    }
}

/// HTML by its Content-Type, or by its first bytes when the type is absent or generic.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    if let Some(ct) = content_type {
        let ct = ct.to_ascii_lowercase();
        if ct.contains("html") {
            return true;
        }
        if !(ct.is_empty()
            || ct.starts_with("application/octet-stream")
            || ct.starts_with("text/plain"))
        {
            return false;
        }
    }
    let head = &body[..body.len().min(512)];
    let lower = head.to_ascii_lowercase();
    [b"<!doctype html".as_slice(), b"<html", b"<head", b"<body"]
        .iter()
        .any(|m| memchr::memmem::find(&lower, m).is_some())
}

/// `Wed, 28 Jan 2009 17:05:56 GMT` (RFC 7231 IMF-fixdate) as Unix seconds.
pub(crate) fn parse_http_date(text: &str) -> Option<i64> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let mut parts = text.split_once(',')?.1.split_whitespace();
    let day: u32 = parts.next()?.parse().ok()?;
    let mon = parts.next()?.to_ascii_lowercase();
    let m = MONTHS.iter().position(|x| *x == mon)? + 1;
    let year: u32 = parts.next()?.parse().ok()?;
    let time = parts.next()?;
    parse_time(&format!("{year:04}-{m:02}-{day:02} {time}"))
}

/// Headers helper for WAT captures: the charset of a Content-Type.
pub(crate) fn charset_of(headers: &Headers) -> Option<String> {
    let ct = headers.get("Content-Type")?;
    Headers::param(ct, "charset").map(|c| c.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates() {
        assert_eq!(
            parse_http_date("Wed, 28 Jan 2009 17:05:56 GMT"),
            parse_time("2009-01-28 17:05:56 +00:00")
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn html_sniffing() {
        assert!(is_html(Some("text/html; charset=utf-8"), b""));
        assert!(!is_html(Some("image/png"), b"<html>"));
        assert!(is_html(None, b"\n<!DOCTYPE HTML><p>"));
        assert!(!is_html(None, b"%PDF-1.4"));
    }
}
