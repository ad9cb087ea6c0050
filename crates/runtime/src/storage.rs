//! Every storage item of the runtime, named as the reference names it.
//!
//! Defaults are the reference runtime's (`protocol.md` §10.1–10.2, citations there); values
//! that `init_new_network` forces on a new subnet are written by subnet registration, not
//! encoded here. Per-mechanism items are keyed by the storage index
//! `mecid · 4096 + netuid` ([`netuid_index`]).
//!
//! Items that no logic reads at this commit of the reference (vestigial: difficulty,
//! adjustment interval/alpha, absolute activity cutoff, ...) are still stored and settable
//! because clients read them.

use std::collections::BTreeMap;

use agora_primitives::{AccountId, SafeFloat};

use crate::state::{Map, Value};
use crate::types::{
    AxonInfo, ChainIdentity, ColdkeySwapAnnouncement, NeuronCertificate, PrometheusInfo,
    RootClaimTypeEnum, SubnetIdentity, WeightCommit,
};

pub use agora_primitives::units::{BlockNumber, NetUid, Uid};

/// Mechanism id within a subnet.
pub type MechId = u8;

/// Storage index of a subnet's mechanism (`ST/subnets/mechanism.rs:28-40`).
pub fn netuid_index(netuid: NetUid, mecid: MechId) -> u16 {
    u16::from(mecid).saturating_mul(4096).saturating_add(netuid)
}

/// The root subnet.
pub const ROOT_NETUID: NetUid = 0;

const fn zero_u64() -> u64 {
    0
}

// ---------------------------------------------------------------- system and balances

/// Free balance (rao) of every account; absent = 0 (the account does not exist).
pub const BALANCES: Map<AccountId, u64> = Map::new("System.Account", zero_u64);
/// Per-account transaction nonce.
pub const NONCES: Map<AccountId, u32> = Map::new("System.Nonce", || 0);
/// The balances pallet's total issuance: always the sum of every free balance.
pub const BALANCES_ISSUANCE: Value<u64> = Value::new("Balances.TotalIssuance", zero_u64);
/// The sudo (root) key, if any.
pub const SUDO_KEY: Value<Option<AccountId>> = Value::new("Sudo.Key", || None);
/// Hash of block 0; bound into every signed payload.
pub const GENESIS_HASH: Value<[u8; 32]> = Value::new("System.GenesisHash", || [0; 32]);
/// Height of the last applied block.
pub const BLOCK_NUMBER: Value<u64> = Value::new("System.Number", zero_u64);

// ---------------------------------------------------------------- issuance and emission

/// The subtensor pallet's own issuance counter, which drives halvings (§1.4, §2.1).
pub const TOTAL_ISSUANCE: Value<u64> = Value::new("TotalIssuance", zero_u64);
/// Informational: the block emission computed last block.
pub const BLOCK_EMISSION: Value<u64> = Value::new("BlockEmission", || 1_000_000_000);
/// Global sum of TAO in subnet pools.
pub const TOTAL_STAKE: Value<u64> = Value::new("TotalStake", zero_u64);

// ---------------------------------------------------------------- keys and ownership

/// hotkey → owning coldkey; a hotkey exists iff it has an entry.
pub const OWNER: Map<AccountId, AccountId> = Map::new("Owner", AccountId::default);
/// coldkey → hotkeys it owns.
pub const OWNED_HOTKEYS: Map<AccountId, Vec<AccountId>> = Map::new("OwnedHotkeys", Vec::new);
/// coldkey → hotkeys it has stake on.
pub const STAKING_HOTKEYS: Map<AccountId, Vec<AccountId>> = Map::new("StakingHotkeys", Vec::new);
/// hotkey → delegate take (u16 fraction); default 11 796 ≈ 18 % even without an entry.
pub const DELEGATES: Map<AccountId, u16> = Map::new("Delegates", || 11_796);
/// coldkey → on-chain identity.
pub const IDENTITIES: Map<AccountId, ChainIdentity> =
    Map::new("IdentitiesV2", ChainIdentity::default);
/// (coldkey or hotkey, transaction kind) → last block of a rate-limited key transaction.
pub const LAST_TX_BLOCK: Map<AccountId, u64> = Map::new("LastTxBlock", zero_u64);
/// hotkey → last block its delegate take changed.
pub const LAST_TX_BLOCK_DELEGATE_TAKE: Map<AccountId, u64> =
    Map::new("LastTxBlockDelegateTake", zero_u64);
/// (netuid, coldkey) → last block of a single-subnet hotkey swap.
pub const LAST_HOTKEY_SWAP_ON_NETUID: Map<(NetUid, AccountId), u64> =
    Map::new("LastHotkeySwapOnNetuid", zero_u64);
