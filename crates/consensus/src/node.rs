//! A real node: commonware's tokio runtime, authenticated p2p with the validators' known
//! addresses (`lookup`), and one validator engine. The node's own services (RPC, metrics)
//! run on the same tokio runtime.

use std::future::Future;
use std::net::SocketAddr;
use std::num::{NonZeroU32, NonZeroUsize};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use commonware_cryptography::ChaCha20Poly1305;
use commonware_p2p::authenticated::lookup;
use commonware_p2p::{Address, AddressableManager as _};
use commonware_runtime::{Metrics as _, Quota, Runner as _, Spawner as _, Supervisor as _, tokio};
use commonware_stream::cups::{self, Cups};
use commonware_stream::sake::{self, Sake};
use commonware_utils::ordered::Map;

use crate::block;
use crate::chain::Chain;
use crate::engine::{Channels, EngineConfig, NAMESPACE, channel, participants, start_validator};
use crate::keys::{ValidatorKey, public_key};

/// How one node joins its network.
#[derive(Clone)]
pub struct NodeConfig {
    /// This validator's consensus key.
    pub key: ValidatorKey,
    /// Where the p2p listener binds.
    pub listen: SocketAddr,
    /// Every validator's public key and p2p address (this node included).
    pub validators: Vec<([u8; 32], SocketAddr)>,
    /// Directory of the engine's own storage (consensus journal, block archives).
    pub storage_dir: PathBuf,
    /// Engine settings.
    pub engine: EngineConfig,
    /// Worker threads of the tokio runtime.
    pub worker_threads: usize,
}

/// Renders the engine's metrics in the Prometheus text format.
pub type EngineMetrics = Arc<dyn Fn() -> String + Send + Sync>;

/// The node's services: started once the engine runs, and the node stops when they return.
pub type Services = Box<
    dyn FnOnce(EngineMetrics) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send,
>;

/// Runs the node until `services` returns (e.g. on a shutdown signal).
pub fn run(
    cfg: NodeConfig,
    chain: Arc<dyn Chain>,
    genesis: Vec<u8>,
    services: Services,
) -> Result<(), String> {
    let runner = tokio::Runner::new(
        tokio::Config::new()
            .with_worker_threads(cfg.worker_threads.max(1))
            .with_storage_directory(cfg.storage_dir.clone())
            .with_catch_panics(false),
    );
    runner.start(|context| async move {
        let signer = cfg.key.inner().clone();
        let mut publics = Vec::new();
        let mut addressed = Vec::new();
        for (pk, addr) in &cfg.validators {
            let pk = public_key(pk).ok_or("a validator public key is not a valid ed25519 key")?;
            publics.push(pk.clone());
            addressed.push((pk, Address::from(*addr)));
        }
        let validators = participants(&publics).ok_or("duplicate validator keys")?;
        let peers: Map<_, Address> = addressed
            .try_into()
            .map_err(|_| "duplicate validator keys".to_string())?;
        let max_message = u32::try_from(cfg.engine.max_block_size + 64 * 1024).unwrap_or(u32::MAX);
        let n = NonZeroUsize::new(publics.len().max(1)).ok_or("no validators")?;
        let handshake = Cups::<_, ChaCha20Poly1305>::new(
            Sake {
                signer: signer.clone(),
                synchrony_bound: Duration::from_secs(5),
                max_handshake_age: Duration::from_secs(10),
                version: sake::Version::V1,
            },
            cups::Version::V1,
        );
        let p2p_cfg = lookup::Config::local(
            handshake,
            NAMESPACE,
            cfg.listen,
            n,
            max_message,
            NonZeroUsize::new(1024).ok_or("mailbox")?,
        );
        let (mut network, mut oracle) = lookup::Network::new(context.child("p2p"), p2p_cfg);
        let _ = oracle.track(0, peers);
        let quota = Quota::per_second(NonZeroU32::new(10_000).ok_or("quota")?);
        let channels = Channels {
            votes: network.register(channel::VOTES, quota),
            certificates: network.register(channel::CERTIFICATES, quota),
            resolver: network.register(channel::RESOLVER, quota),
            backfill: network.register(channel::BACKFILL, quota),
            broadcast: network.register(channel::BROADCAST, quota),
        };
        network.start();
        let genesis_raw =
            block::parse(&*chain, genesis).ok_or("the chain rejects its own genesis block")?;
        start_validator(
            context.child("validator"),
            &cfg.engine,
            chain,
            genesis_raw,
            signer,
            validators,
            channels,
            oracle.clone(),
            oracle,
        )
        .await?;
        let metrics_context = context.child("metrics");
        let metrics: EngineMetrics = Arc::new(move || metrics_context.encode());
        let result = services(metrics).await;
        let _ = context.stop(0, Some(Duration::from_secs(5))).await;
        result
    })
}
