//! The axon: an HTTP server (axum on tokio) that answers Bittensor 10.x synapse requests
//! (sdk spec §1) from Python and Agora dendrites alike.
//!
//! # Processing order
//! For `POST /<SynapseName>`:
//! 1. route lookup (404 `Synapse name 'X' not found. Available synapses [...]`);
//! 2. **verify** the signature and nonce from the headers (401 `Not Verified with error: …`,
//!    the reference's texts, §1.6) — *always*, and *before* any subnet hook;
//! 3. per-hotkey rate limit (429);
//! 4. the subnet's **blacklist** hook, which sees the authenticated hotkey
//!    (403 `Forbidden. Key is blacklisted: {reason}.`);
//! 5. the **priority** hook orders admission to a bounded pool of concurrent forwards
//!    (503 when the queue is full; 408 if no slot frees up within the timeout);
//! 6. the body: size-bounded (413), JSON (500), body hash against `computed_body_hash`
//!    (500 `Internal Server Error #<uuid>`, as the reference);
//! 7. **forward**, under the request's timeout (capped), enforced here (408
//!    `Response timeout after: {t}s`); a handler error is 500 unless it names a status.
//!
//! The reference runs blacklist before verify, accepts unsigned requests in 9.3–10.4, never
//! enforces the timeout, and has no bounds (§1.7, §1.10, §1.13); the status codes and
//! messages here are still the reference's wherever it has one.
//!
//! Success responses carry the whole synapse as JSON and the TerminalInfo headers
//! (`bt_header_axon_status_code`, `…_status_message`, `…_process_time`, and the rest, §1.9);
//! error responses carry `{"message": …}` and the headers of the request as the axon saw it,
//! with its own version, uuid, nonce and signature.
//!
//! # Invariants
//! - No handler runs for a request whose signature did not verify.
//! - Every request body is read through a size limit; every forward runs under a timeout.
//! - At most `max_concurrent` forwards run at once and at most `max_queued` wait.

mod limits;

use std::collections::BTreeMap;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use agora_primitives::{AccountId, Keypair};
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use http_body_util::{BodyExt, Limited};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

pub use limits::RateLimit;
use limits::{RateLimiter, Scheduler};

use crate::protocol::{self, NonceStore, RequestHeaders};
use crate::synapse::{
    self, BaseFields, Envelope, PROTOCOL_VERSION, Synapse, SynapseSpec, TerminalInfo, pyrepr,
};
use crate::util::{ChannelBody, now_ns, uuid4};

/// Bounds and defaults of an axon.
#[derive(Debug, Clone, PartialEq)]
pub struct AxonConfig {
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Forwards that may run at once.
    pub max_concurrent: usize,
    /// Requests that may wait for a slot.
    pub max_queued: usize,
    /// Timeout when a request has no `timeout` header, seconds (the reference's default).
    pub default_timeout: f64,
    /// Cap on a request's timeout, seconds: bounds the forward and the nonce window.
    pub max_timeout: f64,
    /// Per-hotkey rate limit; `None` disables it.
    pub rate_limit: Option<RateLimit>,
}

impl Default for AxonConfig {
    fn default() -> Self {
        Self {
            max_body_bytes: 16 * 1024 * 1024,
            max_concurrent: 256,
            max_queued: 4096,
            default_timeout: 12.0,
            max_timeout: 120.0,
            rate_limit: Some(RateLimit {
                per_second: 100.0,
                burst: 200.0,
            }),
        }
    }
}

/// The authenticated caller of a request, as the hooks and handlers see it.
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The hotkey whose signature verified.
    pub hotkey: AccountId,
    /// TCP peer address.
    pub peer: SocketAddr,
    /// The synapse (route) name.
    pub synapse: String,
    /// The request's timeout after capping, seconds.
    pub timeout: f64,
    /// The caller's TerminalInfo headers (version, uuid, nonce, …).
    pub dendrite: TerminalInfo,
}