/// coldkey → pending coldkey-swap announcement.
pub const COLDKEY_SWAP_ANNOUNCEMENTS: Map<AccountId, ColdkeySwapAnnouncement> =
    Map::new("ColdkeySwapAnnouncements", ColdkeySwapAnnouncement::default);
/// coldkey → block at which its swap was disputed.
pub const COLDKEY_SWAP_DISPUTES: Map<AccountId, u64> = Map::new("ColdkeySwapDisputes", zero_u64);

// ---------------------------------------------------------------- stake: share pools (protocol.md §5.1)

/// (hotkey, netuid) → value of the hotkey's alpha share pool (root: TAO); absent when 0.
pub const TOTAL_HOTKEY_ALPHA: Map<(AccountId, NetUid), u64> =
    Map::new("TotalHotkeyAlpha", zero_u64);
/// (hotkey, netuid) → share denominator of the hotkey's pool; absent when 0.
pub const TOTAL_HOTKEY_SHARES_V2: Map<(AccountId, NetUid), SafeFloat> =
    Map::new("TotalHotkeySharesV2", SafeFloat::zero);
/// (hotkey, coldkey, netuid) → the coldkey's shares of the hotkey's pool; absent when 0.
pub const ALPHA_V2: Map<(AccountId, AccountId, NetUid), SafeFloat> =
    Map::new("AlphaV2", SafeFloat::zero);
/// (coldkey, hotkey) → block of the last stake change (written, never read for gating, §5.2).
pub const LAST_COLDKEY_HOTKEY_STAKE_BLOCK: Map<(AccountId, AccountId), u64> =
    Map::new("LastColdkeyHotkeyStakeBlock", zero_u64);
/// (coldkey, netuid) → hotkey that receives the coldkey's miner incentive (§5.8); absent =
/// none.
pub const AUTO_STAKE_DESTINATION: Map<(AccountId, NetUid), AccountId> =
    Map::new("AutoStakeDestination", AccountId::default);
/// (hotkey, netuid) → coldkeys whose auto-stake destination is this hotkey.
pub const AUTO_STAKE_DESTINATION_COLDKEYS: Map<(AccountId, NetUid), Vec<AccountId>> =
    Map::new("AutoStakeDestinationColdkeys", Vec::new);
/// Global weights stake threshold.
pub const STAKE_THRESHOLD: Value<u64> = Value::new("StakeThreshold", zero_u64);
/// Weight of root TAO against alpha in stake weight (u64 fraction of 2^64 − 1).
pub const TAO_WEIGHT: Value<u64> = Value::new("TaoWeight", || 971_718_665_099_567_868);

// ---------------------------------------------------------------- subnets: existence, pools, ownership

/// netuid → added (exists iff present).
pub const NETWORKS_ADDED: Map<NetUid, bool> = Map::new("NetworksAdded", || false);
/// Number of neurons on the subnet.
pub const SUBNETWORK_N: Map<NetUid, u16> = Map::new("SubnetworkN", || 0);
/// Subnet owner coldkey.
pub const SUBNET_OWNER: Map<NetUid, AccountId> = Map::new("SubnetOwner", AccountId::default);
/// Subnet owner hotkey.
pub const SUBNET_OWNER_HOTKEY: Map<NetUid, AccountId> =
    Map::new("SubnetOwnerHotkey", AccountId::default);
/// 0 = stable, 1 = dynamic.
pub const SUBNET_MECHANISM: Map<NetUid, u16> = Map::new("SubnetMechanism", || 0);
/// Block of the subnet's registration.
pub const NETWORK_REGISTERED_AT: Map<NetUid, u64> = Map::new("NetworkRegisteredAt", zero_u64);
/// TAO locked at registration.
pub const SUBNET_LOCKED: Map<NetUid, u64> = Map::new("SubnetLocked", zero_u64);
/// TAO reserve of the pool.
pub const SUBNET_TAO: Map<NetUid, u64> = Map::new("SubnetTAO", zero_u64);
/// Alpha reserve of the pool.
pub const SUBNET_ALPHA_IN: Map<NetUid, u64> = Map::new("SubnetAlphaIn", zero_u64);
/// Alpha outstanding outside the pool.
pub const SUBNET_ALPHA_OUT: Map<NetUid, u64> = Map::new("SubnetAlphaOut", zero_u64);
/// Per-block alpha-out emission of the last block.
pub const SUBNET_ALPHA_OUT_EMISSION: Map<NetUid, u64> =
    Map::new("SubnetAlphaOutEmission", zero_u64);
/// Block after `start_call`; unset = not started.
pub const FIRST_EMISSION_BLOCK_NUMBER: Map<NetUid, u64> =
    Map::new("FirstEmissionBlockNumber", zero_u64);
