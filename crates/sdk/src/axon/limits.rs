//! Admission control of the axon: a per-hotkey token bucket and a priority scheduler that
//! bounds how many forwards run at once and how many wait.
//!
//! The reference has neither: its priority value never reaches its queue and the queue is
//! unbounded (sdk spec §1.7). Here the subnet's priority hook orders waiting requests
//! (highest first, then first come), and a full queue refuses new requests at once.
//!
//! # Invariants
//! - At most `max_active` [`Permit`]s exist at a time; at most `max_queued` requests wait.
//! - A dropped permit is handed to the best waiter still waiting, or frees a slot.

use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use agora_primitives::AccountId;
use tokio::sync::oneshot;

/// A per-hotkey rate limit: `per_second` sustained, `burst` at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Tokens added per second.
    pub per_second: f64,
    /// Bucket size.
    pub burst: f64,
}

/// Token buckets keyed by hotkey.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limit: RateLimit,
    buckets: Mutex<HashMap<AccountId, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Self {
            limit,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `hotkey` at `now`; false if its bucket is empty.
    pub(crate) fn allow(&self, hotkey: &AccountId, now: Instant) -> bool {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        if buckets.len() > 65_536 {
            // Forget hotkeys whose bucket has refilled: they are indistinguishable from new.
            let limit = self.limit;
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * limit.per_second < limit.burst
            });
        }
        let (tokens, at) = buckets.entry(*hotkey).or_insert((self.limit.burst, now));
        let refill = now.saturating_duration_since(*at).as_secs_f64() * self.limit.per_second;
        *tokens = (*tokens + refill).min(self.limit.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a request was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QueueFull;

struct Waiter {
    priority: f64,
    seq: u64,
    tx: oneshot::Sender<()>,
}

impl PartialEq for Waiter {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}
impl Eq for Waiter {}
impl PartialOrd for Waiter {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Waiter {
    /// Higher priority first; among equals, the earlier arrival (smaller seq).
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        self.priority
            .total_cmp(&other.priority)
            .then_with(|| other.seq.cmp(&self.seq))
    }
}

struct SchedState {
    active: usize,
    seq: u64,
    queue: BinaryHeap<Waiter>,
}

/// Bounded, priority-ordered admission.
pub(crate) struct Scheduler {
    max_active: usize,
    max_queued: usize,
    state: Mutex<SchedState>,
}

/// A request waiting for a slot; if dropped after a slot was handed to it, releases it.
struct Waiting {
    rx: oneshot::Receiver<()>,
    sched: Arc<Scheduler>,
    done: bool,
}

impl Drop for Waiting {
    fn drop(&mut self) {
        if !self.done {
            self.rx.close();
            if self.rx.try_recv().is_ok() {
                self.sched.release();
            }
        }
    }
}

/// The right to run one forward; released on drop.
pub(crate) struct Permit {
    sched: Arc<Scheduler>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.sched.release();
    }
}

impl Scheduler {
    pub(crate) fn new(max_active: usize, max_queued: usize) -> Arc<Self> {
        Arc::new(Self {
            max_active: max_active.max(1),
            max_queued,
            state: Mutex::new(SchedState {
                active: 0,
                seq: 0,
                queue: BinaryHeap::new(),
            }),
        })
    }

    /// Waits for a slot. A NaN priority counts as the lowest.
    pub(crate) async fn acquire(self: &Arc<Self>, priority: f64) -> Result<Permit, QueueFull> {
        let priority = if priority.is_nan() {
            f64::NEG_INFINITY
        } else {
            priority
        };
        let rx = {
            let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
            if st.active < self.max_active {
                st.active += 1;
                return Ok(Permit {
                    sched: Arc::clone(self),
                });
            }
            if st.queue.len() >= self.max_queued {
                return Err(QueueFull);
            }
            let (tx, rx) = oneshot::channel();
            st.seq += 1;
            let seq = st.seq;
            st.queue.push(Waiter { priority, seq, tx });
            rx
        };
        // The slot is transferred to us by `release` (active stays counted). If this future
        // is dropped (the request timed out) after the hand-over, the guard passes it on.
        let mut waiting = Waiting {
            rx,
            sched: Arc::clone(self),
            done: false,
        };
        let got = (&mut waiting.rx).await;
        waiting.done = true;
        match got {
            Ok(()) => Ok(Permit {
                sched: Arc::clone(self),
            }),
            Err(_) => Err(QueueFull),
        }
    }

    fn release(&self) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while let Some(w) = st.queue.pop() {
            // A waiter that gave up (timed out) dropped its receiver: try the next.
            if w.tx.send(()).is_ok() {
                return;
            }
        }
        st.active = st.active.saturating_sub(1);
    }

    #[cfg(test)]
    fn active(&self) -> usize {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).active
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn token_bucket() {
        let rl = RateLimiter::new(RateLimit {
            per_second: 10.0,
            burst: 3.0,
        });
        let hk = AccountId([1; 32]);
        let t0 = Instant::now();
        assert!(rl.allow(&hk, t0));
        assert!(rl.allow(&hk, t0));
        assert!(rl.allow(&hk, t0));
        assert!(!rl.allow(&hk, t0));
        // Another hotkey has its own bucket.
        assert!(rl.allow(&AccountId([2; 32]), t0));
        // 100 ms later: one token.
        let t1 = t0 + Duration::from_millis(100);
        assert!(rl.allow(&hk, t1));
        assert!(!rl.allow(&hk, t1));
    }

    #[tokio::test]
    async fn scheduler_orders_by_priority_and_bounds_queue() {
        let s = Scheduler::new(1, 2);
        let first = s.acquire(0.0).await.expect("free slot");
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        for (name, prio) in [("low", 1.0), ("high", 5.0)] {
            let s = Arc::clone(&s);
            let tx = tx.clone();
            tokio::spawn(async move {
                let p = s.acquire(prio).await.expect("admitted");
                tx.send(name).expect("send");
                tokio::time::sleep(Duration::from_millis(5)).await;
                drop(p);
            });
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        // Queue (2) is full now.
        assert!(s.acquire(9.0).await.is_err());
        drop(first);
        assert_eq!(rx.recv().await, Some("high"));
        assert_eq!(rx.recv().await, Some("low"));
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(s.active(), 0);
    }

    #[tokio::test]
    async fn abandoned_waiters_are_skipped() {
        let s = Scheduler::new(1, 4);
        let first = s.acquire(0.0).await.expect("slot");
        let waiting = tokio::time::timeout(Duration::from_millis(10), s.acquire(1.0)).await;
        assert!(waiting.is_err());
        drop(first);
        assert_eq!(s.active(), 0);
        assert!(s.acquire(0.0).await.is_ok());
    }
}
