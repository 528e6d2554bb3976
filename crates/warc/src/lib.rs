//! Streaming reader of WARC files (1.0, 1.1 and the 0.17/0.18 of old archives) and of the
//! Common Crawl WAT metadata they may carry: bytes in, records out, one record in memory at a
//! time. It knows nothing of links; `linkdex-extract` turns records into backlinks.

mod error;
mod headers;
mod http;
mod reader;
mod wat;

pub use error::Error;
pub use headers::Headers;
pub use http::HttpResponse;
pub use reader::{WarcReader, WarcRecord, DEFAULT_MAX_BODY};
pub use wat::{WatLink, WatPage};