/// Staking/emission switch set by `start_call`.
pub const SUBTOKEN_ENABLED: Map<NetUid, bool> = Map::new("SubtokenEnabled", || false);
/// TAO-side emission switch (false right after registration).
pub const SUBNET_EMISSION_ENABLED: Map<NetUid, bool> = Map::new("SubnetEmissionEnabled", || true);
/// Subnet identity.
pub const SUBNET_IDENTITIES: Map<NetUid, SubnetIdentity> =
    Map::new("SubnetIdentitiesV3", SubnetIdentity::default);
/// Token symbol bytes.
pub const TOKEN_SYMBOL: Map<NetUid, Vec<u8>> = Map::new("TokenSymbol", Vec::new);
/// Moving (EMA) price, I96F32 bits.
pub const SUBNET_MOVING_PRICE: Map<NetUid, i128> = Map::new("SubnetMovingPrice", || 0);
/// netuid → registrations of this netuid so far (never removed, so state keyed by a
/// registration's counter becomes unreachable when the netuid is reused).
pub const REGISTERED_SUBNET_COUNTER: Map<NetUid, u64> =
    Map::new("RegisteredSubnetCounter", zero_u64);
/// Last block the owner hotkey was changed.
pub const LAST_OWNER_HOTKEY_CHANGE: Map<NetUid, u64> = Map::new("LastOwnerHotkeyChange", zero_u64);

// ---------------------------------------------------------------- subnet registration economics

/// Max subnets (non-root).
pub const SUBNET_LIMIT: Value<u16> = Value::new("SubnetLimit", || 128);
/// Floor of the subnet lock cost.
pub const NETWORK_MIN_LOCK_COST: Value<u64> =
    Value::new("NetworkMinLockCost", || 1_000_000_000_000);
/// Lock paid by the last subnet registration.
pub const NETWORK_LAST_LOCK_COST: Value<u64> =
    Value::new("NetworkLastLockCost", || 1_000_000_000_000);
/// Block of the last subnet registration (drives lock decay and the rate limit).
pub const NETWORK_LAST_REGISTERED: Value<u64> = Value::new("NetworkLastRegistered", zero_u64);
/// Blocks over which the doubled lock decays back.
pub const NETWORK_LOCK_REDUCTION_INTERVAL: Value<u64> =
    Value::new("NetworkLockReductionInterval", || 100_800);
/// Min blocks between subnet registrations chain-wide.
pub const NETWORK_RATE_LIMIT: Value<u64> = Value::new("NetworkRateLimit", || 7_200);
/// Blocks a new subnet is safe from pruning.
pub const NETWORK_IMMUNITY_PERIOD: Value<u64> = Value::new("NetworkImmunityPeriod", || 1_296_000);
/// Subnet registrations are refused before this block.
pub const NETWORK_REGISTRATION_START_BLOCK: Value<u64> =
    Value::new("NetworkRegistrationStartBlock", zero_u64);
/// Blocks after registration before `start_call` is allowed.
pub const START_CALL_DELAY: Value<u64> = Value::new("StartCallDelay", zero_u64);

// ---------------------------------------------------------------- per-subnet hyperparameters (§10.1)

/// Epoch length in blocks.
pub const TEMPO: Map<NetUid, u16> = Map::new("Tempo", || 360);
/// Activity cutoff in thousandths of a tempo.
pub const ACTIVITY_CUTOFF_FACTOR_MILLI: Map<NetUid, u32> =
    Map::new("ActivityCutoffFactorMilli", || 13_889);
/// Vestigial absolute activity cutoff.
pub const ACTIVITY_CUTOFF: Map<NetUid, u16> = Map::new("ActivityCutoff", || 5_000);
/// Rho (vestigial in the epoch, settable).
pub const RHO: Map<NetUid, u16> = Map::new("Rho", || 10);
/// Kappa (consensus majority).
pub const KAPPA: Map<NetUid, u16> = Map::new("Kappa", || 32_767);
/// Liquid-alpha sigmoid steepness.
pub const ALPHA_SIGMOID_STEEPNESS: Map<NetUid, i16> = Map::new("AlphaSigmoidSteepness", || 1_000);
/// Blocks a new neuron is protected from pruning.
pub const IMMUNITY_PERIOD: Map<NetUid, u16> = Map::new("ImmunityPeriod", || 4_096);
/// Max neurons.
pub const MAX_ALLOWED_UIDS: Map<NetUid, u16> = Map::new("MaxAllowedUids", || 256);
/// Floor for max uids and trimming.
pub const MIN_ALLOWED_UIDS: Map<NetUid, u16> = Map::new("MinAllowedUids", || 64);
/// Validator permits (top-k by stake).
pub const MAX_ALLOWED_VALIDATORS: Map<NetUid, u16> = Map::new("MaxAllowedValidators", || 128);
/// Minimum number of weights a validator must set.
pub const MIN_ALLOWED_WEIGHTS: Map<NetUid, u16> = Map::new("MinAllowedWeights", || 1_024);
/// Vestigial max weight limit (the constant u16::MAX is used).
pub const MAX_WEIGHTS_LIMIT: Map<NetUid, u16> = Map::new("MaxWeightsLimit", || u16::MAX);
/// Minimum weights version key.
pub const WEIGHTS_VERSION_KEY: Map<NetUid, u64> = Map::new("WeightsVersionKey", zero_u64);
/// Blocks between weight sets.
pub const WEIGHTS_SET_RATE_LIMIT: Map<NetUid, u64> = Map::new("WeightsSetRateLimit", || 100);
/// Commit-reveal switch (on by default).
pub const COMMIT_REVEAL_WEIGHTS_ENABLED: Map<NetUid, bool> =
    Map::new("CommitRevealWeightsEnabled", || true);
