//! `linkdex gen`: a seeded generator of realistic link graphs, for demos and benchmarks.
//!
//! Targets `t0.com`, `t1.com`, ... are chosen with a power law (t0 the most popular), so the
//! first targets have very many referring hosts and the tail few. Referring hosts `r<n>.<tld>`
//! have several pages each; shares of nofollow, lost, broken and indirect links, item types,
//! ranks, IPs (hosts share /24s), countries and platforms follow fixed proportions.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use linkdex_model::{format_time, Record};
use linkdex_store::Index;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// How many records to generate.
    #[arg(long, default_value_t = 100_000)]
    pub records: u64,
    /// Seed of the generator: the same seed gives the same records.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Write JSONL here (.gz and .zst compress); without it, build the index in --data directly.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Fixed proportions of the generated graph.
const TLDS: &[&str] = &["com", "net", "org", "co.uk", "de", "io", "ru", "fr"];
const COUNTRIES: &[&str] = &["US", "DE", "GB", "FR", "NL", "RU", "IN", "BR"];
const PLATFORMS: &[&str] = &[
    "cms",
    "blogs",
    "ecommerce",
    "message-boards",
    "wikis",
    "news",
    "organization",
];
const SEMANTIC: &[&str] = &[
    "article", "footer", "header", "nav", "aside", "main", "section",
];
const WORDS: &[&str] = &[
    "best",
    "seo",
    "tools",
    "guide",
    "link",
    "review",
    "free",
    "marketing",
    "blog",
    "data",
];

pub struct Generator {
    rng: ChaCha8Rng,
    targets: u64,
    referrers: u64,
    base_time: i64,
}

impl Generator {
    pub fn new(seed: u64, records: u64) -> Generator {
        Generator {
            rng: ChaCha8Rng::seed_from_u64(seed),
            targets: (records / 40).max(20),
            referrers: (records / 12).max(50),
            base_time: 1_577_836_800, // 2020-01-01
        }
    }

    /// A power-law index in `0..n` (exponent about 1): small indexes are much more likely.
    fn zipf(&mut self, n: u64) -> u64 {
        let u: f64 = self.rng.gen();
        (((n as f64 + 1.0).powf(u) - 1.0) as u64).min(n - 1)
    }

    pub fn record(&mut self) -> Value {
        let t = self.zipf(self.targets);
        let r = self.rng.gen_range(0..self.referrers);
        let tld = TLDS[(r % TLDS.len() as u64) as usize];
        let sub = if r % 3 == 0 { "www." } else { "" };
        let page = self.rng.gen_range(0..8);
        let url_from = format!("https://{sub}r{r}.{tld}/page/{page}");
        let to_path = self.zipf(50);
        let url_to = format!("https://t{t}.com/p{to_path}");
        let rng = &mut self.rng;
        let nofollow = rng.gen_bool(0.2);
        let mut attributes: Vec<&str> = Vec::new();
        if nofollow {
            attributes.push(["nofollow", "ugc", "sponsored"][rng.gen_range(0..3)]);
        }
        if rng.gen_bool(0.3) {
            attributes.push("noopener");
        }
        let first = self.base_time + rng.gen_range(0..3 * 365 * 86_400);
        let last = first + rng.gen_range(0..365 * 86_400);
        let lost = rng.gen_bool(0.1);
        let broken = rng.gen_bool(0.03);
        let rank: u16 = if nofollow || broken || rng.gen_bool(0.3) {
            0
        } else {
            rng.gen_range(50..700)
        };
        let item_type = match rng.gen_range(0..100) {
            0..=84 => "anchor",
            85..=94 => "image",
            95..=97 => "link",
            _ => "canonical",
        };
        let words: Vec<&str> = (0..rng.gen_range(1..4))
            .map(|_| WORDS[rng.gen_range(0..WORDS.len())])
            .collect();
        json!({
            "url_from": url_from,
            "url_to": url_to,
            "item_type": item_type,
            "attributes": attributes,
            "anchor": words.join(" "),
            "semantic_location": if rng.gen_bool(0.6) { Value::Null } else { json!(SEMANTIC[rng.gen_range(0..SEMANTIC.len())]) },
            "links_count": if rng.gen_bool(0.9) { 1 } else { rng.gen_range(2..20) },
            "first_seen": format_time(first),
            "last_seen": format_time(last),
            "is_lost": lost,
            "is_broken": broken,
            "is_indirect_link": rng.gen_bool(0.02),
            "rank": rank,
            "page_from_rank": rank,
            "domain_from_rank": (r % 600) as u16,
            "backlink_spam_score": rng.gen_range(0..40),
            "domain_from_ip": format!("10.{}.{}.{}", r % 200, (r / 200) % 250, r % 7),
            "domain_from_country": if r % 5 == 0 { Value::Null } else { json!(COUNTRIES[(r % COUNTRIES.len() as u64) as usize]) },
            "domain_from_platform_type": if r % 4 == 0 { vec![] } else { vec![PLATFORMS[(r % PLATFORMS.len() as u64) as usize]] },
            "page_from_title": format!("Page {page} of r{r}"),
        })
    }
}

pub fn run(data: &Path, args: Args) -> anyhow::Result<ExitCode> {
    let mut g = Generator::new(args.seed, args.records);
    let now = g.base_time;
    match &args.out {
        Some(path) => {
            let file = std::fs::File::create(path)?;
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let mut out: Box<dyn Write> = match ext {
                "gz" => Box::new(flate2::write::GzEncoder::new(
                    file,
                    flate2::Compression::fast(),
                )),
                "zst" => Box::new(zstd::stream::write::Encoder::new(file, 3)?.auto_finish()),
                _ => Box::new(std::io::BufWriter::new(file)),
            };
            for _ in 0..args.records {
                serde_json::to_writer(&mut out, &g.record())?;
                out.write_all(b"\n")?;
            }
            out.flush()?;
            println!("wrote {} records to {}", args.records, path.display());
        }
        None => {
            let index = Index::open(data)?;
            let mut writer = index.writer()?;
            let mut chunk = Vec::new();
            for _ in 0..args.records {
                let v = g.record();
                let obj = v.as_object().expect("generator makes objects");
                chunk.push(Record::from_json(obj, now).map_err(anyhow::Error::msg)?);
                if chunk.len() >= 200_000 {
                    writer.stage(std::mem::take(&mut chunk))?;
                }
            }
            writer.stage(chunk)?;
            writer.commit()?;
            println!(
                "built an index of {} records in {}",
                args.records,
                data.display()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
