//! The ranking job on small indexes built by the JSONL import: its ranks are the ranks this
//! crate computes for the same graph (ids assigned independently here), imported ranks stay
//! without `recompute`, every record is rewritten once in one commit, and domain_intersection
//! answers change only in their rank and spam fields.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use linkdex_ingest::{import, ImportOptions};
use linkdex_model::Record;
use linkdex_rank::{
    link_rank, node_ranks, pagerank, rank_index, spam_score, Graph, JobEvent, JobOptions, Options,
    PageFacts, Precision,
};
use linkdex_store::{Index, MergePolicy};
use serde_json::{json, Value};

/// a, b, c link around; c/x is internal; d is nofollow, e broken, f lost; b links to itself;
/// a -> b twice (two item types); g carries an imported rank; h's page is a spammy one.
const RECORDS: &str = r#"{"url_from":"https://a.com/","url_to":"https://b.com/","anchor":"B site"}
{"url_from":"https://a.com/","url_to":"https://b.com/","item_type":"image"}
{"url_from":"https://a.com/","url_to":"https://c.com/","anchor":"C site"}
{"url_from":"https://b.com/","url_to":"https://c.com/","page_from_status_code":200,"page_from_title":"B"}
{"url_from":"https://b.com/","url_to":"https://b.com/"}
{"url_from":"https://c.com/","url_to":"https://a.com/"}
{"url_from":"https://c.com/x","url_to":"https://c.com/"}
{"url_from":"https://d.com/","url_to":"https://c.com/","attributes":["nofollow"]}
{"url_from":"https://e.com/","url_to":"https://c.com/","is_broken":true}
{"url_from":"https://f.com/","url_to":"https://a.com/","is_lost":true}
{"url_from":"https://g.com/","url_to":"https://b.com/","rank":500}
{"url_from":"https://www.cheap-viagra-pills.tk/","url_to":"https://c.com/","anchor":"buy cheap pills","page_from_external_links":400,"page_from_internal_links":1,"page_from_status_code":200}
{"url_from":"https://www.cheap-viagra-pills.tk/","url_to":"https://a.com/","anchor":"buy cheap pills"}
"#;

fn exact() -> JobOptions {
    JobOptions {
        pagerank: Options {
            precision: Precision::Double,
            threads: 1,
            ..Options::default()
        },
        recompute: false,
    }
}

fn imported_index(dir: &Path) -> Index {
    let jsonl = dir.join("records.jsonl");
    std::fs::write(&jsonl, RECORDS).unwrap();
    let index = Index::open(&dir.join("index")).unwrap();
    let report = import(&index, jsonl.to_str().unwrap(), &ImportOptions::default()).unwrap();
    assert_eq!(report.rejected, 0);
    index
}

fn records(index: &Index) -> Vec<Record> {
    let mut out = Vec::new();
    index
        .writer()
        .unwrap()
        .scan_all(|r| {
            out.push(r.clone());
            Ok(())
        })
        .unwrap();
    out
}

