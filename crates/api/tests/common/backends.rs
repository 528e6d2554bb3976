//! Backends for transport-level tests only. None of them implements query semantics, and no
//! test using them asserts on query results: they only make the transport's paths reachable
//! (a fixed outcome, a stuck query, a crashing query).

use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use linkdex_query::{ApiError, Backend};
use serde_json::{json, Map, Value};

/// Answers every task with the same outcome; an `Ok` echoes the task's `targets` so tests can
/// tell which task ran.
pub struct FixedOutcome(pub Result<u64, ApiError>);

impl FixedOutcome {
    /// A result object with `items_count` empty items (for pricing).
    pub fn ok(items_count: u64) -> Arc<FixedOutcome> {
        Arc::new(FixedOutcome(Ok(items_count)))
    }

    pub fn err(e: ApiError) -> Arc<FixedOutcome> {
        Arc::new(FixedOutcome(Err(e)))
    }
}

impl Backend for FixedOutcome {
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let n = self.0.clone()?;
        Ok(json!({
            "targets": task.get("targets").cloned().unwrap_or(Value::Null),
            "total_count": n,
            "items_count": n,
            "items": vec![json!({}); n as usize],
        }))
    }

    /// Transport tests only: answered like a domain_intersection task.
    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        self.domain_intersection(task)
    }
}

/// Blocks every query until [`Gate::open`]; counts the queries that entered.
#[derive(Default)]
pub struct Gate {
    state: Mutex<(bool, usize)>,
    changed: Condvar,
}

impl Gate {
    pub fn open(&self) {
        self.state.lock().unwrap().0 = true;
        self.changed.notify_all();
    }

    /// Waits until `n` queries are blocked inside the backend.
    pub fn wait_entered(&self, n: usize) {
        let guard = self.state.lock().unwrap();
        let (_g, timeout) = self
            .changed
            .wait_timeout_while(guard, Duration::from_secs(20), |s| s.1 < n)
            .unwrap();
        assert!(!timeout.timed_out(), "queries did not arrive");
    }
}

impl Backend for Gate {
    fn domain_intersection(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        let mut s = self.state.lock().unwrap();
        s.1 += 1;
        self.changed.notify_all();
        while !s.0 {
            s = self.changed.wait(s).unwrap();
        }
        drop(s);
        FixedOutcome(Ok(0)).domain_intersection(task)
    }

    /// Transport tests only: answered like a domain_intersection task.
    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        self.domain_intersection(task)
    }
}

/// Panics inside the query: the server must answer a generic 50000 and keep serving.
pub struct Panics;

impl Backend for Panics {
    fn domain_intersection(&self, _task: &Map<String, Value>) -> Result<Value, ApiError> {
        panic!("secret detail that must stay in the log");
    }

    /// Transport tests only: answered like a domain_intersection task.
    fn bulk_ranks(&self, task: &Map<String, Value>) -> Result<Value, ApiError> {
        self.domain_intersection(task)
    }
}