/// A forward that failed. Without a status it is the reference's 500
/// `Internal Server Error #<uuid>`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ForwardError {
    /// HTTP status to answer with (default 500).
    pub status: Option<u16>,
    /// Message (default `Internal Server Error #<uuid>`).
    pub message: Option<String>,
}

impl ForwardError {
    /// The reference's internal error.
    pub fn internal() -> Self {
        Self::default()
    }

    /// A specific status and message.
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        Self {
            status: Some(status),
            message: Some(message.into()),
        }
    }
}

type BoxFut<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type Fields = Vec<(String, String)>;
type UnaryFn =
    Arc<dyn Fn(Caller, Envelope, String) -> BoxFut<Result<Fields, ForwardError>> + Send + Sync>;
type StreamFn = Arc<
    dyn Fn(
            Caller,
            Envelope,
            String,
            StreamSender,
        ) -> Result<BoxFut<Result<(), ForwardError>>, ForwardError>
        + Send
        + Sync,
>;
type BlacklistFn = Arc<dyn Fn(&Caller) -> Result<(), String> + Send + Sync>;
type PriorityFn = Arc<dyn Fn(&Caller) -> f64 + Send + Sync>;

enum Handler {
    Unary(UnaryFn),
    Stream(StreamFn),
}

struct Route {
    spec: SynapseSpec,
    handler: Handler,
}

/// Sends the chunks of a streaming response (§1.11): raw bytes, no SSE framing, as the
/// reference.
#[derive(Debug, Clone)]
pub struct StreamSender {
    tx: mpsc::Sender<Bytes>,
}

/// The client went away; stop producing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("stream closed by the client")]
pub struct StreamClosed;

impl StreamSender {
    /// Sends one chunk (waits while the client is slower than the producer).
    pub async fn send(&self, chunk: impl Into<Bytes>) -> Result<(), StreamClosed> {
        self.tx.send(chunk.into()).await.map_err(|_| StreamClosed)
    }
}

/// The base `Synapse` class: no fields. Every axon answers `/Synapse` (a ping, §1.1).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ping {}

impl Synapse for Ping {
    const NAME: &'static str = "Synapse";
}

/// Builds an [`Axon`]: routes, hooks, bounds.
pub struct AxonBuilder {
    keypair: Keypair,
    config: AxonConfig,
    routes: BTreeMap<String, Route>,
    order: Vec<String>,
    blacklist: Option<BlacklistFn>,
    priority: Option<PriorityFn>,
}

/// Decodes the typed synapse and checks the body hash: raw body text for the hash fields
/// present (Python's key order and number types), the typed value's defaults for those absent
/// (the reference hashes the model, which fills defaults).
fn decode_checked<S: Synapse>(env: &Envelope, header_hash: &str) -> Result<S, ForwardError> {
    let value: S = env.decode().map_err(|_| ForwardError::internal())?;
    let mut fields: Fields = Vec::with_capacity(S::HASH_FIELDS.len());
    let mut typed: Option<Fields> = None;
    for name in S::HASH_FIELDS {
        if let Some(f) = env.fields.iter().find(|(k, _)| k == name) {
            fields.push(f.clone());
        } else {
            if typed.is_none() {
                typed = Some(synapse::fields_of(&value).map_err(|_| ForwardError::internal())?);
            }
            let f = typed
                .as_ref()
                .and_then(|t| t.iter().find(|(k, _)| k == name))
                .ok_or_else(ForwardError::internal)?;
            fields.push(f.clone());
        }
    }
    let hash = synapse::body_hash(S::HASH_FIELDS.iter().copied(), &fields)
        .map_err(|_| ForwardError::internal())?;
    if hash != header_hash {
        return Err(ForwardError::internal());
    }
    Ok(value)
}

impl AxonBuilder {
    /// An axon answering as `keypair` (its hotkey), with the `/Synapse` ping route.
    pub fn new(keypair: Keypair) -> Self {
        Self {
            keypair,
            config: AxonConfig::default(),
            routes: BTreeMap::new(),
            order: Vec::new(),
            blacklist: None,
            priority: None,
        }
        .forward(|_caller, ping: Ping| async move { Ok(ping) })
    }

