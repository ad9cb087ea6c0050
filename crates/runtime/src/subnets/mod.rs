//! Subnet lifecycle (protocol.md §6): registration with the lock-cost dynamics, start_call,
//! identity and symbol, tempo control, dissolution and the subnet limit.
//!
//! Split by concern: [`register`] (registration, lock cost, pool seeding), [`dissolve`]
//! (dissolution, pruning choice, per-netuid cleanup), [`symbols`] (the token symbol table),
//! [`tempo`] (owner tempo controls); identity and `start_call` live here.
//!
//! # Invariants
//! - A netuid is in use iff `NetworksAdded` has it; dissolution removes every per-netuid
//!   item this runtime stores, so a re-registered netuid starts from the same state as a
//!   fresh one (only `RegisteredSubnetCounter` survives, by design: it tells registrations
//!   of the same netuid apart).
//! - TAO moves only through [`crate::balances`], so the issuance invariants hold across
//!   registration (lock into the subnet account) and dissolution (payouts, then recycling).

use agora_primitives::AccountId;

use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::event::SubtensorEvent;
use crate::state::{Overlay, Value};
use crate::storage::*;
use crate::types::SubnetIdentity;

pub mod dissolve;
pub mod register;
pub mod symbols;
pub mod tempo;
#[cfg(test)]
mod tests;

pub use dissolve::{dissolve_network, get_subnet_to_prune};
pub use register::{network_lock_cost, register_network};
pub use tempo::{set_activity_cutoff_factor, set_tempo, trigger_epoch};

/// Subnets registered at or before this block are "legacy" for the dissolution payout: the
/// pool's alpha reserve does not count as a protocol claim (`TaoInRefundDeploymentBlock`,
/// default 0, `ST/lib.rs:698-702,2633-2636`).
pub const TAO_IN_REFUND_DEPLOYMENT_BLOCK: Value<u64> =
    Value::new("TaoInRefundDeploymentBlock", || 0);

/// True if the subnet exists (root included).
pub fn subnet_exists(st: &Overlay<'_>, netuid: NetUid) -> bool {
    NETWORKS_ADDED.get(st, &netuid)
}

/// `SubnetNotExists` unless the subnet exists.
pub fn ensure_subnet_exists(st: &Overlay<'_>, netuid: NetUid) -> DispatchResult {
    ensure(subnet_exists(st, netuid), Error::SubnetNotExists)
}

/// `NotSubnetOwner` unless `who` owns the (existing) subnet.
///
/// The reference's own `ensure_subnet_owner` (used by `start_call`, `set_tempo`,
/// `trigger_epoch`) fails with `BadOrigin` instead; see [`ensure_owner_origin`].
pub fn ensure_subnet_owner(st: &Overlay<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure_subnet_exists(st, netuid)?;
    ensure(SUBNET_OWNER.get(st, &netuid) == *who, Error::NotSubnetOwner)
}

/// Initialises a new subnet's storage with the values the reference forces on every new
/// subnet (`init_new_network`, `ST/subnets/subnet.rs:294-351`): size 0, tempo, the staggered
/// `LastEpochBlock = now − (netuid mod tempo)`, registration allowed, 256 max uids, 64
/// validators, min weights 1, immunity 5 000, Yuma3 on, burn 1 TAO, emission enabled, and
/// the defaults of kappa, activity cutoff and the interval counter written explicitly.
/// Callers set `SubnetEmissionEnabled = false` afterwards where the reference does.
pub fn init_new_network(st: &mut Overlay<'_>, netuid: NetUid, now: u64) {
    let tempo: u16 = 360;
    SUBNETWORK_N.insert(st, &netuid, &0);
    NETWORKS_ADDED.insert(st, &netuid, &true);
    TEMPO.insert(st, &netuid, &tempo);
    let stagger = u64::from(netuid) % u64::from(tempo.max(1));
    LAST_EPOCH_BLOCK.insert(st, &netuid, &now.saturating_sub(stagger));
    NETWORK_REGISTRATION_ALLOWED.insert(st, &netuid, &true);
    MAX_ALLOWED_UIDS.insert(st, &netuid, &256);
    MAX_ALLOWED_VALIDATORS.insert(st, &netuid, &64);
    MIN_ALLOWED_WEIGHTS.insert(st, &netuid, &1);
    IMMUNITY_PERIOD.insert(st, &netuid, &5_000);
    YUMA3_ON.insert(st, &netuid, &true);
    BURN.insert(st, &netuid, &1_000_000_000);
    SUBNET_EMISSION_ENABLED.insert(st, &netuid, &true);
    SUBNET_MECHANISM.insert(st, &netuid, &1);
    // The reference makes these defaults explicit in storage (`ST/subnets/subnet.rs:326-350`).
    if !KAPPA.contains(st, &netuid) {
        KAPPA.insert(st, &netuid, &KAPPA.get(st, &netuid));
    }
    if !ACTIVITY_CUTOFF.contains(st, &netuid) {
        ACTIVITY_CUTOFF.insert(st, &netuid, &ACTIVITY_CUTOFF.get(st, &netuid));
    }
    if !REGISTRATIONS_THIS_INTERVAL.contains(st, &netuid) {
        let n = REGISTRATIONS_THIS_INTERVAL.get(st, &netuid);
        REGISTRATIONS_THIS_INTERVAL.insert(st, &netuid, &n);
    }
}

