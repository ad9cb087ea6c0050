//! [`RpcClient`]: the node's JSON-RPC over HTTP for requests and a WebSocket (opened on first
//! use) for transaction watches and head subscriptions (jsonrpsee clients, no TLS).
//!
//! Responses are bounded by [`MAX_RESPONSE_BYTES`]; every request has a timeout; connection
//! failures become [`ChainError::Unreachable`] naming the endpoint.

use std::sync::Arc;
use std::time::Duration;

use agora_api::methods::{self, MAX_RESPONSE_BYTES, codes};
use agora_api::types::decode_hex;
use agora_api::{BlockInfo, ChainHead, ChainInfo, HeadInfo, TxStatus};
use agora_primitives::{AccountId, hex};
use jsonrpsee_core::client::{ClientT, Error as RpcError, Subscription, SubscriptionClientT};
use jsonrpsee_http_client::{HttpClient, HttpClientBuilder};
use jsonrpsee_ws_client::{WsClient, WsClientBuilder};
use serde::de::DeserializeOwned;
use tokio::sync::{OnceCell, mpsc};

use super::{ChainClient, ChainError, Watch};

/// Where a node is: an HTTP URL for requests and the WebSocket URL of the same server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// `http://host:port` (requests).
    pub http: String,
    /// `ws://host:port` (subscriptions).
    pub ws: String,
}

impl Endpoint {
    /// Parses `http://…`, `ws://…`, `host:port` or a bare port; the other scheme is derived
    /// (the node serves both on one port). `https`/`wss` are refused: this client has no TLS.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim().trim_end_matches('/');
        let rest = if let Some(r) = t.strip_prefix("http://") {
            r
        } else if let Some(r) = t.strip_prefix("ws://") {
            r
        } else if t.starts_with("https://") || t.starts_with("wss://") {
            return Err(format!(
                "{text}: TLS endpoints are not supported; use http:// or ws:// (a local node, or a TLS proxy's plain side)"
            ));
        } else if t.contains("://") {
            return Err(format!(
                "{text}: expected http://HOST:PORT or ws://HOST:PORT"
            ));
        } else if t.bytes().all(|b| b.is_ascii_digit()) && !t.is_empty() {
            return Self::parse(&format!("127.0.0.1:{t}"));
        } else {
            t
        };
        if rest.is_empty() || rest.contains(['/', '?', '#', ' ']) {
            return Err(format!(
                "{text}: expected http://HOST:PORT or ws://HOST:PORT"
            ));
        }
        let hostport = if has_port(rest) {
            rest.to_string()
        } else {
            format!("{rest}:{}", methods::DEFAULT_RPC_PORT)
        };
        Ok(Self {
            http: format!("http://{hostport}"),
            ws: format!("ws://{hostport}"),
        })
    }

    /// A local node on `port`.
    pub fn local(port: u16) -> Self {
        Self {
            http: format!("http://127.0.0.1:{port}"),
            ws: format!("ws://127.0.0.1:{port}"),
        }
    }
}

fn has_port(hostport: &str) -> bool {
    if let Some(v6) = hostport.strip_prefix('[') {
        return v6.split_once(']').is_some_and(|(_, p)| p.starts_with(':'));
    }
    hostport
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

/// A JSON-RPC client of an Agora node. Cloning shares the connections.
#[derive(Clone)]
pub struct RpcClient {
    inner: Arc<Inner>,
}

struct Inner {
    endpoint: Endpoint,
    timeout: Duration,
    http: HttpClient,
    ws: OnceCell<WsClient>,
}

impl std::fmt::Debug for RpcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcClient")
            .field("endpoint", &self.inner.endpoint)
            .finish()
    }
}

impl RpcClient {
    /// A client of the node at `endpoint`; `timeout` bounds every request and the connection.
    /// Nothing is sent until the first call.
    pub fn new(endpoint: Endpoint, timeout: Duration) -> Result<Self, ChainError> {
        let http = HttpClientBuilder::default()
            .max_response_size(MAX_RESPONSE_BYTES)
            .max_request_size(methods::MAX_REQUEST_BYTES)
            .request_timeout(timeout)
            .connect_timeout(timeout)
            .build(&endpoint.http)
            .map_err(|e| ChainError::Unreachable {
                endpoint: endpoint.http.clone(),
                why: e.to_string(),
            })?;
        Ok(Self {
            inner: Arc::new(Inner {
                endpoint,
                timeout,
                http,
                ws: OnceCell::new(),
            }),
        })
    }

