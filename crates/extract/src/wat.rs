//! A WAT description of a response → a [`Capture`], from what its `Links` carry. Differences
//! from extraction on the raw HTML, by construction of the WAT:
//! - the WAT writer (ia-web-commons) keeps attribute values raw, so `&amp;` in URLs is
//!   decoded here as an HTML parser would;
//! - an `<img>` inside an `<a>` is two WAT entries (`A@/href` and `IMG@/src`), so the WAT
//!   gives an `anchor` record and a separate `image` record where the HTML gives one `image`
//!   record (`url_to` = href, `image_url` = src);
//! - there is no text around links and no nesting: `text_pre`, `text_post` and
//!   `semantic_location` stay null;
//! - `<base href>` is honoured only when the WAT records it (`Head.Base`).

use linkdex_model::{normalize_url, parse_time, ItemType};
use linkdex_warc::WatPage;

use crate::capture::{charset_of, parse_http_date, Capture};
use crate::entities::decode_entities;
use crate::page::{Link, Page};
use crate::rel::{dofollow, link_item_type, rel_tokens, robots_nofollow};
use crate::resolve::{Resolver, Target};
use crate::text::{Collapsed, MAX_ANCHOR_CHARS, MAX_TITLE_CHARS};

impl Capture {
    /// The capture a WAT record describes; None when its target URI is not http(s).
    pub fn from_wat(w: &WatPage, now: i64) -> Option<Capture> {
        let url = normalize_url(&w.target_uri).ok()?;
        let date = w
            .date
            .as_deref()
            .and_then(parse_time)
            .or_else(|| w.headers.get("Date").and_then(parse_http_date))
            .unwrap_or(now);
        let mut resolver = Resolver::new(&url)?;
        if let Some(b) = &w.base {
            resolver.set_base(&decode_entities(b, true));
        }
        let redirect = w.status.is_some_and(|s| (300..400).contains(&s));
        let has_html = !w.links.is_empty() || w.title.is_some() || !w.metas.is_empty();
        let page = (has_html && !redirect).then(|| page_of(w, &resolver));
        let location = w.headers.get("Location");
        let content_type = w.headers.get("Content-Type").map(str::to_string);
        Some(Capture::build(
            url,
            date,
            w.status,
            w.ip.as_deref(),
            location,
            content_type,
            page,
        ))
    }
}

fn page_of(w: &WatPage, resolver: &Resolver) -> Page {
    let mut page = Page {
        title: w.title.as_ref().and_then(|t| {
            let mut c = Collapsed::new(MAX_TITLE_CHARS);
            c.push(t);
            c.into_option()
        }),
        encoding: charset_of(&w.headers).unwrap_or_default(),
        ..Page::default()
    };
    for m in &w.metas {
        let content = m.get("content").unwrap_or("");
        match m.get("name") {
            Some(n) if n.eq_ignore_ascii_case("robots") => {
                page.robots_nofollow |= robots_nofollow(content)
            }
            _ => {}
        }
    }
    for l in &w.links {
        let element = l.path.split('@').next().unwrap_or("").to_ascii_uppercase();
        let href = decode_entities(&l.url, true);
        let rel = rel_tokens(l.rel.as_deref());
        let item_type = match element.as_str() {
            "A" | "AREA" => ItemType::Anchor,
            "IMG" => ItemType::Image,
            "LINK" => link_item_type(&rel),
            _ => continue,
        };
        let target = resolver.classify(&href);
        if item_type == ItemType::Anchor {
            match target {
                Target::Internal => page.internal_links += 1,
                Target::External(_) => page.external_links += 1,
                Target::Dropped => {}
            }
        }
        if item_type == ItemType::Canonical && page.canonical.is_none() {
            page.canonical = resolver.absolute(&href).map(|n| n.url);
        }
        let Target::External(url_to) = target else {
            continue;
        };
        let text = |t: &Option<String>| {
            let mut c = Collapsed::new(MAX_ANCHOR_CHARS);
            c.push(t.as_deref().unwrap_or(""));
            c.into_option()
        };
        page.links.push(Link {
            image_url: (item_type == ItemType::Image).then(|| url_to.url.clone()),
            url_to,
            item_type,
            dofollow: dofollow(&rel) && !page.robots_nofollow,
            attributes: rel,
            anchor: if item_type == ItemType::Anchor {
                text(&l.text)
            } else {
                None
            },
            alt: text(&l.alt),
            text_pre: None,
            text_post: None,
            semantic_location: None,
        });
    }
    page
}
