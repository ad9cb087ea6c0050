//! The epoch scheduler's drain of pending emission (protocol.md §3.5, §3.8, `drain_pending`,
//! `ST/coinbase/run_coinbase.rs:347-431`).
//!
//! Every block, for every non-root subnet in netuid order: `BlocksSinceLastStep` grows; a due
//! epoch either runs (at most `MaxEpochsPerBlock` per block, the rest deferred one block with
//! `EpochDeferred`) or, if the subnet's state is inconsistent, is skipped with `EpochSkipped`
//! and its pending emission keeps accumulating. A run takes and zeroes the four pending pools.
//! Either way the slot is consumed.

use agora_primitives::AccountId;

use crate::block::should_run_epoch;
use crate::ctx::Ctx;
use crate::event::SubtensorEvent;
use crate::state::Map;
use crate::state::Overlay;
use crate::storage::*;

/// Pending amounts drained for one epoch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Miner emission.
    pub server: u64,
    /// Validator emission.
    pub validator: u64,
    /// Root alpha dividends.
    pub root: u64,
    /// Owner cut.
    pub owner_cut: u64,
}

/// True if no hotkey holds two uids (`is_epoch_input_state_consistent`).
pub fn epoch_input_consistent(st: &Overlay<'_>, netuid: NetUid) -> bool {
    let mut hotkeys: Vec<AccountId> = KEYS
        .iter_prefix(st, &netuid)
        .into_iter()
        .map(|(_, h)| h)
        .collect();
    let n = hotkeys.len();
    hotkeys.sort_unstable();
    hotkeys.dedup();
    hotkeys.len() == n
}

/// `drain_pending` over `subnets` (every non-root subnet, in netuid order) at block `ctx.block`:
/// the subnets whose epoch runs this block, with what they drained, in netuid order.
pub fn drain_pending(ctx: &mut Ctx<'_>, subnets: &[NetUid]) -> Vec<(NetUid, Pending)> {
    let now = ctx.block;
    let max_epochs = u32::from(MAX_EPOCHS_PER_BLOCK.get(&ctx.st));
    let mut run = 0u32;
    let mut drained = Vec::new();
    for &netuid in subnets {
        BLOCKS_SINCE_LAST_STEP.mutate(&mut ctx.st, &netuid, |b| *b = b.saturating_add(1));
        if !should_run_epoch(&ctx.st, netuid, now) {
            continue;
        }
        if run >= max_epochs {
            let next = now.saturating_add(1);
            PENDING_EPOCH_AT.insert(&mut ctx.st, &netuid, &next);
            ctx.deposit(SubtensorEvent::EpochDeferred {
                netuid,
                from_block: now,
                to_block: next,
            });
            continue;
        }
        if epoch_input_consistent(&ctx.st, netuid) {
            BLOCKS_SINCE_LAST_STEP.insert(&mut ctx.st, &netuid, &0);
            let mut take = |m: &Map<NetUid, u64>| {
                let v = m.get(&ctx.st, &netuid);
                m.insert(&mut ctx.st, &netuid, &0);
                v
            };
            let pending = Pending {
                server: take(&PENDING_SERVER_EMISSION),
                validator: take(&PENDING_VALIDATOR_EMISSION),
                root: take(&PENDING_ROOT_ALPHA_DIVS),
                owner_cut: take(&PENDING_OWNER_CUT),
            };
            drained.push((netuid, pending));
            run = run.saturating_add(1);
        } else {
            ctx.deposit(SubtensorEvent::EpochSkipped { netuid, block: now });
        }
        LAST_EPOCH_BLOCK.insert(&mut ctx.st, &netuid, &now);
        PENDING_EPOCH_AT.insert(&mut ctx.st, &netuid, &0);
        SUBNET_EPOCH_INDEX.mutate(&mut ctx.st, &netuid, |i| *i = i.saturating_add(1));
    }
    drained
}
