//! JSON-RPC 2.0 over HTTP and WebSocket (one port), with jsonrpsee.
//!
//! Every method is documented with an example in `docs/rpc.md`. Reads answer from the
//! committed (finalized) state; the read functions of the runtime come from
//! [`crate::reads::READS`]. Limits: request and response bodies, connections, subscriptions
//! per connection and batch sizes are bounded ([`RpcLimits`]).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use agora_primitives::hashing::blake2_256;
use agora_runtime::state::merkle;
use agora_runtime::state::{Backend, Overlay};
use agora_storage::Snapshot;
use jsonrpsee::core::SubscriptionResult;
use jsonrpsee::server::{
    BatchRequestConfig, PendingSubscriptionSink, RpcModule, Server, ServerConfig, ServerHandle,
    SubscriptionMessage,
};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::Serialize;
use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::block::Block;
use crate::chain::{NodeChain, hex, hex32};
use crate::events::{EventInfo, HeadInfo, TxStatus};
use crate::reads::READS;
use crate::receipts::StoredReceipts;

/// Error codes of the node's own errors (JSON-RPC reserves -32768..-32000 for itself).
pub mod codes {
    /// The extrinsic was refused by the mempool; `data` names the reason.
    pub const REJECTED: i32 = 1010;
    /// A parameter is malformed.
    pub const BAD_PARAM: i32 = -32602;
    /// The node failed internally (database unavailable).
    pub const INTERNAL: i32 = -32603;
}

/// Bounds on what clients may ask of the server.
#[derive(Clone, Debug)]
pub struct RpcLimits {
    /// Largest request body (bytes).
    pub max_request_body: u32,
    /// Largest response body (bytes).
    pub max_response_body: u32,
    /// Most simultaneous connections.
    pub max_connections: u32,
    /// Most subscriptions on one connection.
    pub max_subscriptions_per_connection: u32,
    /// Most calls in one batch.
    pub max_batch: u32,
}

impl Default for RpcLimits {
    fn default() -> Self {
        Self {
            // An extrinsic is at most 512 KiB, i.e. 1 MiB of hex.
            max_request_body: 2 * 1024 * 1024,
            max_response_body: 32 * 1024 * 1024,
            max_connections: 256,
            max_subscriptions_per_connection: 256,
            max_batch: 64,
        }
    }
}

/// Static facts about the chain that RPC reports.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChainInfo {
    /// The genesis file's chain id.
    pub chain_id: String,
    /// Runtime genesis hash (bound into extrinsic signatures), hex.
    pub genesis_hash: String,
    /// Hash of block 0, hex.
    pub genesis_block_hash: String,
    /// SS58 prefix of addresses.
    pub ss58_format: u16,
    /// Target block time (ms).
    pub block_time_ms: u64,
    /// Number of validators.
    pub validators: usize,
    /// Node software version.
    pub version: String,
    /// True for a development chain.
    pub dev: bool,
}

/// State behind the RPC methods.
pub struct RpcContext {
    /// The chain.
    pub chain: Arc<NodeChain>,
    /// Static information.
    pub info: ChainInfo,
}

fn err(code: i32, msg: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, msg.into(), None::<()>)
}

fn internal(e: impl std::fmt::Display) -> ErrorObjectOwned {
    err(codes::INTERNAL, e.to_string())
}

fn snapshot(ctx: &RpcContext) -> Result<Snapshot, ErrorObjectOwned> {
    ctx.chain.store().snapshot().map_err(internal)
}

fn parse_hex(s: &str, what: &str, max: usize) -> Result<Vec<u8>, ErrorObjectOwned> {
    let h = s.strip_prefix("0x").unwrap_or(s);
    if !h.len().is_multiple_of(2) || h.len() / 2 > max {
        return Err(err(
            codes::BAD_PARAM,
            format!("{what}: expected at most {max} bytes of even-length hex"),
        ));
    }
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&h[i..i + 2], 16))
        .collect::<Result<Vec<u8>, _>>()
        .map_err(|_| err(codes::BAD_PARAM, format!("{what}: not hex")))
}

fn parse_hash(s: &str) -> Result<[u8; 32], ErrorObjectOwned> {
    let v = parse_hex(s, "hash", 32)?;
    <[u8; 32]>::try_from(v.as_slice()).map_err(|_| err(codes::BAD_PARAM, "hash: expected 32 bytes"))
}

