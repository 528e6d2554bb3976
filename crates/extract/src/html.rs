//! HTML → [`Page`]: one pass of the tokenizer with a tag stack (for semantic locations), the
//! open anchor (for its text and image) and the links still waiting for their `text_post`.

use linkdex_model::{normalize_url, ItemType};

use crate::charset;
use crate::entities::decode_entities;
use crate::page::{Link, Page};
use crate::platform::Platform;
use crate::rel::{dofollow, link_item_type, rel_tokens, robots_nofollow};
use crate::resolve::{Resolver, Target};
use crate::semantic::Stack;
use crate::text::{Collapsed, Recent, MAX_ANCHOR_CHARS, MAX_SNIPPET_CHARS, MAX_TITLE_CHARS};
use crate::tokenizer::{tokenize, Attrs, Sink};
use crate::Error;

/// Extracts the facts and external links of an HTML page fetched from `page_url`.
/// `content_type` is the HTTP header, for its charset.
pub fn extract_html(
    page_url: &str,
    body: &[u8],
    content_type: Option<&str>,
) -> Result<Page, Error> {
    let page = normalize_url(page_url).map_err(|e| Error::PageUrl {
        url: page_url.to_string(),
        reason: e.to_string(),
    })?;
    let resolver = Resolver::new(&page).ok_or_else(|| Error::PageUrl {
        url: page_url.to_string(),
        reason: "not resolvable".into(),
    })?;
    let (text, enc) = charset::decode(body, content_type);
    let mut sink = PageSink {
        resolver,
        base_seen: false,
        stack: Stack::default(),
        recent: Recent::new(),
        anchor: None,
        awaiting: Vec::new(),
        platform: Platform::default(),
        json_ld: false,
        page: Page {
            encoding: enc.name().to_ascii_lowercase(),
            size: body.len(),
            ..Page::default()
        },
    };
    tokenize(&text, &mut sink);
    Ok(sink.finish())
}

struct OpenAnchor {
    target: Target,
    rel: Vec<String>,
    text: Collapsed,
    image: Option<(Option<String>, Option<String>)>,
    text_pre: Option<String>,
    semantic: Option<&'static str>,
}

struct PageSink {
    resolver: Resolver,
    base_seen: bool,
    stack: Stack,
    recent: Recent,
    anchor: Option<OpenAnchor>,
    awaiting: Vec<(usize, Collapsed)>,
    platform: Platform,
    json_ld: bool,
    page: Page,
}

/// Elements whose edges read as a space in running text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "td",
    "th",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "table",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "blockquote",
    "pre",
    "dd",
    "dt",
    "figure",
    "figcaption",
    "hr",
    "option",
    "summary",
    "details",
];

impl PageSink {
    fn space(&mut self) {
        self.recent.space();
        if let Some(a) = &mut self.anchor {
            a.text.space();
        }
        for (_, c) in &mut self.awaiting {
            c.space();
        }
    }

    fn push_link(&mut self, link: Link) {
        let body = matches!(link.item_type, ItemType::Anchor | ItemType::Image);
        self.page.links.push(link);
        if body {
            let idx = self.page.links.len() - 1;
            self.awaiting.push((idx, Collapsed::new(MAX_SNIPPET_CHARS)));
        }
    }

    fn count(&mut self, target: &Target) {
        match target {
            Target::Internal => self.page.internal_links += 1,
            Target::External(_) => self.page.external_links += 1,
            Target::Dropped => {}
        }
    }

    fn close_anchor(&mut self) {
        let Some(a) = self.anchor.take() else { return };
        let Target::External(url_to) = a.target else {
            return;
        };
        let (item_type, image_url, alt) = match a.image {
            Some((src, alt)) => (ItemType::Image, src, alt),
            None => (ItemType::Anchor, None, None),
        };
        let link = Link {
            url_to,
            item_type,
            dofollow: dofollow(&a.rel),
            attributes: a.rel,
            anchor: a.text.into_option(),
            alt,
            image_url,
            text_pre: a.text_pre,
            text_post: None,
            semantic_location: a.semantic,
        };
        self.push_link(link);
    }

    fn simple_link(
        &self,
        url_to: linkdex_model::NormalUrl,
        item_type: ItemType,
        rel: Vec<String>,
    ) -> Link {
        Link {
            url_to,
            item_type,
            dofollow: dofollow(&rel),
            attributes: rel,
            anchor: None,
            alt: None,
            image_url: None,
            text_pre: None,
            text_post: None,
            semantic_location: self.stack.semantic(),
        }
    }

