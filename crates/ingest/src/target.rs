//! What a fetch of a linked URL says about the links pointing to it: its status (broken or
//! not, redirect target) and where it passes them on (redirect or canonical).

use linkdex_model::{normalize_url, Hop, Record};

use crate::fetch::Fetch;

/// Where X passes its links on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Alias {
    pub(crate) url: String,
    pub(crate) host: String,
    pub(crate) https: bool,
    pub(crate) hop: Hop,
}

/// What the last fetch of a linked URL said.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TargetFacts {
    pub(crate) status: i64,
    pub(crate) redirect: Option<String>,
}

/// Where a fetch with content passes its links on: its redirect, else its canonical.
pub(crate) fn alias_of(f: &Fetch) -> Option<Alias> {
    let status = f.status.map(i64::from);
    let (kind, to) = match (&f.redirect, &f.canonical) {
        (Some(r), _) if status.is_some_and(|s| (300..400).contains(&s)) => ("redirect", r),
        (_, Some(c)) => ("canonical", c),
        _ => return None,
    };
    let to = normalize_url(to).ok().filter(|n| n.url != f.url)?;
    Some(Alias {
        url: to.url,
        host: to.host,
        https: to.https,
        hop: Hop {
            kind: kind.to_string(),
            status_code: status,
            url: f.url.clone(),
        },
    })
}

/// Sets a record's target facts; true when something changed.
pub(crate) fn stamp(r: &mut Record, facts: &TargetFacts) -> bool {
    let broken = facts.status >= 400;
    let changed = r.is_broken != broken
        || r.url_to_status_code != Some(facts.status)
        || r.url_to_redirect_target != facts.redirect;
    r.is_broken = broken;
    r.url_to_status_code = Some(facts.status);
    r.url_to_redirect_target = facts.redirect.clone();
    changed
}