/// A block as RPC shows it.
#[derive(Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct BlockInfo {
    header: HeadInfo,
    extrinsics: Vec<String>,
    receipts: Vec<Value>,
    events: Vec<EventInfo>,
}

fn block_at(snap: &Snapshot, number: u64) -> Option<(Block, StoredReceipts)> {
    let block = Block::decode_bounded(&snap.block(number)?).ok()?;
    let receipts = StoredReceipts::decode_stored(&snap.receipts(number)?)?;
    Some((block, receipts))
}

fn receipt_json(r: &crate::receipts::StoredReceipt, index: usize) -> Value {
    json!({
        "hash": hex32(&r.hash),
        "index": index,
        "signer": r.signer.to_string(),
        "nonce": r.nonce,
        "fee": r.fee,
        "success": r.error.is_none(),
        "error": r.error,
        "events": r.events.iter().map(|e| EventInfo::of(e, json!({"extrinsic": index}))).collect::<Vec<_>>(),
    })
}

fn block_info(block: &Block, receipts: &StoredReceipts) -> BlockInfo {
    let all = crate::events::BlockEvents::of(HeadInfo::of(&block.header, block.hash()), receipts);
    BlockInfo {
        header: all.block,
        extrinsics: block
            .extrinsics
            .iter()
            .map(|x| format!("0x{}", hex(x)))
            .collect(),
        receipts: receipts
            .receipts
            .iter()
            .enumerate()
            .map(|(i, r)| receipt_json(r, i))
            .collect(),
        events: all.events,
    }
}

/// A block id parameter: a number, a `0x` hash, or absent for the finalized head.
fn block_number(snap: &Snapshot, id: Option<Value>) -> Result<Option<u64>, ErrorObjectOwned> {
    match id {
        None | Some(Value::Null) => Ok(snap.head().map(|h| h.number)),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or_else(|| {
            err(
                codes::BAD_PARAM,
                "block number must be a non-negative integer",
            )
        }),
        Some(Value::String(s)) => Ok(snap.block_number(&parse_hash(&s)?)),
        Some(_) => Err(err(codes::BAD_PARAM, "block id must be a number or a hash")),
    }
}

fn timed<R>(ctx: &RpcContext, method: &str, f: impl FnOnce() -> R) -> R {
    let start = Instant::now();
    let r = f();
    ctx.chain.metrics.observe_rpc(method, start.elapsed());
    r
}

