//! [`Chain`]: typed reads, signing with nonce tracking, and submission with outcomes, over any
//! [`ChainClient`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use agora_api::runtime_api::{
    self as api, AccountInfo, ApiMethod, MetagraphSnapshotOf, WeightCommits,
};
use agora_api::{ChainInfo, EventInfo, HeadInfo, TxStatus};
use agora_primitives::{AccountId, Keypair, hex};
use agora_runtime::Call;
use agora_runtime::extrinsic::Extrinsic;
use agora_runtime::info::{
    DelegateInfo, DynamicInfo, HyperparamEntry, NeuronInfo, NeuronInfoLite, StakeInfo,
    SubnetHyperparamsV2,
};
use parity_scale_codec::Encode;
use tokio::sync::Mutex;

use super::metagraph::Metagraph;
use super::{ChainClient, ChainError, explain_error, explain_rejection};

/// How long [`Chain::submit`] waits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Until the node accepted it into its pool.
    Pool,
    /// Until it is in a block (not necessarily final); events are not fetched.
    InBlock,
    /// Until its block is final; its events are fetched.
    Finalized,
}

/// Why an included call failed (its fee and nonce are spent; nothing else changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallFailure {
    /// The runtime error's name (`NotEnoughBalanceToStake`, …).
    pub error: String,
    /// Its one-line explanation.
    pub explanation: String,
}

impl std::fmt::Display for CallFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error, self.explanation)
    }
}

/// What happened to a submitted extrinsic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TxOutcome {
    /// The extrinsic's hash.
    pub hash: [u8; 32],
    /// The nonce it was signed with.
    pub nonce: u32,
    /// Block number, block hash and index in the body, once included.
    pub block: Option<(u64, String, u32)>,
    /// The call's result (`Ok` also when not waited for).
    pub result: Result<(), CallFailure>,
    /// The fee charged (rao; with [`Wait::Finalized`], else 0).
    pub fee: u64,
    /// The extrinsic's events (with [`Wait::Finalized`]).
    pub events: Vec<EventInfo>,
}

impl TxOutcome {
    /// True if the call is known to have succeeded.
    pub fn succeeded(&self) -> bool {
        self.result.is_ok() && self.block.is_some()
    }

    /// The hash as hex.
    pub fn hash_hex(&self) -> String {
        hex::encode(&self.hash)
    }
}

/// The error of a call wrapped in `Sudo::sudo` / `sudo_as`, from its `Sudid` event.
fn inner_failure(events: &[EventInfo]) -> Option<agora_runtime::Error> {
    use agora_runtime::event::{Event, SudoEvent};
    events.iter().find_map(|e| match e.decode()? {
        Event::Sudo(SudoEvent::Sudid {
            sudo_result: Err(err),
        })
        | Event::Sudo(SudoEvent::SudoAsDone {
            sudo_result: Err(err),
        }) => Some(err),
        _ => None,
    })
}

/// A connected chain: a client, the chain's identity, and per-signer nonces.
pub struct Chain<C> {
    client: C,
    info: ChainInfo,
    genesis_hash: [u8; 32],
    /// Per signer: the next nonce this `Chain` would use, behind a lock that serialises
    /// that signer's submissions (other signers proceed in parallel).
    nonces: std::sync::Mutex<BTreeMap<AccountId, Arc<Mutex<Option<u32>>>>>,
    wait_timeout: Duration,
}

impl<C: std::fmt::Debug> std::fmt::Debug for Chain<C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain")
            .field("client", &self.client)
            .field("chain_id", &self.info.chain_id)
            .finish()
    }
}

impl<C: ChainClient> Chain<C> {
    /// Connects: reads the chain's identity (genesis hash, versions) once.
    pub async fn connect(client: C) -> Result<Self, ChainError> {
        let info = client.chain_info().await?;
        let genesis_hash = info
            .genesis_hash_bytes()
            .map_err(|e| ChainError::Malformed(format!("genesis hash: {e}")))?;
        Ok(Self {
            client,
            info,
            genesis_hash,
            nonces: std::sync::Mutex::new(BTreeMap::new()),
            wait_timeout: Duration::from_secs(60),
        })
    }

