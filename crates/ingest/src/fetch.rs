//! A fetch: what the recrawl rules need of one capture (URL, date, status, where it points on)
//! and its backlink records. The page facts and parsed HTML of a capture are dropped here, so
//! a fetch is what gets spilled to disk while captures are put in date order.

use linkdex_extract::Capture;
use linkdex_model::Record;
use serde::{Deserialize, Serialize};

/// One fetch of one URL, reduced from a [`Capture`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fetch {
    /// The fetched URL, normalized.
    pub url: String,
    /// Unix seconds (WARC-Date, else HTTP Date, else the ingest's `now`).
    pub date: i64,
    /// HTTP status; None when the archive did not say (some WATs).
    pub status: Option<u16>,
    /// A 3xx `Location`, absolute and normalized, whatever its host.
    pub redirect: Option<String>,
    /// `<link rel=canonical>`, absolute and normalized, whatever its host.
    pub canonical: Option<String>,
    /// The page's external links as records (`first_seen = last_seen = date`).
    pub links: Vec<Record>,
}

impl From<Capture> for Fetch {
    fn from(c: Capture) -> Fetch {
        Fetch {
            url: c.url,
            date: c.date,
            status: c.status,
            redirect: c.redirect_location,
            canonical: c.canonical,
            links: c.links,
        }
    }
}

/// How a fetch's status bears on the links it holds and the links pointing to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Answer {
    /// 2xx or 3xx: the page's links are exactly `links`; links to it are not broken.
    Content,
    /// 4xx/5xx: the page is gone (all its links lost) and links to it are broken.
    Error,
    /// No status, 1xx or 304: says nothing about the page's link set.
    Unknown,
}

impl Fetch {
    pub(crate) fn answer(&self) -> Answer {
        match self.status {
            Some(304) | None => Answer::Unknown,
            Some(s) if (200..400).contains(&s) => Answer::Content,
            Some(s) if (400..600).contains(&s) => Answer::Error,
            Some(_) => Answer::Unknown,
        }
    }
}
