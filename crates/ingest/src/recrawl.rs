//! The recrawl rules: fetches applied in date order to the state of the records they concern.
//! Pure: no I/O; the caller supplies the stored records the fetches may change.
//!
//! - A fetch of a page with content (2xx/3xx) gives its complete set of direct links: links
//!   no longer present become lost (`lost_date` = the fetch time); links present are observed
//!   (live again if they were lost; times by `Record::merge`). A 4xx/5xx makes all its links
//!   lost. A fetch without a status, or a 304, only adds what it shows.
//! - A fetch of a linked page sets `url_to_status_code` (and `url_to_redirect_target` for a
//!   3xx) on every record pointing to it, and `is_broken` = 4xx/5xx. A new observation of a
//!   link keeps the target facts last known (this run first, else the stored record).
//! - When X redirects (3xx `Location`) or names a canonical Y, a live link to X also reaches
//!   Y: a record `(url_from, Y, item_type)` with `is_indirect_link` and the one-hop path
//!   `[{type, status_code, url: X}]`, with the direct link's times. It is lost when the direct
//!   link is lost or X stops pointing to Y. Same-host results are not records; a live direct
//!   record with the same key wins.
//! - Marks of lost only apply to records last seen before the fetch, so an older archive
//!   ingested after a newer one changes no link set.

use std::collections::{BTreeSet, HashMap, HashSet};

use linkdex_model::{Record, RecordKey};

use crate::fetch::{Answer, Fetch};
use crate::target::{alias_of, stamp, Alias, TargetFacts};

/// Applies `fetches` (in date order; equal dates keep their order) to `existing` (the stored
/// records, already folded, whose `url_from` or `url_to` a fetch names, and the indirect
/// records through a fetched URL). Returns every record changed or observed, one per key,
/// in key order: writing them after `existing` and folding gives the new state.
pub fn apply_captures<I: IntoIterator<Item = Fetch>>(
    fetches: I,
    existing: Vec<Record>,
) -> Vec<Record> {
    let mut state = State::default();
    for r in existing {
        state.seed(r);
    }
    for f in fetches {
        state.apply(f);
    }
    state.finish()
}

#[derive(Default)]
struct State {
    records: HashMap<RecordKey, Record>,
    by_from: HashMap<String, BTreeSet<RecordKey>>,
    by_to: HashMap<String, BTreeSet<RecordKey>>,
    alias: HashMap<String, Alias>,
    facts: HashMap<String, TargetFacts>,
    dirty: HashSet<RecordKey>,
}

impl State {
    fn seed(&mut self, r: Record) {
        if let Some(hop) = r.indirect_link_path.as_ref().and_then(|p| p.first()) {
            self.alias.entry(hop.url.clone()).or_insert_with(|| Alias {
                url: r.url_to.clone(),
                host: r.domain_to.clone(),
                https: r.url_to_https,
                hop: hop.clone(),
            });
        }
        self.index(r);
    }

    /// Files a record under its key and its pages; returns the key.
    fn index(&mut self, r: Record) -> RecordKey {
        let key = r.key();
        self.by_from
            .entry(r.url_from.clone())
            .or_default()
            .insert(key.clone());
        self.by_to
            .entry(r.url_to.clone())
            .or_default()
            .insert(key.clone());
        self.records.insert(key.clone(), r);
        key
    }

    fn apply(&mut self, f: Fetch) {
        let answer = f.answer();
        self.target_fetched(&f, answer);
        self.alias_fetched(&f, answer);
        let old: Vec<RecordKey> = self.direct_of(&f.url);
        let seen: HashSet<RecordKey> = f.links.iter().map(Record::key).collect();
        for link in f.links {
            self.observe_direct(link);
        }
        if answer != Answer::Unknown {
            for key in old.into_iter().filter(|k| !seen.contains(k)) {
                self.lose_direct(&key, f.date);
            }
        }
    }

    /// `f` as a linked page: status, broken and redirect target of the records pointing to it.
    fn target_fetched(&mut self, f: &Fetch, answer: Answer) {
        let Some(status) = f.status.filter(|_| answer != Answer::Unknown) else {
            return;
        };
        let redirect = f.redirect.clone().filter(|_| (300..400).contains(&status));
        let facts = TargetFacts {
            status: i64::from(status),
            redirect,
        };
        let keys: Vec<RecordKey> = self
            .by_to
            .get(&f.url)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        for key in keys {
            if let Some(r) = self.records.get_mut(&key) {
                if stamp(r, &facts) {
                    self.dirty.insert(key);
                }
            }
        }
        self.facts.insert(f.url.clone(), facts);
    }

