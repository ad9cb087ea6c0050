//! The buyer gateway: an HTTP service a validator runs so that anyone outside the network
//! can buy routes from the subnet's miners.
//!
//! | route | what |
//! |---|---|
//! | `POST /v1/solve` | solve a problem: fan out to the top miners, return the best verified solution, its cost and its miner |
//! | `GET /v1/usage` | the caller's usage and quota in the current period |
//! | `GET /v1/openapi.json` | the OpenAPI document (`subnets/routing/openapi.json`) |
//!
//! **Authentication**: `Authorization: Bearer <key>` or `X-Api-Key: <key>`. Keys are stored
//! as BLAKE2b-256 hashes. `btauth/1` (bittensor 11's signed headers, `X-Bittensor-*`) is
//! accepted when a [`SignatureAuth`] verifier is configured, the signer's hotkey then being
//! the principal; this build has no verifier of its own (the SDK provides it), so without one
//! such requests get `401 btauth_unavailable`.
//!
//! **Quotas and metering**: each key has a quota of requests and of stops per period
//! (`period_secs`, default one UTC day). A request reserves its share before the fan-out, so
//! concurrent requests cannot overrun the quota; only a request that returns a solution is
//! billed, and its usage record is durably journaled ([`usage`]) *before* the response is
//! sent. If the journal cannot be written the buyer gets `503 metering_unavailable` and no
//! solution.
//!
//! **Limits**: body size (`max_body_bytes`, 413), stops (`max_stops`, 422), coordinates and
//! demands (422), time limit (422), unknown JSON fields (400). Every error is JSON:
//! `{"error": {"code": "...", "message": "..."}}`.

pub mod error;
pub mod pool;
pub mod usage;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use blake2::Blake2b;
use blake2::digest::Digest;
use blake2::digest::consts::U32;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::problem::{MAX_STOPS, Problem, ProblemError};
use crate::protocol::{MAX_TIME_LIMIT_MS, MIN_TIME_LIMIT_MS, SolveRoutes};
use crate::solution::Solution;
use error::ApiError;
use pool::{MinerPool, PoolMiner, fan_out};
use usage::{Counts, Record, UsageError, UsageStore};

/// The OpenAPI document served at `/v1/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Every route the gateway serves, as (method, path); the OpenAPI test checks the document
/// against this list and the router.
pub const ROUTES: [(&str, &str); 3] = [
    ("POST", "/v1/solve"),
    ("GET", "/v1/usage"),
    ("GET", "/v1/openapi.json"),
];

/// Gateway settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayConfig {
    /// Largest problem accepted.
    pub max_stops: usize,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// How many top miners each request goes to.
    pub fan_out: usize,
    /// Time limit when the request gives none (ms).
    pub default_time_limit_ms: u64,
    /// Extra wait for the network beyond the time limit (ms).
    pub grace_ms: u64,
    /// Length of a quota period in seconds.
    pub period_secs: u64,
    /// Compact the usage journal after this many records.
    pub compact_every: u64,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            max_stops: MAX_STOPS,
            max_body_bytes: 1 << 20,
            fan_out: 8,
            default_time_limit_ms: 2_000,
            grace_ms: 500,
            period_secs: 86_400,
            compact_every: 10_000,
        }
    }
}

/// A key's quota per period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quota {
    /// Requests per period.
    pub requests: u64,
    /// Stops per period.
    pub stops: u64,
}

/// A buyer: an API key (by hash) or a hotkey (for `btauth/1`), with a quota.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Buyer {
    /// Stable id used in usage records.
    pub id: String,
    /// Hex BLAKE2b-256 of the API key, if the buyer uses one.
    #[serde(default)]
    pub key_blake2b: Option<String>,
    /// SS58 hotkey, if the buyer signs with `btauth/1`.
    #[serde(default)]
    pub hotkey: Option<String>,
    /// The quota.
    pub quota: Quota,
}

/// The hex BLAKE2b-256 of an API key, as stored in [`Buyer::key_blake2b`].
pub fn key_hash(key: &str) -> String {
    Blake2b::<U32>::digest(key.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Verifies `btauth/1` signed requests (provided by the SDK).
pub trait SignatureAuth: Send + Sync {
    /// Checks the `X-Bittensor-*` headers for this request and returns the signer's SS58
    /// hotkey, or a reason.
    fn verify(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<String, String>;
}

/// Seconds since the Unix epoch (injected so tests control quota periods).
pub trait Clock: Send + Sync {
    /// Now.
    fn unix_secs(&self) -> u64;
}

/// The system clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn unix_secs(&self) -> u64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs())
    }
}

/// The `POST /v1/solve` body.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SolveRequest {
    /// The problem.
    pub problem: Problem,
    /// How long to let miners work (ms).
    #[serde(default)]
    pub time_limit_ms: Option<u64>,
}

/// The `POST /v1/solve` answer.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct SolveResponse {
    /// The best verified solution.
    pub solution: Solution,
    /// Its exact cost.
    pub cost: u64,
    /// The miner that found it.
    pub miner: MinerRef,
    /// Miners asked.
    pub queried: usize,
    /// Valid answers received.
    pub valid: usize,
}

