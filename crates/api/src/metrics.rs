//! Request counters and a latency histogram, rendered in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0, 30.0,
];

#[derive(Default)]
struct State {
    /// (route, HTTP status, envelope status code) → requests.
    requests: BTreeMap<(&'static str, u16, u32), u64>,
    /// Per route: count of observations at or below each bound (cumulative at render).
    buckets: BTreeMap<&'static str, [u64; BUCKETS.len()]>,
    sum_seconds: BTreeMap<&'static str, f64>,
    count: BTreeMap<&'static str, u64>,
}

#[derive(Default)]
pub(crate) struct Metrics {
    state: Mutex<State>,
}

impl Metrics {
    /// `route` is a fixed label (the matched route or `other`), never the raw path.
    pub fn observe(&self, route: &'static str, http: u16, code: u32, latency: Duration) {
        let secs = latency.as_secs_f64();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        *s.requests.entry((route, http, code)).or_default() += 1;
        let buckets = s.buckets.entry(route).or_default();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            buckets[i] += 1;
        }
        *s.sum_seconds.entry(route).or_default() += secs;
        *s.count.entry(route).or_default() += 1;
    }

    pub fn render(&self) -> String {
        let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str("# HELP linkdex_requests_total Requests answered, by route, HTTP status and envelope status code.\n");
        out.push_str("# TYPE linkdex_requests_total counter\n");
        for ((route, http, code), n) in &s.requests {
            let _ = writeln!(
                out,
                "linkdex_requests_total{{route=\"{route}\",http_status=\"{http}\",status_code=\"{code}\"}} {n}"
            );
        }
        out.push_str("# HELP linkdex_request_duration_seconds Time from request to response.\n");
        out.push_str("# TYPE linkdex_request_duration_seconds histogram\n");
        for (route, buckets) in &s.buckets {
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(buckets) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "linkdex_request_duration_seconds_bucket{{route=\"{route}\",le=\"{bound}\"}} {cumulative}"
                );
            }
            let count = s.count.get(route).copied().unwrap_or(0);
            let sum = s.sum_seconds.get(route).copied().unwrap_or(0.0);
            let _ = writeln!(
                out,
                "linkdex_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {count}"
            );
            let _ = writeln!(
                out,
                "linkdex_request_duration_seconds_sum{{route=\"{route}\"}} {sum}"
            );
            let _ = writeln!(
                out,
                "linkdex_request_duration_seconds_count{{route=\"{route}\"}} {count}"
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("/health", 200, 20000, Duration::from_micros(500));
        m.observe("/health", 200, 20000, Duration::from_millis(20));
        m.observe("/health", 200, 20000, Duration::from_secs(100));
        let text = m.render();
        assert!(text.contains("linkdex_requests_total{route=\"/health\",http_status=\"200\",status_code=\"20000\"} 3\n"));
        assert!(text.contains("_bucket{route=\"/health\",le=\"0.001\"} 1\n"));
        assert!(text.contains("_bucket{route=\"/health\",le=\"0.025\"} 2\n"));
        assert!(text.contains("_bucket{route=\"/health\",le=\"30\"} 2\n"));
        assert!(text.contains("_bucket{route=\"/health\",le=\"+Inf\"} 3\n"));
        assert!(text.contains("_count{route=\"/health\"} 3\n"));
    }
}
