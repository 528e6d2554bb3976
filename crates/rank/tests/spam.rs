//! Spam score: signal rules, the cap, and the documented table.

use linkdex_rank::{spam_score, spam_signals, PageFacts, Signal};

fn clean<'a>() -> PageFacts<'a> {
    PageFacts {
        host: "www.example.com",
        tld: "com",
        fetched: true,
        external_links: Some(5),
        internal_links: Some(40),
        title: Some("Example"),
        language: Some("en"),
        anchors: &["docs", "about us", "pricing"],
        ..PageFacts::default()
    }
}

#[test]
fn a_plain_page_scores_zero() {
    assert_eq!(spam_signals(&clean()), vec![]);
    assert_eq!(spam_score(&clean()), 0);
}

#[test]
fn host_name_signals() {
    let page = PageFacts {
        host: "best-cheap-shoes-4567-online.xyz",
        tld: "xyz",
        ..clean()
    };
    assert_eq!(
        spam_signals(&page),
        vec![
            Signal::LongName,
            Signal::DigitsInName,
            Signal::HyphensInName,
            Signal::SuspiciousTld
        ]
    );
    assert_eq!(spam_score(&page), 10 + 10 + 8 + 15);
    // The suffix is not part of the name: digits in "co.uk" or deep suffixes do not count.
    let page = PageFacts {
        host: "a.b.shop.co.uk",
        tld: "co.uk",
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![Signal::DeepSubdomains]);
    let page = PageFacts {
        host: "user.github.io",
        tld: "io",
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![]);
    let page = PageFacts {
        host: "onlinecasino.com",
        tld: "com",
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![Signal::SpamWordInHost]);
}

#[test]
fn ip_hosts_fire_only_the_ip_signal() {
    let page = PageFacts {
        host: "192.168.100.200",
        tld: "",
        is_ip: true,
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![Signal::IpHost]);
}

#[test]
fn link_count_signals_need_known_counts() {
    let page = PageFacts {
        external_links: Some(350),
        internal_links: Some(2),
        ..clean()
    };
    assert_eq!(
        spam_signals(&page),
        vec![Signal::ExternalHeavy, Signal::ManyExternalLinks]
    );
    let page = PageFacts {
        external_links: Some(50),
        internal_links: None,
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![]);
}

#[test]
fn title_and_language_only_count_for_fetched_pages() {
    let page = PageFacts {
        title: None,
        language: Some(" "),
        ..clean()
    };
    assert_eq!(
        spam_signals(&page),
        vec![Signal::NoTitle, Signal::NoLanguage]
    );
    let imported = PageFacts {
        fetched: false,
        ..page
    };
    assert_eq!(spam_signals(&imported), vec![]);
}

#[test]
fn anchor_signals() {
    let page = PageFacts {
        anchors: &["Buy cheap Viagra", "home", "blog", "contact"],
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![Signal::SpamAnchors]);
    let same = ["click here"; 6];
    let anchors: Vec<&str> = same.iter().copied().chain(["a", "b", "c", "d"]).collect();
    let page = PageFacts {
        anchors: &anchors,
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![Signal::RepeatedAnchor]);
    let page = PageFacts {
        anchors: &["", "  "],
        ..clean()
    };
    assert_eq!(spam_signals(&page), vec![]);
}

#[test]
fn the_score_is_capped_at_100() {
    let page = PageFacts {
        host: "a.b.cheap-casino-pills-777-online.tk",
        tld: "tk",
        fetched: true,
        external_links: Some(900),
        internal_links: Some(0),
        title: None,
        language: None,
        anchors: &["casino"; 12],
        ..PageFacts::default()
    };
    assert_eq!(
        spam_signals(&page).len(),
        Signal::ALL.len() - 1,
        "all but ip_host"
    );
    assert_eq!(spam_score(&page), 100);
}

#[test]
fn docs_list_every_signal_with_its_weight() {
    let docs = include_str!("../../../docs/ranking.md");
    for signal in Signal::ALL {
        let row = format!("| `{}` | {} |", signal.name(), signal.weight());
        assert!(docs.contains(&row), "docs/ranking.md lacks the row {row}");
    }
}
