//! Read functions over the committed state, each a pure function of an [`Overlay`] returning a
//! serialisable value. [`READS`] lists the ones served over RPC: adding a read function is one
//! line there.
//!
//! Field names follow the reference's runtime API structs (`SubnetHyperparams`,
//! `NeuronInfoLite`) where the value is the same.

use agora_primitives::AccountId;
use agora_primitives::units::{NetUid, Uid};
use agora_runtime::balances;
use agora_runtime::state::Overlay;
use agora_runtime::storage::*;
use jsonrpsee::types::{ErrorObjectOwned, Params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A read function served over RPC.
pub struct Read {
    /// Method name.
    pub method: &'static str,
    /// Answers a call from the state and the call's positional parameters.
    pub call: fn(&Overlay<'_>, &Params<'_>) -> Result<Value, ErrorObjectOwned>,
}

/// Defines a [`Read`] from a method name, the parameter names and types, and an expression.
macro_rules! read {
    ($method:literal, |$st:ident $(, $p:ident : $t:ty)*| $body:expr) => {
        Read {
            method: $method,
            call: |$st: &Overlay<'_>, params: &Params<'_>| {
                #[allow(unused_mut, unused_variables)]
                let mut seq = params.sequence();
                $(let $p: $t = next_param(&mut seq, stringify!($p))?;)*
                to_json($body)
            },
        }
    };
}

/// Every read function served over RPC (see docs/rpc.md).
pub const READS: &[Read] = &[
    read!("state_getBalance", |st, account: AccountParam| balance(
        st, &account.0
    )),
    read!("state_getNonce", |st, account: AccountParam| NONCES
        .get(st, &account.0)),
    read!("agora_totalIssuance", |st| TOTAL_ISSUANCE.get(st)),
    read!("agora_subnets", |st| subnets(st)),
    read!("agora_subnet", |st, netuid: NetUid| subnet(st, netuid)),
    read!("agora_hyperparameters", |st, netuid: NetUid| {
        hyperparameters(st, netuid)
    }),
    read!("agora_neurons", |st, netuid: NetUid| neurons(st, netuid)),
    read!("agora_neuron", |st, netuid: NetUid, uid: Uid| neuron(
        st, netuid, uid
    )),
    read!("agora_weights", |st, netuid: NetUid, uid: Uid| weights(
        st, netuid, uid
    )),
];

fn next_param<T: DeserializeOwned>(
    seq: &mut jsonrpsee::types::params::ParamsSequence<'_>,
    name: &str,
) -> Result<T, ErrorObjectOwned> {
    seq.next::<T>().map_err(|e| {
        ErrorObjectOwned::owned(
            jsonrpsee::types::error::INVALID_PARAMS_CODE,
            format!("parameter `{name}`: {}", e.message()),
            None::<()>,
        )
    })
}

fn to_json<T: Serialize>(v: T) -> Result<Value, ErrorObjectOwned> {
    serde_json::to_value(v).map_err(|e| {
        ErrorObjectOwned::owned(
            jsonrpsee::types::error::INTERNAL_ERROR_CODE,
            e.to_string(),
            None::<()>,
        )
    })
}

/// An account parameter: SS58 (prefix 42) or `0x` + 64 hex digits.
pub struct AccountParam(pub AccountId);

impl<'de> serde::Deserialize<'de> for AccountParam {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse::<AccountId>()
            .map(AccountParam)
            .map_err(|e| serde::de::Error::custom(format!("not an account: {e}")))
    }
}

/// An account's balances (rao).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// Free balance.
    pub free: u64,
    /// What it can spend and stay alive (free minus the existential deposit).
    pub transferable: u64,
}

/// The balances of `who`.
pub fn balance(st: &Overlay<'_>, who: &AccountId) -> Balance {
    Balance {
        free: balances::free(st, who),
        transferable: balances::spendable(st, who, true),
    }
}

