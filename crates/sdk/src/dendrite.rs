//! The dendrite: signs and sends synapse requests to axons (sdk spec §1.2–1.10), one or many at
//! once, each under its own timeout, and reports every response with its status and latency.
//!
//! Requests are signed exactly as the Python dendrite signs them (hotkey, sr25519,
//! `{nonce}.{hotkey}.{axon_hotkey}.{uuid}.{body_hash}`), with a uuid fixed for the life of the
//! `Dendrite` and wall-clock nanosecond nonces that are strictly increasing per dendrite. The
//! dendrite never looks up its own public IP: `bt_header_dendrite_ip` is sent only if the
//! caller sets one (axons take the TCP peer address anyway).
//!
//! Client-side failures map to the reference's codes (§1.9): connection refused → 503
//! `Service unavailable at ip:port/Name`, timeout → 408 `Request timeout after {t} seconds`,
//! an unreadable response → 422 `Failed to parse response: …`.
//!
//! # Invariants
//! - A response body is read through a size limit and the whole call through the timeout.
//! - IPv6 axon addresses are bracketed in the URL (the reference builds a broken URL).

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant};

use agora_primitives::Keypair;
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

use crate::protocol::{self, RequestHeaders};
use crate::synapse::{
    self, BaseFields, Envelope, PROTOCOL_VERSION, Synapse, SynapseSpec, TerminalInfo, pyrepr,
};
use crate::util::{now_ns, uuid4};

/// Where to send a request: an axon's endpoint and hotkey (from the metagraph).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AxonTarget {
    /// IP address (v4 or v6) or host name.
    pub ip: String,
    /// Port.
    pub port: u16,
    /// The axon's hotkey, SS58; it is part of the signed message.
    pub hotkey: String,
}

impl AxonTarget {
    fn authority(&self) -> String {
        if self.ip.contains(':') && !self.ip.starts_with('[') {
            format!("[{}]:{}", self.ip, self.port)
        } else {
            format!("{}:{}", self.ip, self.port)
        }
    }
}

/// One axon's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct DendriteResponse<T> {
    /// The status: the HTTP status of the axon's answer, or the client-side code.
    pub status_code: i64,
    /// The status message.
    pub status_message: String,
    /// Wall time from sending to having the whole answer.
    pub latency: Duration,
    /// The response synapse, on status 200.
    pub synapse: Option<T>,
    /// The axon's terminal info as it reported it.
    pub axon: TerminalInfo,
    /// Our terminal info, updated from the response headers.
    pub dendrite: TerminalInfo,
}

impl<T> DendriteResponse<T> {
    /// Whether the call succeeded (status 200), as the reference's `is_success`.
    pub fn is_success(&self) -> bool {
        self.status_code == 200
    }
}

/// Bounds of a dendrite.
#[derive(Debug, Clone, PartialEq)]
pub struct DendriteConfig {
    /// Largest response body accepted, in bytes.
    pub max_response_bytes: usize,
    /// `bt_header_dendrite_ip` to send, if any.
    pub external_ip: Option<String>,
}

impl Default for DendriteConfig {
    fn default() -> Self {
        Self {
            max_response_bytes: 64 * 1024 * 1024,
            external_ip: None,
        }
    }
}

struct Inner {
    keypair: Keypair,
    hotkey: String,
    uuid: String,
    config: DendriteConfig,
    last_nonce: AtomicI64,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A client that signs with a hotkey. Cheap to clone (shared connection pool).
#[derive(Clone)]
pub struct Dendrite {
    inner: Arc<Inner>,
}

/// A streaming answer (§1.11): the status and terminal info from the headers, then the raw
/// chunks.
pub struct DendriteStream {
    /// Status and terminal info (no synapse).
    pub response: DendriteResponse<()>,
    body: Option<Incoming>,
    deadline: tokio::time::Instant,
    remaining: usize,
}

impl DendriteStream {
    /// The next chunk, or `None` at the end (or on a timeout or an oversize body, which end
    /// the stream).
    pub async fn next_chunk(&mut self) -> Option<Bytes> {
        let body = self.body.as_mut()?;
        loop {
            let frame = tokio::time::timeout_at(self.deadline, body.frame()).await;
            match frame {
                Ok(Some(Ok(f))) => {
                    if let Ok(data) = f.into_data() {
                        if data.len() > self.remaining {
                            self.body = None;
                            return None;
                        }
                        self.remaining -= data.len();
                        if data.is_empty() {
                            continue;
                        }
                        return Some(data);
                    }
                }
                _ => {
                    self.body = None;
                    return None;
                }
            }
        }
    }
}

enum Sent {
    Answer(hyper::Response<Incoming>),
    Failed(i64, String),
}

impl Dendrite {
    /// A dendrite signing with `keypair` (a hotkey).
    pub fn new(keypair: Keypair) -> Self {
        Self::with_config(keypair, DendriteConfig::default())
    }