    /// The endpoint.
    pub fn endpoint(&self) -> &Endpoint {
        &self.inner.endpoint
    }

    async fn ws(&self) -> Result<&WsClient, ChainError> {
        let inner = &self.inner;
        inner
            .ws
            .get_or_try_init(|| async {
                WsClientBuilder::default()
                    .max_response_size(MAX_RESPONSE_BYTES)
                    .max_request_size(methods::MAX_REQUEST_BYTES)
                    .request_timeout(inner.timeout)
                    .connection_timeout(inner.timeout)
                    .max_buffer_capacity_per_subscription(256)
                    .build(&inner.endpoint.ws)
                    .await
                    .map_err(|e| self.map_err(e))
            })
            .await
    }

    fn map_err(&self, e: RpcError) -> ChainError {
        let endpoint = &self.inner.endpoint.http;
        match e {
            RpcError::Call(obj) => {
                let message = obj.message().to_string();
                let reason = obj
                    .data()
                    .and_then(|d| serde_json::from_str::<serde_json::Value>(d.get()).ok())
                    .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_string))
                    .unwrap_or_else(|| {
                        message
                            .split_once(':')
                            .map_or(message.as_str(), |(n, _)| n)
                            .trim()
                            .to_string()
                    });
                match obj.code() {
                    codes::REJECTED => ChainError::Rejected { reason, message },
                    code => ChainError::Rpc { code, message },
                }
            }
            RpcError::RequestTimeout => ChainError::Timeout(self.inner.timeout),
            RpcError::ParseError(e) => ChainError::Malformed(e.to_string()),
            RpcError::Transport(e) => {
                let why = error_chain(&*e);
                if why.contains("too big") || why.contains("exceeded") {
                    ChainError::Malformed(why)
                } else {
                    ChainError::Unreachable {
                        endpoint: endpoint.clone(),
                        why,
                    }
                }
            }
            RpcError::RestartNeeded(e) => ChainError::Unreachable {
                endpoint: self.inner.endpoint.ws.clone(),
                why: format!("connection lost: {e}"),
            },
            other => ChainError::Rpc {
                code: -32603,
                message: other.to_string(),
            },
        }
    }

    async fn request<R: DeserializeOwned>(
        &self,
        method: &str,
        params: Vec<serde_json::Value>,
    ) -> Result<R, ChainError> {
        self.inner
            .http
            .request(method, params)
            .await
            .map_err(|e| self.map_err(e))
    }

    async fn subscribe<T: DeserializeOwned + Send + 'static>(
        &self,
        method: &str,
        params: Vec<serde_json::Value>,
        unsubscribe: &str,
        is_final: fn(&T) -> bool,
    ) -> Result<Watch<T>, ChainError> {
        let ws = self.ws().await?;
        let sub: Subscription<T> = ws
            .subscribe(method, params, unsubscribe)
            .await
            .map_err(|e| self.map_err(e))?;
        let (tx, rx) = mpsc::channel(64);
        tokio::spawn(forward(sub, tx, is_final));
        Ok(Watch::new(rx))
    }
}

/// Copies notifications into the watch's channel until a final one, a decode error, the end
/// of the subscription, or the watch being dropped (which unsubscribes).
async fn forward<T: DeserializeOwned>(
    mut sub: Subscription<T>,
    tx: mpsc::Sender<Result<T, ChainError>>,
    is_final: fn(&T) -> bool,
) {
    loop {
        tokio::select! {
            () = tx.closed() => break,
            item = sub.next() => match item {
                Some(Ok(v)) => {
                    let last = is_final(&v);
                    if tx.send(Ok(v)).await.is_err() || last {
                        break;
                    }
                }
                Some(Err(e)) => {
                    let _ = tx.send(Err(ChainError::Malformed(e.to_string()))).await;
                    break;
                }
                None => {
                    let _ = tx.send(Err(ChainError::Closed)).await;
                    break;
                }
            }
        }
    }
    let _ = sub.unsubscribe().await;
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        let t = inner.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = inner.source();
    }
    s
}