/// The four computed fields of every record, computed here from the records alone.
fn expected(records: &[Record]) -> Vec<(u16, u16, u16, u8)> {
    let urls: BTreeSet<&str> = records
        .iter()
        .flat_map(|r| [r.url_from.as_str(), r.url_to.as_str()])
        .collect();
    let id: BTreeMap<&str, u32> = urls
        .iter()
        .enumerate()
        .map(|(i, u)| (*u, i as u32))
        .collect();
    let host_of_url: BTreeMap<&str, &str> = records
        .iter()
        .flat_map(|r| {
            [
                (r.url_from.as_str(), r.domain_from.as_str()),
                (r.url_to.as_str(), r.domain_to.as_str()),
            ]
        })
        .collect();
    let hosts: BTreeSet<&str> = host_of_url.values().copied().collect();
    let host_id: BTreeMap<&str, u32> = hosts
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, i as u32))
        .collect();
    let edges: Vec<(u32, u32)> = records
        .iter()
        .filter(|r| r.dofollow && !r.is_broken && !r.is_lost)
        .map(|r| (id[r.url_from.as_str()], id[r.url_to.as_str()]))
        .collect();
    let options = exact().pagerank;
    let pages = Graph::from_edges(urls.len() as u32, &edges).unwrap();
    let page_pr = pagerank(&pages, &options).unwrap();
    let page_ranks = node_ranks(&pages, &page_pr);
    let group: Vec<u32> = urls.iter().map(|u| host_id[host_of_url[u]]).collect();
    let host_graph = pages.fold(&group, hosts.len() as u32).unwrap();
    let host_ranks = node_ranks(&host_graph, &pagerank(&host_graph, &options).unwrap());
    records
        .iter()
        .map(|r| {
            let (from, to) = (id[r.url_from.as_str()], id[r.url_to.as_str()]);
            let mine: Vec<&Record> = records
                .iter()
                .filter(|o| o.url_from == r.url_from)
                .collect();
            let anchors: Vec<&str> = mine
                .iter()
                .filter(|o| !o.is_lost)
                .filter_map(|o| o.anchor.as_deref())
                .collect();
            let spam = spam_score(&PageFacts {
                host: &r.domain_from,
                tld: &r.tld_from,
                is_ip: r.domain_from_is_ip,
                fetched: mine.iter().any(|o| o.page_from_status_code.is_some()),
                external_links: mine
                    .iter()
                    .filter_map(|o| o.page_from_external_links)
                    .max()
                    .map(|n| n as u64),
                internal_links: mine
                    .iter()
                    .filter_map(|o| o.page_from_internal_links)
                    .max()
                    .map(|n| n as u64),
                title: mine
                    .iter()
                    .filter_map(|o| o.page_from_title.as_deref())
                    .max(),
                language: mine
                    .iter()
                    .filter_map(|o| o.page_from_language.as_deref())
                    .max(),
                anchors: &anchors,
            });
            let link = link_rank(
                &pages,
                &page_pr,
                from,
                to,
                r.dofollow && !r.is_lost,
                r.is_broken,
            );
            (
                page_ranks[from as usize],
                host_ranks[host_id[r.domain_from.as_str()] as usize],
                link,
                spam,
            )
        })
        .collect()
}

fn computed(r: &Record) -> (u16, u16, u16, u8) {
    (
        r.page_from_rank,
        r.domain_from_rank,
        r.rank,
        r.backlink_spam_score,
    )
}

#[test]
fn ranks_are_the_rank_crates_for_the_same_graph() {
    let dir = tempfile::tempdir().unwrap();
    let index = imported_index(dir.path());
    let before = records(&index);
    let mut iterations = 0;
    let report = rank_index(&index, &exact(), &mut |e| {
        if let JobEvent::Iteration { .. } = e {
            iterations += 1;
        }
    })
    .unwrap();
    assert!(iterations > 2, "progress per iteration");
    assert_eq!((report.records, report.filled, report.kept), (13, 12, 1));
    let after = records(&index);
    let want = expected(&after);
    for ((r, w), old) in after.iter().zip(&want).zip(&before) {
        if old.url_from == "https://g.com/" {
            assert_eq!(computed(r), (0, 0, 500, 0), "imported rank kept");
        } else {
            assert_eq!(computed(r), *w, "{} -> {}", r.url_from, r.url_to);
        }
    }
    // Sanity of the graph itself: c.com/ is fed by a, b, c/x and the spam page.
    let c = after
        .iter()
        .find(|r| r.url_from == "https://c.com/")
        .unwrap();
    assert!(c.page_from_rank > 0 && c.domain_from_rank > 0);
    let d = after
        .iter()
        .find(|r| r.url_from == "https://d.com/")
        .unwrap();
    assert_eq!(d.rank, 0, "nofollow passes nothing");
    let spam = after
        .iter()
        .find(|r| r.domain_from.contains("viagra"))
        .unwrap();
    assert!(
        spam.backlink_spam_score >= 50,
        "{}",
        spam.backlink_spam_score
    );
}

