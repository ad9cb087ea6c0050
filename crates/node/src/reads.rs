//! Read functions over the committed state, each a pure function of an [`Overlay`] returning a
//! serialisable value. [`READS`] lists the ones served over RPC: adding a read function is one
//! line there.
//!
//! The reference's runtime APIs (metagraph, dynamic info, neurons, stake, delegates,
//! hyperparameters, swaps) are the runtime's `info` module, served as is.

use agora_primitives::AccountId;
use agora_primitives::units::{NetUid, Uid};
use agora_runtime::state::Overlay;
use agora_runtime::storage::*;
use agora_runtime::{balances, info};
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

/// Every read function served over RPC (see docs/rpc.md). The `agora_*` methods named after
/// the reference's runtime APIs return its structs (`agora_runtime::info`, with the
/// reference's JSON field names).
pub const READS: &[Read] = &[
    read!("state_getBalance", |st, account: AccountParam| balance(
        st, &account.0
    )),
    read!("state_getNonce", |st, account: AccountParam| NONCES
        .get(st, &account.0)),
    read!("agora_totalIssuance", |st| TOTAL_ISSUANCE.get(st)),
    read!("agora_subnets", |st| subnets(st)),
    read!("agora_subnet", |st, netuid: NetUid| subnet(st, netuid)),
    read!("agora_weights", |st, netuid: NetUid, uid: Uid| weights(
        st, netuid, uid
    )),
    // The runtime's read side (the reference's runtime APIs).
    read!("agora_metagraph", |st, netuid: NetUid| info::metagraph(
        st, netuid
    )),
    read!("agora_allMetagraphs", |st| info::all_metagraphs(st)),
    read!("agora_mechagraph", |st, netuid: NetUid, mecid: u8| {
        info::mechagraph(st, netuid, mecid)
    }),
    read!(
        "agora_selectiveMetagraph",
        |st, netuid: NetUid, indexes: Vec<u16>| info::selective_metagraph(st, netuid, &indexes)
    ),
    read!(
        "agora_subnetState",
        |st, netuid: NetUid| info::subnet_state(st, netuid)
    ),
    read!(
        "agora_dynamicInfo",
        |st, netuid: NetUid| info::dynamic_info(st, netuid)
    ),
    read!("agora_allDynamicInfo", |st| info::all_dynamic_info(st)),
    read!("agora_subnetInfo", |st, netuid: NetUid| info::subnet_info(
        st, netuid
    )),
    read!("agora_subnetInfoV2", |st, netuid: NetUid| {
        info::subnet_info_v2(st, netuid)
    }),
    read!("agora_subnetsInfo", |st| info::subnets_info(st)),
    read!("agora_subnetsInfoV2", |st| info::subnets_info_v2(st)),
    read!("agora_hyperparameters", |st, netuid: NetUid| {
        info::subnet_hyperparams(st, netuid)
    }),
    read!("agora_hyperparametersV2", |st, netuid: NetUid| {
        info::subnet_hyperparams_v2(st, netuid)
    }),
    read!("agora_hyperparametersV3", |st, netuid: NetUid| {
        info::subnet_hyperparams_v3(st, netuid)
    }),
    read!("agora_neurons", |st, netuid: NetUid| info::neurons(
        st, netuid
    )),
    read!(
        "agora_neuronsLite",
        |st, netuid: NetUid| info::neurons_lite(st, netuid)
    ),
    read!("agora_neuron", |st, netuid: NetUid, uid: Uid| info::neuron(
        st, netuid, uid
    )),
    read!("agora_neuronLite", |st, netuid: NetUid, uid: Uid| {
        info::neuron_lite(st, netuid, uid)
    }),
    read!("agora_stakeInfoForColdkey", |st, coldkey: AccountParam| {
        info::stake_info_for_coldkey(st, &coldkey.0)
    }),
    read!("agora_stakeInfoForColdkeys", |st,
                                         coldkeys: Vec<
        AccountParam,
    >| {
        let keys: Vec<AccountId> = coldkeys.into_iter().map(|c| c.0).collect();
        info::stake_info_for_coldkeys(st, &keys)
            .into_iter()
            .map(|(c, stakes)| serde_json::json!({"coldkey": c.to_string(), "stakes": stakes}))
            .collect::<Vec<_>>()
    }),
    read!(
        "agora_stakeInfoForHotkeyColdkeyNetuid",
        |st, hotkey: AccountParam, coldkey: AccountParam, netuid: NetUid| {
            info::stake_info_for_hotkey_coldkey_netuid(st, &hotkey.0, &coldkey.0, netuid)
        }
    ),
    read!(
        "agora_stakeAvailability",
        |st, coldkey: AccountParam, netuid: NetUid| {
            info::stake_availability(st, &coldkey.0, netuid)
        }
    ),
    read!("agora_delegates", |st| info::delegates(st)),
    read!("agora_delegate", |st, hotkey: AccountParam| info::delegate(
        st, &hotkey.0
    )),
    read!("agora_delegated", |st, coldkey: AccountParam| {
        info::delegated(st, &coldkey.0)
    }),
    read!("agora_currentAlphaPrice", |st, netuid: NetUid| {
        info::current_alpha_price(st, netuid)
    }),
    read!("agora_currentAlphaPriceAll", |st| {
        info::current_alpha_price_all(st)
    }),
    read!(
        "agora_simSwapTaoForAlpha",
        |st, netuid: NetUid, tao: u64| info::sim_swap_tao_for_alpha(st, netuid, tao)
    ),
    read!(
        "agora_simSwapAlphaForTao",
        |st, netuid: NetUid, alpha: u64| info::sim_swap_alpha_for_tao(st, netuid, alpha)
    ),
    read!("agora_networkRegistrationCost", |st| {
        info::network_registration_cost(st, info::current_block(st))
    }),
    read!("agora_subnetToPrune", |st| info::subnet_to_prune(
        st,
        info::current_block(st)
    )),
    read!("agora_nextEpochStartBlock", |st, netuid: NetUid| {
        info::next_epoch_start_block(st, netuid)
    }),
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

/// The weights `uid` set on `netuid` (mechanism 0): `(target uid, weight)` pairs.
pub fn weights(st: &Overlay<'_>, netuid: NetUid, uid: Uid) -> Vec<(u16, u16)> {
    WEIGHTS.get(st, &(netuid_index(netuid, 0), uid))
}
