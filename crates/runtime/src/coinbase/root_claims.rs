//! Root claims (protocol.md §3.6, `ST/staking/claim_root.rs`): how root stakers collect the
//! root share of validator emission.
//!
//! At each epoch, a hotkey's root dividends (after its take) are not paid to anyone directly:
//! they raise `RootClaimable[h][i]`, a rate of alpha per unit of the hotkey's root stake. A
//! coldkey `c` staking `s` on root to `h` is owed `rate · s − RootClaimed[i, h, c]`. New root
//! stake is marked as already claimed at the current rate (it earns only future dividends) and
//! removed root stake lowers the mark. Claiming credits the owed alpha either as stake on the
//! subnet (`Keep`) or sells it for TAO and stakes that on root (`Swap`, the default), and
//! raises `RootClaimed` by what was claimed.
//!
//! Claims happen on `claim_root` (1–5 subnets) or automatically, each block, for `NumRootClaim`
//! coldkeys picked from the parent block hash over the dense index `StakingColdkeysByIndex`.
//!
//! # Invariants
//! - The owed alpha of every (hotkey, coldkey, subnet) is in `SubnetAlphaOut` of the subnet
//!   until claimed (it was minted as pending root dividends).
//! - `StakingColdkeys[c] == i ⇔ StakingColdkeysByIndex[i] == c`, with indices dense in
//!   `[0, NumStakingColdkeys)`.

use std::collections::{BTreeMap, BTreeSet};

use agora_primitives::{AccountId, I96F32};

use crate::balances::{self, subnet_account};
use crate::ctx::{Ctx, ensure, ensure_root, ensure_signed};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::governance::ensure_subnet_owner_or_root;
use crate::staking;
use crate::state::Overlay;
use crate::storage::*;
use crate::swap;
use crate::types::{Origin, RootClaimTypeEnum};

use super::emit::record_protocol_flow;

/// At most this many subnets per `claim_root` (`MAX_SUBNET_CLAIMS`).
pub const MAX_SUBNET_CLAIMS: usize = 5;
/// Upper bound of `NumRootClaim` (`MAX_NUM_ROOT_CLAIMS`).
pub const MAX_NUM_ROOT_CLAIMS: u64 = 50;
/// Upper bound of `RootClaimableThreshold` (`MAX_ROOT_CLAIM_THRESHOLD`).
pub const MAX_ROOT_CLAIM_THRESHOLD: u64 = 10_000_000;
/// Share-map keys the background index population visits per block (`ALPHA_MAP_BATCH_SIZE`).
pub const ALPHA_MAP_BATCH_SIZE: usize = 30;

fn i(x: u64) -> I96F32 {
    I96F32::saturating_from_num(x)
}

/// `block_hash_to_indices`: up to `k` distinct indices in `[0, n)` from a block hash, sorted.
/// Start at the hash's first 8 bytes; step `i` adds the hash's 8-byte word `i mod 4` (big
/// endian) and reduces mod `n` (0 for `n = 0`).
pub fn block_hash_to_indices(hash: &[u8; 32], k: u64, n: u64) -> Vec<u64> {
    let word = |at: usize| -> u64 {
        let mut b = [0u8; 8];
        if let Some(s) = hash.get(at..at.saturating_add(8)) {
            b.copy_from_slice(s);
        }
        u64::from_be_bytes(b)
    };
    let mut out = BTreeSet::new();
    let mut last = word(0);
    for step in 0..k {
        let at = usize::try_from(step.wrapping_mul(8) % 32).unwrap_or(0);
        let idx = last.saturating_add(word(at)).checked_rem(n).unwrap_or(0);
        out.insert(idx);
        last = idx;
    }
    out.into_iter().collect()
}

/// The claimable rate of `hotkey` on `netuid` (`RootClaimable[h][i]`, 0 if absent).
pub fn claimable_rate(st: &Overlay<'_>, hotkey: &AccountId, netuid: NetUid) -> I96F32 {
    ROOT_CLAIMABLE
        .get(st, hotkey)
        .get(&netuid)
        .map_or(i(0), |b| I96F32::from_bits(*b))
}