/// Which miner produced a solution.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Eq)]
pub struct MinerRef {
    /// Its uid.
    pub uid: u16,
    /// Its hotkey.
    pub hotkey: String,
}

struct Meter {
    store: UsageStore,
    /// Reserved by requests in flight, by buyer id.
    reserved: BTreeMap<String, Counts>,
}

/// The gateway's shared state.
pub struct Gateway<P> {
    config: GatewayConfig,
    by_key: BTreeMap<String, Buyer>,
    by_hotkey: BTreeMap<String, Buyer>,
    meter: Arc<Mutex<Meter>>,
    pool: Arc<P>,
    clock: Arc<dyn Clock>,
    btauth: Option<Arc<dyn SignatureAuth>>,
}

/// A gateway that cannot start.
#[derive(Debug, thiserror::Error)]
pub enum GatewayError {
    /// The usage store.
    #[error(transparent)]
    Usage(#[from] UsageError),
    /// Two buyers with the same id, key or hotkey, or one with neither.
    #[error("buyer list: {0}")]
    Buyers(String),
}

fn lock(m: &Mutex<Meter>) -> MutexGuard<'_, Meter> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<P: MinerPool> Gateway<P> {
    /// A gateway for `buyers`, metering into `data_dir`.
    pub fn new(
        config: GatewayConfig,
        buyers: Vec<Buyer>,
        data_dir: &Path,
        pool: Arc<P>,
        clock: Arc<dyn Clock>,
        btauth: Option<Arc<dyn SignatureAuth>>,
    ) -> Result<Self, GatewayError> {
        let mut by_key = BTreeMap::new();
        let mut by_hotkey = BTreeMap::new();
        let mut ids = std::collections::BTreeSet::new();
        for b in buyers {
            if !ids.insert(b.id.clone()) {
                return Err(GatewayError::Buyers(format!("duplicate id {:?}", b.id)));
            }
            if b.key_blake2b.is_none() && b.hotkey.is_none() {
                return Err(GatewayError::Buyers(format!(
                    "{:?} has neither a key nor a hotkey",
                    b.id
                )));
            }
            if let Some(k) = &b.key_blake2b
                && by_key.insert(k.to_ascii_lowercase(), b.clone()).is_some()
            {
                return Err(GatewayError::Buyers(format!(
                    "duplicate key for {:?}",
                    b.id
                )));
            }
            if let Some(h) = &b.hotkey
                && by_hotkey.insert(h.clone(), b.clone()).is_some()
            {
                return Err(GatewayError::Buyers(format!(
                    "duplicate hotkey for {:?}",
                    b.id
                )));
            }
        }
        let store = UsageStore::open(data_dir, config.compact_every)?;
        Ok(Self {
            config,
            by_key,
            by_hotkey,
            meter: Arc::new(Mutex::new(Meter {
                store,
                reserved: BTreeMap::new(),
            })),
            pool,
            clock,
            btauth,
        })
    }

    fn period(&self) -> u64 {
        self.clock.unix_secs() / self.config.period_secs.max(1)
    }

    fn authenticate(
        &self,
        method: &Method,
        uri: &Uri,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<&Buyer, ApiError> {
        let unauthorized = |code, msg: &str| ApiError::new(StatusCode::UNAUTHORIZED, code, msg);
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let key = header("x-api-key")
            .or_else(|| header("authorization").and_then(|v| v.strip_prefix("Bearer ")));
        if let Some(key) = key {
            return self
                .by_key
                .get(&key_hash(key.trim()))
                .ok_or_else(|| unauthorized("unauthorized", "unknown API key"));
        }
        if headers.contains_key("x-bittensor-version") {
            let Some(verifier) = &self.btauth else {
                return Err(unauthorized(
                    "btauth_unavailable",
                    "btauth/1 is not enabled on this gateway; use an API key",
                ));
            };
            let hotkey = verifier
                .verify(method, uri, headers, body)
                .map_err(|why| unauthorized("unauthorized", &format!("btauth/1: {why}")))?;
            return self.by_hotkey.get(&hotkey).ok_or_else(|| {
                unauthorized("unauthorized", "this hotkey is not a registered buyer")
            });
        }
        Err(unauthorized(
            "unauthorized",
            "missing credentials: send Authorization: Bearer <key> or X-Api-Key",
        ))
    }
}

fn problem_error(e: &ProblemError) -> ApiError {
    let code = match e {
        ProblemError::TooManyStops { .. } => "too_many_stops",
        _ => "invalid_problem",
    };
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, e.to_string())
}

/// Reserved quota, released on drop unless billed.
struct Reservation<'a> {
    meter: &'a Mutex<Meter>,
    id: String,
    counts: Counts,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut m = lock(self.meter);
        if let Some(r) = m.reserved.get_mut(&self.id) {
            r.requests = r.requests.saturating_sub(self.counts.requests);
            r.stops = r.stops.saturating_sub(self.counts.stops);
        }
    }
}

