//! The embedded engine: an index directory served as a [`Backend`]. Each query runs on the
//! newest commit; a commit made by another process is picked up without a restart.

use std::path::Path;
use std::sync::{Arc, Mutex};

use linkdex_store::{Index, Snapshot, StoreError};
use serde_json::{Map, Value};

use crate::bulk_ranks::{bulk_ranks, parse_bulk_ranks};
use crate::error::{ApiError, ErrorCode};
use crate::exec::execute;
use crate::render::render;
use crate::request::{parse_request, Request};
use crate::Backend;

pub struct Engine {
    index: Index,
    current: Mutex<Option<Arc<Snapshot>>>,
}

impl Engine {
    pub fn open(dir: &Path) -> Result<Engine, StoreError> {
        let index = Index::open(dir)?;
        let engine = Engine {
            index,
            current: Mutex::new(None),
        };
        engine.snapshot()?;
        Ok(engine)
    }

    /// The newest commit (reopened only when the manifest's generation moved).
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, StoreError> {
        let generation = self.index.generation()?;
        let mut current = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = current.as_ref().filter(|s| s.generation == generation) {
            return Ok(s.clone());
        }
        // Segments the new commit still lists keep their open readers, and their bitmaps.
        let snap = self.index.snapshot_after(current.as_deref())?;
        *current = Some(snap.clone());
        Ok(snap)
    }

    /// Builds and keeps, for the newest commit, the bitmaps of the most linked targets of its
    /// first segment (as many as the segment's budget holds), so that the first queries on them
    /// are as fast as the next: one segment, or a first one grown by smaller imports, reads them.
    /// Returns how many targets were prepared.
    pub fn keep_largest_targets(&self) -> Result<usize, StoreError> {
        let snap = self.snapshot()?;
        Ok(snap
            .segments
            .first()
            .map_or(0, |segment| segment.keep_largest_targets()))
    }

    /// Runs a validated request on the newest commit.
    pub fn run(&self, req: &Request) -> Result<Value, StoreError> {
        let snap = self.snapshot()?;
        let answer = execute(&snap, req)?;
        Ok(render(req, &answer))
    }
}

impl Backend for Engine {
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let req = parse_request(task)?;
        self.run(&req).map_err(|e| {
            eprintln!("linkdex: query failed: {e}");
            ApiError::new(ErrorCode::Internal)
        })
    }

    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let req = parse_bulk_ranks(task)?;
        self.snapshot()
            .and_then(|snap| bulk_ranks(&snap, &req))
            .map_err(|e| {
                eprintln!("linkdex: bulk_ranks failed: {e}");
                ApiError::new(ErrorCode::Internal)
            })
    }
}