/// `increase_root_claimable_for_hotkey_and_subnet`: root dividends `amount` (after take) of
/// `hotkey` on `netuid` raise its claimable rate by `amount / root stake`. If `amount` exceeds
/// the root stake (only possible without root stake to speak of), it is staked to the
/// hotkey's owner on the subnet instead.
pub fn increase_root_claimable_for_hotkey_and_subnet(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    netuid: NetUid,
    amount: u64,
) {
    let total = i(staking::total_hotkey_alpha(st, hotkey, ROOT_NETUID));
    let increment = i(amount).checked_div(total).unwrap_or(i(0));
    if amount > total.saturating_to_num::<u64>() {
        let owner = OWNER.get(st, hotkey);
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            st, hotkey, &owner, netuid, amount,
        );
        return;
    }
    ROOT_CLAIMABLE.mutate(st, hotkey, |m| {
        let e = m.entry(netuid).or_insert(0);
        *e = I96F32::from_bits(*e).saturating_add(increment).to_bits();
    });
}

/// `get_root_owed_for_hotkey_coldkey_float`: `rate · root stake(h, c) − RootClaimed`.
pub fn owed_float(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
) -> I96F32 {
    owed_at_rate(
        st,
        hotkey,
        coldkey,
        netuid,
        claimable_rate(st, hotkey, netuid),
    )
}

/// [`owed_float`] with the hotkey's rate on `netuid` already read.
fn owed_at_rate(
    st: &Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    rate: I96F32,
) -> I96F32 {
    let stake = i(staking::alpha(st, hotkey, coldkey, ROOT_NETUID));
    let claimable = rate.saturating_mul(stake);
    let claimed = I96F32::saturating_from_num(ROOT_CLAIMED.get(st, &(netuid, *hotkey, *coldkey)));
    claimable.saturating_sub(claimed)
}

/// A hotkey's claimable rates, read once for a whole claim (claims do not change them).
type Rates = BTreeMap<NetUid, i128>;

/// `get_root_owed_for_hotkey_coldkey`: the owed amount floored, negative as 0.
pub fn owed(st: &Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId, netuid: NetUid) -> u64 {
    let o = owed_float(st, hotkey, coldkey, netuid);
    if o.is_negative() {
        0
    } else {
        o.saturating_to_num::<u64>()
    }
}

/// `root_claim_on_subnet`: claims what `coldkey` is owed through `hotkey` on `netuid`. Below the
/// subnet's `RootClaimableThreshold` (unless `ignore_minimum`) or at zero it does nothing. A
/// failing swap fails the claim and changes nothing.
pub fn root_claim_on_subnet(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    netuid: NetUid,
    claim_type: &RootClaimTypeEnum,
    ignore_minimum: bool,
) -> DispatchResult {
    let rates = ROOT_CLAIMABLE.get(&ctx.st, hotkey);
    let mut marks = Marks::default();
    claim_on_subnet(
        ctx,
        (hotkey, coldkey),
        netuid,
        (&rates, &mut marks),
        claim_type,
        ignore_minimum,
    )?;
    marks.flush(&mut ctx.st, hotkey, coldkey);
    Ok(())
}

/// Additions to the `RootClaimed` marks of one (hotkey, coldkey) made during one claim, kept
/// in memory and written once at its end. Every swap of a claim raises the marks on *all* the
/// hotkey's subnets, so writing them at once turns `k · n` writes into `n`; reads during the
/// claim see the stored mark plus the pending addition, so the result is the same.
#[derive(Default)]
struct Marks(BTreeMap<NetUid, u128>);

impl Marks {
    fn claimed(
        &self,
        st: &Overlay<'_>,
        hotkey: &AccountId,
        coldkey: &AccountId,
        netuid: NetUid,
    ) -> u128 {
        ROOT_CLAIMED
            .get(st, &(netuid, *hotkey, *coldkey))
            .saturating_add(self.0.get(&netuid).copied().unwrap_or(0))
    }

