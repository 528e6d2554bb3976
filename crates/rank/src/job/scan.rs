//! Pass 1 of the ranking job: the page graph and the facts about each referring page, read from
//! every record of the commit.
//!
//! Memory per page: its URL in a `HashMap<Box<str>, u32>` (the URL bytes, a 16-byte box, a
//! 4-byte id padded to 8, and the table's control byte at load ≤ 7/8: about URL + 30 bytes,
//! plus the allocator's rounding of the URL), 4 bytes for its host id and 24 bytes of
//! [`PageInfo`]. Per edge 8 bytes; per stored anchor 8 bytes plus each distinct anchor text
//! once. Per host: its name in a map like the URLs, its TLD and a flag.

use std::collections::HashMap;

use linkdex_model::Record;

use super::JobError;

/// What the spam score needs about one page, gathered from all records whose `url_from` it is,
/// so that it does not depend on record order: link counts are the largest known value, the
/// flags are true when any record says so.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PageInfo {
    /// Some record has this page as `url_from`.
    pub referring: bool,
    /// `page_from_external_links` / `page_from_internal_links`; -1 when unknown.
    pub external: i64,
    pub internal: i64,
    pub fetched: bool,
    pub has_title: bool,
    pub has_language: bool,
}

/// The pages, hosts and rank-passing links of the index, by dense `u32` ids.
pub(crate) struct Scan {
    pub pages: HashMap<Box<str>, u32>,
    pub hosts: HashMap<Box<str>, u32>,
    /// Host id of each page.
    pub host_of: Vec<u32>,
    /// `tld_from` and `domain_from_is_ip` of each host seen as a referring host.
    pub host_tld: Vec<Box<str>>,
    pub host_is_ip: Vec<bool>,
    pub info: Vec<PageInfo>,
    /// `url_from -> url_to` of every live, dofollow, unbroken record (duplicates and
    /// self-links included; the graph build drops them).
    pub edges: Vec<(u32, u32)>,
    /// Distinct anchor texts (trimmed, lowercased, non-empty) and `(page, anchor)` per live
    /// record that has one.
    anchor_ids: HashMap<Box<str>, u32>,
    anchors: Vec<(u32, u32)>,
    pub records: u64,
}

impl Scan {
    pub fn new() -> Scan {
        Scan {
            pages: HashMap::new(),
            hosts: HashMap::new(),
            host_of: Vec::new(),
            host_tld: Vec::new(),
            host_is_ip: Vec::new(),
            info: Vec::new(),
            edges: Vec::new(),
            anchor_ids: HashMap::new(),
            anchors: Vec::new(),
            records: 0,
        }
    }

    pub fn page_count(&self) -> u32 {
        self.host_of.len() as u32
    }

    pub fn host_count(&self) -> u32 {
        self.host_tld.len() as u32
    }

    /// Adds one (folded) record.
    pub fn add(&mut self, r: &Record) -> Result<(), JobError> {
        self.records += 1;
        let from = self.page(&r.url_from, &r.domain_from)?;
        let to = self.page(&r.url_to, &r.domain_to)?;
        let host = self.host_of[from as usize] as usize;
        self.host_tld[host] = r.tld_from.as_str().into();
        self.host_is_ip[host] = r.domain_from_is_ip;
        if r.dofollow && !r.is_broken && !r.is_lost {
            self.edges.push((from, to));
        }
        let info = &mut self.info[from as usize];
        info.referring = true;
        info.external = info.external.max(r.page_from_external_links.unwrap_or(-1));
        info.internal = info.internal.max(r.page_from_internal_links.unwrap_or(-1));
        info.fetched |= r.page_from_status_code.is_some();
        info.has_title |= r.page_from_title.as_deref().is_some_and(not_blank);
        info.has_language |= r.page_from_language.as_deref().is_some_and(not_blank);
        let anchor = r.anchor.as_deref().map(|a| a.trim().to_lowercase());
        if let Some(a) = anchor.filter(|a| !a.is_empty() && !r.is_lost) {
            let next = self.anchor_ids.len() as u32;
            let id = *self.anchor_ids.entry(a.into()).or_insert(next);
            self.anchors.push((from, id));
        }
        Ok(())
    }

    /// The id of a page, interning it (and its host) when new.
    fn page(&mut self, url: &str, host: &str) -> Result<u32, JobError> {
        if let Some(&id) = self.pages.get(url) {
            return Ok(id);
        }
        let id = u32::try_from(self.host_of.len())
            .ok()
            .filter(|&id| id < u32::MAX)
            .ok_or(JobError::TooLarge { what: "pages" })?;
        let host_id = match self.hosts.get(host) {
            Some(&h) => h,
            None => {
                let h = self.host_tld.len() as u32;
                self.hosts.insert(host.into(), h);
                self.host_tld.push("".into());
                self.host_is_ip.push(false);
                h
            }
        };
        self.pages.insert(url.into(), id);
        self.host_of.push(host_id);
        self.info.push(PageInfo {
            referring: false,
            external: -1,
            internal: -1,
            fetched: false,
            has_title: false,
            has_language: false,
        });
        Ok(id)
    }

    /// Hands over the anchors (they are only needed for the spam score).
    pub fn take_anchors(&mut self) -> Anchors {
        Anchors {
            ids: std::mem::take(&mut self.anchor_ids),
            list: std::mem::take(&mut self.anchors),
        }
    }
}

/// The anchor texts of the referring pages.
pub(crate) struct Anchors {
    ids: HashMap<Box<str>, u32>,
    list: Vec<(u32, u32)>,
}

impl Anchors {
    /// Calls `f(page, anchors)` once per page that has any, in page order.
    pub fn for_each_page(mut self, mut f: impl FnMut(u32, &[&str])) {
        let mut texts: Vec<&str> = vec![""; self.ids.len()];
        for (text, &id) in &self.ids {
            texts[id as usize] = text;
        }
        self.list.sort_unstable();
        let mut page_texts: Vec<&str> = Vec::new();
        for run in self.list.chunk_by(|a, b| a.0 == b.0) {
            page_texts.clear();
            page_texts.extend(run.iter().map(|&(_, a)| texts[a as usize]));
            f(run[0].0, &page_texts);
        }
    }
}

fn not_blank(s: &str) -> bool {
    !s.trim().is_empty()
}