    /// A dendrite with explicit bounds.
    pub fn with_config(keypair: Keypair, config: DendriteConfig) -> Self {
        let mut connector = HttpConnector::new();
        connector.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(30))
            .build(connector);
        Self {
            inner: Arc::new(Inner {
                hotkey: keypair.public().to_string(),
                keypair,
                uuid: uuid4(),
                config,
                last_nonce: AtomicI64::new(0),
                client,
            }),
        }
    }

    /// The uuid sent with every request of this dendrite.
    pub fn uuid(&self) -> &str {
        &self.inner.uuid
    }

    /// Wall-clock nanoseconds, strictly above every nonce this dendrite used before.
    fn next_nonce(&self) -> i64 {
        let now = now_ns();
        let mut last = self.inner.last_nonce.load(Ordering::Relaxed);
        loop {
            let next = now.max(last.saturating_add(1));
            match self.inner.last_nonce.compare_exchange_weak(
                last,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next,
                Err(seen) => last = seen,
            }
        }
    }

    /// Builds the signed request: headers and body.
    fn prepare(
        &self,
        target: &AxonTarget,
        spec: &SynapseSpec,
        fields: Vec<(String, String)>,
        timeout: Duration,
    ) -> Result<(Vec<(String, String)>, String), synapse::WireError> {
        let hash = synapse::body_hash(spec.hash_fields.iter().map(String::as_str), &fields)?;
        let nonce = self.next_nonce();
        let message = protocol::request_message(
            nonce,
            &self.inner.hotkey,
            &target.hotkey,
            &self.inner.uuid,
            &hash,
        );
        let dendrite = TerminalInfo {
            ip: self.inner.config.external_ip.clone(),
            version: Some(PROTOCOL_VERSION),
            nonce: Some(nonce),
            uuid: Some(self.inner.uuid.clone()),
            hotkey: Some(self.inner.hotkey.clone()),
            signature: Some(self.inner.keypair.sign(message.as_bytes()).to_string()),
            ..TerminalInfo::default()
        };
        let axon = TerminalInfo {
            ip: Some(target.ip.clone()),
            port: Some(i64::from(target.port)),
            hotkey: Some(target.hotkey.clone()),
            ..TerminalInfo::default()
        };
        let timeout_s = timeout.as_secs_f64();
        let env = Envelope {
            base: BaseFields {
                name: Some(spec.name.clone()),
                timeout: Some(timeout_s),
                total_size: Some(0),
                header_size: Some(0),
                dendrite: Some(dendrite.clone()),
                axon: Some(axon.clone()),
                computed_body_hash: Some(String::new()),
            },
            fields,
        };
        let body = env.to_json()?;
        let mut headers = vec![
            ("name".to_owned(), spec.name.clone()),
            ("timeout".to_owned(), pyrepr::float_repr(timeout_s)),
        ];
        for (k, v) in axon.header_values() {
            headers.push((format!("{}{k}", protocol::AXON_PREFIX), v));
        }
        for (k, v) in dendrite.header_values() {
            headers.push((format!("{}{k}", protocol::DENDRITE_PREFIX), v));
        }
        {
            use base64::Engine as _;
            for (field, empty) in &spec.required_fields {
                headers.push((
                    format!("{}{field}", protocol::INPUT_OBJ_PREFIX),
                    base64::engine::general_purpose::STANDARD.encode(empty.as_bytes()),
                ));
            }
        }
        headers.push(("header_size".to_owned(), "0".to_owned()));
        headers.push(("total_size".to_owned(), body.len().to_string()));
        headers.push((protocol::BODY_HASH_HEADER.to_owned(), hash));
        Ok((headers, body))
    }

    async fn send(
        &self,
        target: &AxonTarget,
        name: &str,
        headers: Vec<(String, String)>,
        body: String,
        deadline: tokio::time::Instant,
        timeout_s: f64,
    ) -> Sent {
        let uri = format!("http://{}/{}", target.authority(), name);
        let mut req = hyper::Request::post(uri.as_str());
        for (k, v) in &headers {
            req = req.header(k.as_str(), v.as_str());
        }
        req = req.header("content-type", "application/json");
        let Ok(req) = req.body(Full::new(Bytes::from(body))) else {
            return Sent::Failed(
                422,
                format!("Failed to parse response: invalid request to {uri}"),
            );
        };
        match tokio::time::timeout_at(deadline, self.inner.client.request(req)).await {
            Err(_) => Sent::Failed(
                408,
                format!(
                    "Request timeout after {} seconds",
                    pyrepr::float_repr(timeout_s)
                ),
            ),
            Ok(Err(e)) if e.is_connect() => Sent::Failed(
                503,
                format!(
                    "Service unavailable at {}:{}/{}",
                    target.ip, target.port, name
                ),
            ),
            Ok(Err(e)) => Sent::Failed(503, format!("Service disconnected: {e}")),
            Ok(Ok(resp)) => Sent::Answer(resp),
        }
    }