/// A subnet's summary.
#[derive(Serialize)]
pub struct SubnetSummary {
    /// Subnet id.
    pub netuid: NetUid,
    /// Owner coldkey (SS58).
    pub owner: String,
    /// Owner hotkey (SS58).
    pub owner_hotkey: String,
    /// Registered neurons.
    pub subnetwork_n: u16,
    /// Capacity.
    pub max_allowed_uids: u16,
    /// Blocks per epoch.
    pub tempo: u16,
    /// Block it was registered at.
    pub network_registered_at: u64,
    /// TAO in the subnet pool (rao).
    pub subnet_tao: u64,
    /// Alpha in the pool.
    pub subnet_alpha_in: u64,
    /// Alpha outstanding.
    pub subnet_alpha_out: u64,
    /// Block of the first emission (0 = not started).
    pub first_emission_block: u64,
}

/// Every existing subnet, by netuid.
pub fn subnets(st: &Overlay<'_>) -> Vec<SubnetSummary> {
    NETWORKS_ADDED
        .iter(st)
        .into_iter()
        .filter(|(_, added)| *added)
        .map(|(netuid, _)| summary(st, netuid))
        .collect()
}

/// One subnet, or `None` if it does not exist.
pub fn subnet(st: &Overlay<'_>, netuid: NetUid) -> Option<SubnetSummary> {
    NETWORKS_ADDED.get(st, &netuid).then(|| summary(st, netuid))
}

fn summary(st: &Overlay<'_>, netuid: NetUid) -> SubnetSummary {
    SubnetSummary {
        netuid,
        owner: SUBNET_OWNER.get(st, &netuid).to_string(),
        owner_hotkey: SUBNET_OWNER_HOTKEY.get(st, &netuid).to_string(),
        subnetwork_n: SUBNETWORK_N.get(st, &netuid),
        max_allowed_uids: MAX_ALLOWED_UIDS.get(st, &netuid),
        tempo: TEMPO.get(st, &netuid),
        network_registered_at: NETWORK_REGISTERED_AT.get(st, &netuid),
        subnet_tao: SUBNET_TAO.get(st, &netuid),
        subnet_alpha_in: SUBNET_ALPHA_IN.get(st, &netuid),
        subnet_alpha_out: SUBNET_ALPHA_OUT.get(st, &netuid),
        first_emission_block: FIRST_EMISSION_BLOCK_NUMBER.get(st, &netuid),
    }
}

/// A subnet's hyperparameters, named as the reference's `SubnetHyperparams`.
#[derive(Serialize)]
pub struct Hyperparameters {
    /// Rho.
    pub rho: u16,
    /// Kappa.
    pub kappa: u16,
    /// Immunity period (blocks).
    pub immunity_period: u16,
    /// Minimum weights a validator must set.
    pub min_allowed_weights: u16,
    /// Largest weight share (u16 proportion).
    pub max_weights_limit: u16,
    /// Blocks per epoch.
    pub tempo: u16,
    /// Minimum PoW difficulty.
    pub min_difficulty: u64,
    /// Maximum PoW difficulty.
    pub max_difficulty: u64,
    /// Weights version key.
    pub weights_version: u64,
    /// Blocks between weight sets.
    pub weights_rate_limit: u64,
    /// Registration adjustment interval (blocks).
    pub adjustment_interval: u16,
    /// Activity cutoff (blocks).
    pub activity_cutoff: u16,
    /// Registration open.
    pub registration_allowed: bool,
    /// Target registrations per interval.
    pub target_regs_per_interval: u16,
    /// Minimum burn (rao).
    pub min_burn: u64,
    /// Maximum burn (rao).
    pub max_burn: u64,
    /// Bonds moving average.
    pub bonds_moving_avg: u64,
    /// Registrations per block.
    pub max_regs_per_block: u16,
    /// Blocks between axon updates.
    pub serving_rate_limit: u64,
    /// Validator permits.
    pub max_validators: u16,
    /// Difficulty adjustment alpha.
    pub adjustment_alpha: u64,
    /// Current PoW difficulty.
    pub difficulty: u64,
    /// Commit-reveal period (epochs).
    pub commit_reveal_period: u64,
    /// Commit-reveal enabled.
    pub commit_reveal_weights_enabled: bool,
    /// Liquid alpha high.
    pub alpha_high: u16,
    /// Liquid alpha low.
    pub alpha_low: u16,
    /// Liquid alpha enabled.
    pub liquid_alpha_enabled: bool,
    /// Alpha sigmoid steepness.
    pub alpha_sigmoid_steepness: i16,
    /// Yuma3 enabled.
    pub yuma_version: u16,
    /// Subnet token transfers enabled.
    pub transfers_enabled: bool,
    /// Bonds reset enabled.
    pub bonds_reset_enabled: bool,
    /// Owner immune uids.
    pub immune_owner_uids_limit: u16,
    /// Current burn (rao).
    pub burn: u64,
    /// Capacity.
    pub max_allowed_uids: u16,
    /// Bonds penalty.
    pub bonds_penalty: u16,
}

