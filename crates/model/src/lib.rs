#![recursion_limit = "256"]
//! The data model of linkdex: the backlink record, URL and host normalization, registrable
//! domains, target patterns and the contract's time format. Every other crate speaks these types.

mod host;
mod json;
mod pattern;
mod record;
mod record_ref;
mod time;
mod url;

pub use host::{icann_suffix, is_ip, normalize_host, registrable_domain, subnet};
pub use json::RawObject;
pub use pattern::{domain_matches, exact_glob_host, glob_matches, Pattern};
pub use record::{Hop, ItemType, Record, RecordKey};
pub use record_ref::{HopRef, RecordRef};
pub use time::{format_time, parse_time};
pub use url::{normalize_url, NormalUrl, UrlError};