    fn add(&mut self, netuid: NetUid, x: u128) {
        let e = self.0.entry(netuid).or_insert(0);
        *e = e.saturating_add(x);
    }

    fn flush(self, st: &mut Overlay<'_>, hotkey: &AccountId, coldkey: &AccountId) {
        for (netuid, x) in self.0 {
            ROOT_CLAIMED.mutate(st, &(netuid, *hotkey, *coldkey), |c| {
                *c = c.saturating_add(x)
            });
        }
    }
}

/// [`root_claim_on_subnet`] with the hotkey's rates read and the claim's pending marks.
fn claim_on_subnet(
    ctx: &mut Ctx<'_>,
    (hotkey, coldkey): (&AccountId, &AccountId),
    netuid: NetUid,
    (rates, marks): (&Rates, &mut Marks),
    claim_type: &RootClaimTypeEnum,
    ignore_minimum: bool,
) -> DispatchResult {
    let rate = rates.get(&netuid).map_or(i(0), |b| I96F32::from_bits(*b));
    let stake = i(staking::alpha(&ctx.st, hotkey, coldkey, ROOT_NETUID));
    let claimed = I96F32::saturating_from_num(marks.claimed(&ctx.st, hotkey, coldkey, netuid));
    let owed_f = rate.saturating_mul(stake).saturating_sub(claimed);
    if !ignore_minimum && owed_f < i(ROOT_CLAIMABLE_THRESHOLD.get(&ctx.st, &netuid)) {
        return Ok(());
    }
    let owed = if owed_f.is_negative() {
        0
    } else {
        owed_f.saturating_to_num::<u64>()
    };
    if owed == 0 {
        return Ok(());
    }
    let swap = match claim_type {
        RootClaimTypeEnum::Swap => true,
        RootClaimTypeEnum::Keep => false,
        RootClaimTypeEnum::KeepSubnets { subnets } => !subnets.contains(&netuid),
    };
    if swap {
        let tao = ctx.transactional(|ctx| {
            let sold = swap::swap_alpha_for_tao(ctx, netuid, owed, swap::min_price(), true)?;
            let tao = sold.amount_paid_out;
            ensure(
                subnet_exists_raw(&ctx.st, ROOT_NETUID),
                Error::RootNetworkDoesNotExist,
            )?;
            balances::transfer(
                ctx,
                &subnet_account(netuid),
                &subnet_account(ROOT_NETUID),
                tao,
                false,
            )?;
            SUBNET_ROOT_SELL_TAO.mutate(&mut ctx.st, &netuid, |t| *t = t.saturating_add(tao));
            record_protocol_flow(&mut ctx.st, netuid, tao, false);
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut ctx.st,
                hotkey,
                coldkey,
                ROOT_NETUID,
                tao,
            );
            SUBNET_TAO.mutate(&mut ctx.st, &ROOT_NETUID, |t| *t = t.saturating_add(tao));
            SUBNET_ALPHA_OUT.mutate(&mut ctx.st, &ROOT_NETUID, |t| *t = t.saturating_add(tao));
            TOTAL_STAKE.mutate(&mut ctx.st, |t| *t = t.saturating_add(tao));
            Ok(tao)
        })?;
        // `add_stake_adjust_root_claimed` for the new root stake, at every rate.
        for (&n, &r) in rates {
            marks.add(n, claimed_delta(r, tao));
        }
    } else {
        staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
            &mut ctx.st,
            hotkey,
            coldkey,
            netuid,
            owed,
        );
    }
    marks.add(netuid, u128::from(owed));
    Ok(())
}

/// `floor(rate · amount)`, the change of a claimed mark for `amount` of root stake.
fn claimed_delta(rate: i128, amount: u64) -> u128 {
    I96F32::from_bits(rate)
        .saturating_mul(i(amount))
        .saturating_to_num::<u128>()
}