    /// Replaces the bounds and defaults.
    pub fn config(mut self, config: AxonConfig) -> Self {
        self.config = config;
        self
    }

    /// Serves `S` at `/S::NAME` with `handler`, which returns the response synapse.
    pub fn forward<S, F, Fut>(mut self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(Caller, S) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<S, ForwardError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let f: UnaryFn = Arc::new(move |caller, env, header_hash| {
            let handler = Arc::clone(&handler);
            Box::pin(async move {
                let value: S = decode_checked(&env, &header_hash)?;
                let out = handler(caller, value).await?;
                synapse::fields_of(&out).map_err(|_| ForwardError::internal())
            })
        });
        self.order.retain(|n| n != S::NAME);
        self.order.push(S::NAME.to_owned());
        self.routes.insert(
            S::NAME.to_owned(),
            Route {
                spec: SynapseSpec::of::<S>(),
                handler: Handler::Unary(f),
            },
        );
        self
    }

    /// Serves the streaming synapse `S` at `/S::NAME`: `handler` writes chunks to the sender;
    /// the response is `200`, `content-type: text/event-stream`, chunked, with the synapse
    /// headers before the body (§1.11).
    pub fn forward_stream<S, F, Fut>(mut self, handler: F) -> Self
    where
        S: Synapse,
        F: Fn(Caller, S, StreamSender) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), ForwardError>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let f: StreamFn = Arc::new(move |caller, env, header_hash, tx| {
            let value: S = decode_checked(&env, &header_hash)?;
            let fut: BoxFut<Result<(), ForwardError>> = Box::pin(handler(caller, value, tx));
            Ok(fut)
        });
        self.order.retain(|n| n != S::NAME);
        self.order.push(S::NAME.to_owned());
        self.routes.insert(
            S::NAME.to_owned(),
            Route {
                spec: SynapseSpec::of::<S>(),
                handler: Handler::Stream(f),
            },
        );
        self
    }

    /// The blacklist hook: `Err(reason)` refuses the (already authenticated) caller with 403.
    pub fn blacklist(
        mut self,
        f: impl Fn(&Caller) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.blacklist = Some(Arc::new(f));
        self
    }

    /// The priority hook: higher values are admitted first when forwards are saturated.
    pub fn priority(mut self, f: impl Fn(&Caller) -> f64 + Send + Sync + 'static) -> Self {
        self.priority = Some(Arc::new(f));
        self
    }

    /// The axon.
    pub fn build(self) -> Axon {
        let hotkey = self.keypair.public().to_string();
        // Python's repr of the list of route names, in the order they were attached.
        let available = pyrepr::py_str(&pyrepr::PyValue::List(
            self.order
                .iter()
                .map(|k| pyrepr::PyValue::Str(k.chars().map(u32::from).collect()))
                .collect(),
        ));
        Axon {
            inner: Arc::new(Inner {
                nonces: NonceStore::new(self.config.max_timeout),
                limiter: self.config.rate_limit.map(RateLimiter::new),
                scheduler: Scheduler::new(self.config.max_concurrent, self.config.max_queued),
                uuid: uuid4(),
                hotkey,
                keypair: self.keypair,
                routes: self.routes,
                available,
                blacklist: self.blacklist,
                priority: self.priority,
                config: self.config,
            }),
        }
    }
}

struct Inner {
    keypair: Keypair,
    hotkey: String,
    uuid: String,
    config: AxonConfig,
    routes: BTreeMap<String, Route>,
    available: String,
    blacklist: Option<BlacklistFn>,
    priority: Option<PriorityFn>,
    nonces: NonceStore,
    limiter: Option<RateLimiter>,
    scheduler: Arc<Scheduler>,
}

/// A configured axon; serve it with [`Axon::serve`] or mount [`Axon::router`].
#[derive(Clone)]
pub struct Axon {
    inner: Arc<Inner>,
}

