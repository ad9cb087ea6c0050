//! Subnet lifecycle (protocol.md §6): registration with the lock-cost dynamics, start_call,
//! identity and symbol, tempo control, dissolution and the subnet limit.

use agora_primitives::AccountId;

use crate::ctx::{Ctx, ensure};
use crate::error::{DispatchResult, Error};
use crate::state::Overlay;
use crate::storage::*;
use crate::types::{Origin, SubnetIdentity};

/// True if the subnet exists (root included).
pub fn subnet_exists(st: &Overlay<'_>, netuid: NetUid) -> bool {
    NETWORKS_ADDED.get(st, &netuid)
}

/// `SubnetNotExists` unless the subnet exists.
pub fn ensure_subnet_exists(st: &Overlay<'_>, netuid: NetUid) -> DispatchResult {
    ensure(subnet_exists(st, netuid), Error::SubnetNotExists)
}

/// `NotSubnetOwner` unless `who` owns the (existing) subnet.
pub fn ensure_subnet_owner(st: &Overlay<'_>, who: &AccountId, netuid: NetUid) -> DispatchResult {
    ensure_subnet_exists(st, netuid)?;
    ensure(SUBNET_OWNER.get(st, &netuid) == *who, Error::NotSubnetOwner)
}

/// Initialises a new subnet's storage with the values the reference forces on every new
/// subnet (`init_new_network`, `ST/subnets/subnet.rs:294-351`): size 0, tempo, the staggered
/// `LastEpochBlock = now − (netuid mod tempo)`, registration allowed, 256 max uids, 64
/// validators, min weights 1, immunity 5 000, Yuma3 on, burn 1 TAO, emission enabled.
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

/// Registers a subnet owned by `coldkey` with `hotkey` as uid 0 (§6.1).
pub fn register_network(
    _ctx: &mut Ctx<'_>,
    _coldkey: &AccountId,
    _hotkey: &AccountId,
    _identity: Option<SubnetIdentity>,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// The current subnet lock cost (§6.1 step 5).
pub fn network_lock_cost(_st: &Overlay<'_>, _block: u64) -> u64 {
    0
}

/// `start_call` (§6.2).
pub fn start_call(_ctx: &mut Ctx<'_>, _who: &AccountId, _netuid: NetUid) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// Root dissolution of a subnet (§6.7).
pub fn dissolve_network(_ctx: &mut Ctx<'_>, _netuid: NetUid) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `set_subnet_identity` (§6.5).
pub fn set_subnet_identity(
    _ctx: &mut Ctx<'_>,
    _who: &AccountId,
    _netuid: NetUid,
    _identity: SubnetIdentity,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `update_symbol` (§6.5).
pub fn update_symbol(
    _ctx: &mut Ctx<'_>,
    _origin: Origin,
    _netuid: NetUid,
    _symbol: Vec<u8>,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `set_tempo` (§3.8).
pub fn set_tempo(
    _ctx: &mut Ctx<'_>,
    _who: &AccountId,
    _netuid: NetUid,
    _tempo: u16,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `set_activity_cutoff_factor` (§6.3).
pub fn set_activity_cutoff_factor(
    _ctx: &mut Ctx<'_>,
    _origin: Origin,
    _netuid: NetUid,
    _factor_milli: u32,
) -> DispatchResult {
    Err(Error::CallDisabled)
}

/// `trigger_epoch` (§3.8).
pub fn trigger_epoch(_ctx: &mut Ctx<'_>, _who: &AccountId, _netuid: NetUid) -> DispatchResult {
    Err(Error::CallDisabled)
}