/// Reveal period in epochs.
pub const REVEAL_PERIOD_EPOCHS: Map<NetUid, u64> = Map::new("RevealPeriodEpochs", || 1);
/// Bonds EMA (parts per million).
pub const BONDS_MOVING_AVERAGE: Map<NetUid, u64> = Map::new("BondsMovingAverage", || 900_000);
/// Bonds penalty.
pub const BONDS_PENALTY: Map<NetUid, u16> = Map::new("BondsPenalty", || 65_535);
/// Bonds reset on commitment.
pub const BONDS_RESET_ON: Map<NetUid, bool> = Map::new("BondsResetOn", || false);
/// Liquid alpha switch.
pub const LIQUID_ALPHA_ON: Map<NetUid, bool> = Map::new("LiquidAlphaOn", || false);
/// Yuma3 switch.
pub const YUMA3_ON: Map<NetUid, bool> = Map::new("Yuma3On", || false);
/// Liquid alpha (low, high).
pub const ALPHA_VALUES: Map<NetUid, (u16, u16)> = Map::new("AlphaValues", || (45_875, 58_982));
/// Blocks between axon/prometheus updates.
pub const SERVING_RATE_LIMIT: Map<NetUid, u64> = Map::new("ServingRateLimit", || 50);
/// Current neuron registration burn (rao).
pub const BURN: Map<NetUid, u64> = Map::new("Burn", || 100_000_000);
/// Burn floor.
pub const MIN_BURN: Map<NetUid, u64> = Map::new("MinBurn", || 500_000);
/// Burn ceiling.
pub const MAX_BURN: Map<NetUid, u64> = Map::new("MaxBurn", || 100_000_000_000);
/// Blocks for the burn to halve.
pub const BURN_HALF_LIFE: Map<NetUid, u16> = Map::new("BurnHalfLife", || 360);
/// Burn multiplier per registration, U64F64 bits (default 1.26).
pub const BURN_INCREASE_MULT: Map<NetUid, u128> = Map::new("BurnIncreaseMult", || {
    crate::types::DEFAULT_BURN_INCREASE_MULT_BITS
});
/// Registration switch (also gates emission).
pub const NETWORK_REGISTRATION_ALLOWED: Map<NetUid, bool> =
    Map::new("NetworkRegistrationAllowed", || true);
/// Vestigial PoW registration switch.
pub const NETWORK_POW_REGISTRATION_ALLOWED: Map<NetUid, bool> =
    Map::new("NetworkPowRegistrationAllowed", || true);
/// Vestigial difficulty.
pub const DIFFICULTY: Map<NetUid, u64> = Map::new("Difficulty", || 10_000_000);
/// Vestigial min difficulty.
pub const MIN_DIFFICULTY: Map<NetUid, u64> = Map::new("MinDifficulty", || 10_000_000);
/// Vestigial max difficulty.
pub const MAX_DIFFICULTY: Map<NetUid, u64> = Map::new("MaxDifficulty", || u64::MAX / 4);
/// Vestigial adjustment interval.
pub const ADJUSTMENT_INTERVAL: Map<NetUid, u16> = Map::new("AdjustmentInterval", || 100);
/// Vestigial adjustment alpha.
pub const ADJUSTMENT_ALPHA: Map<NetUid, u64> = Map::new("AdjustmentAlpha", zero_u64);
/// Root-only registration target per interval.
pub const TARGET_REGISTRATIONS_PER_INTERVAL: Map<NetUid, u16> =
    Map::new("TargetRegistrationsPerInterval", || 2);
/// Root-only registrations per block.
pub const MAX_REGISTRATIONS_PER_BLOCK: Map<NetUid, u16> =
    Map::new("MaxRegistrationsPerBlock", || 1);