/// Builds the RPC module.
pub fn module(ctx: RpcContext) -> Result<RpcModule<RpcContext>, String> {
    let mut m = RpcModule::new(ctx);
    let reg = |e: jsonrpsee::core::RegisterMethodError| e.to_string();

    m.register_method("system_info", |_, ctx, _| {
        timed(ctx, "system_info", || {
            serde_json::to_value(&ctx.info).unwrap_or(Value::Null)
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("chain_getHead", |_, ctx, _| {
        timed(&ctx, "chain_getHead", || {
            let snap = snapshot(&ctx)?;
            let head = snap.head().ok_or_else(|| internal("no head"))?;
            let (block, _) =
                block_at(&snap, head.number).ok_or_else(|| internal("head block missing"))?;
            let best = ctx.chain.best().filter(|(n, _)| *n > head.number);
            Ok::<_, ErrorObjectOwned>(json!({
                "finalized": HeadInfo::of(&block.header, head.hash),
                "best": best.map_or_else(
                    || json!({"number": head.number, "hash": hex32(&head.hash)}),
                    |(n, h)| json!({"number": n, "hash": hex32(&h)}),
                ),
            }))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("chain_getBlockHash", |p, ctx, _| {
        timed(&ctx, "chain_getBlockHash", || {
            let number: u64 = p.one()?;
            let snap = snapshot(&ctx)?;
            Ok::<_, ErrorObjectOwned>(block_at(&snap, number).map(|(b, _)| hex32(&b.hash())))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("chain_getBlock", |p, ctx, _| {
        timed(&ctx, "chain_getBlock", || {
            let id: Option<Value> = p.sequence().optional_next()?;
            let snap = snapshot(&ctx)?;
            let Some(n) = block_number(&snap, id)? else {
                return Ok::<_, ErrorObjectOwned>(None);
            };
            Ok(block_at(&snap, n).map(|(b, r)| block_info(&b, &r)))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("chain_getHeader", |p, ctx, _| {
        timed(&ctx, "chain_getHeader", || {
            let id: Option<Value> = p.sequence().optional_next()?;
            let snap = snapshot(&ctx)?;
            let Some(n) = block_number(&snap, id)? else {
                return Ok::<_, ErrorObjectOwned>(None);
            };
            Ok(block_at(&snap, n).map(|(b, _)| HeadInfo::of(&b.header, b.hash())))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("chain_getTransaction", |p, ctx, _| {
        timed(&ctx, "chain_getTransaction", || {
            let hash = parse_hash(&p.one::<String>()?)?;
            let snap = snapshot(&ctx)?;
            let Some(loc) = snap.tx_location(&hash) else {
                return Ok::<_, ErrorObjectOwned>(None);
            };
            let (block, receipts) =
                block_at(&snap, loc.block).ok_or_else(|| internal("block missing"))?;
            let i = usize::try_from(loc.index).unwrap_or(usize::MAX);
            let r = receipts
                .receipts
                .get(i)
                .ok_or_else(|| internal("receipt missing"))?;
            let mut v = receipt_json(r, i);
            if let Value::Object(o) = &mut v {
                o.insert("block".into(), json!(hex32(&block.hash())));
                o.insert("number".into(), json!(loc.block));
            }
            Ok(Some(v))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("state_getStorage", |p, ctx, _| {
        timed(&ctx, "state_getStorage", || {
            let key = parse_hex(&p.one::<String>()?, "key", 4096)?;
            let snap = snapshot(&ctx)?;
            Ok::<_, ErrorObjectOwned>(snap.get(&key).map(|v| format!("0x{}", hex(&v))))
        })
    })
    .map_err(reg)?;
    m.register_blocking_method("state_getProof", |p, ctx, _| {
        timed(&ctx, "state_getProof", || {
            let key = parse_hex(&p.one::<String>()?, "key", 4096)?;
            let snap = snapshot(&ctx)?;
            let proof = merkle::prove(&snap, &key);
            Ok::<_, ErrorObjectOwned>(json!({
                "root": hex32(&snap.root()),
                "number": snap.head().map(|h| h.number),
                "value": snap.get(&key).map(|v| format!("0x{}", hex(&v))),
                "keyHash": hex32(&blake2_256(&key)),
                "siblings": proof.siblings.iter().map(hex32).collect::<Vec<_>>(),
                "leaf": proof.leaf.map(|(k, v)| json!({"keyHash": hex32(&k), "valueHash": hex32(&v)})),
            }))
        })
    })
    .map_err(reg)?;
    for read in READS {
        let method = read.method;
        let call = read.call;
        m.register_blocking_method(method, move |p, ctx, _| {
            timed(&ctx, method, || {
                let snap = snapshot(&ctx)?;
                call(&Overlay::new(&snap), &p)
            })
        })
        .map_err(reg)?;
    }
    m.register_method("author_pendingExtrinsics", |_, ctx, _| {
        timed(ctx, "author_pendingExtrinsics", || ctx.chain.mempool_len())
    })
    .map_err(reg)?;
    m.register_blocking_method("author_submitExtrinsic", |p, ctx, _| {
        timed(&ctx, "author_submitExtrinsic", || {
            submit(&ctx, &p).map(|h| hex32(&h))
        })
    })
    .map_err(reg)?;
    m.register_subscription(
        "author_submitAndWatchExtrinsic",
        "author_extrinsicUpdate",
        "author_unwatchExtrinsic",
        |p, pending, ctx, _| async move { watch(p, pending, ctx).await },
    )
    .map_err(reg)?;
    m.register_subscription(
        "chain_subscribeNewHeads",
        "chain_newHead",
        "chain_unsubscribeNewHeads",
        |_, pending, ctx, _| async move {
            forward(pending, ctx.chain.events.new_heads.subscribe()).await
        },
    )
    .map_err(reg)?;
    m.register_subscription(
        "chain_subscribeFinalizedHeads",
        "chain_finalizedHead",
        "chain_unsubscribeFinalizedHeads",
        |_, pending, ctx, _| async move {
            forward(pending, ctx.chain.events.finalized_heads.subscribe()).await
        },
    )
    .map_err(reg)?;
    m.register_subscription(
        "chain_subscribeEvents",
        "chain_events",
        "chain_unsubscribeEvents",
        |_, pending, ctx, _| async move { forward(pending, ctx.chain.events.events.subscribe()).await },
    )
    .map_err(reg)?;
    Ok(m)
}

fn submit(ctx: &RpcContext, p: &Params<'_>) -> Result<[u8; 32], ErrorObjectOwned> {
    let bytes = parse_hex(
        &p.one::<String>()?,
        "extrinsic",
        agora_runtime::extrinsic::MAX_EXTRINSIC_LEN,
    )?;
    ctx.chain.submit(bytes).map_err(|r| {
        ErrorObjectOwned::owned(
            codes::REJECTED,
            r.to_string(),
            Some(json!({"reason": r.name()})),
        )
    })
}

async fn watch(
    p: Params<'static>,
    pending: PendingSubscriptionSink,
    ctx: Arc<RpcContext>,
) -> SubscriptionResult {
    let start = Instant::now();
    let bytes = match p.one::<String>() {
        Ok(s) => s,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    let parsed = parse_hex(
        &bytes,
        "extrinsic",
        agora_runtime::extrinsic::MAX_EXTRINSIC_LEN,
    );
    let bytes = match parsed {
        Ok(b) => b,
        Err(e) => {
            pending.reject(e).await;
            return Ok(());
        }
    };
    // Watch before submitting so that no status is missed.
    let hash = blake2_256(&bytes);
    let mut rx = ctx.chain.watchers.watch(hash);
    let chain = ctx.chain.clone();
    let submitted = tokio::task::spawn_blocking(move || chain.submit(bytes))
        .await
        .map_err(|e| e.to_string())?;
    if let Err(r) = submitted {
        pending
            .reject(ErrorObjectOwned::owned(
                codes::REJECTED,
                r.to_string(),
                Some(json!({"reason": r.name()})),
            ))
            .await;
        return Ok(());
    }
    ctx.chain
        .metrics
        .observe_rpc("author_submitAndWatchExtrinsic", start.elapsed());
    let sink = pending.accept().await?;
    loop {
        tokio::select! {
            () = sink.closed() => return Ok(()),
            status = rx.recv() => {
                let Some(status) = status else { return Ok(()) };
                let last = status.is_final();
                let msg = SubscriptionMessage::from(serde_json::value::to_raw_value(&status_json(&status, &hash))?);
                sink.send(msg).await?;
                if last {
                    return Ok(());
                }
            }
        }
    }
}

fn status_json(s: &TxStatus, hash: &[u8; 32]) -> Value {
    let mut v = serde_json::to_value(s).unwrap_or(Value::Null);
    if let Value::Object(o) = &mut v {
        o.insert("hash".into(), json!(hex32(hash)));
    }
    v
}

async fn forward<T: Serialize + Clone>(
    pending: PendingSubscriptionSink,
    mut rx: broadcast::Receiver<T>,
) -> SubscriptionResult {
    let sink = pending.accept().await?;
    loop {
        tokio::select! {
            () = sink.closed() => return Ok(()),
            msg = rx.recv() => match msg {
                Ok(item) => {
                    let m = SubscriptionMessage::from(serde_json::value::to_raw_value(&item)?);
                    sink.send(m).await?;
                }
                // A slow subscriber skips what it missed rather than stalling the node.
                Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            }
        }
    }
}

/// Starts the server on `addr`.
pub async fn serve(
    addr: SocketAddr,
    limits: &RpcLimits,
    module: RpcModule<RpcContext>,
) -> Result<(SocketAddr, ServerHandle), String> {
    let cfg = ServerConfig::builder()
        .max_request_body_size(limits.max_request_body)
        .max_response_body_size(limits.max_response_body)
        .max_connections(limits.max_connections)
        .max_subscriptions_per_connection(limits.max_subscriptions_per_connection)
        .set_batch_request_config(BatchRequestConfig::Limit(limits.max_batch))
        .build();
    let server = Server::builder()
        .set_config(cfg)
        .build(addr)
        .await
        .map_err(|e| format!("RPC listener on {addr}: {e}"))?;
    let local = server.local_addr().map_err(|e| e.to_string())?;
    Ok((local, server.start(module)))
}
