//! One validator's engine: simplex consensus, marshal (ordered finalized blocks, block
//! dissemination and backfill) and their archives, wired to a [`Chain`].
//!
//! The wiring is generic over the runtime and the network so the same code runs on the tokio
//! runtime with authenticated p2p (real nodes) and on the deterministic runtime with the
//! simulated network (tests). Nothing here depends on how many validators there are: one
//! validator is a participant set of one.

use std::num::{NonZeroU16, NonZeroU64, NonZeroUsize};
use std::sync::Arc;
use std::time::Duration;

use commonware_broadcast::buffered;
use commonware_consensus::marshal::standard::{Inline, Standard};
use commonware_consensus::marshal::{self, core::Actor, resolver::p2p as marshal_resolver};
use commonware_consensus::simplex::{
    self,
    config::{ForwardPolicy, SkipBudget, SkipPolicy},
    elector::RoundRobin,
};
use commonware_consensus::types::{Epoch, FixedEpocher, ViewDelta};
use commonware_cryptography::certificate::Verifier as _;
use commonware_cryptography::{Sha256, certificate::ConstantProvider, ed25519};
use commonware_p2p::{Blocker, Provider, Receiver, Sender};
use commonware_parallel::Sequential;
use commonware_runtime::{Clock, Handle, Metrics, Spawner, Storage, buffer::paged::CacheRef};
use commonware_storage::archive::immutable;
use commonware_utils::ordered::Set;
use futures::channel::mpsc;
use rand_core_cw::CryptoRng;

use crate::application::{App, Finalizer, Scheme, run_finalizer};
use crate::block::{Block, BlockCodec};
use crate::chain::{Chain, RawBlock};

/// Namespace of every signature of the engine (votes, certificates, p2p handshakes).
pub const NAMESPACE: &[u8] = b"agora-consensus-v1";

/// Engine tuning shared by every validator of a network.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// Target time between blocks.
    pub block_time: Duration,
    /// Largest encoded block accepted from the network.
    pub max_block_size: usize,
    /// Storage partition prefix (one per node).
    pub partition: String,
}

impl EngineConfig {
    /// How long a view waits for its leader's proposal before voting to skip it: long enough
    /// for the block time plus building a full block.
    pub fn leader_timeout(&self) -> Duration {
        self.block_time.saturating_mul(2) + Duration::from_secs(2)
    }
}

/// The (sender, receiver) pairs of the five channels one validator uses.
pub struct Channels<S, R> {
    /// Simplex votes.
    pub votes: (S, R),
    /// Simplex certificates.
    pub certificates: (S, R),
    /// Simplex certificate fetches.
    pub resolver: (S, R),
    /// Marshal's backfill of finalized blocks.
    pub backfill: (S, R),
    /// Block dissemination (buffered broadcast).
    pub broadcast: (S, R),
}

/// Channel ids on the p2p network.
pub mod channel {
    /// Simplex votes.
    pub const VOTES: u64 = 0;
    /// Simplex certificates.
    pub const CERTIFICATES: u64 = 1;
    /// Simplex certificate fetches.
    pub const RESOLVER: u64 = 2;
    /// Marshal backfill.
    pub const BACKFILL: u64 = 3;
    /// Block broadcast.
    pub const BROADCAST: u64 = 4;
}

const PAGE_SIZE: NonZeroU16 = NonZeroU16::new(4096).expect("non-zero");
const PAGE_CACHE: NonZeroUsize = NonZeroUsize::new(1024).expect("non-zero");
const MAILBOX: NonZeroUsize = NonZeroUsize::new(1024).expect("non-zero");
const BUFFER: NonZeroUsize = NonZeroUsize::new(1 << 16).expect("non-zero");
/// One epoch for the whole chain: the validator set is fixed by genesis (validator-set
/// changes would start a new epoch).
const EPOCH_LENGTH: NonZeroU64 = NonZeroU64::new(1 << 62).expect("non-zero");

/// The consensus participant set from validator keys.
pub fn participants(keys: &[ed25519::PublicKey]) -> Option<Set<ed25519::PublicKey>> {
    Set::try_from(keys.to_vec()).ok()
}