/// Registrations in the current block.
pub const REGISTRATIONS_THIS_BLOCK: Map<NetUid, u16> = Map::new("RegistrationsThisBlock", || 0);
/// Registrations in the current interval (root).
pub const REGISTRATIONS_THIS_INTERVAL: Map<NetUid, u16> =
    Map::new("RegistrationsThisInterval", || 0);
/// Total rao burned for registrations.
pub const RAO_RECYCLED_FOR_REGISTRATION: Map<NetUid, u64> =
    Map::new("RAORecycledForRegistration", zero_u64);
/// Stake transfers allowed.
pub const TRANSFER_TOGGLE: Map<NetUid, bool> = Map::new("TransferToggle", || true);
/// Owner-hotkey incentive: recycle (true) or burn (false).
pub const RECYCLE_OR_BURN: Map<NetUid, u8> = Map::new("RecycleOrBurn", || 0);
/// Owner cut switch.
pub const OWNER_CUT_ENABLED: Map<NetUid, bool> = Map::new("OwnerCutEnabled", || true);
/// Owner cut auto-lock switch.
pub const OWNER_CUT_AUTO_LOCK_ENABLED: Map<NetUid, bool> =
    Map::new("OwnerCutAutoLockEnabled", || false);
/// Owner hotkeys immune from pruning.
pub const IMMUNE_OWNER_UIDS_LIMIT: Map<NetUid, u16> = Map::new("ImmuneOwnerUidsLimit", || 1);
/// Non-immune uids needed before an immune one is pruned.
pub const MIN_NON_IMMUNE_UIDS: Map<NetUid, u16> = Map::new("MinNonImmuneUids", || 10);
/// Mechanisms in use.
pub const MECHANISM_COUNT_CURRENT: Map<NetUid, u8> = Map::new("MechanismCountCurrent", || 1);
/// Emission split between mechanisms (u16 parts), unset = even.
pub const MECHANISM_EMISSION_SPLIT: Map<NetUid, Vec<u16>> =
    Map::new("MechanismEmissionSplit", Vec::new);
/// EMA price halving blocks.
pub const EMA_PRICE_HALVING_BLOCKS: Map<NetUid, u64> =
    Map::new("EMAPriceHalvingBlocks", || 201_600);
/// Root claim threshold.
pub const ROOT_CLAIMABLE_THRESHOLD: Map<NetUid, u64> =
    Map::new("RootClaimableThreshold", || 500_000);
/// Per-subnet minimum childkey take.
pub const MIN_CHILDKEY_TAKE_PER_SUBNET: Map<NetUid, u16> =
    Map::new("MinChildkeyTakePerSubnet", || 0);
/// Vestigial scaling law power.
pub const SCALING_LAW_POWER: Map<NetUid, u16> = Map::new("ScalingLawPower", || 50);

// ---------------------------------------------------------------- global parameters (§10.2)

/// Owner cut (u16 fraction).
pub const SUBNET_OWNER_CUT: Value<u16> = Value::new("SubnetOwnerCut", || 11_796);
/// Max delegate take.
pub const MAX_DELEGATE_TAKE: Value<u16> = Value::new("MaxDelegateTake", || 11_796);
/// Min delegate take.
pub const MIN_DELEGATE_TAKE: Value<u16> = Value::new("MinDelegateTake", || 0);
/// Max childkey take.
pub const MAX_CHILDKEY_TAKE: Value<u16> = Value::new("MaxChildkeyTake", || 11_796);
/// Min childkey take.
pub const MIN_CHILDKEY_TAKE: Value<u16> = Value::new("MinChildkeyTake", || 0);
/// Blocks between key-swap transactions.
pub const TX_RATE_LIMIT: Value<u64> = Value::new("TxRateLimit", || 1_000);
/// Blocks between delegate-take increases.
pub const TX_DELEGATE_TAKE_RATE_LIMIT: Value<u64> =
    Value::new("TxDelegateTakeRateLimit", || 216_000);
/// Blocks between childkey-take increases.
pub const TX_CHILDKEY_TAKE_RATE_LIMIT: Value<u64> =
    Value::new("TxChildkeyTakeRateLimit", || 216_000);
/// Burned (recycled) amount per CK burn (u64 fraction).
pub const CK_BURN: Value<u64> = Value::new("CKBurn", zero_u64);
/// Blocks before the next epoch in which hyperparameters are frozen.
pub const ADMIN_FREEZE_WINDOW: Value<u16> = Value::new("AdminFreezeWindow", || 10);
/// Owner hyperparameter rate limit, in tempos.
pub const OWNER_HYPERPARAM_RATE_LIMIT: Value<u16> = Value::new("OwnerHyperparamRateLimit", || 2);
/// Weights version key rate limit, in tempos.
pub const WEIGHTS_VERSION_KEY_RATE_LIMIT: Value<u64> =
    Value::new("WeightsVersionKeyRateLimit", || 5);
