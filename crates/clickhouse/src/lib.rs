//! The ClickHouse backend: the same validated requests as the embedded engine, executed by a
//! ClickHouse server or cluster.
//!
//! - [`schema`]: the tables (one ReplacingMergeTree per node; a Distributed table sharded by the
//!   referring host on a cluster).
//! - [`Writer`]: batched, idempotent upserts with the contract's merge rules.
//! - [`sql`](compile): a validated [`Request`](linkdex_query::Request) compiled to one SQL
//!   statement that computes the whole answer in the cluster.
//! - [`ClickHouse`]: a [`Backend`](linkdex_query::Backend) for the API.

mod backend;
mod client;
mod error;
mod literal;
mod rows;
mod schema;
mod sql;
mod writer;

pub use backend::ClickHouse;
pub use client::{Client, Config};
pub use error::ChError;
pub use schema::init;
pub use sql::{compile, compile_bulk_ranks};
pub use writer::{affected, read_all, rewrite_all, scan_all, WriteStats, Writer};