fn subnet_exists_raw(st: &Overlay<'_>, netuid: NetUid) -> bool {
    NETWORKS_ADDED.get(st, &netuid)
}

/// `root_claim_all`: claims on every subnet `hotkey` has a claimable rate on (restricted to
/// `subnets` if given), in netuid order; the first failure fails the whole claim.
pub fn root_claim_all(
    ctx: &mut Ctx<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    subnets: Option<&BTreeSet<NetUid>>,
) -> DispatchResult {
    let claim_type = ROOT_CLAIM_TYPE.get(&ctx.st, coldkey);
    let rates = ROOT_CLAIMABLE.get(&ctx.st, hotkey);
    let mut marks = Marks::default();
    for &netuid in rates.keys() {
        if subnets.is_some_and(|s| !s.contains(&netuid)) {
            continue;
        }
        claim_on_subnet(
            ctx,
            (hotkey, coldkey),
            netuid,
            (&rates, &mut marks),
            &claim_type,
            false,
        )?;
    }
    marks.flush(&mut ctx.st, hotkey, coldkey);
    Ok(())
}

/// `do_root_claim`: claims for every hotkey `coldkey` stakes to, atomically, and emits
/// `RootClaimed`.
pub fn do_root_claim(
    ctx: &mut Ctx<'_>,
    coldkey: &AccountId,
    subnets: Option<&BTreeSet<NetUid>>,
) -> DispatchResult {
    ctx.transactional(|ctx| {
        for hotkey in STAKING_HOTKEYS.get(&ctx.st, coldkey) {
            root_claim_all(ctx, &hotkey, coldkey, subnets)?;
        }
        ctx.deposit(SubtensorEvent::RootClaimed { coldkey: *coldkey });
        Ok(())
    })
}

/// `add_stake_adjust_root_claimed_for_hotkey_and_coldkey`: `amount` of new root stake of
/// (hotkey, coldkey) is marked as claimed at every current rate of the hotkey.
pub fn add_stake_adjust_root_claimed(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    amount: u64,
) {
    let rates = ROOT_CLAIMABLE.get(st, hotkey);
    adjust_claimed(st, hotkey, coldkey, amount, &rates, true);
}

/// `remove_stake_adjust_root_claimed_for_hotkey_and_coldkey`: `amount` of root stake removed
/// lowers the claimed marks at every current rate (skipping a rate on root itself).
pub fn remove_stake_adjust_root_claimed(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    amount: u64,
) {
    let rates = ROOT_CLAIMABLE.get(st, hotkey);
    adjust_claimed(st, hotkey, coldkey, amount, &rates, false);
}

/// Raises (`add`) or lowers the claimed marks of (hotkey, coldkey) by `floor(rate · amount)`
/// for each of the hotkey's rates; lowering skips a rate on root, as the reference does.
fn adjust_claimed(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    amount: u64,
    rates: &Rates,
    add: bool,
) {
    for (&netuid, &rate) in rates {
        if !add && netuid == ROOT_NETUID {
            continue;
        }
        let delta = claimed_delta(rate, amount);
        ROOT_CLAIMED.mutate(st, &(netuid, *hotkey, *coldkey), |c| {
            *c = if add {
                c.saturating_add(delta)
            } else {
                c.saturating_sub(delta)
            };
        });
    }
}

/// What staking calls after adding `amount` of root stake for (hotkey, coldkey)
/// (`stake_into_subnet` on netuid 0): the claimed marks are raised and the coldkey is indexed
/// for auto claims.
pub fn on_root_stake_added(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    amount: u64,
) {
    add_stake_adjust_root_claimed(st, hotkey, coldkey, amount);
    maybe_add_coldkey_index(st, coldkey);
}