fn parse_hash(s: &str) -> Result<[u8; 32], ChainError> {
    hex::decode_fixed::<32>(s).map_err(|e| ChainError::Malformed(format!("hash {s:?}: {e}")))
}

impl ChainClient for RpcClient {
    async fn chain_info(&self) -> Result<ChainInfo, ChainError> {
        self.request(methods::SYSTEM_INFO, vec![]).await
    }

    async fn head(&self) -> Result<HeadInfo, ChainError> {
        let h: ChainHead = self.request(methods::CHAIN_GET_HEAD, vec![]).await?;
        Ok(h.finalized)
    }

    async fn header(&self, number: u64) -> Result<Option<HeadInfo>, ChainError> {
        self.request(methods::CHAIN_GET_HEADER, vec![number.into()])
            .await
    }

    async fn block(&self, number: u64) -> Result<Option<BlockInfo>, ChainError> {
        self.request(methods::CHAIN_GET_BLOCK, vec![number.into()])
            .await
    }

    async fn next_nonce(&self, who: &AccountId) -> Result<u32, ChainError> {
        self.request(methods::STATE_GET_NONCE, vec![who.to_string().into()])
            .await
    }

    async fn state_call(
        &self,
        method: &str,
        args: Vec<u8>,
        at: Option<u64>,
    ) -> Result<Vec<u8>, ChainError> {
        let mut params = vec![method.into(), hex::encode(&args).into()];
        if let Some(at) = at {
            params.push(at.into());
        }
        let out: String = self.request(methods::STATE_CALL, params).await?;
        decode_hex(&out, MAX_RESPONSE_BYTES as usize)
            .map_err(|e| ChainError::Malformed(format!("state_call result: {e}")))
    }

    async fn submit(&self, xt: Vec<u8>) -> Result<[u8; 32], ChainError> {
        let h: String = self
            .request(
                methods::AUTHOR_SUBMIT_EXTRINSIC,
                vec![hex::encode(&xt).into()],
            )
            .await?;
        parse_hash(&h)
    }

    async fn submit_and_watch(&self, xt: Vec<u8>) -> Result<Watch<TxStatus>, ChainError> {
        self.subscribe(
            methods::AUTHOR_SUBMIT_AND_WATCH_EXTRINSIC,
            vec![hex::encode(&xt).into()],
            methods::AUTHOR_UNWATCH_EXTRINSIC,
            TxStatus::is_final,
        )
        .await
    }

    async fn subscribe_heads(&self) -> Result<Watch<HeadInfo>, ChainError> {
        self.subscribe(
            methods::CHAIN_SUBSCRIBE_FINALIZED_HEADS,
            vec![],
            methods::CHAIN_UNSUBSCRIBE_FINALIZED_HEADS,
            |_| false,
        )
        .await
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn endpoints() {
        let e = Endpoint::parse("http://127.0.0.1:9944").unwrap();
        assert_eq!(e.ws, "ws://127.0.0.1:9944");
        let e = Endpoint::parse("ws://node:1234/").unwrap();
        assert_eq!(e.http, "http://node:1234");
        assert_eq!(
            Endpoint::parse("localhost").unwrap().http,
            "http://localhost:9944"
        );
        assert_eq!(Endpoint::parse("9955").unwrap(), Endpoint::local(9955));
        assert_eq!(Endpoint::parse("[::1]:9").unwrap().ws, "ws://[::1]:9");
        assert_eq!(Endpoint::parse("[::1]").unwrap().ws, "ws://[::1]:9944");
        assert!(Endpoint::parse("wss://x:1").is_err());
        assert!(Endpoint::parse("ftp://x:1").is_err());
        assert!(Endpoint::parse("http://x:1/path").is_err());
        assert!(Endpoint::parse("").is_err());
    }

    #[tokio::test]
    async fn unreachable_node_is_named() {
        // A port nothing listens on: bind one, read its number, close it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let c = RpcClient::new(Endpoint::local(port), Duration::from_secs(2)).unwrap();
        match c.head().await {
            Err(ChainError::Unreachable { endpoint, .. }) => {
                assert_eq!(endpoint, format!("http://127.0.0.1:{port}"));
            }
            other => panic!("expected Unreachable, got {other:?}"),
        }
        assert!(matches!(
            c.subscribe_heads().await,
            Err(ChainError::Unreachable { .. })
        ));
    }
}