    /// Sets how long [`Chain::submit`] waits for a final status (default 60 s).
    pub fn with_wait_timeout(mut self, t: Duration) -> Self {
        self.wait_timeout = t;
        self
    }

    /// The transport.
    pub fn client(&self) -> &C {
        &self.client
    }

    /// The chain's identity.
    pub fn info(&self) -> &ChainInfo {
        &self.info
    }

    /// Calls runtime-API method `M` at the head.
    pub async fn api<M: ApiMethod>(&self, args: M::Args) -> Result<M::Output, ChainError> {
        self.api_at::<M>(args, None).await
    }

    /// Calls runtime-API method `M` at block `at` (the head if `None`).
    pub async fn api_at<M: ApiMethod>(
        &self,
        args: M::Args,
        at: Option<u64>,
    ) -> Result<M::Output, ChainError> {
        let out = self.client.state_call(M::NAME, args.encode(), at).await?;
        api::decode_output::<M>(&out)
            .map_err(|e| ChainError::Malformed(format!("{}: {e}", M::NAME)))
    }

    /// The committed head.
    pub async fn head(&self) -> Result<HeadInfo, ChainError> {
        self.client.head().await
    }

    /// Nonce and free balance.
    pub async fn account(&self, who: &AccountId) -> Result<AccountInfo, ChainError> {
        self.api::<api::Account>((*who,)).await
    }

    /// Free balance (rao).
    pub async fn balance(&self, who: &AccountId) -> Result<u64, ChainError> {
        Ok(self.account(who).await?.free)
    }

    /// The sudo key.
    pub async fn sudo_key(&self) -> Result<Option<AccountId>, ChainError> {
        self.api::<api::SudoKey>(()).await
    }

    /// Every subnet (root included) with its pool and emission terms, netuid order.
    pub async fn subnets(&self) -> Result<Vec<DynamicInfo>, ChainError> {
        Ok(self
            .api::<api::AllDynamicInfo>(())
            .await?
            .into_iter()
            .flatten()
            .collect())
    }

    /// One subnet's pool and emission terms (`None` if it does not exist).
    pub async fn dynamic_info(&self, netuid: u16) -> Result<Option<DynamicInfo>, ChainError> {
        self.api::<api::DynamicInfoOf>((netuid,)).await
    }

    /// True if the subnet exists.
    pub async fn subnet_exists(&self, netuid: u16) -> Result<bool, ChainError> {
        Ok(self.api::<api::SubnetNetuids>(()).await?.contains(&netuid))
    }

    /// The subnet's hyperparameters by name (`None` if it does not exist).
    pub async fn hyperparameters(
        &self,
        netuid: u16,
    ) -> Result<Option<Vec<HyperparamEntry>>, ChainError> {
        self.api::<api::HyperparamsV3>((netuid,)).await
    }

    /// The subnet's hyperparameters as the reference's `SubnetHyperparamsV2`.
    pub async fn hyperparameters_v2(
        &self,
        netuid: u16,
    ) -> Result<Option<SubnetHyperparamsV2>, ChainError> {
        self.api::<api::HyperparamsV2>((netuid,)).await
    }

    /// The subnet's neurons without weights and bonds.
    pub async fn neurons_lite(&self, netuid: u16) -> Result<Vec<NeuronInfoLite>, ChainError> {
        self.api::<api::NeuronsLite>((netuid,)).await
    }

    /// One neuron with its weights and bonds.
    pub async fn neuron(&self, netuid: u16, uid: u16) -> Result<Option<NeuronInfo>, ChainError> {
        self.api::<api::Neuron>((netuid, uid)).await
    }

