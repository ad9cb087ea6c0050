//! Prometheus metrics of the node, rendered in the text exposition format on `/metrics`
//! (together with the consensus engine's own metrics).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Bucket bounds (seconds) of the latency histograms.
const BUCKETS: [f64; 14] = [
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// A latency histogram.
#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, secs: f64) {
        for (i, b) in BUCKETS.iter().enumerate() {
            if secs <= *b {
                self.counts[i] += 1;
            }
        }
        self.count += 1;
        self.sum += secs;
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (i, b) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{labels}{sep}le=\"{b}\"}} {}",
                self.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// The node's metrics.
#[derive(Default)]
pub struct Metrics {
    best: AtomicU64,
    finalized: AtomicU64,
    mempool: AtomicU64,
    finalized_extrinsics: AtomicU64,
    admitted: AtomicU64,
    last_block_ts: AtomicU64,
    rejected: Mutex<BTreeMap<&'static str, u64>>,
    block_time: Mutex<Histogram>,
    import: Mutex<Histogram>,
    build: Mutex<Histogram>,
    commit: Mutex<Histogram>,
    rpc: Mutex<BTreeMap<String, Histogram>>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Metrics {
    /// Sets best and finalized heights (at start).
    pub fn set_heights(&self, best: u64, finalized: u64) {
        self.best.store(best, Ordering::Relaxed);
        self.finalized.store(finalized, Ordering::Relaxed);
    }

    /// A block was executed at `number`.
    pub fn set_best(&self, number: u64) {
        self.best.fetch_max(number, Ordering::Relaxed);
    }

    /// A block was finalized.
    pub fn finalized_block(&self, number: u64, timestamp_ms: u64, extrinsics: usize) {
        self.finalized.store(number, Ordering::Relaxed);
        self.best.fetch_max(number, Ordering::Relaxed);
        self.finalized_extrinsics
            .fetch_add(u64::try_from(extrinsics).unwrap_or(0), Ordering::Relaxed);
        let prev = self.last_block_ts.swap(timestamp_ms, Ordering::Relaxed);
        if prev != 0 && timestamp_ms > prev {
            #[allow(clippy::cast_precision_loss, reason = "metrics are approximate")]
            lock(&self.block_time).observe((timestamp_ms - prev) as f64 / 1000.0);
        }
    }

    /// Current mempool size.
    pub fn set_mempool(&self, n: usize) {
        self.mempool
            .store(u64::try_from(n).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    /// A transaction was admitted.
    pub fn tx_admitted(&self) {
        self.admitted.fetch_add(1, Ordering::Relaxed);
    }

    /// A transaction was rejected for `reason`.
    pub fn tx_rejected(&self, reason: &'static str) {
        *lock(&self.rejected).entry(reason).or_default() += 1;
    }

    /// Time to execute (import) a block.
    pub fn observe_import(&self, d: Duration) {
        lock(&self.import).observe(d.as_secs_f64());
    }

    /// Time to build a block.
    pub fn observe_build(&self, d: Duration) {
        lock(&self.build).observe(d.as_secs_f64());
    }

    /// Time to commit a block to the store.
    pub fn observe_commit(&self, d: Duration) {
        lock(&self.commit).observe(d.as_secs_f64());
    }

    /// Latency of one RPC call.
    pub fn observe_rpc(&self, method: &str, d: Duration) {
        lock(&self.rpc)
            .entry(method.to_string())
            .or_default()
            .observe(d.as_secs_f64());
    }

    /// The text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let gauge = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        };
        gauge(
            &mut out,
            "agora_block_height",
            "Height of the best executed block.",
            self.best.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "agora_finalized_height",
            "Height of the last finalized (committed) block.",
            self.finalized.load(Ordering::Relaxed),
        );
        gauge(
            &mut out,
            "agora_mempool_size",
            "Transactions in the mempool.",
            self.mempool.load(Ordering::Relaxed),
        );
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        counter(
            &mut out,
            "agora_finalized_extrinsics_total",
            "Extrinsics in finalized blocks.",
            self.finalized_extrinsics.load(Ordering::Relaxed),
        );
        counter(
            &mut out,
            "agora_mempool_admitted_total",
            "Transactions admitted to the mempool.",
            self.admitted.load(Ordering::Relaxed),
        );
        let _ = writeln!(
            out,
            "# HELP agora_mempool_rejected_total Transactions refused by the mempool, by reason.\n# TYPE agora_mempool_rejected_total counter"
        );
        for (reason, n) in lock(&self.rejected).iter() {
            let _ = writeln!(
                out,
                "agora_mempool_rejected_total{{reason=\"{reason}\"}} {n}"
            );
        }
        for (name, help, h) in [
            (
                "agora_block_time_seconds",
                "Time between consecutive finalized blocks (header timestamps).",
                &self.block_time,
            ),
            (
                "agora_block_import_seconds",
                "Time to execute a block received for verification or finalization.",
                &self.import,
            ),
            (
                "agora_block_build_seconds",
                "Time to build a block from the mempool.",
                &self.build,
            ),
            (
                "agora_block_commit_seconds",
                "Time to commit a finalized block to the store.",
                &self.commit,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
            lock(h).render(&mut out, name, "");
        }
        let _ = writeln!(
            out,
            "# HELP agora_rpc_latency_seconds RPC call latency by method.\n# TYPE agora_rpc_latency_seconds histogram"
        );
        for (method, h) in lock(&self.rpc).iter() {
            h.render(
                &mut out,
                "agora_rpc_latency_seconds",
                &format!("method=\"{method}\""),
            );
        }
        out
    }
}