/// Creates the root subnet (netuid 0) as the reference's genesis does (§10.5): stable
/// mechanism, 64 uids and validators, min weights 0, tempo 100, registration allowed, target
/// one registration per interval, owned by the all-zero account.
pub fn init_root_network(st: &mut Overlay<'_>) {
    let root = ROOT_NETUID;
    NETWORKS_ADDED.insert(st, &root, &true);
    SUBNETWORK_N.insert(st, &root, &0);
    SUBNET_MECHANISM.insert(st, &root, &0);
    MAX_ALLOWED_UIDS.insert(st, &root, &64);
    MAX_ALLOWED_VALIDATORS.insert(st, &root, &64);
    MIN_ALLOWED_WEIGHTS.insert(st, &root, &0);
    TEMPO.insert(st, &root, &100);
    NETWORK_REGISTRATION_ALLOWED.insert(st, &root, &true);
    TARGET_REGISTRATIONS_PER_INTERVAL.insert(st, &root, &1);
    SUBNET_OWNER.insert(st, &root, &AccountId::default());
}

/// The reference's `ensure_subnet_owner(origin, netuid)` for an already-signed caller:
/// `BadOrigin` unless `who` is the stored owner. It does not check that the subnet exists (a
/// missing subnet's owner reads as the all-zero account, which no signer is).
pub fn ensure_owner_origin(st: &Overlay<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure(SUBNET_OWNER.get(st, &netuid) == *who, Error::BadOrigin)
}

/// `start_call` (§6.2, `ST/subnets/subnet.rs:374-399`): the owner starts emission once,
/// `StartCallDelay` blocks after registration. Sets `FirstEmissionBlockNumber = now + 1`
/// and `SubtokenEnabled`.
pub fn start_call(ctx: &mut Ctx<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure_subnet_exists(&ctx.st, netuid)?;
    ensure_owner_origin(&ctx.st, who, netuid)?;
    ensure(
        !FIRST_EMISSION_BLOCK_NUMBER.contains(&ctx.st, &netuid),
        Error::FirstEmissionBlockNumberAlreadySet,
    )?;
    let registered = NETWORK_REGISTERED_AT.get(&ctx.st, &netuid);
    let now = ctx.block;
    ensure(
        now >= registered.saturating_add(START_CALL_DELAY.get(&ctx.st)),
        Error::NeedWaitingMoreBlocksToStarCall,
    )?;
    let first = now.saturating_add(1);
    FIRST_EMISSION_BLOCK_NUMBER.insert(&mut ctx.st, &netuid, &first);
    SUBTOKEN_ENABLED.insert(&mut ctx.st, &netuid, &true);
    ctx.deposit(SubtensorEvent::FirstEmissionBlockNumberSet(netuid, first));
    Ok(())
}

/// True if every field of a subnet identity is within its limit and the first three fields
/// together fit the overall limit (`is_valid_subnet_identity`, `ST/utils/identity.rs:204-229`).
pub fn is_valid_subnet_identity(id: &SubnetIdentity) -> bool {
    // The reference sums only name, repo and contact against the sum of all field limits.
    let total = id
        .subnet_name
        .len()
        .saturating_add(id.github_repo.len())
        .saturating_add(id.subnet_contact.len());
    let max_total: usize = 256 + 1024 + 1024 + 1024 + 256 + 1024 + 1024 + 1024;
    total <= max_total
        && id.subnet_name.len() <= 256
        && id.github_repo.len() <= 1024
        && id.subnet_contact.len() <= 1024
        && id.subnet_url.len() <= 1024
        && id.discord.len() <= 256
        && id.description.len() <= 1024
        && id.logo_url.len() <= 1024
        && id.additional.len() <= 1024
}

/// `set_subnet_identity` (§6.5, `ST/utils/identity.rs:98-148`): owner only
/// (`NotSubnetOwner`, no existence check, as in the reference), identity validated
/// (`InvalidIdentity`), stored, `SubnetIdentitySet`.
pub fn set_subnet_identity(
    ctx: &mut Ctx<'_>,
    who: &AccountId,
    netuid: NetUid,
    identity: SubnetIdentity,
) -> DispatchResult {
    ensure(
        SUBNET_OWNER.get(&ctx.st, &netuid) == *who,
        Error::NotSubnetOwner,
    )?;
    ensure(is_valid_subnet_identity(&identity), Error::InvalidIdentity)?;
    SUBNET_IDENTITIES.insert(&mut ctx.st, &netuid, &identity);
    ctx.deposit(SubtensorEvent::SubnetIdentitySet(netuid));
    Ok(())
}

/// `update_symbol` (§6.5, `ST/macros/dispatches.rs:1977-1993`): owner or root
/// (`BadOrigin`); the symbol must be a built-in one other than root's
/// (`SymbolDoesNotExist`) that no subnet uses (`SymbolAlreadyInUse`). Like the reference,
/// the subnet's existence is not checked.
pub fn update_symbol(
    ctx: &mut Ctx<'_>,
    origin: crate::types::Origin,
    netuid: NetUid,
    symbol: Vec<u8>,
) -> DispatchResult {
    crate::governance::ensure_subnet_owner_or_root(&ctx.st, origin, netuid)?;
    symbols::ensure_symbol_exists(&symbol)?;
    symbols::ensure_symbol_available(&ctx.st, &symbol)?;
    TOKEN_SYMBOL.insert(&mut ctx.st, &netuid, &symbol);
    ctx.deposit(SubtensorEvent::SymbolUpdated { netuid, symbol });
    Ok(())
}