/// What staking calls after removing `amount` of root stake of (hotkey, coldkey)
/// (`unstake_from_subnet` on netuid 0): the claimed marks are lowered and a coldkey left
/// without root stake leaves the auto-claim index.
pub fn on_root_stake_removed(
    st: &mut Overlay<'_>,
    hotkey: &AccountId,
    coldkey: &AccountId,
    amount: u64,
) {
    remove_stake_adjust_root_claimed(st, hotkey, coldkey, amount);
    if !coldkey_has_root_stake(st, coldkey) {
        maybe_remove_coldkey_index(st, coldkey);
    }
}

/// `maybe_add_coldkey_index`.
pub fn maybe_add_coldkey_index(st: &mut Overlay<'_>, coldkey: &AccountId) {
    if STAKING_COLDKEYS.contains(st, coldkey) {
        return;
    }
    let n = NUM_STAKING_COLDKEYS.get(st);
    STAKING_COLDKEYS_BY_INDEX.insert(st, &n, coldkey);
    STAKING_COLDKEYS.insert(st, coldkey, &n);
    NUM_STAKING_COLDKEYS.put(st, &n.saturating_add(1));
}

/// `coldkey_has_root_stake`: any of its staking hotkeys holds root stake of it.
pub fn coldkey_has_root_stake(st: &Overlay<'_>, coldkey: &AccountId) -> bool {
    STAKING_HOTKEYS
        .get(st, coldkey)
        .iter()
        .any(|h| staking::alpha(st, h, coldkey, ROOT_NETUID) != 0)
}

/// `maybe_remove_coldkey_index`: removes the coldkey and moves the last entry into its slot.
pub fn maybe_remove_coldkey_index(st: &mut Overlay<'_>, coldkey: &AccountId) {
    let Some(idx) = STAKING_COLDKEYS.take(st, coldkey) else {
        return;
    };
    let last = NUM_STAKING_COLDKEYS.get(st).saturating_sub(1);
    let moved = if idx != last {
        STAKING_COLDKEYS_BY_INDEX.take(st, &last)
    } else {
        None
    };
    match moved {
        Some(m) => {
            STAKING_COLDKEYS_BY_INDEX.insert(st, &idx, &m);
            STAKING_COLDKEYS.insert(st, &m, &idx);
        }
        None => STAKING_COLDKEYS_BY_INDEX.remove(st, &idx),
    }
    NUM_STAKING_COLDKEYS.put(st, &last);
}

/// `run_auto_claim_root_divs`: claims (all subnets) for the indexed coldkeys picked from
/// `parent_hash`. A failing claim is skipped (its changes are dropped).
pub fn run_auto_claim_root_divs(ctx: &mut Ctx<'_>, parent_hash: &[u8; 32]) {
    let n = NUM_STAKING_COLDKEYS.get(&ctx.st);
    let k = NUM_ROOT_CLAIM.get(&ctx.st);
    for idx in block_hash_to_indices(parent_hash, k, n) {
        if let Some(coldkey) = STAKING_COLDKEYS_BY_INDEX.try_get(&ctx.st, &idx) {
            let _ = do_root_claim(ctx, &coldkey, None);
        }
    }
}

/// `populate_root_coldkey_staking_maps`: visits the next [`ALPHA_MAP_BATCH_SIZE`] entries of
/// the share map (`AlphaV2`) after the stored cursor and indexes every coldkey with a root
/// position, so that positions created without a staking call (genesis, key swaps) reach the
/// auto-claim index. The cursor wraps to the start after the last batch.
pub fn populate_root_coldkey_staking_maps(st: &mut Overlay<'_>) {
    let cursor = ALPHA_MAP_LAST_KEY.get(st);
    let keys = ALPHA_V2.keys_after(st, cursor.as_deref(), ALPHA_MAP_BATCH_SIZE);
    let wrapped = keys.len() < ALPHA_MAP_BATCH_SIZE;
    let mut last = None;
    for (raw, (_, coldkey, netuid)) in keys {
        if netuid == ROOT_NETUID {
            maybe_add_coldkey_index(st, &coldkey);
        }
        last = Some(raw);
    }
    ALPHA_MAP_LAST_KEY.put(st, &if wrapped { None } else { last });
}