/// The hyperparameters of `netuid`, or `None` if it does not exist.
pub fn hyperparameters(st: &Overlay<'_>, netuid: NetUid) -> Option<Hyperparameters> {
    if !NETWORKS_ADDED.get(st, &netuid) {
        return None;
    }
    let (alpha_low, alpha_high) = ALPHA_VALUES.get(st, &netuid);
    Some(Hyperparameters {
        rho: RHO.get(st, &netuid),
        kappa: KAPPA.get(st, &netuid),
        immunity_period: IMMUNITY_PERIOD.get(st, &netuid),
        min_allowed_weights: MIN_ALLOWED_WEIGHTS.get(st, &netuid),
        max_weights_limit: MAX_WEIGHTS_LIMIT.get(st, &netuid),
        tempo: TEMPO.get(st, &netuid),
        min_difficulty: MIN_DIFFICULTY.get(st, &netuid),
        max_difficulty: MAX_DIFFICULTY.get(st, &netuid),
        weights_version: WEIGHTS_VERSION_KEY.get(st, &netuid),
        weights_rate_limit: WEIGHTS_SET_RATE_LIMIT.get(st, &netuid),
        adjustment_interval: ADJUSTMENT_INTERVAL.get(st, &netuid),
        activity_cutoff: ACTIVITY_CUTOFF.get(st, &netuid),
        registration_allowed: NETWORK_REGISTRATION_ALLOWED.get(st, &netuid),
        target_regs_per_interval: TARGET_REGISTRATIONS_PER_INTERVAL.get(st, &netuid),
        min_burn: MIN_BURN.get(st, &netuid),
        max_burn: MAX_BURN.get(st, &netuid),
        bonds_moving_avg: BONDS_MOVING_AVERAGE.get(st, &netuid),
        max_regs_per_block: MAX_REGISTRATIONS_PER_BLOCK.get(st, &netuid),
        serving_rate_limit: SERVING_RATE_LIMIT.get(st, &netuid),
        max_validators: MAX_ALLOWED_VALIDATORS.get(st, &netuid),
        adjustment_alpha: ADJUSTMENT_ALPHA.get(st, &netuid),
        difficulty: DIFFICULTY.get(st, &netuid),
        commit_reveal_period: REVEAL_PERIOD_EPOCHS.get(st, &netuid),
        commit_reveal_weights_enabled: COMMIT_REVEAL_WEIGHTS_ENABLED.get(st, &netuid),
        alpha_high,
        alpha_low,
        liquid_alpha_enabled: LIQUID_ALPHA_ON.get(st, &netuid),
        alpha_sigmoid_steepness: ALPHA_SIGMOID_STEEPNESS.get(st, &netuid),
        yuma_version: if YUMA3_ON.get(st, &netuid) { 3 } else { 2 },
        transfers_enabled: TRANSFER_TOGGLE.get(st, &netuid),
        bonds_reset_enabled: BONDS_RESET_ON.get(st, &netuid),
        immune_owner_uids_limit: IMMUNE_OWNER_UIDS_LIMIT.get(st, &netuid),
        burn: BURN.get(st, &netuid),
        max_allowed_uids: MAX_ALLOWED_UIDS.get(st, &netuid),
        bonds_penalty: BONDS_PENALTY.get(st, &netuid),
    })
}

/// A neuron as stored (the reference's `NeuronInfoLite` fields that Agora stores; stake is
/// the economics branch's and is served by its read functions).
#[derive(Serialize)]
pub struct Neuron {
    /// Hotkey (SS58).
    pub hotkey: String,
    /// Owning coldkey (SS58).
    pub coldkey: String,
    /// Uid.
    pub uid: Uid,
    /// Subnet.
    pub netuid: NetUid,
    /// Active in the last epoch.
    pub active: bool,
    /// Axon endpoint.
    pub axon_info: Axon,
    /// Emission of the last epoch (alpha rao).
    pub emission: u64,
    /// Incentive (u16 proportion, mechanism 0).
    pub incentive: u16,
    /// Consensus (u16 proportion).
    pub consensus: u16,
    /// Validator trust (u16 proportion).
    pub validator_trust: u16,
    /// Dividends (u16 proportion).
    pub dividends: u16,
    /// Last weight-set block (mechanism 0).
    pub last_update: u64,
    /// Holds a validator permit.
    pub validator_permit: bool,
    /// Pruning score (u16).
    pub pruning_score: u16,
    /// Registration block.
    pub block_at_registration: u64,
}