/// A running axon.
pub struct AxonHandle {
    /// The bound address.
    pub local_addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl AxonHandle {
    /// Stops accepting, lets requests in flight finish, and waits.
    pub async fn stop(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }

    /// Waits until the server ends (it runs until stopped).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .unwrap_or_else(|e| Err(std::io::Error::other(e)))
    }
}

impl Axon {
    /// The axon's hotkey.
    pub fn hotkey(&self) -> AccountId {
        self.inner.keypair.public()
    }

    /// The axum router (a fallback handler for every path). It needs
    /// `into_make_service_with_connect_info::<SocketAddr>()`.
    pub fn router(&self) -> axum::Router {
        axum::Router::new()
            .fallback(handle)
            .with_state(Arc::clone(&self.inner))
    }

    /// Serves on `listener` in a background task.
    pub fn serve(&self, listener: TcpListener) -> std::io::Result<AxonHandle> {
        let local_addr = listener.local_addr()?;
        let (tx, rx) = oneshot::channel::<()>();
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.await;
                })
                .await
        });
        Ok(AxonHandle {
            local_addr,
            shutdown: Some(tx),
            task,
        })
    }
}

async fn handle(
    State(inner): State<Arc<Inner>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    inner.handle(peer, req).await
}

/// What an error response needs to say about the request.
struct Seen {
    headers: RequestHeaders,
    peer: SocketAddr,
    start: Instant,
    name: String,
    authenticated: bool,
}

impl Inner {
    async fn handle(self: Arc<Self>, peer: SocketAddr, req: Request) -> Response {
        let start = Instant::now();
        let (parts, body) = req.into_parts();
        let name = parts.uri.path().split('/').nth(1).unwrap_or("").to_owned();
        let headers = RequestHeaders::from_pairs(
            parts
                .headers
                .iter()
                .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
        );
        let mut seen = Seen {
            headers,
            peer,
            start,
            name,
            authenticated: false,
        };

        let Some(route) = self.routes.get(&seen.name) else {
            let msg = format!(
                "Synapse name '{}' not found. Available synapses {}",
                seen.name, self.available
            );
            return self.error(&seen, 404, msg);
        };

        // Verify first, always.
        let verified = match self
            .nonces
            .check_and_record(&seen.headers, &self.hotkey, now_ns())
        {
            Ok(v) => v,
            Err(e) => return self.error(&seen, 401, format!("Not Verified with error: {e}")),
        };
        seen.authenticated = true;
        let timeout = seen
            .headers
            .timeout
            .unwrap_or(self.config.default_timeout)
            .clamp(0.0, self.config.max_timeout);
        let caller = Caller {
            hotkey: verified.hotkey,
            peer,
            synapse: seen.name.clone(),
            timeout,
            dendrite: seen.headers.dendrite.clone(),
        };

        if let Some(limiter) = &self.limiter
            && !limiter.allow(&caller.hotkey, Instant::now())
        {
            return self.error(
                &seen,
                429,
                format!(
                    "Too Many Requests: rate limit exceeded for {}",
                    caller.hotkey
                ),
            );
        }
        if let Some(blacklist) = &self.blacklist
            && let Err(reason) = blacklist(&caller)
        {
            return self.error(
                &seen,
                403,
                format!("Forbidden. Key is blacklisted: {reason}."),
            );
        }

        let deadline = start + Duration::from_secs_f64(timeout);
        let timeout_msg = || format!("Response timeout after: {}s", pyrepr::float_repr(timeout));
        let priority = self.priority.as_ref().map_or(0.0, |p| p(&caller));
        let permit = match tokio::time::timeout_at(
            deadline.into(),
            self.scheduler.acquire(priority),
        )
        .await
        {
            Ok(Ok(p)) => p,
            Ok(Err(_)) => {
                return self.error(
                    &seen,
                    503,
                    "Service unavailable: too many requests in flight".to_owned(),
                );
            }
            Err(_) => return self.error(&seen, 408, timeout_msg()),
        };

        let max = self.config.max_body_bytes;
        let bytes =
            match tokio::time::timeout_at(deadline.into(), Limited::new(body, max).collect()).await
            {
                Ok(Ok(b)) => b.to_bytes(),
                Ok(Err(e)) => {
                    if e.downcast_ref::<http_body_util::LengthLimitError>()
                        .is_some()
                    {
                        return self.error(
                            &seen,
                            413,
                            format!("Payload Too Large: the body exceeds {max} bytes"),
                        );
                    }
                    return self.internal(&seen);
                }
                Err(_) => return self.error(&seen, 408, timeout_msg()),
            };
        let Ok(text) = core::str::from_utf8(&bytes) else {
            return self.internal(&seen);
        };
        let Ok(env) = Envelope::parse(text) else {
            return self.internal(&seen);
        };
        let header_hash = seen.headers.body_hash.clone().unwrap_or_default();

        match &route.handler {
            Handler::Unary(f) => {
                let fut = f(caller, env.clone(), header_hash);
                let result = tokio::time::timeout_at(deadline.into(), fut).await;
                drop(permit);
                match result {
                    Err(_) => self.error(&seen, 408, timeout_msg()),
                    Ok(Err(e)) => self.forward_error(&seen, e),
                    Ok(Ok(fields)) => self.success(&seen, &route.spec, env.base, fields),
                }
            }
            Handler::Stream(f) => {
                let (tx, rx) = mpsc::channel::<Bytes>(16);
                let fut = match f(caller, env.clone(), header_hash, StreamSender { tx }) {
                    Ok(fut) => fut,
                    Err(e) => return self.forward_error(&seen, e),
                };
                // The producer runs in its own task so the body streams while it produces;
                // it holds the slot until it ends, and the deadline bounds the whole stream.
                tokio::spawn(async move {
                    let _ = tokio::time::timeout_at(deadline.into(), fut).await;
                    drop(permit);
                });
                let mut base = env.base;
                let headers = self.success_headers(&seen, &route.spec, &mut base, &[]);
                let mut resp = Response::new(Body::new(ChannelBody { rx }));
                *resp.headers_mut() = headers;
                resp.headers_mut().insert(
                    axum::http::header::CONTENT_TYPE,
                    HeaderValue::from_static("text/event-stream"),
                );
                resp
            }
        }
    }