/// Max epochs run in one block.
pub const MAX_EPOCHS_PER_BLOCK: Value<u16> = Value::new("MaxEpochsPerBlock", || 2);
/// Childkey cooldown.
pub const PENDING_CHILDKEY_COOLDOWN: Value<u64> = Value::new("PendingChildKeyCooldown", || 7_200);
/// Coldkey swap announcement delay.
pub const COLDKEY_SWAP_ANNOUNCEMENT_DELAY: Value<u64> =
    Value::new("ColdkeySwapAnnouncementDelay", || 36_000);
/// Coldkey swap re-announcement delay.
pub const COLDKEY_SWAP_REANNOUNCEMENT_DELAY: Value<u64> =
    Value::new("ColdkeySwapReannouncementDelay", || 7_200);
/// Timelocked commit-reveal version.
pub const COMMIT_REVEAL_WEIGHTS_VERSION: Value<u16> =
    Value::new("CommitRevealWeightsVersion", || 4);
/// Max mechanisms per subnet.
pub const MAX_MECHANISM_COUNT: Value<u8> = Value::new("MaxMechanismCount", || 2);
/// Nominator minimum stake (per-million of DefaultMinStake).
pub const NOMINATOR_MIN_REQUIRED_STAKE: Value<u64> =
    Value::new("NominatorMinRequiredStake", zero_u64);
/// Subnet moving-price alpha, I96F32 bits (default 0.000003).
pub const SUBNET_MOVING_ALPHA: Value<i128> = Value::new("SubnetMovingAlpha", || {
    crate::types::DEFAULT_SUBNET_MOVING_ALPHA_BITS
});
/// Root claims processed per block.
pub const NUM_ROOT_CLAIM: Value<u64> = Value::new("NumRootClaim", || 5);
/// Vestigial dissolve schedule.
pub const DISSOLVE_NETWORK_SCHEDULE_DURATION: Value<u64> =
    Value::new("DissolveNetworkScheduleDuration", || 36_000);
/// EVM chain id.
pub const EVM_CHAIN_ID: Value<u64> = Value::new("EvmChainId", || 945);

/// (netuid, hyperparameter id) → last block the owner set it (owner rate limits).
pub const LAST_HYPERPARAM_SET: Map<(NetUid, u16), u64> =
    Map::new("LastRateLimitedBlock.OwnerHyperparam", zero_u64);

// ---------------------------------------------------------------- neurons

/// (netuid, uid) → hotkey.
pub const KEYS: Map<(NetUid, Uid), AccountId> = Map::new("Keys", AccountId::default);
/// (netuid, hotkey) → uid.
pub const UIDS: Map<(NetUid, AccountId), Uid> = Map::new("Uids", || 0);
/// (netuid, uid) → registration block.
pub const BLOCK_AT_REGISTRATION: Map<(NetUid, Uid), u64> =
    Map::new("BlockAtRegistration", zero_u64);
/// hotkey → netuids it is registered on.
pub const IS_NETWORK_MEMBER: Map<(AccountId, NetUid), bool> = Map::new("IsNetworkMember", || false);
/// (netuid, hotkey) → axon.
pub const AXONS: Map<(NetUid, AccountId), AxonInfo> = Map::new("Axons", AxonInfo::default);
/// (netuid, hotkey) → prometheus endpoint.
pub const PROMETHEUS: Map<(NetUid, AccountId), PrometheusInfo> =
    Map::new("Prometheus", PrometheusInfo::default);
/// (netuid, hotkey) → TLS certificate.
pub const NEURON_CERTIFICATES: Map<(NetUid, AccountId), NeuronCertificate> =
    Map::new("NeuronCertificates", NeuronCertificate::default);

// ---------------------------------------------------------------- epoch state (per uid vectors)