    /// `f` as a page that may pass its links on (redirect or canonical).
    fn alias_fetched(&mut self, f: &Fetch, answer: Answer) {
        let next = match answer {
            Answer::Unknown => return,
            Answer::Error => None,
            Answer::Content => alias_of(f),
        };
        if self.alias.get(&f.url) == next.as_ref() {
            return;
        }
        let direct: Vec<RecordKey> = self.direct_to(&f.url);
        for key in &direct {
            self.lose_derived(key, f.date);
        }
        match next {
            Some(a) => self.alias.insert(f.url.clone(), a),
            None => self.alias.remove(&f.url),
        };
        for key in &direct {
            if let Some(r) = self.records.get(key).filter(|r| !r.is_lost).cloned() {
                self.derive(&r);
            }
        }
    }

    /// A new observation of a direct link, and of the indirect link it makes.
    fn observe_direct(&mut self, mut obs: Record) {
        let key = obs.key();
        match self.facts.get(&obs.url_to) {
            Some(facts) => {
                stamp(&mut obs, facts);
            }
            None => {
                if let Some(prior) = self.records.get(&key) {
                    obs.is_broken = prior.is_broken;
                    obs.url_to_status_code = prior.url_to_status_code;
                    obs.url_to_redirect_target = prior.url_to_redirect_target.clone();
                }
            }
        }
        let merged = match self.records.get(&key) {
            Some(prior) => Record::merge(prior, &obs),
            None => obs,
        };
        let live = !merged.is_lost;
        self.put(merged.clone());
        if live {
            self.derive(&merged);
        }
    }

    /// Observes the indirect record the live direct record `r` makes through its target's alias.
    fn derive(&mut self, r: &Record) {
        let Some(a) = self.alias.get(&r.url_to) else {
            return;
        };
        if a.host == r.domain_from {
            return;
        }
        let key: RecordKey = (r.url_from.clone(), a.url.clone(), r.item_type);
        let prior = self.records.get(&key);
        if prior.is_some_and(|p| !p.is_indirect_link && !p.is_lost) {
            return;
        }
        let mut d = r.clone();
        d.url_to = a.url.clone();
        d.domain_to = a.host.clone();
        d.url_to_https = a.https;
        d.is_indirect_link = true;
        d.indirect_link_path = Some(vec![a.hop.clone()]);
        d.is_lost = false;
        d.lost_date = None;
        d.is_broken = false;
        d.url_to_status_code = None;
        d.url_to_redirect_target = None;
        if let Some(facts) = self.facts.get(&d.url_to) {
            stamp(&mut d, facts);
        } else if let Some(p) = prior {
            d.is_broken = p.is_broken;
            d.url_to_status_code = p.url_to_status_code;
            d.url_to_redirect_target = p.url_to_redirect_target.clone();
        }
        let merged = match prior {
            Some(p) => Record::merge(p, &d),
            None => d,
        };
        self.put(merged);
    }

    fn lose_direct(&mut self, key: &RecordKey, date: i64) {
        self.lose(key, date);
        self.lose_derived(key, date);
    }

    /// Marks lost the indirect record the direct record `key` makes through its target's alias.
    fn lose_derived(&mut self, key: &RecordKey, date: i64) {
        let Some(a) = self.alias.get(&key.1) else {
            return;
        };
        let derived: RecordKey = (key.0.clone(), a.url.clone(), key.2);
        if self
            .records
            .get(&derived)
            .is_some_and(|r| r.is_indirect_link)
        {
            self.lose(&derived, date);
        }
    }

    fn lose(&mut self, key: &RecordKey, date: i64) {
        if let Some(r) = self.records.get_mut(key) {
            if !r.is_lost && r.last_seen < date {
                r.is_lost = true;
                r.lost_date = Some(date);
                self.dirty.insert(key.clone());
            }
        }
    }

    fn put(&mut self, r: Record) {
        let key = self.index(r);
        self.dirty.insert(key);
    }

    /// The direct (not indirect) records of referring page `url`.
    fn direct_of(&self, url: &str) -> Vec<RecordKey> {
        self.direct(self.by_from.get(url))
    }

    /// The direct records pointing to `url`.
    fn direct_to(&self, url: &str) -> Vec<RecordKey> {
        self.direct(self.by_to.get(url))
    }

    fn direct(&self, keys: Option<&BTreeSet<RecordKey>>) -> Vec<RecordKey> {
        keys.into_iter()
            .flatten()
            .filter(|k| self.records.get(*k).is_some_and(|r| !r.is_indirect_link))
            .cloned()
            .collect()
    }

    fn finish(mut self) -> Vec<Record> {
        let mut keys: Vec<RecordKey> = self.dirty.into_iter().collect();
        keys.sort();
        keys.iter().filter_map(|k| self.records.remove(k)).collect()
    }
}