    /// Queries one axon with a dynamically described synapse: `fields` are the subclass fields
    /// as `(name, raw JSON)`. The response's fields come back as raw JSON too.
    pub async fn call_raw(
        &self,
        target: &AxonTarget,
        spec: &SynapseSpec,
        fields: Vec<(String, String)>,
        timeout: Duration,
    ) -> DendriteResponse<Vec<(String, String)>> {
        let start = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        let timeout_s = timeout.as_secs_f64();
        let failed = |code: i64, message: String, dendrite: TerminalInfo| DendriteResponse {
            status_code: code,
            status_message: message.clone(),
            latency: start.elapsed(),
            synapse: None,
            axon: TerminalInfo::default(),
            dendrite: TerminalInfo {
                status_code: Some(code),
                status_message: Some(message),
                ..dendrite
            },
        };
        let (headers, body) = match self.prepare(target, spec, fields, timeout) {
            Ok(x) => x,
            Err(e) => {
                return failed(
                    422,
                    format!("Failed to build request: {e}"),
                    TerminalInfo::default(),
                );
            }
        };
        let mut dendrite = TerminalInfo::default();
        for (k, v) in &headers {
            if let Some(f) = k.strip_prefix(protocol::DENDRITE_PREFIX) {
                dendrite.set_from_header(f, v);
            }
        }
        let resp = match self
            .send(target, &spec.name, headers, body, deadline, timeout_s)
            .await
        {
            Sent::Answer(r) => r,
            Sent::Failed(code, msg) => return failed(code, msg, dendrite),
        };
        let status = i64::from(resp.status().as_u16());
        let reported = header_info(resp.headers());
        let limited = Limited::new(resp.into_body(), self.inner.config.max_response_bytes);
        let bytes = match tokio::time::timeout_at(deadline, limited.collect()).await {
            Err(_) => {
                return failed(
                    408,
                    format!(
                        "Request timeout after {} seconds",
                        pyrepr::float_repr(timeout_s)
                    ),
                    dendrite,
                );
            }
            Ok(Err(e)) => return failed(400, format!("Payload error: {e}"), dendrite),
            Ok(Ok(b)) => b.to_bytes(),
        };
        let text = core::str::from_utf8(&bytes).unwrap_or("");
        let mut axon = TerminalInfo::default();
        let mut synapse_fields = None;
        if status == 200 {
            match Envelope::parse(text) {
                Ok(env) => {
                    if let Some(a) = env.base.axon.clone() {
                        axon = a;
                    }
                    if let Some(d) = env.base.dendrite.clone() {
                        dendrite = d;
                    }
                    synapse_fields = Some(env.fields);
                }
                Err(e) => {
                    return failed(422, format!("Failed to parse response: {e}"), dendrite);
                }
            }
        } else {
            axon.status_code = Some(status);
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => {
                    axon.status_message =
                        v.get("message").and_then(|m| m.as_str()).map(str::to_owned)
                }
                Err(e) => return failed(422, format!("Failed to parse response: {e}"), dendrite),
            }
        }
        // Response headers override what the body said (§1.9).
        merge(&mut axon, &reported.axon);
        merge(&mut dendrite, &reported.dendrite);
        let code = axon.status_code.unwrap_or(status);
        let message = axon.status_message.clone().unwrap_or_default();
        dendrite.status_code = Some(code);
        dendrite.status_message = Some(message.clone());
        let latency = start.elapsed();
        dendrite.process_time = Some(latency.as_secs_f64());
        DendriteResponse {
            status_code: code,
            status_message: message,
            latency,
            synapse: synapse_fields,
            axon,
            dendrite,
        }
    }

    /// Queries one axon with a typed synapse.
    pub async fn call<S: Synapse>(
        &self,
        target: &AxonTarget,
        synapse: &S,
        timeout: Duration,
    ) -> DendriteResponse<S> {
        let spec = SynapseSpec::of::<S>();
        let fields = match synapse::fields_of(synapse) {
            Ok(f) => f,
            Err(e) => {
                return DendriteResponse {
                    status_code: 422,
                    status_message: format!("Failed to build request: {e}"),
                    latency: Duration::ZERO,
                    synapse: None,
                    axon: TerminalInfo::default(),
                    dendrite: TerminalInfo::default(),
                };
            }
        };
        let raw = self.call_raw(target, &spec, fields, timeout).await;
        let mut out = DendriteResponse {
            status_code: raw.status_code,
            status_message: raw.status_message,
            latency: raw.latency,
            synapse: None,
            axon: raw.axon,
            dendrite: raw.dendrite,
        };
        if let Some(fields) = raw.synapse {
            let env = Envelope {
                base: BaseFields::default(),
                fields,
            };
            match env.decode::<S>() {
                Ok(s) => out.synapse = Some(s),
                Err(e) => {
                    out.status_code = 422;
                    out.status_message = format!("Failed to parse response: {e}");
                }
            }
        }
        out
    }

    /// Queries many axons concurrently, each under `timeout`; answers in `targets` order.
    pub async fn query<S: Synapse + Clone>(
        &self,
        targets: &[AxonTarget],
        synapse: &S,
        timeout: Duration,
    ) -> Vec<DendriteResponse<S>> {
        let mut set = tokio::task::JoinSet::new();
        for (i, t) in targets.iter().enumerate() {
            let d = self.clone();
            let t = t.clone();
            let s = synapse.clone();
            set.spawn(async move { (i, d.call(&t, &s, timeout).await) });
        }
        let mut out: Vec<Option<DendriteResponse<S>>> = (0..targets.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((i, r)) = joined
                && let Some(slot) = out.get_mut(i)
            {
                *slot = Some(r);
            }
        }
        out.into_iter()
            .map(|r| {
                r.unwrap_or_else(|| DendriteResponse {
                    status_code: 500,
                    status_message: "Client error: query task failed".to_owned(),
                    latency: Duration::ZERO,
                    synapse: None,
                    axon: TerminalInfo::default(),
                    dendrite: TerminalInfo::default(),
                })
            })
            .collect()
    }

    /// Queries a streaming synapse (§1.11): returns the status and headers, then the chunks.
    pub async fn call_stream<S: Synapse>(
        &self,
        target: &AxonTarget,
        synapse: &S,
        timeout: Duration,
    ) -> DendriteStream {
        let start = Instant::now();
        let deadline = tokio::time::Instant::now() + timeout;
        let spec = SynapseSpec::of::<S>();
        let fail = |code: i64, message: String| DendriteStream {
            response: DendriteResponse {
                status_code: code,
                status_message: message,
                latency: start.elapsed(),
                synapse: None,
                axon: TerminalInfo::default(),
                dendrite: TerminalInfo::default(),
            },
            body: None,
            deadline,
            remaining: 0,
        };
        let prepared = synapse::fields_of(synapse)
            .and_then(|fields| self.prepare(target, &spec, fields, timeout));
        let (headers, body) = match prepared {
            Ok(x) => x,
            Err(e) => return fail(422, format!("Failed to build request: {e}")),
        };
        let resp = match self
            .send(
                target,
                &spec.name,
                headers,
                body,
                deadline,
                timeout.as_secs_f64(),
            )
            .await
        {
            Sent::Answer(r) => r,
            Sent::Failed(code, msg) => return fail(code, msg),
        };
        let status = i64::from(resp.status().as_u16());
        let reported = header_info(resp.headers());
        let mut axon = reported.axon;
        let code = axon.status_code.unwrap_or(status);
        axon.status_code = Some(code);
        DendriteStream {
            response: DendriteResponse {
                status_code: code,
                status_message: axon.status_message.clone().unwrap_or_default(),
                latency: start.elapsed(),
                synapse: None,
                axon,
                dendrite: reported.dendrite,
            },
            body: Some(resp.into_body()),
            deadline,
            remaining: self.inner.config.max_response_bytes,
        }
    }
}

fn header_info(h: &hyper::HeaderMap) -> RequestHeaders {
    RequestHeaders::from_pairs(
        h.iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?))),
    )
}

/// Overwrites `into` with every field set in `from`.
fn merge(into: &mut TerminalInfo, from: &TerminalInfo) {
    macro_rules! take {
        ($($f:ident),*) => {$(
            if from.$f.is_some() {
                into.$f = from.$f.clone();
            }
        )*};
    }
    take!(
        status_code,
        status_message,
        process_time,
        ip,
        port,
        version,
        nonce,
        uuid,
        hotkey,
        signature
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_is_bracketed_and_nonces_increase() {
        let t = AxonTarget {
            ip: "::1".into(),
            port: 8091,
            hotkey: String::new(),
        };
        assert_eq!(t.authority(), "[::1]:8091");
        let d = Dendrite::new(Keypair::from_uri("//Alice").expect("uri"));
        let a = d.next_nonce();
        let b = d.next_nonce();
        assert!(b > a);
    }
}
