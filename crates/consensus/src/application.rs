//! The marshal [`Application`] and finalized-block [`Reporter`] over a [`Chain`].
//!
//! Everything chain-specific is a call through `Arc<dyn Chain>`, so the engine's generics are
//! instantiated once, here, and editing the node never re-monomorphizes the engine.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use commonware_actor::Feedback;
use commonware_consensus::marshal::Update;
use commonware_consensus::marshal::ancestry::Ancestry;
use commonware_consensus::simplex::types::Context;
use commonware_consensus::{Application, Reporter};
use commonware_cryptography::{Digested, ed25519};
use commonware_runtime::{Clock, Metrics, Spawner};
use commonware_utils::Acknowledgement;
use commonware_utils::acknowledgement::Exact;
use futures::StreamExt;
use futures::channel::mpsc;
use tracing::{error, warn};

use crate::block::{self, Block, Digest};
use crate::chain::{Chain, RawBlock, Round};

/// The simplex signing scheme: ed25519, attributable (equivocation evidence names signers).
pub type Scheme = commonware_consensus::simplex::scheme::ed25519::Scheme;

/// The [`Application`] marshal drives.
#[derive(Clone)]
pub(crate) struct App {
    pub(crate) chain: Arc<dyn Chain>,
    /// Minimum time between a parent's timestamp and its child's proposal.
    pub(crate) block_time: Duration,
}

pub(crate) fn millis(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

fn key_bytes(pk: &ed25519::PublicKey) -> [u8; 32] {
    let mut out = [0u8; 32];
    let b: &[u8] = pk.as_ref();
    let n = b.len().min(32);
    out[..n].copy_from_slice(&b[..n]);
    out
}

impl App {
    /// Walks the ancestry stream back to the first block the chain knows; returns the
    /// unknown ones oldest first.
    async fn unknown_ancestors(&self, mut ancestry: impl Ancestry<Block>) -> Vec<RawBlock> {
        let mut out = Vec::new();
        while let Some(b) = ancestry.next().await {
            let raw = b.inner().raw().clone();
            if self.chain.knows(&raw.id.hash) {
                break;
            }
            out.push(raw);
        }
        out.reverse();
        out
    }
}

impl<E> Application<E> for App
where
    E: Clock + Spawner + Metrics,
{
    type SigningScheme = Scheme;
    type Context = Context<Digest, ed25519::PublicKey>;
    type Block = Block;
    type Input = ();

    async fn propose(
        &mut self,
        (runtime, context): (E, Self::Context),
        ancestry: impl Ancestry<Block>,
        _input: (),
    ) -> Option<Digested<Block>> {
        let parent = ancestry.peek()?.inner().raw().clone();
        let mut ancestors = self.unknown_ancestors(ancestry).await;
        if ancestors
            .last()
            .is_some_and(|b| b.id.hash == parent.id.hash)
        {
            ancestors.pop();
        }
        // Block time: propose no earlier than the parent's timestamp plus the block time.
        let block_ms = u64::try_from(self.block_time.as_millis()).unwrap_or(u64::MAX);
        let target = parent.id.timestamp_ms.saturating_add(block_ms);
        let now = millis(runtime.current());
        if now < target {
            runtime.sleep(Duration::from_millis(target - now)).await;
        }
        let round = Round {
            view: context.round.view().get(),
            leader: key_bytes(&context.leader),
            now_ms: millis(runtime.current()),
        };
        let chain = self.chain.clone();
        let built = runtime
            .shared(true)
            .spawn(move |_| async move {
                let bytes = chain.propose(&ancestors, &parent, &round)?;
                block::parse(&*chain, bytes)
            })
            .await;
        match built {
            Ok(Some(raw)) => {
                let digest = block::digest(raw.id.hash);
                Some(Digested::precomputed(block::from_raw(raw), digest))
            }
            Ok(None) => None,
            Err(e) => {
                error!(error = ?e, "proposal task failed");
                None
            }
        }
    }

    async fn verify(
        &mut self,
        (runtime, context): (E, Self::Context),
        ancestry: impl Ancestry<Block>,
    ) -> bool {
        let Some(block) = ancestry.peek().map(|b| b.inner().raw().clone()) else {
            return false;
        };
        let mut ancestors = self.unknown_ancestors(ancestry).await;
        // The stream starts with the block itself; keep only its ancestors.
        if ancestors.last().is_some_and(|b| b.id.hash == block.id.hash) {
            ancestors.pop();
        }
        let round = Round {
            view: context.round.view().get(),
            leader: key_bytes(&context.leader),
            now_ms: millis(runtime.current()),
        };
        let chain = self.chain.clone();
        match runtime
            .shared(true)
            .spawn(move |_| async move { chain.verify(&ancestors, &block, &round) })
            .await
        {
            Ok(valid) => valid,
            Err(e) => {
                // A failed task is no verdict: never vote against a block for a local fault.
                error!(error = ?e, "verification task failed");
                futures::future::pending::<bool>().await
            }
        }
    }
}

/// Receives marshal's in-order finalized blocks and hands them to the chain.
#[derive(Clone)]
pub(crate) struct Finalizer {
    pub(crate) tx: mpsc::UnboundedSender<(RawBlock, Exact)>,
}

impl Reporter for Finalizer {
    type Activity = Update<Block, Exact>;

    fn report(&mut self, activity: Self::Activity) -> Feedback {
        match activity {
            Update::Block(block, ack) => {
                let raw = block.inner().raw().clone();
                if self.tx.unbounded_send((raw, ack)).is_err() {
                    return Feedback::Closed;
                }
                Feedback::Ok
            }
            Update::Tip(..) => Feedback::Ok,
        }
    }
}

/// Commits finalized blocks one at a time, acknowledging each after the chain made it durable.
/// A commit failure stops the node rather than acknowledging a block that was not stored.
pub(crate) async fn run_finalizer<E: Spawner + Clock>(
    context: E,
    chain: Arc<dyn Chain>,
    mut rx: mpsc::UnboundedReceiver<(RawBlock, Exact)>,
) {
    while let Some((block, ack)) = rx.next().await {
        let chain = chain.clone();
        let height = block.id.height;
        let result = context
            .child("finalize")
            .shared(true)
            .spawn(move |_| async move { chain.finalized(&block) })
            .await;
        match result {
            Ok(Ok(())) => ack.acknowledge(),
            Ok(Err(e)) => {
                error!(height, error = %e, "committing a finalized block failed; stopping");
                let _ = context.stop(1, None).await;
                return;
            }
            Err(e) => {
                warn!(height, error = ?e, "finalize task aborted");
                return;
            }
        }
    }
}