    fn internal(&self, seen: &Seen) -> Response {
        self.error(seen, 500, format!("Internal Server Error #{}", uuid4()))
    }

    fn forward_error(&self, seen: &Seen, e: ForwardError) -> Response {
        let status = e.status.unwrap_or(500);
        let message = e
            .message
            .unwrap_or_else(|| format!("Internal Server Error #{}", uuid4()));
        self.error(seen, status, message)
    }

    /// Sets the axon's terminal info to success and returns the response headers.
    fn success_headers(
        &self,
        seen: &Seen,
        spec: &SynapseSpec,
        base: &mut BaseFields,
        fields: &[(String, String)],
    ) -> HeaderMap {
        let axon = base.axon.get_or_insert_with(TerminalInfo::default);
        axon.status_code = Some(200);
        axon.status_message = Some("Success".to_owned());
        axon.process_time = Some(seen.start.elapsed().as_secs_f64());
        let hash = synapse::body_hash(spec.hash_fields.iter().map(String::as_str), fields)
            .unwrap_or_else(|_| synapse::EMPTY_BODY_HASH.to_owned());
        let mut h = HeaderMap::new();
        push(&mut h, "name", &spec.name);
        push(
            &mut h,
            "timeout",
            &pyrepr::float_repr(base.timeout.unwrap_or(self.config.default_timeout)),
        );
        if let Some(axon) = &base.axon {
            for (k, v) in axon.header_values() {
                push(&mut h, &format!("{}{k}", protocol::AXON_PREFIX), &v);
            }
        }
        if let Some(d) = &base.dendrite {
            for (k, v) in d.header_values() {
                push(&mut h, &format!("{}{k}", protocol::DENDRITE_PREFIX), &v);
            }
        }
        push_input_obj(&mut h, spec);
        push(&mut h, "header_size", "0");
        push(
            &mut h,
            "total_size",
            &base.total_size.unwrap_or(0).to_string(),
        );
        push(&mut h, protocol::BODY_HASH_HEADER, &hash);
        h
    }

