//! [`Metagraph`]: a subnet's neurons and terms, every field of the Python SDK's metagraph
//! (sdk.md §3), built from one `AgoraApi_metagraph_snapshot` call.
//!
//! Values stay exact: proportions are the chain's `u16` (divide by 65 535 for the Python
//! SDK's floats, [`Metagraph::normalized`]), amounts are rao. Per-uid vectors have length `n`.
//!
//! Differences from the Python SDK, all deliberate: `ranks` and `trust` are filled with what the
//! chain returns (always 0 since the reference stopped computing them) where 10.1+ leaves them
//! empty; `tao_stake` is the chain's root-stake column, not multiplied by the SDK's hard-coded
//! 0.18 (the chain's `total_stake` already weights it by the chain's `TaoWeight`); `weights`
//! and `bonds` are sparse rows (`(uid, value)`, only non-zero entries, only when synced with
//! `lite = false`), with [`Metagraph::dense_weights`] for the SDK's dense matrix.

use agora_api::runtime_api::{MetagraphSnapshot, Neurons};
use agora_primitives::AccountId;
use agora_runtime::info::Metagraph as MetagraphInfo;
use agora_runtime::info::wire::{ss58, ss58_vec};
use agora_runtime::types::{AxonInfo, ChainIdentity};
use serde::{Serialize, Serializer};

/// A subnet's metagraph at one block.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Metagraph {
    /// Subnet.
    pub netuid: u16,
    /// Mechanism.
    pub mechid: u8,
    /// The block the snapshot was taken at.
    pub block: u64,
    /// This SDK's version as an integer (`100·100·major + 100·minor + patch`, as the Python
    /// SDK's `version`).
    pub version: u64,
    /// Number of neurons.
    pub n: u16,
    /// `0..n`.
    pub uids: Vec<u16>,
    /// Hotkey per uid.
    #[serde(serialize_with = "ss58_vec")]
    pub hotkeys: Vec<AccountId>,
    /// Owning coldkey per uid.
    #[serde(serialize_with = "ss58_vec")]
    pub coldkeys: Vec<AccountId>,
    /// Served axon per uid (all zero if none).
    pub axons: Vec<AxonInfo>,
    /// `ip:port` of each axon (`0.0.0.0:0` if none).
    pub addresses: Vec<String>,
    /// Active in the last epoch.
    pub active: Vec<bool>,
    /// Block of the last weights update (this mechanism's).
    pub last_update: Vec<u64>,
    /// Holds a validator permit.
    pub validator_permit: Vec<bool>,
    /// Consensus (u16 proportion).
    pub consensus: Vec<u16>,
    /// Incentive of this mechanism (u16 proportion).
    pub incentive: Vec<u16>,
    /// Dividends (u16 proportion).
    pub dividends: Vec<u16>,
    /// Validator trust (u16 proportion).
    pub validator_trust: Vec<u16>,
    /// Rank as returned by the chain (always 0).
    pub ranks: Vec<u16>,
    /// Trust as returned by the chain (always 0).
    pub trust: Vec<u16>,
    /// Emission of the last epoch (alpha rao).
    pub emission: Vec<u64>,
    /// Pruning score.
    pub pruning_score: Vec<u16>,
    /// Registration block.
    pub block_at_registration: Vec<u64>,
    /// Alpha stake weight (rao).
    pub alpha_stake: Vec<u64>,
    /// Root (TAO) stake (rao).
    pub tao_stake: Vec<u64>,
    /// Total stake weight, `alpha + TaoWeight · tao` (rao).
    pub total_stake: Vec<u64>,
    /// Each uid's coldkey identity.
    pub identities: Vec<Option<ChainIdentity>>,
    /// Non-zero weights per uid (`lite = false` only).
    pub weights: Vec<Vec<(u16, u16)>>,
    /// Non-zero bonds per uid (`lite = false` only).
    pub bonds: Vec<Vec<(u16, u16)>>,
    /// Whether weights and bonds were synced.
    pub lite: bool,
    /// `MechanismCountCurrent`.
    pub mechanism_count: u8,
    /// `MechanismEmissionSplit` (`None` = even).
    pub emissions_split: Option<Vec<u16>>,
    /// The subnet-level terms: name, symbol, identity, owner, tempo and steps, pool
    /// (`alpha_in`, `alpha_out`, `tao_in`, `moving_price`, volume), emissions, hyperparameters,
    /// per-hotkey dividends, `num_uids` / `max_uids` — the reference's `MetagraphInfo`.
    #[serde(serialize_with = "serialize_info")]
    pub info: MetagraphInfo,
}

fn serialize_info<S: Serializer>(m: &MetagraphInfo, s: S) -> Result<S::Ok, S::Error> {
    m.serialize(s)
}

/// `ip:port` of an axon's integer IP.
pub fn axon_address(a: &AxonInfo) -> String {
    if a.ip_type == 6 {
        let ip = std::net::Ipv6Addr::from(a.ip);
        format!("[{ip}]:{}", a.port)
    } else {
        let ip = std::net::Ipv4Addr::from(u32::try_from(a.ip).unwrap_or(0));
        format!("{ip}:{}", a.port)
    }
}

fn sdk_version() -> u64 {
    let part = |s: &str| s.parse::<u64>().unwrap_or(0);
    100 * 100 * part(env!("CARGO_PKG_VERSION_MAJOR"))
        + 100 * part(env!("CARGO_PKG_VERSION_MINOR"))
        + part(env!("CARGO_PKG_VERSION_PATCH"))
}

fn fit<T: Clone + Default>(mut v: Vec<T>, n: usize) -> Vec<T> {
    v.resize(n, T::default());
    v
}