/// `finalize_all_subnet_root_dividends`: on dissolution of `netuid`, every claimable rate and
/// claimed mark for it is dropped.
pub fn finalize_all_subnet_root_dividends(st: &mut Overlay<'_>, netuid: NetUid) {
    for (hotkey, mut m) in ROOT_CLAIMABLE.iter(st) {
        if m.remove(&netuid).is_some() {
            ROOT_CLAIMABLE.insert(st, &hotkey, &m);
        }
    }
    ROOT_CLAIMED.clear_prefix1(st, &netuid);
}

/// `transfer_root_claimable_for_new_hotkey`: a hotkey swap moves (adds) the old hotkey's rates
/// to the new hotkey.
pub fn transfer_root_claimable_for_new_hotkey(
    st: &mut Overlay<'_>,
    old: &AccountId,
    new: &AccountId,
) {
    let src = ROOT_CLAIMABLE.take(st, old).unwrap_or_default();
    let mut dst = ROOT_CLAIMABLE.get(st, new);
    for (netuid, rate) in src {
        let e = dst.entry(netuid).or_insert(0);
        *e = I96F32::from_bits(*e)
            .saturating_add(I96F32::from_bits(rate))
            .to_bits();
    }
    ROOT_CLAIMABLE.insert(st, new, &dst);
}

/// `transfer_root_claimed_for_new_keys`: the claimed mark of (old hotkey, old coldkey) on
/// `netuid` is added to that of (new hotkey, new coldkey).
pub fn transfer_root_claimed_for_new_keys(
    st: &mut Overlay<'_>,
    netuid: NetUid,
    old: (&AccountId, &AccountId),
    new: (&AccountId, &AccountId),
) {
    let v = ROOT_CLAIMED
        .take(st, &(netuid, *old.0, *old.1))
        .unwrap_or(0);
    ROOT_CLAIMED.mutate(st, &(netuid, *new.0, *new.1), |c| *c = c.saturating_add(v));
}

// ------------------------------------------------------------------------- calls

/// `claim_root(subnets)` (call 121): 1–[`MAX_SUBNET_CLAIMS`] subnets, else
/// `InvalidSubnetNumber`; indexes the coldkey and claims on those subnets for every hotkey it
/// stakes to.
pub fn claim_root(ctx: &mut Ctx<'_>, origin: Origin, subnets: &BTreeSet<NetUid>) -> DispatchResult {
    let coldkey = ensure_signed(origin)?;
    ensure(
        !subnets.is_empty() && subnets.len() <= MAX_SUBNET_CLAIMS,
        Error::InvalidSubnetNumber,
    )?;
    maybe_add_coldkey_index(&mut ctx.st, &coldkey);
    do_root_claim(ctx, &coldkey, Some(subnets))
}

/// `set_root_claim_type(type)` (call 122): `KeepSubnets` needs at least one subnet
/// (`InvalidSubnetNumber`). Emits `RootClaimTypeSet`.
pub fn set_root_claim_type(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    new: RootClaimTypeEnum,
) -> DispatchResult {
    let coldkey = ensure_signed(origin)?;
    if let RootClaimTypeEnum::KeepSubnets { subnets } = &new {
        ensure(!subnets.is_empty(), Error::InvalidSubnetNumber)?;
    }
    maybe_add_coldkey_index(&mut ctx.st, &coldkey);
    ROOT_CLAIM_TYPE.insert(&mut ctx.st, &coldkey, &new);
    ctx.deposit(SubtensorEvent::RootClaimTypeSet {
        coldkey,
        root_claim_type: new,
    });
    Ok(())
}

/// `sudo_set_num_root_claims(n)` (call 123, root): at most [`MAX_NUM_ROOT_CLAIMS`]
/// (`InvalidNumRootClaim`); 0 disables auto claims.
pub fn sudo_set_num_root_claims(ctx: &mut Ctx<'_>, origin: Origin, value: u64) -> DispatchResult {
    ensure_root(origin)?;
    ensure(value <= MAX_NUM_ROOT_CLAIMS, Error::InvalidNumRootClaim)?;
    NUM_ROOT_CLAIM.put(&mut ctx.st, &value);
    Ok(())
}