/// netuid_index → last weight update block per uid.
pub const LAST_UPDATE: Map<u16, Vec<u64>> = Map::new("LastUpdate", Vec::new);
/// netuid_index → incentive per uid.
pub const INCENTIVE: Map<u16, Vec<u16>> = Map::new("Incentive", Vec::new);
/// netuid → active flag per uid.
pub const ACTIVE: Map<NetUid, Vec<bool>> = Map::new("Active", Vec::new);
/// netuid → combined emission per uid (alpha rao).
pub const EMISSION: Map<NetUid, Vec<u64>> = Map::new("Emission", Vec::new);
/// netuid → consensus per uid.
pub const CONSENSUS: Map<NetUid, Vec<u16>> = Map::new("Consensus", Vec::new);
/// netuid → dividends per uid.
pub const DIVIDENDS: Map<NetUid, Vec<u16>> = Map::new("Dividends", Vec::new);
/// netuid → validator trust per uid.
pub const VALIDATOR_TRUST: Map<NetUid, Vec<u16>> = Map::new("ValidatorTrust", Vec::new);
/// netuid → validator permit per uid.
pub const VALIDATOR_PERMIT: Map<NetUid, Vec<bool>> = Map::new("ValidatorPermit", Vec::new);
/// netuid → stake weight per uid.
pub const STAKE_WEIGHT: Map<NetUid, Vec<u16>> = Map::new("StakeWeight", Vec::new);
/// netuid → pruning score per uid (vestigial, kept for clients).
pub const PRUNING_SCORES: Map<NetUid, Vec<u16>> = Map::new("PruningScores", Vec::new);
/// (netuid_index, uid) → weights row.
pub const WEIGHTS: Map<(u16, Uid), Vec<(u16, u16)>> = Map::new("Weights", Vec::new);
/// (netuid_index, uid) → bonds row.
pub const BONDS: Map<(u16, Uid), Vec<(u16, u16)>> = Map::new("Bonds", Vec::new);
/// netuid → block of the last successful epoch.
pub const LAST_MECHANISM_STEP_BLOCK: Map<NetUid, u64> =
    Map::new("LastMechansimStepBlock", zero_u64);
/// (netuid, hotkey) → alpha dividends of the last epoch.
pub const ALPHA_DIVIDENDS_PER_SUBNET: Map<(NetUid, AccountId), u64> =
    Map::new("AlphaDividendsPerSubnet", zero_u64);

// ---------------------------------------------------------------- epoch scheduling and pending emission

/// Blocks since the last epoch.
pub const BLOCKS_SINCE_LAST_STEP: Map<NetUid, u64> = Map::new("BlocksSinceLastStep", zero_u64);
/// Block of the last epoch slot.
pub const LAST_EPOCH_BLOCK: Map<NetUid, u64> = Map::new("LastEpochBlock", zero_u64);
/// Block at which a triggered or deferred epoch fires (0 = none).
pub const PENDING_EPOCH_AT: Map<NetUid, u64> = Map::new("PendingEpochAt", zero_u64);
/// Epoch counter (drives commit-reveal).
pub const SUBNET_EPOCH_INDEX: Map<NetUid, u64> = Map::new("SubnetEpochIndex", zero_u64);
/// Pending miner emission.
pub const PENDING_SERVER_EMISSION: Map<NetUid, u64> = Map::new("PendingServerEmission", zero_u64);
/// Pending validator emission.
pub const PENDING_VALIDATOR_EMISSION: Map<NetUid, u64> =
    Map::new("PendingValidatorEmission", zero_u64);
/// Pending root alpha dividends.
pub const PENDING_ROOT_ALPHA_DIVS: Map<NetUid, u64> = Map::new("PendingRootAlphaDivs", zero_u64);
/// Pending owner cut.
pub const PENDING_OWNER_CUT: Map<NetUid, u64> = Map::new("PendingOwnerCut", zero_u64);
/// Fraction of the last epoch's miner incentive withheld from owner hotkeys (U96F32 bits).
pub const MINER_BURNED: Map<NetUid, u128> = Map::new("MinerBurned", || 0);

// ---------------------------------------------------------------- coinbase records (§2–§3)

/// (netuid) → root proportion after the last coinbase, U96F32 bits (informational).
pub const ROOT_PROP: Map<NetUid, u128> = Map::new("RootProp", || 0);
/// Alpha injected into the pool reserve last block.
pub const SUBNET_ALPHA_IN_EMISSION: Map<NetUid, u64> = Map::new("SubnetAlphaInEmission", zero_u64);
/// TAO injected into the pool reserve last block.
pub const SUBNET_TAO_IN_EMISSION: Map<NetUid, u64> = Map::new("SubnetTaoInEmission", zero_u64);
/// Excess TAO the protocol bought alpha with last block (chain buy).
pub const SUBNET_EXCESS_TAO: Map<NetUid, u64> = Map::new("SubnetExcessTao", zero_u64);
/// TAO received from root-dividend sells since the last coinbase.
pub const SUBNET_ROOT_SELL_TAO: Map<NetUid, u64> = Map::new("SubnetRootSellTao", zero_u64);
/// Alpha bought by protocol chain buys (part of `SubnetAlphaOut`, owned by nobody).
pub const SUBNET_PROTOCOL_ALPHA: Map<NetUid, u64> = Map::new("SubnetProtocolAlpha", zero_u64);
/// Per-block protocol TAO flow: injections and chain buys minus root sells (inert).
pub const SUBNET_PROTOCOL_FLOW: Map<NetUid, i64> = Map::new("SubnetProtocolFlow", || 0);
/// (netuid, hotkey) → root alpha dividends of the last epoch (after take).
pub const ROOT_ALPHA_DIVIDENDS_PER_SUBNET: Map<(NetUid, AccountId), u64> =
    Map::new("RootAlphaDividendsPerSubnet", zero_u64);
