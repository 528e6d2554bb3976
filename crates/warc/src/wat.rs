//! Common Crawl WAT: a `metadata` record whose block is JSON describing a capture. Only
//! descriptions of `response` captures become a [`WatPage`]; header values come as strings or,
//! for repeated headers in newer WATs, as lists of strings.

use serde_json::{Map, Value};

use crate::{Error, Headers, WarcRecord};

/// One `Links` / `Head.Link` entry, as the WAT writes it (URLs raw, unresolved).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatLink {
    /// Where the URL came from, e.g. `A@/href`, `IMG@/src`, `LINK@/href`.
    pub path: String,
    pub url: String,
    pub text: Option<String>,
    pub alt: Option<String>,
    pub title: Option<String>,
    pub rel: Option<String>,
    pub hreflang: Option<String>,
    pub media_type: Option<String>,
}

/// What a WAT says about one HTTP response capture.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WatPage {
    pub target_uri: String,
    pub date: Option<String>,
    pub ip: Option<String>,
    pub status: Option<u16>,
    pub headers: Headers,
    pub title: Option<String>,
    pub base: Option<String>,
    /// `Head.Metas`: each meta element's attributes (`name`, `content`, `http-equiv`, …).
    pub metas: Vec<Headers>,
    /// `Head.Link` entries followed by `Links`.
    pub links: Vec<WatLink>,
}

impl WatPage {
    /// Reads the WAT JSON of `record`. Ok(None) for records that do not describe an HTTP
    /// response (warcinfo, request, metadata captures, non-JSON blocks).
    pub fn from_record(record: &WarcRecord, file: &str) -> Result<Option<WatPage>, Error> {
        let is_json = record
            .header("Content-Type")
            .is_some_and(|t| t.contains("json"));
        if !record
            .warc_type()
            .is_some_and(|t| t.eq_ignore_ascii_case("metadata"))
            || !is_json
        {
            return Ok(None);
        }
        let bad = |what: String| Error::Wat {
            file: file.to_string(),
            offset: record.offset,
            what,
        };
        let v: Value = serde_json::from_slice(&record.body).map_err(|e| bad(e.to_string()))?;
        let env = v
            .get("Envelope")
            .and_then(Value::as_object)
            .ok_or_else(|| bad("no Envelope object".into()))?;
        let warc = obj(env.get("WARC-Header-Metadata"));
        if !str_of(warc, "WARC-Type").is_some_and(|t| t.eq_ignore_ascii_case("response")) {
            return Ok(None);
        }
        let http = obj(obj(env.get("Payload-Metadata")).get("HTTP-Response-Metadata"));
        let mut page = WatPage {
            target_uri: str_of(warc, "WARC-Target-URI")
                .unwrap_or_default()
                .trim_matches(['<', '>'])
                .to_string(),
            date: str_of(warc, "WARC-Date").map(str::to_string),
            ip: str_of(warc, "WARC-IP-Address").map(str::to_string),
            status: str_of(obj(http.get("Response-Message")), "Status")
                .and_then(|s| s.trim().parse().ok()),
            headers: headers_of(obj(http.get("Headers"))),
            ..WatPage::default()
        };
        let html = obj(http.get("HTML-Metadata"));
        let head = obj(html.get("Head"));
        page.title = str_of(head, "Title").map(str::to_string);
        page.base = match head.get("Base") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => str_of(o, "url").or(str_of(o, "href")).map(str::to_string),
            _ => None,
        };
        for m in array(head.get("Metas")) {
            page.metas.push(headers_of(obj(Some(m))));
        }
        for l in array(head.get("Link")).chain(array(html.get("Links"))) {
            let l = obj(Some(l));
            let Some(url) = str_of(l, "url") else {
                continue;
            };
            let s = |k: &str| str_of(l, k).map(str::to_string);
            page.links.push(WatLink {
                path: s("path").unwrap_or_default(),
                url: url.to_string(),
                text: s("text"),
                alt: s("alt"),
                title: s("title"),
                rel: s("rel"),
                hreflang: s("hreflang"),
                media_type: s("type"),
            });
        }
        Ok(Some(page))
    }
}

static EMPTY: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();

fn obj(v: Option<&Value>) -> &Map<String, Value> {
    match v {
        Some(Value::Object(o)) => o,
        _ => EMPTY.get_or_init(Map::new),
    }
}

fn str_of<'a>(o: &'a Map<String, Value>, k: &str) -> Option<&'a str> {
    o.get(k).and_then(Value::as_str)
}

fn array(v: Option<&Value>) -> impl Iterator<Item = &Value> {
    v.and_then(Value::as_array).into_iter().flatten()
}

/// Header values as strings, or lists of strings for repeated headers.
fn headers_of(o: &Map<String, Value>) -> Headers {
    let mut h = Headers::default();
    for (name, v) in o {
        match v {
            Value::String(s) => h.push(name, s),
            Value::Array(items) => items
                .iter()
                .filter_map(Value::as_str)
                .for_each(|s| h.push(name, s)),
            _ => {}
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(json: &str) -> WarcRecord {
        let mut headers = Headers::default();
        headers.push("WARC-Type", "metadata");
        headers.push("Content-Type", "application/json");
        WarcRecord {
            version: "1.0".into(),
            headers,
            body: json.as_bytes().to_vec(),
            offset: 7,
            body_truncated: false,
        }
    }

    #[test]
    fn reads_headers_as_strings_or_lists() {
        let r = record(
            r#"{"Envelope":{"WARC-Header-Metadata":{"WARC-Type":"response","WARC-Target-URI":"http://a.com/"},
            "Payload-Metadata":{"HTTP-Response-Metadata":{"Response-Message":{"Status":"301"},
            "Headers":{"Location":"http://b.com/","Set-Cookie":["a=1","b=2"]},
            "HTML-Metadata":{"Head":{"Title":"T","Metas":[{"name":"robots","content":"nofollow"}]},
            "Links":[{"path":"A@/href","url":"/x","text":"X"}]}}}}}"#,
        );
        let p = WatPage::from_record(&r, "f").unwrap().unwrap();
        assert_eq!(p.status, Some(301));
        assert_eq!(p.headers.get_all("set-cookie").count(), 2);
        assert_eq!(p.title.as_deref(), Some("T"));
        assert_eq!(p.metas[0].get("name"), Some("robots"));
        assert_eq!(p.links[0].text.as_deref(), Some("X"));
    }

    #[test]
    fn reports_bad_json_with_its_offset() {
        let err = WatPage::from_record(&record("{\"Envelope\":"), "f").unwrap_err();
        assert_eq!(err.offset(), Some(7));
        assert!(WatPage::from_record(&record("{}"), "f").is_err());
    }
}
