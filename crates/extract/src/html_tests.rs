//! Unit tests of HTML extraction on small hand-written pages (the real corpora are in
//! `tests/`).

use linkdex_model::ItemType;

use crate::extract_html;

fn links(html: &str) -> crate::Page {
    extract_html("https://www.site.com/dir/page.html", html.as_bytes(), None).unwrap()
}

#[test]
fn every_kind_of_link() {
    let p = links(
        r##"<html lang="en-GB"><head><title> My  page </title>
        <link rel="canonical" href="https://www.site.com/canon">
        <link rel="alternate" hreflang="de" href="https://de.site.com/">
        <link rel="alternate" type="application/rss+xml" href="https://feeds.other.com/rss">
        <link rel="stylesheet" href="https://cdn.other.com/s.css">
        <meta http-equiv="refresh" content="30; url=https://elsewhere.org/">
        </head><body><nav><a href="/home">Home</a> <a href="https://a.com/x#frag" rel="NoFollow UGC">the
        a&amp;b   link</a></nav><main><p>Before the image link <a href="http://b.com/"><img src="/i.png" alt="B logo"> B</a> after it.</p>
        <img src="https://img.cdn.com/p.jpg" alt="pic"><area href="https://c.com/" alt="map">
        <a href="mailto:x@y.z">mail</a><a href="#top">top</a><a href="HTTPS://WWW.SITE.COM/other">o</a></main></body></html>"##,
    );
    assert_eq!(p.title.as_deref(), Some("My page"));
    assert_eq!(p.language.as_deref(), Some("en-GB"));
    assert_eq!(p.canonical.as_deref(), Some("https://www.site.com/canon"));
    assert_eq!(p.refresh.as_deref(), Some("https://elsewhere.org/"));
    assert_eq!((p.internal_links, p.external_links), (2, 3));
    let got: Vec<(&str, ItemType)> = p
        .links
        .iter()
        .map(|l| (l.url_to.url.as_str(), l.item_type))
        .collect();
    assert_eq!(
        got,
        [
            ("https://de.site.com/", ItemType::Alternate),
            ("https://feeds.other.com/rss", ItemType::Alternate),
            ("https://cdn.other.com/s.css", ItemType::Link),
            ("https://elsewhere.org/", ItemType::Meta),
            ("https://a.com/x", ItemType::Anchor),
            ("http://b.com/", ItemType::Image),
            ("https://img.cdn.com/p.jpg", ItemType::Image),
            ("https://c.com/", ItemType::Anchor),
        ]
    );
    let a = &p.links[4];
    assert_eq!(a.anchor.as_deref(), Some("the a&b link"));
    assert_eq!(a.attributes, ["nofollow", "ugc"]);
    assert!(!a.dofollow);
    assert_eq!(a.semantic_location, Some("nav"));
    assert_eq!(a.text_pre.as_deref(), Some("Home"));
    let b = &p.links[5];
    assert_eq!(b.image_url.as_deref(), Some("https://www.site.com/i.png"));
    assert_eq!(b.alt.as_deref(), Some("B logo"));
    assert_eq!(b.anchor.as_deref(), Some("B"));
    assert_eq!(b.semantic_location, Some("main"));
    assert!(b
        .text_pre
        .as_deref()
        .unwrap()
        .ends_with("Before the image link"));
    assert!(b.text_post.as_deref().unwrap().starts_with("after it."));
    assert!(b.dofollow);
    assert_eq!(p.links[6].alt.as_deref(), Some("pic"));
    assert_eq!(p.links[7].anchor.as_deref(), Some("map"));
}

#[test]
fn base_href_and_robots_nofollow() {
    let p = links(
        r#"<head><base href="https://mirror.org/root/"><meta name="ROBOTS" content="noindex, nofollow"></head>
        <a href="x.html">x</a><a href="//www.site.com/y">y</a>"#,
    );
    assert_eq!(p.links.len(), 1);
    assert_eq!(p.links[0].url_to.url, "https://mirror.org/root/x.html");
    assert!(!p.links[0].dofollow && p.robots_nofollow);
    assert_eq!((p.internal_links, p.external_links), (1, 1));
}

#[test]
fn sibling_hosts_are_external_and_hosts_are_idna() {
    let p = links(r#"<a href="https://blog.site.com/">b</a><a href="http://Bücher.DE./k">k</a>"#);
    let urls: Vec<&str> = p.links.iter().map(|l| l.url_to.url.as_str()).collect();
    assert_eq!(
        urls,
        ["https://blog.site.com/", "http://xn--bcher-kva.de/k"]
    );
}

#[test]
fn semantic_locations_and_misnesting() {
    let p = links(
        r#"<article><section><p><a href="http://x.com/1">1</a></section><a href="http://x.com/2">2</a></article>
        <footer><div><a href="http://x.com/3">3</div></a></footer><a href="http://x.com/4">4</a><aside><a href="http://x.com/5">5"#,
    );
    let locs: Vec<Option<&str>> = p.links.iter().map(|l| l.semantic_location).collect();
    assert_eq!(
        locs,
        [
            Some("section"),
            Some("article"),
            Some("footer"),
            None,
            Some("aside")
        ]
    );
}

#[test]
fn non_utf8_pages_decode() {
    let mut body = b"<meta charset=windows-1251><title>".to_vec();
    body.extend(encoding_rs::WINDOWS_1251.encode("Новости").0.iter());
    body.extend(b"</title><a href='http://ru.ru/'>");
    body.extend(encoding_rs::WINDOWS_1251.encode("ссылка").0.iter());
    let p = extract_html("http://a.ru/", &body, None).unwrap();
    assert_eq!(p.encoding, "windows-1251");
    assert_eq!(p.title.as_deref(), Some("Новости"));
    assert_eq!(p.links[0].anchor.as_deref(), Some("ссылка"));
}

#[test]
fn anchor_text_and_snippets_are_bounded() {
    let long = "word ".repeat(500);
    let p = links(&format!("{long}<a href='http://x.com/'>{long}</a>{long}"));
    let l = &p.links[0];
    assert!(l.anchor.as_ref().unwrap().chars().count() <= crate::MAX_ANCHOR_CHARS);
    assert!(l.text_pre.as_ref().unwrap().chars().count() <= crate::MAX_SNIPPET_CHARS);
    assert!(l.text_post.as_ref().unwrap().chars().count() <= crate::MAX_SNIPPET_CHARS);
}