async fn solve_handler<P: MinerPool>(
    State(gw): State<Arc<Gateway<P>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<SolveResponse>, ApiError> {
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "body_too_large",
                format!(
                    "the request body exceeds {} bytes",
                    gw.config.max_body_bytes
                ),
            )
        } else {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_body", e.body_text())
        }
    })?;
    let buyer = gw.authenticate(&method, &uri, &headers, &body)?;
    let req: SolveRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "invalid_json", e.to_string()))?;
    req.problem
        .validate(gw.config.max_stops)
        .map_err(|e| problem_error(&e))?;
    let time_limit_ms = req.time_limit_ms.unwrap_or(gw.config.default_time_limit_ms);
    if !(MIN_TIME_LIMIT_MS..=MAX_TIME_LIMIT_MS).contains(&time_limit_ms) {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_time_limit",
            format!(
                "time_limit_ms must be within {MIN_TIME_LIMIT_MS}..={MAX_TIME_LIMIT_MS}, got {time_limit_ms}"
            ),
        ));
    }
    // Reserve quota.
    let stops = req.problem.stops.len() as u64;
    let period = gw.period();
    let reservation = {
        let mut m = lock(&gw.meter);
        let used = m.store.totals().in_period(&buyer.id, period);
        let reserved = m.reserved.get(&buyer.id).copied().unwrap_or_default();
        let q = buyer.quota;
        if used.requests + reserved.requests >= q.requests
            || used.stops + reserved.stops + stops > q.stops
        {
            return Err(ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "quota_exceeded",
                format!(
                    "quota of {} requests and {} stops per period reached (used {} requests, {} stops)",
                    q.requests, q.stops, used.requests, used.stops
                ),
            ));
        }
        let r = m.reserved.entry(buyer.id.clone()).or_default();
        r.requests += 1;
        r.stops += stops;
        Reservation {
            meter: &gw.meter,
            id: buyer.id.clone(),
            counts: Counts { requests: 1, stops },
        }
    };
    let miners: Vec<PoolMiner> = gw.pool.top_miners(gw.config.fan_out).await;
    if miners.is_empty() {
        return Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_miners",
            "no miner is serving",
        ));
    }
    let request = SolveRoutes::request(req.problem, time_limit_ms);
    let timeout = Duration::from_millis(time_limit_ms + gw.config.grace_ms);
    let result = fan_out(&gw.pool, miners, &request, timeout).await;
    let Some(best) = result.best else {
        return Err(ApiError::new(
            StatusCode::BAD_GATEWAY,
            "no_valid_solution",
            format!(
                "none of the {} miners asked returned a valid solution in time",
                result.queried
            ),
        ));
    };
    // Bill durably before answering.
    let record = Record {
        key: buyer.id.clone(),
        period,
        stops,
    };
    let meter = Arc::clone(&gw.meter);
    let billed = tokio::task::spawn_blocking(move || lock(&meter).store.append(&record)).await;
    drop(reservation);
    match billed {
        Ok(Ok(())) => {}
        _ => {
            return Err(ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "metering_unavailable",
                "usage could not be recorded; no solution is returned and nothing is billed",
            ));
        }
    }
    Ok(Json(SolveResponse {
        solution: best.solution,
        cost: best.cost,
        miner: MinerRef {
            uid: best.miner.uid,
            hotkey: best.miner.hotkey,
        },
        queried: result.queried,
        valid: result.valid,
    }))
}

async fn usage_handler<P: MinerPool>(
    State(gw): State<Arc<Gateway<P>>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let buyer = gw.authenticate(&method, &uri, &headers, &[])?;
    let period = gw.period();
    let (used, total) = {
        let m = lock(&gw.meter);
        let t = m.store.totals();
        (
            t.in_period(&buyer.id, period),
            t.all_time.get(&buyer.id).copied().unwrap_or_default(),
        )
    };
    let q = buyer.quota;
    Ok(Json(json!({
        "buyer": buyer.id,
        "period": { "index": period, "start_unix": period * gw.config.period_secs, "length_secs": gw.config.period_secs },
        "quota": q,
        "used": used,
        "remaining": { "requests": q.requests.saturating_sub(used.requests), "stops": q.stops.saturating_sub(used.stops) },
        "all_time": total,
    })))
}

async fn openapi_handler() -> ([(axum::http::HeaderName, &'static str); 1], &'static str) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI,
    )
}

async fn not_found() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; see /v1/openapi.json",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "method not allowed on this route",
    )
}

/// The gateway's router.
pub fn router<P: MinerPool>(gw: Arc<Gateway<P>>) -> Router {
    let limit = gw.config.max_body_bytes;
    Router::new()
        .route(ROUTES[0].1, post(solve_handler::<P>))
        .route(ROUTES[1].1, get(usage_handler::<P>))
        .route(ROUTES[2].1, get(openapi_handler))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(limit))
        .with_state(gw)
}

/// Serves `router` on `listener` until the future is dropped.
pub async fn serve(listener: tokio::net::TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}

#[cfg(any(test, feature = "test-utils"))]
pub mod fakes;

#[cfg(test)]
mod tests;