    /// The uid of `hotkey` on `netuid`, if registered.
    pub async fn uid_of(&self, netuid: u16, hotkey: &AccountId) -> Result<Option<u16>, ChainError> {
        Ok(self
            .neurons_lite(netuid)
            .await?
            .iter()
            .find(|n| n.hotkey == *hotkey)
            .map(|n| n.uid))
    }

    /// Every stake position of `coldkey`.
    pub async fn stake_info(&self, coldkey: &AccountId) -> Result<Vec<StakeInfo>, ChainError> {
        self.api::<api::StakeInfoForColdkey>((*coldkey,)).await
    }

    /// The alpha `coldkey` holds through `hotkey` on `netuid` (rao).
    pub async fn stake(
        &self,
        hotkey: &AccountId,
        coldkey: &AccountId,
        netuid: u16,
    ) -> Result<u64, ChainError> {
        Ok(self
            .api::<api::StakeInfoFor>((*hotkey, *coldkey, netuid))
            .await?
            .map_or(0, |s| s.stake))
    }

    /// Every delegate.
    pub async fn delegates(&self) -> Result<Vec<DelegateInfo>, ChainError> {
        self.api::<api::Delegates>(()).await
    }

    /// One delegate.
    pub async fn delegate(&self, hotkey: &AccountId) -> Result<Option<DelegateInfo>, ChainError> {
        self.api::<api::Delegate>((*hotkey,)).await
    }

    /// The current subnet registration (lock) cost (rao).
    pub async fn registration_cost(&self) -> Result<u64, ChainError> {
        self.api::<api::NetworkRegistrationCost>(()).await
    }

    /// A hotkey's weight commits and the reveal schedule.
    pub async fn weight_commits(
        &self,
        netuid: u16,
        mechid: u8,
        hotkey: &AccountId,
    ) -> Result<WeightCommits, ChainError> {
        self.api::<api::WeightCommitsOf>((netuid, mechid, *hotkey))
            .await
    }

    /// Syncs a subnet's metagraph in one call (`lite`: without weights and bonds). `None` if
    /// the subnet does not exist.
    pub async fn metagraph(
        &self,
        netuid: u16,
        mechid: u8,
        lite: bool,
    ) -> Result<Option<Metagraph>, ChainError> {
        Ok(self
            .api::<MetagraphSnapshotOf>((netuid, mechid, lite))
            .await?
            .map(|s| Metagraph::from_snapshot(netuid, s)))
    }

    /// An upper bound of the fee `call` pays (rao): the runtime's fee formula on the longest
    /// encoding the call can have (a 5-byte nonce).
    pub fn fee_estimate(call: &Call) -> u64 {
        let len = 1 + 32 + 64 + 5 + call.encode().len();
        agora_runtime::fees::fee(call, len)
    }

    /// Signs `call` with `key` and an explicit nonce.
    pub fn sign_with_nonce(&self, key: &Keypair, nonce: u32, call: Call) -> Vec<u8> {
        Extrinsic::sign(key, &self.genesis_hash, nonce, call).encode()
    }

    /// Signs and submits `call`, then waits as `wait` says. The nonce is the larger of the
    /// node's next index and the last one this `Chain` used for the signer; a `Stale`
    /// rejection (another client used it) re-reads it and retries once.
    pub async fn submit(
        &self,
        key: &Keypair,
        call: Call,
        wait: Wait,
    ) -> Result<TxOutcome, ChainError> {
        let signer = key.public();
        let slot = Arc::clone(
            self.nonces
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .entry(signer)
                .or_default(),
        );
        let mut retried = false;
        loop {
            let mut cached = slot.lock().await;
            let on_chain = match self.client.next_nonce(&signer).await {
                Ok(n) => n,
                Err(e) => {
                    *cached = None;
                    return Err(e);
                }
            };
            let nonce = cached.unwrap_or(0).max(on_chain);
            let xt = self.sign_with_nonce(key, nonce, call.clone());
            let admitted = if wait == Wait::Pool {
                self.client.submit(xt).await.map(|h| (h, None))
            } else {
                let hash = agora_primitives::hashing::blake2_256(&xt);
                self.client
                    .submit_and_watch(xt)
                    .await
                    .map(|w| (hash, Some(w)))
            };
            match admitted {
                Ok((hash, watch)) => {
                    *cached = Some(nonce.saturating_add(1));
                    drop(cached);
                    let Some(watch) = watch else {
                        return Ok(TxOutcome {
                            hash,
                            nonce,
                            block: None,
                            result: Ok(()),
                            fee: 0,
                            events: Vec::new(),
                        });
                    };
                    let outcome = self.follow(hash, nonce, watch, wait).await;
                    if outcome.is_err() {
                        // The transaction may never land: read the nonce afresh next time.
                        *slot.lock().await = None;
                    }
                    return outcome;
                }
                Err(ChainError::Rejected { reason, .. }) if reason == "Stale" && !retried => {
                    *cached = None;
                    retried = true;
                }
                Err(e) => {
                    *cached = None;
                    return Err(e);
                }
            }
        }
    }

