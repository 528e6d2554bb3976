//! The stored state the recrawl rules start from: every record of the current commit whose
//! referring page or linked page was fetched, or which passes through a fetched URL (indirect).
//!
//! Cost: one sequential read of every block of every segment (the store has no index by
//! referring page), on every core. A block is searched for the fetched URLs as bytes first: a
//! record stores its URLs as written, so a block where none occurs holds no affected record and
//! its records are not read. In the others each record is read in place and only the matching
//! ones are decoded whole. Memory holds the matching records only. A store index by `url_from`
//! would make this proportional to the pages fetched.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use aho_corasick::AhoCorasick;
use linkdex_model::{Record, RecordKey};
use linkdex_store::{SegmentReader, Snapshot, StoreError};

/// Up to this many fetched URLs, blocks are searched for them before their records are read.
/// The automaton costs about 150 bytes per URL (and three times that while it is built: 1M URLs
/// took 3.4 s and 660 MB), and with more URLs few blocks would be skipped anyway: past it, every
/// block is read.
const SEARCH_URLS_MAX: usize = 1_000_000;

/// The affected records, each folded oldest segment first as readers see it.
pub(crate) fn affected_records(
    snap: &Snapshot,
    urls: &HashSet<String>,
) -> Result<Vec<Record>, StoreError> {
    affected_records_searching(snap, urls, SEARCH_URLS_MAX)
}

/// [`affected_records`], searching blocks only when there are at most `search_max` URLs.
fn affected_records_searching(
    snap: &Snapshot,
    urls: &HashSet<String>,
    search_max: usize,
) -> Result<Vec<Record>, StoreError> {
    let mut found: HashMap<RecordKey, Record> = HashMap::new();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    // No automaton (too many URLs, or too large to build): every block is read.
    let any_url = (urls.len() <= search_max)
        .then(|| AhoCorasick::new(urls).ok())
        .flatten();
    for segment in &snap.segments {
        // A segment holds each key once: its parts can be read in any order, by several threads.
        let blocks = segment.block_count();
        let parts = (0..threads).map(|t| blocks * t / threads..blocks * (t + 1) / threads);
        let hits = std::thread::scope(|s| {
            let readers: Vec<_> = parts
                .map(|part| s.spawn(|| matching(segment, part, urls, any_url.as_ref())))
                .collect();
            readers
                .into_iter()
                .map(|r| r.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect::<Result<Vec<_>, _>>()
        })?;
        for r in hits.into_iter().flatten() {
            match found.get_mut(&r.key()) {
                Some(stored) => *stored = Record::merge(stored, &r),
                None => {
                    found.insert(r.key(), r);
                }
            }
        }
    }
    let mut out: Vec<Record> = found.into_values().collect();
    out.sort_by_key(Record::key);
    Ok(out)
}

/// The records of `blocks` of `segment` whose referring page or linked page is one of `urls`, or
/// whose indirect path passes through one.
fn matching(
    segment: &SegmentReader,
    blocks: Range<usize>,
    urls: &HashSet<String>,
    any_url: Option<&AhoCorasick>,
) -> Result<Vec<Record>, StoreError> {
    let mut hits = Vec::new();
    let wanted = |bytes: &[u8]| any_url.is_none_or(|a| a.is_match(bytes));
    segment.for_each_ref(blocks, wanted, |r| {
        let through = r.indirect_link_path.iter().flatten();
        let hit = urls.contains(r.url_from)
            || urls.contains(r.url_to)
            || through.into_iter().any(|h| urls.contains(h.url));
        if hit {
            hits.push(r.to_record());
        }
        Ok(())
    })?;
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};

    /// The affected records of `urls` as the recrawl rules define them: of every observation,
    /// folded by the test kit, those with a fetched page or a fetched page on their path.
    fn folded_and_filtered(observations: &[Record], urls: &HashSet<String>) -> Vec<Record> {
        linkdex_testkit::fold(observations)
            .into_iter()
            .filter(|r| {
                urls.contains(&r.url_from)
                    || urls.contains(&r.url_to)
                    || r.indirect_link_path
                        .iter()
                        .flatten()
                        .any(|h| urls.contains(&h.url))
            })
            .collect()
    }

    #[test]
    fn the_block_search_finds_what_reading_every_record_finds() {
        for seed in 0..12u64 {
            let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
            let observations = linkdex_testkit::gen_observations(&mut rng, 3000);
            let dir = tempfile::tempdir().unwrap();
            let index = linkdex_store::Index::open(dir.path()).unwrap();
            // Several segments, some keys in more than one.
            for chunk in observations.chunks(1200) {
                let mut w = index.writer().unwrap();
                w.write_segment(chunk.to_vec()).unwrap();
                w.commit().unwrap();
            }
            // Pages of the records, of their paths, and pages no record has.
            let mut pages: Vec<String> = observations
                .iter()
                .flat_map(|r| {
                    let hops = r.indirect_link_path.iter().flatten().map(|h| h.url.clone());
                    [r.url_from.clone(), r.url_to.clone()]
                        .into_iter()
                        .chain(hops)
                })
                .collect();
            pages.push("https://nowhere.example/".into());
            let urls: HashSet<String> = (0..rng.gen_range(0..6))
                .filter_map(|_| pages.choose(&mut rng).cloned())
                .collect();
            let snap = index.snapshot().unwrap();
            let want = folded_and_filtered(&observations, &urls);
            assert_eq!(affected_records(&snap, &urls).unwrap(), want, "seed {seed}");
            // Past the search limit every block is read, with the same result.
            let unsearched = affected_records_searching(&snap, &urls, 0).unwrap();
            assert_eq!(unsearched, want, "seed {seed}, no search");
        }
    }
}