/// (hotkey, netuid) → `TotalHotkeyAlpha` when the last epoch's alpha dividends were paid.
pub const TOTAL_HOTKEY_ALPHA_LAST_EPOCH: Map<(AccountId, NetUid), u64> =
    Map::new("TotalHotkeyAlphaLastEpoch", zero_u64);
/// Hash of the parent block (seeds the auto root claims).
pub const PARENT_HASH: Value<[u8; 32]> = Value::new("System.ParentHash", || [0; 32]);

// ---------------------------------------------------------------- root claims (§3.6)

/// hotkey → (netuid → claimable alpha per unit of root stake, I96F32 bits).
pub const ROOT_CLAIMABLE: Map<AccountId, BTreeMap<NetUid, i128>> =
    Map::new("RootClaimable", BTreeMap::new);
/// (netuid, hotkey, coldkey) → alpha already claimed (or credited as claimed on staking).
pub const ROOT_CLAIMED: Map<(NetUid, AccountId, AccountId), u128> = Map::new("RootClaimed", || 0);
/// coldkey → how its root dividends are claimed.
pub const ROOT_CLAIM_TYPE: Map<AccountId, RootClaimTypeEnum> =
    Map::new("RootClaimType", RootClaimTypeEnum::default);
/// index → coldkey, a dense index of root-staking coldkeys for the auto claims.
pub const STAKING_COLDKEYS_BY_INDEX: Map<u64, AccountId> =
    Map::new("StakingColdkeysByIndex", AccountId::default);
/// coldkey → its index in `StakingColdkeysByIndex`.
pub const STAKING_COLDKEYS: Map<AccountId, u64> = Map::new("StakingColdkeys", zero_u64);
/// Number of indexed root-staking coldkeys.
pub const NUM_STAKING_COLDKEYS: Value<u64> = Value::new("NumStakingColdkeys", zero_u64);
/// Raw key of `AlphaV2` the background population of the coldkey index resumes after (the
/// reference's `AlphaV2MapLastKey`; Agora has no legacy `Alpha` map to walk).
pub const ALPHA_MAP_LAST_KEY: Value<Option<Vec<u8>>> = Value::new("AlphaV2MapLastKey", || None);

// ---------------------------------------------------------------- commit-reveal

/// (netuid_index, hotkey) → queue of hash commits.
pub const WEIGHT_COMMITS: Map<(u16, AccountId), Vec<WeightCommit>> =
    Map::new("WeightCommits", Vec::new);

// ---------------------------------------------------------------- the AMM (pallets/swap, protocol.md §4)

/// Swap fee rate (u16 fraction; default 33 ≈ 0.05 %).
pub const FEE_RATE: Map<NetUid, u16> = Map::new("Swap.FeeRate", || 33);
/// Quote (TAO) weight of the subnet's weighted pool in `Perquintill` parts (10^18 = 1); the
/// base (alpha) weight is `10^18 − w`. Default 0.5 (`DefaultBalancer`).
pub const SWAP_BALANCER: Map<NetUid, u64> =
    Map::new("Swap.SwapBalancer", || 500_000_000_000_000_000);
/// Whether the subnet's balancer was initialised (`PalSwapInitialized`).
pub const PAL_SWAP_INITIALIZED: Map<NetUid, bool> = Map::new("Swap.PalSwapInitialized", || false);
/// Cumulative TAO traded through the subnet's pool.
pub const SUBNET_VOLUME: Map<NetUid, u128> = Map::new("SubnetVolume", || 0);
/// Net user TAO flow into the subnet (`SubnetTaoFlow`, §2.3).
pub const SUBNET_TAO_FLOW: Map<NetUid, i64> = Map::new("SubnetTaoFlow", || 0);

// ---------------------------------------------------------------- alpha issuance counters (pallet alpha-assets, §1.4)

/// Alpha minted on the subnet minus alpha recycled (`AlphaAssets::TotalAlphaIssuance`).
pub const TOTAL_ALPHA_ISSUANCE: Map<NetUid, u64> =
    Map::new("AlphaAssets.TotalAlphaIssuance", zero_u64);
/// Alpha burned on the subnet (issuance unchanged; `AlphaAssets::AlphaBurned`).
pub const ALPHA_BURNED: Map<NetUid, u64> = Map::new("AlphaAssets.AlphaBurned", zero_u64);
/// Alpha recycled on the subnet (issuance reduced; `AlphaAssets::AlphaRecycled`).
pub const ALPHA_RECYCLED: Map<NetUid, u64> = Map::new("AlphaAssets.AlphaRecycled", zero_u64);