    async fn follow(
        &self,
        hash: [u8; 32],
        nonce: u32,
        mut watch: super::Watch<TxStatus>,
        wait: Wait,
    ) -> Result<TxOutcome, ChainError> {
        let deadline = tokio::time::Instant::now() + self.wait_timeout;
        loop {
            let status = match tokio::time::timeout_at(deadline, watch.next()).await {
                Err(_) => return Err(ChainError::WaitTimeout(self.wait_timeout)),
                Ok(None) => return Err(ChainError::Closed),
                Ok(Some(s)) => s?,
            };
            let (number, block, index, result) = match status {
                TxStatus::Ready => continue,
                TxStatus::InBlock {
                    block,
                    number,
                    index,
                } => {
                    if wait == Wait::InBlock {
                        return Ok(TxOutcome {
                            hash,
                            nonce,
                            block: Some((number, block, index)),
                            result: Ok(()),
                            fee: 0,
                            events: Vec::new(),
                        });
                    }
                    continue;
                }
                TxStatus::Finalized {
                    block,
                    number,
                    index,
                } => (number, block, index, Ok(())),
                TxStatus::Failed {
                    block,
                    number,
                    index,
                    error,
                } => {
                    let explanation =
                        explain_error(&error).unwrap_or_else(|| "the call failed".to_string());
                    (
                        number,
                        block,
                        index,
                        Err(CallFailure { error, explanation }),
                    )
                }
                TxStatus::Dropped { reason } => {
                    return Err(ChainError::Rejected {
                        message: format!("{reason}: {}", explain_rejection(&reason)),
                        reason,
                    });
                }
            };
            let (fee, events) = if wait == Wait::Finalized {
                self.receipt(number, index).await?
            } else {
                (0, Vec::new())
            };
            // A sudo extrinsic succeeds even when the call it wraps fails (as in
            // pallet_sudo); the outcome reports the wrapped call's error.
            let result = result.and_then(|()| match inner_failure(&events) {
                Some(e) => Err(CallFailure {
                    error: e.name().to_string(),
                    explanation: format!("the root call failed: {e}"),
                }),
                None => Ok(()),
            });
            return Ok(TxOutcome {
                hash,
                nonce,
                block: Some((number, block, index)),
                result,
                fee,
                events,
            });
        }
    }

    /// The fee and events of extrinsic `index` of block `number` (retrying briefly while the
    /// node stores the block).
    async fn receipt(&self, number: u64, index: u32) -> Result<(u64, Vec<EventInfo>), ChainError> {
        for attempt in 0..20u32 {
            if let Some(b) = self.client.block(number).await? {
                return Ok(b
                    .receipts
                    .into_iter()
                    .find(|r| r.index == index)
                    .map_or((0, Vec::new()), |r| (r.fee, r.events)));
            }
            tokio::time::sleep(Duration::from_millis(10 * u64::from(attempt + 1))).await;
        }
        Ok((0, Vec::new()))
    }
}
