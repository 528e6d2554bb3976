//! From the scanned graph to the four computed fields of every record: page and host PageRank,
//! the spam score of each referring page, and the per-record update.

use linkdex_model::Record;

use super::scan::{Anchors, Scan};
use super::{GraphKind, JobError, JobEvent};
use crate::graph::Graph;
use crate::mass::{link_rank, node_ranks};
use crate::options::Options;
use crate::pagerank::{pagerank_with_progress, PageRankResult};
use crate::spam::{spam_score, PageFacts};

/// Everything needed to fill a record's ranks, by page and host id.
pub(crate) struct Ranks {
    pub page_graph: Graph,
    pub page_result: PageRankResult,
    pub page_ranks: Vec<u16>,
    pub host_ranks: Vec<u16>,
    pub spam: Vec<u8>,
    pub host_edges: u64,
}

impl Ranks {
    /// Runs both PageRanks and scores every referring page. Consumes the edge and anchor lists.
    pub fn compute(
        scan: &mut Scan,
        options: &Options,
        events: &mut dyn FnMut(JobEvent<'_>),
    ) -> Result<Ranks, JobError> {
        let page_graph = Graph::from_edges(scan.page_count(), &scan.edges)?;
        scan.edges = Vec::new();
        let page_result = pagerank_with_progress(&page_graph, options, &mut |p| {
            events(JobEvent::Iteration {
                graph: GraphKind::Pages,
                progress: p,
            })
        })?;
        let page_ranks = node_ranks(&page_graph, &page_result);

        let host_graph = page_graph.fold(&scan.host_of, scan.host_count())?;
        let host_result = pagerank_with_progress(&host_graph, options, &mut |p| {
            events(JobEvent::Iteration {
                graph: GraphKind::Hosts,
                progress: p,
            })
        })?;
        let host_ranks = node_ranks(&host_graph, &host_result);
        let host_edges = host_graph.edge_count();
        drop(host_graph);

        let anchors = scan.take_anchors();
        let spam = spam_scores(scan, anchors);
        Ok(Ranks {
            page_graph,
            page_result,
            page_ranks,
            host_ranks,
            spam,
            host_edges,
        })
    }

    /// Sets the four computed fields of `r` from the graph.
    pub fn apply(&self, scan: &Scan, r: &mut Record) -> Result<(), String> {
        let page = |url: &str| {
            scan.pages
                .get(url)
                .copied()
                .ok_or_else(|| format!("{url} is not in the page graph (index changed?)"))
        };
        let (from, to) = (page(&r.url_from)?, page(&r.url_to)?);
        let host = scan.host_of[from as usize] as usize;
        r.page_from_rank = self.page_ranks[from as usize];
        r.domain_from_rank = self.host_ranks[host];
        let passes = r.dofollow && !r.is_lost;
        r.rank = link_rank(
            &self.page_graph,
            &self.page_result,
            from,
            to,
            passes,
            r.is_broken,
        );
        r.backlink_spam_score = self.spam[from as usize];
        Ok(())
    }
}

/// The spam score of every referring page (0 for pages that only appear as `url_to`).
fn spam_scores(scan: &Scan, anchors: Anchors) -> Vec<u8> {
    const UNSCORED: u8 = u8::MAX;
    let mut host_names: Vec<&str> = vec![""; scan.host_count() as usize];
    for (name, &id) in &scan.hosts {
        host_names[id as usize] = name;
    }
    let mut spam = vec![UNSCORED; scan.page_count() as usize];
    let facts = |page: u32, anchors: &[&str]| -> u8 {
        let info = scan.info[page as usize];
        let host = scan.host_of[page as usize] as usize;
        let known = |n: i64| u64::try_from(n).ok();
        spam_score(&PageFacts {
            host: host_names[host],
            tld: &scan.host_tld[host],
            is_ip: scan.host_is_ip[host],
            fetched: info.fetched,
            external_links: known(info.external),
            internal_links: known(info.internal),
            // Only presence matters to the score: a placeholder stands for any non-blank text.
            title: info.has_title.then_some("title"),
            language: info.has_language.then_some("language"),
            anchors,
        })
    };
    anchors.for_each_page(|page, anchors| {
        spam[page as usize] = facts(page, anchors);
    });
    for page in 0..scan.page_count() {
        let referring = scan.info[page as usize].referring;
        if referring && spam[page as usize] == UNSCORED {
            spam[page as usize] = facts(page, &[]);
        }
    }
    for s in spam.iter_mut().filter(|s| **s == UNSCORED) {
        *s = 0;
    }
    spam
}