/// An axon endpoint.
#[derive(Serialize)]
pub struct Axon {
    /// Block served at.
    pub block: u64,
    /// Version.
    pub version: u32,
    /// Address as an integer (IPv4 or IPv6).
    pub ip: String,
    /// Port.
    pub port: u16,
    /// 4 or 6.
    pub ip_type: u8,
    /// Protocol.
    pub protocol: u8,
}

/// Every neuron of `netuid` by uid (empty if the subnet does not exist).
pub fn neurons(st: &Overlay<'_>, netuid: NetUid) -> Vec<Neuron> {
    let n = SUBNETWORK_N.get(st, &netuid);
    let cols = Columns::read(st, netuid);
    (0..n).map(|uid| cols.neuron(st, netuid, uid)).collect()
}

/// One neuron, or `None` if the uid is not registered.
pub fn neuron(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Option<Neuron> {
    (uid < SUBNETWORK_N.get(st, &netuid)).then(|| Columns::read(st, netuid).neuron(st, netuid, uid))
}

/// The weights `uid` set on `netuid` (mechanism 0): `(target uid, weight)` pairs.
pub fn weights(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Vec<(u16, u16)> {
    WEIGHTS.get(st, &(netuid_index(netuid, 0), uid))
}

/// The per-uid vectors of a subnet, read once for all its neurons.
struct Columns {
    active: Vec<bool>,
    emission: Vec<u64>,
    incentive: Vec<u16>,
    consensus: Vec<u16>,
    trust: Vec<u16>,
    dividends: Vec<u16>,
    last_update: Vec<u64>,
    permit: Vec<bool>,
    pruning: Vec<u16>,
}

impl Columns {
    fn read(st: &Overlay<'_>, netuid: NetUid) -> Self {
        let idx = netuid_index(netuid, 0);
        Self {
            active: ACTIVE.get(st, &netuid),
            emission: EMISSION.get(st, &netuid),
            incentive: INCENTIVE.get(st, &idx),
            consensus: CONSENSUS.get(st, &netuid),
            trust: VALIDATOR_TRUST.get(st, &netuid),
            dividends: DIVIDENDS.get(st, &netuid),
            last_update: LAST_UPDATE.get(st, &idx),
            permit: VALIDATOR_PERMIT.get(st, &netuid),
            pruning: PRUNING_SCORES.get(st, &netuid),
        }
    }

    fn neuron(&self, st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Neuron {
        let i = usize::from(uid);
        let hotkey = KEYS.get(st, &(netuid, uid));
        let axon = AXONS.get(st, &(netuid, hotkey));
        Neuron {
            hotkey: hotkey.to_string(),
            coldkey: OWNER.get(st, &hotkey).to_string(),
            uid,
            netuid,
            active: self.active.get(i).copied().unwrap_or(false),
            axon_info: Axon {
                block: axon.block,
                version: axon.version,
                ip: axon.ip.to_string(),
                port: axon.port,
                ip_type: axon.ip_type,
                protocol: axon.protocol,
            },
            emission: self.emission.get(i).copied().unwrap_or(0),
            incentive: self.incentive.get(i).copied().unwrap_or(0),
            consensus: self.consensus.get(i).copied().unwrap_or(0),
            validator_trust: self.trust.get(i).copied().unwrap_or(0),
            dividends: self.dividends.get(i).copied().unwrap_or(0),
            last_update: self.last_update.get(i).copied().unwrap_or(0),
            validator_permit: self.permit.get(i).copied().unwrap_or(false),
            pruning_score: self.pruning.get(i).copied().unwrap_or(0),
            block_at_registration: BLOCK_AT_REGISTRATION.get(st, &(netuid, uid)),
        }
    }
}
