//! Per-login admission: a 60-second sliding window of admitted requests and a count of
//! requests in flight. Only admitted requests count towards either.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use linkdex_query::{ApiError, ErrorCode};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Default)]
struct LoginState {
    /// Admission times within the last `WINDOW`, oldest first.
    admitted: VecDeque<Instant>,
    in_flight: u32,
}

pub(crate) struct Limiter {
    requests_per_minute: u32,
    max_in_flight: u32,
    logins: Mutex<HashMap<String, LoginState>>,
}

/// Holds one in-flight slot of a login until dropped.
pub(crate) struct Permit {
    limiter: Arc<Limiter>,
    login: String,
}

impl Limiter {
    pub fn new(requests_per_minute: u32, max_in_flight: u32) -> Limiter {
        Limiter {
            requests_per_minute,
            max_in_flight,
            logins: Mutex::new(HashMap::new()),
        }
    }

    /// Admits a request of `login` now, or says which limit it hit.
    pub fn admit(self: &Arc<Self>, login: &str) -> Result<Permit, ApiError> {
        self.admit_at(login, Instant::now())
    }

    fn admit_at(self: &Arc<Self>, login: &str, now: Instant) -> Result<Permit, ApiError> {
        let mut logins = self.lock();
        let state = logins.entry(login.to_string()).or_default();
        while state
            .admitted
            .front()
            .is_some_and(|t| now.duration_since(*t) >= WINDOW)
        {
            state.admitted.pop_front();
        }
        if state.admitted.len() >= self.requests_per_minute as usize {
            return Err(ApiError::new(ErrorCode::RateLimited));
        }
        if state.in_flight >= self.max_in_flight {
            return Err(ApiError::new(ErrorCode::TooManyInFlight));
        }
        state.admitted.push_back(now);
        state.in_flight += 1;
        Ok(Permit {
            limiter: Arc::clone(self),
            login: login.to_string(),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, LoginState>> {
        // Counters stay consistent under the lock; a panic elsewhere cannot corrupt them.
        self.logins.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Permit {
    fn drop(&mut self) {
        if let Some(state) = self.limiter.lock().get_mut(&self.login) {
            state.in_flight = state.in_flight.saturating_sub(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(r: Result<Permit, ApiError>) -> u32 {
        r.map_or_else(|e| e.code.code(), |_| 20000)
    }

    #[test]
    fn window_slides() {
        let l = Arc::new(Limiter::new(2, 100));
        let t0 = Instant::now();
        assert_eq!(code(l.admit_at("a", t0)), 20000);
        assert_eq!(code(l.admit_at("a", t0 + Duration::from_secs(30))), 20000);
        assert_eq!(code(l.admit_at("a", t0 + Duration::from_secs(59))), 40202);
        assert_eq!(code(l.admit_at("b", t0 + Duration::from_secs(59))), 20000);
        assert_eq!(code(l.admit_at("a", t0 + Duration::from_secs(60))), 20000);
        assert_eq!(code(l.admit_at("a", t0 + Duration::from_secs(61))), 40202);
    }

    #[test]
    fn in_flight_is_released_on_drop() {
        let l = Arc::new(Limiter::new(100, 2));
        let p1 = l.admit("a").unwrap();
        let _p2 = l.admit("a").unwrap();
        assert_eq!(code(l.admit("a")), 40209);
        assert_eq!(code(l.admit("b")), 20000);
        drop(p1);
        assert_eq!(code(l.admit("a")), 20000);
    }
}