impl Metagraph {
    /// Builds the metagraph from a snapshot of subnet `netuid`.
    pub fn from_snapshot(netuid: u16, snap: MetagraphSnapshot) -> Self {
        let info = snap.info;
        let n_usize = info.hotkeys.len();
        let n = u16::try_from(n_usize).unwrap_or(u16::MAX);
        let mut ranks = vec![0; n_usize];
        let mut trust = vec![0; n_usize];
        let mut validator_trust = vec![0; n_usize];
        let mut weights = Vec::new();
        let mut bonds = Vec::new();
        let lite = match snap.neurons {
            Neurons::Lite(list) => {
                for x in &list {
                    let i = usize::from(x.uid);
                    if i < n_usize {
                        ranks[i] = x.rank;
                        trust[i] = x.trust;
                        validator_trust[i] = x.validator_trust;
                    }
                }
                true
            }
            Neurons::Full(list) => {
                weights = vec![Vec::new(); n_usize];
                bonds = vec![Vec::new(); n_usize];
                for x in list {
                    let i = usize::from(x.uid);
                    if i < n_usize {
                        ranks[i] = x.rank;
                        trust[i] = x.trust;
                        validator_trust[i] = x.validator_trust;
                        weights[i] = x.weights.iter().map(|w| (w.0, w.1)).collect();
                        bonds[i] = x.bonds.iter().map(|b| (b.0, b.1)).collect();
                    }
                }
                false
            }
        };
        let axons = fit(info.axons.clone(), n_usize);
        Self {
            netuid,
            mechid: snap.mechid,
            block: snap.block,
            version: sdk_version(),
            n,
            uids: (0..n).collect(),
            hotkeys: info.hotkeys.clone(),
            coldkeys: fit(info.coldkeys.clone(), n_usize),
            addresses: axons.iter().map(axon_address).collect(),
            axons,
            active: fit(info.active.clone(), n_usize),
            last_update: fit(info.last_update.0.clone(), n_usize),
            validator_permit: fit(info.validator_permit.clone(), n_usize),
            consensus: fit(info.consensus.0.clone(), n_usize),
            incentive: fit(info.incentives.0.clone(), n_usize),
            dividends: fit(info.dividends.0.clone(), n_usize),
            validator_trust,
            ranks,
            trust,
            emission: fit(info.emission.0.clone(), n_usize),
            pruning_score: fit(info.pruning_score.0.clone(), n_usize),
            block_at_registration: fit(info.block_at_registration.0.clone(), n_usize),
            alpha_stake: fit(snap.subnet_state.alpha_stake.0.clone(), n_usize),
            tao_stake: fit(snap.subnet_state.tao_stake.0.clone(), n_usize),
            total_stake: fit(snap.subnet_state.total_stake.0.clone(), n_usize),
            identities: fit(info.identities.clone(), n_usize),
            weights,
            bonds,
            lite,
            mechanism_count: snap.mechanism_count,
            emissions_split: snap.emission_split,
            info,
        }
    }

    /// A `u16` proportion as the Python SDK's float (`x / 65535`).
    pub fn normalized(x: u16) -> f64 {
        f64::from(x) / f64::from(u16::MAX)
    }

    /// The uid of `hotkey`, if registered.
    pub fn uid_of(&self, hotkey: &AccountId) -> Option<u16> {
        self.hotkeys
            .iter()
            .position(|h| h == hotkey)
            .and_then(|i| u16::try_from(i).ok())
    }

    /// The dendrite target of `uid`'s served axon (`None` if it serves none).
    pub fn axon_target(&self, uid: u16) -> Option<crate::dendrite::AxonTarget> {
        let i = usize::from(uid);
        let a = self.axons.get(i)?;
        if a.port == 0 || a.ip == 0 {
            return None;
        }
        let ip = if a.ip_type == 6 {
            std::net::Ipv6Addr::from(a.ip).to_string()
        } else {
            std::net::Ipv4Addr::from(u32::try_from(a.ip).ok()?).to_string()
        };
        Some(crate::dendrite::AxonTarget {
            ip,
            port: a.port,
            hotkey: self.hotkeys.get(i)?.to_string(),
        })
    }

    /// The subnet's name (UTF-8, lossy).
    pub fn name(&self) -> String {
        String::from_utf8_lossy(&self.info.name.0).into_owned()
    }

    /// The subnet's token symbol bytes.
    pub fn symbol(&self) -> &[u8] {
        &self.info.symbol.0
    }

    /// Spot price of alpha in rao of TAO per alpha.
    pub fn price_rao(&self) -> u64 {
        super::units::price_rao(self.netuid, self.info.tao_in, self.info.alpha_in)
    }

    /// The weights as a dense `n × n` matrix (empty rows when synced lite).
    pub fn dense_weights(&self) -> Vec<Vec<u16>> {
        dense(&self.weights, usize::from(self.n))
    }

    /// The bonds as a dense `n × n` matrix.
    pub fn dense_bonds(&self) -> Vec<Vec<u16>> {
        dense(&self.bonds, usize::from(self.n))
    }

    /// Serializes an account (for callers building their own JSON).
    pub fn ss58_of<S: Serializer>(a: &AccountId, s: S) -> Result<S::Ok, S::Error> {
        ss58(a, s)
    }
}

fn dense(rows: &[Vec<(u16, u16)>], n: usize) -> Vec<Vec<u16>> {
    let mut out = vec![vec![0u16; n]; n];
    for (i, row) in rows.iter().enumerate().take(n) {
        for &(j, v) in row {
            if let Some(cell) = out[i].get_mut(usize::from(j)) {
                *cell = v;
            }
        }
    }
    out
}
