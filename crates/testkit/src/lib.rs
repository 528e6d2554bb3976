//! The reference model of linkdex's query semantics and the random generators that feed the
//! differential tests.
//!
//! The model ([`domain_intersection`]) is written from the contract
//! (`shared/spec/domain_intersection.md`), not from the engine: it scans plain `Vec`s and
//! `BTreeMap`s so that each rule of the contract is one readable line, and the engine must give
//! byte-identical JSON. [`fold`] is the index state after a sequence of observations, and the
//! generators make random records and random valid requests from a seeded RNG.

mod fold;
mod gen;
mod reference;

pub use fold::fold;
pub use gen::{
    gen_observations, gen_ranked_request, gen_records, gen_request, gen_wide_observations,
};
pub use reference::domain_intersection;
pub use reference::fields::{FieldKind, RECORD_FIELDS, RESULT_METRICS};
pub use reference::rank::{hundred, scale, unscale};