/// `sudo_set_root_claim_threshold(netuid, v)` (call 124, subnet owner or root): at most
/// [`MAX_ROOT_CLAIM_THRESHOLD`] (`InvalidRootClaimThreshold`). As in the reference the subnet's
/// existence is not checked (root may set it for any netuid).
pub fn sudo_set_root_claim_threshold(
    ctx: &mut Ctx<'_>,
    origin: Origin,
    netuid: NetUid,
    value: u64,
) -> DispatchResult {
    ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
    ensure(
        value <= MAX_ROOT_CLAIM_THRESHOLD,
        Error::InvalidRootClaimThreshold,
    )?;
    ROOT_CLAIMABLE_THRESHOLD.insert(&mut ctx.st, &netuid, &value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::MemBackend;

    #[test]
    fn the_background_population_indexes_root_stakers_thirty_entries_a_block() {
        let b = MemBackend::new();
        let mut st = Overlay::new(&b);
        let acc = |x: u8, y: u8| {
            let mut raw = [0u8; 32];
            raw[0] = x;
            raw[1] = y;
            AccountId(raw)
        };
        // 25 hotkeys, each with a root position of coldkey (1, i) and a subnet-1 position of
        // coldkey (2, i): 50 share entries, in key order hotkey by hotkey.
        for i in 0..25u8 {
            let h = acc(9, i);
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut st,
                &h,
                &acc(1, i),
                0,
                1_000,
            );
            staking::increase_stake_for_hotkey_and_coldkey_on_subnet(
                &mut st,
                &h,
                &acc(2, i),
                1,
                1_000,
            );
        }
        populate_root_coldkey_staking_maps(&mut st);
        // The first 30 entries cover hotkeys 0..15: 15 root coldkeys indexed, cursor set.
        assert_eq!(NUM_STAKING_COLDKEYS.get(&st), 15);
        assert!(ALPHA_MAP_LAST_KEY.get(&st).is_some());
        populate_root_coldkey_staking_maps(&mut st);
        // The last 20 entries: a short batch, so the cursor wraps.
        assert_eq!(NUM_STAKING_COLDKEYS.get(&st), 25);
        assert_eq!(ALPHA_MAP_LAST_KEY.get(&st), None);
        for i in 0..25u8 {
            assert!(STAKING_COLDKEYS.contains(&st, &acc(1, i)));
            assert!(!STAKING_COLDKEYS.contains(&st, &acc(2, i)));
        }
        // A full pass again changes nothing.
        populate_root_coldkey_staking_maps(&mut st);
        populate_root_coldkey_staking_maps(&mut st);
        assert_eq!(NUM_STAKING_COLDKEYS.get(&st), 25);
    }

    #[test]
    fn indices_walk_the_hash_words_mod_n() {
        let mut h = [0u8; 32];
        h[7] = 3; // word 0 = 3
        h[15] = 5; // word 1 = 5
        h[23] = 7; // word 2 = 7
        h[31] = 11; // word 3 = 11
        // start 3; +3 → 6 % 10 = 6; +5 → 11 % 10 = 1; +7 → 8; +11 → 19 % 10 = 9; +3 → 12 % 10 = 2.
        assert_eq!(block_hash_to_indices(&h, 5, 10), vec![1, 2, 6, 8, 9]);
        // Repeats collapse; n = 0 gives index 0 (which no coldkey has).
        assert_eq!(block_hash_to_indices(&h, 5, 1), vec![0]);
        assert_eq!(block_hash_to_indices(&h, 3, 0), vec![0]);
        assert!(block_hash_to_indices(&h, 0, 10).is_empty());
        // Saturating add at the top of the range, as the reference does.
        let max = [0xffu8; 32];
        assert_eq!(block_hash_to_indices(&max, 1, 7), vec![u64::MAX % 7]);
    }
}