#[test]
fn recompute_overwrites_imported_ranks() {
    let dir = tempfile::tempdir().unwrap();
    let index = imported_index(dir.path());
    let options = JobOptions {
        recompute: true,
        ..exact()
    };
    let report = rank_index(&index, &options, &mut |_| {}).unwrap();
    assert_eq!((report.filled, report.kept), (13, 0));
    let after = records(&index);
    let want = expected(&after);
    for (r, w) in after.iter().zip(&want) {
        assert_eq!(computed(r), *w, "{} -> {}", r.url_from, r.url_to);
    }
    // bulk_ranks of a page (§9 sum of its in-links' link ranks) is its page rank, ±1 point,
    // when no two records are the same link (b.com/ has two: an anchor and an image from a.com/,
    // which §9 counts twice, so its bulk rank is higher).
    let engine = linkdex_query::Engine::open(index.dir()).unwrap();
    for page in ["https://a.com/", "https://c.com/"] {
        let task = json!({ "targets": [page] });
        let answer =
            linkdex_query::Backend::bulk_ranks(&engine, task.as_object().unwrap()).unwrap();
        let got = answer["items"][0]["rank"].as_i64().unwrap();
        let own = after
            .iter()
            .find(|r| r.url_from == page)
            .unwrap()
            .page_from_rank;
        assert!(
            own > 0 && (got - i64::from(own)).abs() <= 1,
            "{page}: {got} vs {own}"
        );
    }
}

/// domain_intersection for a.com and c.com, with rank-dependent fields blanked and items sorted.
fn intersection_without_ranks(index: &Index) -> Value {
    let engine = linkdex_query::Engine::open(index.dir()).unwrap();
    let task = json!({"targets": {"1": "a.com", "2": "c.com"}, "intersection_mode": "partial"});
    let req = linkdex_query::parse_request(task.as_object().unwrap()).unwrap();
    let mut answer = engine.run(&req).unwrap();
    let mut items: Vec<String> = answer["items"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|item| {
            for m in item["domain_intersection"]
                .as_object_mut()
                .unwrap()
                .values_mut()
            {
                m["rank"] = Value::Null;
                m["backlinks_spam_score"] = Value::Null;
            }
            item.to_string()
        })
        .collect();
    items.sort();
    json!({"total": answer["total_count"], "items": items})
}

#[test]
fn every_record_is_rewritten_once_in_one_commit() {
    let dir = tempfile::tempdir().unwrap();
    let index = imported_index(dir.path());
    // A second import of part of the file, not merged: keys now live in two segments.
    let part = dir.path().join("part.jsonl");
    std::fs::write(
        &part,
        RECORDS.lines().take(4).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let keep = ImportOptions {
        merge: MergePolicy::NEVER,
        ..ImportOptions::default()
    };
    import(&index, part.to_str().unwrap(), &keep).unwrap();
    let generation = index.generation().unwrap();
    let (segments, count) = index.verify().unwrap();
    assert!(segments >= 2, "{segments}");
    let before = records(&index);
    let answer = intersection_without_ranks(&index);

    let report = rank_index(&index, &exact(), &mut |_| {}).unwrap();
    assert_eq!(report.generation, generation + 1, "one commit");
    assert_eq!(report.filled + report.kept, before.len() as u64);
    assert_eq!(index.verify().unwrap(), (1, before.len() as u64));
    assert!(
        count > before.len() as u64,
        "folded duplicates across segments"
    );
    let after = records(&index);
    assert_eq!(after.len(), before.len());
    for (a, b) in after.iter().zip(&before) {
        let mut b = b.clone();
        (
            b.page_from_rank,
            b.domain_from_rank,
            b.rank,
            b.backlink_spam_score,
        ) = computed(a);
        assert_eq!(*a, b, "only the computed fields change");
    }
    assert_eq!(intersection_without_ranks(&index), answer);
}

#[test]
fn a_failed_job_leaves_the_previous_commit() {
    let dir = tempfile::tempdir().unwrap();
    let index = imported_index(dir.path());
    let generation = index.generation().unwrap();
    let before = records(&index);
    let mut options = exact();
    options.pagerank.damping = 1.5;
    assert!(rank_index(&index, &options, &mut |_| {}).is_err());
    assert_eq!(index.generation().unwrap(), generation);
    assert!(records(&index) == before);
    index.verify().unwrap();
}