    fn success(
        &self,
        seen: &Seen,
        spec: &SynapseSpec,
        mut base: BaseFields,
        fields: Vec<(String, String)>,
    ) -> Response {
        let headers = self.success_headers(seen, spec, &mut base, &fields);
        let env = Envelope { base, fields };
        let Ok(body) = env.to_json() else {
            return self.internal(seen);
        };
        let mut resp = Response::new(Body::from(body));
        *resp.headers_mut() = headers;
        resp.headers_mut().insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp
    }

    /// An error response: `{"message": …}` and the request's headers as the axon saw them
    /// (§1.8), signed by the axon when the caller was authenticated.
    fn error(&self, seen: &Seen, status: u16, message: String) -> Response {
        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut axon = seen.headers.axon.clone();
        axon.status_code = Some(i64::from(status));
        axon.status_message = Some(message.clone());
        axon.process_time = Some(seen.start.elapsed().as_secs_f64());
        axon.version = Some(PROTOCOL_VERSION);
        axon.uuid = Some(self.uuid.clone());
        let nonce = now_ns();
        axon.nonce = Some(nonce);
        if seen.authenticated {
            let msg = format!(
                "{nonce}.{}.{}.{}",
                seen.headers.dendrite.hotkey.as_deref().unwrap_or("None"),
                axon.hotkey.as_deref().unwrap_or("None"),
                self.uuid
            );
            axon.signature = Some(self.keypair.sign(msg.as_bytes()).to_string());
        }
        let mut dendrite = seen.headers.dendrite.clone();
        dendrite.ip = Some(seen.peer.ip().to_string());
        dendrite.port = Some(i64::from(seen.peer.port()));

        let mut h = HeaderMap::new();
        push(&mut h, "name", &seen.name);
        push(
            &mut h,
            "timeout",
            &pyrepr::float_repr(seen.headers.timeout.unwrap_or(self.config.default_timeout)),
        );
        for (k, v) in axon.header_values() {
            push(&mut h, &format!("{}{k}", protocol::AXON_PREFIX), &v);
        }
        for (k, v) in dendrite.header_values() {
            push(&mut h, &format!("{}{k}", protocol::DENDRITE_PREFIX), &v);
        }
        for (k, v) in &seen.headers.input_obj {
            push(&mut h, &format!("{}{k}", protocol::INPUT_OBJ_PREFIX), v);
        }
        push(&mut h, "header_size", "0");
        push(&mut h, "total_size", "0");
        if let Some(hash) = &seen.headers.body_hash {
            push(&mut h, protocol::BODY_HASH_HEADER, hash);
        }
        h.insert(
            axum::http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        let body = serde_json::json!({ "message": message }).to_string();
        let mut resp = Response::new(Body::from(body));
        *resp.status_mut() = code;
        *resp.headers_mut() = h;
        resp
    }
}

/// Adds a header; values that are not valid header text (a newline in a message) are
/// dropped rather than breaking the response.
fn push(h: &mut HeaderMap, name: &str, value: &str) {
    if let (Ok(n), Ok(v)) = (
        HeaderName::from_bytes(name.as_bytes()),
        HeaderValue::from_str(value),
    ) {
        h.insert(n, v);
    }
}

fn push_input_obj(h: &mut HeaderMap, spec: &SynapseSpec) {
    use base64::Engine as _;
    for (field, empty) in &spec.required_fields {
        let v = base64::engine::general_purpose::STANDARD.encode(empty.as_bytes());
        push(h, &format!("{}{field}", protocol::INPUT_OBJ_PREFIX), &v);
    }
}