    fn start(&mut self, name: &str, attrs: &Attrs<'_>) {
        match name {
            "a" | "area" => {
                self.close_anchor();
                let Some(href) = attrs.get("href") else {
                    return;
                };
                self.platform.url(&href);
                let target = self.resolver.classify(&href);
                self.count(&target);
                let rel = rel_tokens(attrs.get("rel").as_deref());
                let mut a = OpenAnchor {
                    target,
                    rel,
                    text: Collapsed::new(MAX_ANCHOR_CHARS),
                    image: None,
                    text_pre: self.recent.tail(),
                    semantic: self.stack.semantic(),
                };
                if name == "area" {
                    a.text.push(attrs.get("alt").as_deref().unwrap_or(""));
                    self.anchor = Some(a);
                    self.close_anchor();
                } else {
                    self.anchor = Some(a);
                }
            }
            "img" => {
                let Some(src) = attrs.get("src") else { return };
                self.platform.url(&src);
                let alt = attrs.get("alt").map(|a| {
                    let mut c = Collapsed::new(MAX_ANCHOR_CHARS);
                    c.push(&a);
                    c.as_str().to_string()
                });
                if let Some(a) = &mut self.anchor {
                    if a.image.is_none() {
                        let abs = self.resolver.absolute(&src).map(|n| n.url);
                        a.image = Some((abs, alt));
                    }
                    return;
                }
                if let Target::External(n) = self.resolver.classify(&src) {
                    let mut link = self.simple_link(n, ItemType::Image, Vec::new());
                    link.image_url = Some(link.url_to.url.clone());
                    link.alt = alt;
                    link.text_pre = self.recent.tail();
                    self.push_link(link);
                }
            }
            "link" => {
                let Some(href) = attrs.get("href") else {
                    return;
                };
                self.platform.url(&href);
                let rel = rel_tokens(attrs.get("rel").as_deref());
                let ty = link_item_type(&rel);
                if ty == ItemType::Canonical && self.page.canonical.is_none() {
                    self.page.canonical = self.resolver.absolute(&href).map(|n| n.url);
                }
                if let Target::External(n) = self.resolver.classify(&href) {
                    let link = self.simple_link(n, ty, rel);
                    self.push_link(link);
                }
            }
            "base" if !self.base_seen => {
                if let Some(href) = attrs.get("href") {
                    self.base_seen = true;
                    self.resolver.set_base(&href);
                }
            }
            "meta" => self.meta(attrs),
            "html" if self.page.language.is_none() => {
                self.page.language = attrs
                    .get("lang")
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty());
            }
            "script" => {
                self.json_ld = attrs
                    .get("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"));
                if let Some(src) = attrs.get("src") {
                    self.platform.url(&src);
                }
            }
            _ => {}
        }
    }

    fn meta(&mut self, attrs: &Attrs<'_>) {
        let content = attrs.get("content");
        if let Some(name) = attrs.get("name") {
            let content = content.as_deref().unwrap_or("");
            if name.eq_ignore_ascii_case("robots") || name.eq_ignore_ascii_case("googlebot") {
                self.page.robots_nofollow |= robots_nofollow(content);
            } else if name.eq_ignore_ascii_case("generator") {
                self.platform.generator(content);
            }
        } else if attrs
            .get("http-equiv")
            .is_some_and(|h| h.trim().eq_ignore_ascii_case("refresh"))
        {
            let Some(target) = content.as_deref().and_then(refresh_url) else {
                return;
            };
            if self.page.refresh.is_none() {
                self.page.refresh = self.resolver.absolute(target).map(|n| n.url);
            }
            if let Target::External(n) = self.resolver.classify(target) {
                let link = self.simple_link(n, ItemType::Meta, Vec::new());
                self.push_link(link);
            }
        }
    }

    fn finish(mut self) -> Page {
        self.close_anchor();
        for (idx, post) in std::mem::take(&mut self.awaiting) {
            self.page.links[idx].text_post = post.into_option();
        }
        if self.page.robots_nofollow {
            for l in &mut self.page.links {
                l.dofollow = false;
            }
        }
        self.page.platform = self.platform.names();
        self.page
    }
}

/// The URL of a refresh directive: `5; url='…'`, `0;URL=…` or `0; …`.
fn refresh_url(content: &str) -> Option<&str> {
    let (_, rest) = content.split_once([';', ','])?;
    let rest = rest.trim_start();
    let rest = match rest.get(..3) {
        Some(u) if u.eq_ignore_ascii_case("url") => rest[3..]
            .trim_start()
            .strip_prefix('=')
            .unwrap_or(&rest[3..])
            .trim_start(),
        _ => rest,
    };
    let url = rest.trim_matches(|c: char| c == '\'' || c == '"' || c.is_whitespace());
    (!url.is_empty()).then_some(url)
}

impl Sink for PageSink {
    fn start_tag(&mut self, name: &str, attrs: &Attrs<'_>, self_closing: bool) {
        if BLOCKS.contains(&name) {
            self.space();
        }
        if let Some(class) = attrs.get("class") {
            self.platform.class(&class);
        }
        self.start(name, attrs);
        self.stack.push(name, self_closing);
    }

    fn end_tag(&mut self, name: &str) {
        if name == "a" {
            self.close_anchor();
        }
        if BLOCKS.contains(&name) {
            self.space();
        }
        self.stack.pop(name);
    }

    fn text(&mut self, raw: &str) {
        let text = decode_entities(raw, false);
        self.recent.push(&text);
        if let Some(a) = &mut self.anchor {
            a.text.push(&text);
        }
        if !self.awaiting.is_empty() {
            for (_, c) in &mut self.awaiting {
                c.push(&text);
            }
            let links = &mut self.page.links;
            self.awaiting.retain_mut(|(idx, c)| {
                if c.is_full() {
                    links[*idx].text_post = std::mem::replace(c, Collapsed::new(0)).into_option();
                    return false;
                }
                true
            });
        }
    }

    fn raw_text(&mut self, element: &str, text: &str) {
        match element {
            "title" if self.page.title.is_none() && !self.stack.in_svg() => {
                let mut c = Collapsed::new(MAX_TITLE_CHARS);
                c.push(&decode_entities(text, false));
                self.page.title = c.into_option();
            }
            "script" if self.json_ld => self.platform.json_ld(text),
            "textarea" => self.text(text),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refresh_targets() {
        assert_eq!(refresh_url("0; url=http://a.com/"), Some("http://a.com/"));
        assert_eq!(refresh_url("5;URL='x.html'"), Some("x.html"));
        assert_eq!(refresh_url("3; http://b.com"), Some("http://b.com"));
        assert_eq!(refresh_url("10"), None);
    }
}