/// Starts one validator: marshal, the block buffer, backfill, the finalizer and simplex.
/// `signer` must be one of `validators`.
#[allow(clippy::too_many_arguments)]
pub async fn start_validator<E, S, R, P, B>(
    context: E,
    config: &EngineConfig,
    chain: Arc<dyn Chain>,
    genesis: RawBlock,
    signer: ed25519::PrivateKey,
    validators: Set<ed25519::PublicKey>,
    channels: Channels<S, R>,
    peers: P,
    blocker: B,
) -> Result<Handle<()>, String>
where
    E: Clock + CryptoRng + Spawner + Storage + Metrics,
    S: Sender<PublicKey = ed25519::PublicKey>,
    R: Receiver<PublicKey = ed25519::PublicKey>,
    P: Provider<PublicKey = ed25519::PublicKey>,
    B: Blocker<PublicKey = ed25519::PublicKey>,
{
    use commonware_cryptography::Signer as _;
    let me = signer.public_key();
    let scheme = Scheme::signer(NAMESPACE, validators, signer)
        .ok_or("the validator key is not in the validator set")?;
    let codec = BlockCodec {
        max_size: config.max_block_size,
        chain: chain.clone(),
    };
    let page_cache = CacheRef::new(PAGE_SIZE, PAGE_CACHE);
    let prefix = config.partition.clone();

    // Backfill of finalized blocks and certificates from peers.
    let (resolver_rx, resolver) = marshal_resolver::init(
        context.child("backfill"),
        marshal_resolver::Config {
            public_key: me.clone(),
            peer_provider: peers.clone(),
            blocker: blocker.clone(),
            mailbox_size: MAILBOX,
            fetch_timeout: commonware_utils::NZDuration!(Duration::from_secs(2)),
            fetch_retry_delay: Duration::from_millis(100),
            priority_requests: false,
            priority_responses: false,
        },
        channels.backfill,
    );

    // Dissemination of proposed blocks.
    let (broadcast_engine, buffer) = buffered::Engine::new(
        context.child("broadcast"),
        buffered::Config {
            public_key: me.clone(),
            mailbox_size: MAILBOX,
            deque_size: 16,
            priority: false,
            codec_config: codec.clone(),
            peer_provider: peers.clone(),
            strategy: Sequential,
        },
    );
    broadcast_engine.start(channels.broadcast);

    let finalizations = immutable::Archive::init(
        context.child("finalizations"),
        archive_config(
            &prefix,
            "finalizations",
            &page_cache,
            Scheme::certificate_codec_config_unbounded(),
        ),
    )
    .await
    .map_err(|e| format!("finalizations archive: {e}"))?;
    let blocks = immutable::Archive::init(
        context.child("blocks"),
        archive_config(&prefix, "blocks", &page_cache, codec.clone()),
    )
    .await
    .map_err(|e| format!("blocks archive: {e}"))?;

    let genesis_digest = crate::block::digest(genesis.id.hash);
    let genesis_block = commonware_cryptography::Digested::precomputed(
        crate::block::from_raw(genesis),
        genesis_digest,
    );
    let epocher = FixedEpocher::new(EPOCH_LENGTH);
    let (actor, mailbox, _floor) = Actor::<_, Standard<Block>, _, _, _, _, _, _>::init(
        context.child("marshal"),
        finalizations,
        blocks,
        marshal::Config {
            provider: ConstantProvider::new(scheme.clone()),
            epocher: epocher.clone(),
            start: marshal::Start::Genesis(genesis_block.clone()),
            partition_prefix: format!("{prefix}-marshal"),
            mailbox_size: MAILBOX,
            view_retention: ViewDelta::new(64),
            prunable_items_per_section: NonZeroU64::new(64).expect("non-zero"),
            page_cache: page_cache.clone(),
            replay_buffer: BUFFER,
            key_write_buffer: BUFFER,
            value_write_buffer: BUFFER,
            block_codec_config: codec,
            max_repair: NonZeroUsize::new(64).expect("non-zero"),
            max_pending_acks: NonZeroUsize::new(8).expect("non-zero"),
            strategy: Sequential,
        },
    )
    .await;

    let (tx, rx) = mpsc::unbounded();
    let finalizing = chain.clone();
    context
        .child("finalizer")
        .spawn(move |ctx| run_finalizer(ctx, finalizing, rx));
    actor.start(Finalizer { tx }, buffer, (resolver_rx, resolver));

    let app = App {
        chain,
        block_time: config.block_time,
    };
    let wrapper = Inline::new(context.child("application"), app, mailbox, epocher);
    let leader_timeout = config.leader_timeout();
    let engine = simplex::Engine::new(
        context.child("simplex"),
        simplex::config::Config {
            scheme,
            elector: RoundRobin::<Sha256>::default(),
            blocker,
            automaton: wrapper.clone(),
            relay: wrapper.clone(),
            reporter: wrapper,
            strategy: Sequential,
            partition: format!("{prefix}-simplex"),
            mailbox_size: MAILBOX,
            epoch: Epoch::zero(),
            floor: simplex::config::Floor::Genesis(genesis_digest),
            replay_buffer: BUFFER,
            write_buffer: BUFFER,
            page_cache,
            leader_timeout,
            certification_timeout: leader_timeout * 2,
            timeout_retry: leader_timeout,
            view_retention: ViewDelta::new(64),
            skip: SkipPolicy::Enabled {
                timeout: leader_timeout * 3,
                budget: SkipBudget::Participants,
            },
            fetch_timeout: commonware_utils::NZDuration!(Duration::from_secs(1)),
            fetch_retry_delay: Duration::from_millis(100),
            forward: ForwardPolicy::Disabled,
            track_historical_votes: false,
        },
    );
    Ok(engine.start(channels.votes, channels.certificates, channels.resolver))
}

/// Configuration of one of marshal's immutable archives (finalized blocks, finalizations).
fn archive_config<C>(
    prefix: &str,
    name: &str,
    page_cache: &CacheRef,
    codec_config: C,
) -> immutable::Config<C> {
    immutable::Config {
        metadata_partition: format!("{prefix}-{name}-metadata"),
        freezer_table_partition: format!("{prefix}-{name}-freezer-table"),
        freezer_table_initial_size: 1 << 12,
        freezer_table_resize_frequency: 4,
        freezer_table_resize_chunk_size: 1 << 10,
        freezer_key_partition: format!("{prefix}-{name}-freezer-key"),
        freezer_key_page_cache: page_cache.clone(),
        freezer_value_partition: format!("{prefix}-{name}-freezer-value"),
        freezer_value_target_size: 1 << 27,
        freezer_value_compression: None,
        ordinal_partition: format!("{prefix}-{name}-ordinal"),
        items_per_section: NonZeroU64::new(1 << 12).expect("non-zero"),
        codec_config,
        replay_buffer: BUFFER,
        freezer_key_write_buffer: BUFFER,
        freezer_value_write_buffer: BUFFER,
        ordinal_write_buffer: BUFFER,
    }
}
