//! HTML → backlinks. For each HTML response of a WARC (or each response a WAT describes) this
//! crate finds every link with its type, rel attributes, anchor text, surrounding text and
//! semantic location, the page facts (title, language, encoding, size, status, link counts,
//! platform), and builds `linkdex_model::Record`s, grouped per [`Capture`] for the recrawl
//! logic. See `docs/extract.md`.

mod capture;
mod captures;
mod charset;
mod entities;
mod error;
mod html;
#[cfg(test)]
mod html_tests;
mod page;
mod platform;
mod rel;
mod resolve;
mod semantic;
mod text;
mod tokenizer;
mod wat;

pub use capture::Capture;
pub use captures::Captures;
pub use error::Error;
pub use html::extract_html;
pub use page::{Link, Page};
pub use semantic::SEMANTIC;
pub use text::{MAX_ANCHOR_CHARS, MAX_SNIPPET_CHARS, MAX_TITLE_CHARS};
