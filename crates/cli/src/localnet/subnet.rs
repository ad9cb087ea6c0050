//! The subnet a localnet runs, behind [`LocalSubnet`]: the routing subnet (the default,
//! [`super::routing`]) or the built-in echo subnet, with the same orchestration.
//!
//! A subnet supplies two things: how miner `i` serves (an axon), and one validation round
//! (query the miners, score each in `[0, 1]`). Localnet does the rest: keys, registration,
//! staking, serving the axons on chain, score averaging and weights.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use agora_primitives::Keypair;
use agora_primitives::hashing::blake2_256;
use agora_sdk::axon::{AxonBuilder, AxonHandle, Caller, ForwardError};
use agora_sdk::dendrite::{AxonTarget, Dendrite};
use agora_sdk::synapse::Synapse;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

/// A boxed future (the trait is used as `dyn LocalSubnet`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A subnet localnet can run.
pub trait LocalSubnet: Send + Sync + 'static {
    /// Its name (`--subnet NAME`, the dashboard title).
    fn name(&self) -> &'static str;

    /// Serves miner `index` of `count` with `hotkey` on `listener`.
    fn serve_miner(
        &self,
        index: usize,
        count: usize,
        hotkey: Keypair,
        listener: TcpListener,
    ) -> std::io::Result<AxonHandle>;

    /// What miner `index` runs, for the dashboard and the summary (e.g. its solver).
    fn miner_label(&self, _index: usize) -> Option<&'static str> {
        None
    }

    /// Each uid's mean measured quality in `[0, 1]` over the rounds of this run, if the
    /// subnet measures one beyond its scores (the summary shows it next to incentive).
    fn quality(&self) -> Vec<(u16, f64)> {
        Vec::new()
    }

    /// One validation round over `miners` (uid and axon); a score in `[0, 1]` per uid that
    /// answered or failed (uids left out keep their score).
    fn round<'a>(
        &'a self,
        dendrite: &'a Dendrite,
        miners: &'a [(u16, AxonTarget)],
        round: u64,
    ) -> BoxFuture<'a, Vec<(u16, f64)>>;
}

/// The subnets localnet knows, by name.
pub fn by_name(name: &str) -> Option<Box<dyn LocalSubnet>> {
    match name {
        "routing" => Some(Box::new(super::routing::Routing::default())),
        "echo" => Some(Box::new(Echo)),
        _ => None,
    }
}

/// Names accepted by [`by_name`] (the first is the default).
pub const NAMES: &[&str] = &["routing", "echo"];

/// How many miners a subnet runs unless `--miners` says: one per strategy for routing.
pub fn default_miners(name: &str) -> usize {
    match name {
        "routing" => super::routing::MIX.len(),
        _ => 3,
    }
}

/// The echo synapse: the validator sends `text`, the miner returns it in `echo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EchoSynapse {
    /// The challenge.
    pub text: String,
    /// The answer.
    #[serde(default)]
    pub echo: Option<String>,
}

impl Synapse for EchoSynapse {
    const NAME: &'static str = "Echo";
    const HASH_FIELDS: &'static [&'static str] = &["text"];
    const REQUIRED_FIELDS: &'static [(&'static str, &'static str)] = &[("text", "\"\"")];
}

/// The built-in echo subnet. Miner `i` of `n` answers a challenge wrongly when a hash of the
/// challenge and its hotkey falls below `i / (n + 1)` of the range, so miners are honest to
/// decreasing degrees (100%, 75%, 50% … for three) and the dashboard shows Yuma Consensus
/// ranking them. The validator scores 1 for an exact echo, 0 otherwise.
#[derive(Debug, Clone, Copy)]
pub struct Echo;

/// Whether miner `index` of `count` (with `hotkey`) answers `text` honestly.
pub fn echo_is_honest(index: usize, count: usize, hotkey: &[u8; 32], text: &str) -> bool {
    let mut pre = Vec::with_capacity(32 + text.len());
    pre.extend_from_slice(hotkey);
    pre.extend_from_slice(text.as_bytes());
    let d = blake2_256(&pre);
    let h = u64::from(u16::from_le_bytes([d[0], d[1]]));
    let denom = u64::try_from(count).unwrap_or(u64::MAX).saturating_add(1);
    let cut = 65_536 * u64::try_from(index).unwrap_or(u64::MAX) / denom;
    h >= cut
}

impl LocalSubnet for Echo {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn serve_miner(
        &self,
        index: usize,
        count: usize,
        hotkey: Keypair,
        listener: TcpListener,
    ) -> std::io::Result<AxonHandle> {
        let me = hotkey.public().0;
        let axon = AxonBuilder::new(hotkey)
            .forward(move |_caller: Caller, mut s: EchoSynapse| async move {
                if s.text.len() > 1024 {
                    return Err(ForwardError::new(400, "text too long"));
                }
                s.echo = Some(if echo_is_honest(index, count, &me, &s.text) {
                    s.text.clone()
                } else {
                    s.text.chars().rev().collect()
                });
                Ok(s)
            })
            .build();
        axon.serve(listener)
    }

    fn round<'a>(
        &'a self,
        dendrite: &'a Dendrite,
        miners: &'a [(u16, AxonTarget)],
        round: u64,
    ) -> BoxFuture<'a, Vec<(u16, f64)>> {
        Box::pin(async move {
            let text = format!("round-{round}-{}", agora_sdk::util::uuid4());
            let challenge = EchoSynapse {
                text: text.clone(),
                echo: None,
            };
            let targets: Vec<AxonTarget> = miners.iter().map(|(_, t)| t.clone()).collect();
            let answers = dendrite
                .query(&targets, &challenge, Duration::from_secs(3))
                .await;
            miners
                .iter()
                .zip(answers)
                .map(|((uid, _), r)| {
                    let ok = r.is_success()
                        && r.synapse.and_then(|s| s.echo).as_deref() == Some(text.as_str());
                    (*uid, if ok { 1.0 } else { 0.0 })
                })
                .collect()
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn miners_are_honest_to_decreasing_degrees() {
        let hk = [3u8; 32];
        let rate = |i: usize| {
            (0..4000)
                .filter(|k| echo_is_honest(i, 3, &hk, &format!("t{k}")))
                .count()
        };
        let (r0, r1, r2) = (rate(0), rate(1), rate(2));
        assert_eq!(r0, 4000);
        assert!((2800..3200).contains(&r1), "{r1}");
        assert!((1800..2200).contains(&r2), "{r2}");
    }

    #[tokio::test]
    async fn a_round_scores_exact_echoes() {
        let subnet = Echo;
        let mut handles = Vec::new();
        let mut miners = Vec::new();
        for i in 0..2 {
            let key = Keypair::from_uri(&format!("//Miner{i}")).unwrap();
            let hotkey = key.public().to_string();
            let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let port = l.local_addr().unwrap().port();
            handles.push(subnet.serve_miner(i, 2, key, l).unwrap());
            miners.push((
                u16::try_from(i).unwrap() + 1,
                AxonTarget {
                    ip: "127.0.0.1".into(),
                    port,
                    hotkey,
                },
            ));
        }
        let d = Dendrite::new(Keypair::from_uri("//Validator").unwrap());
        let mut totals = [0.0f64; 2];
        for r in 0..30 {
            for (uid, s) in subnet.round(&d, &miners, r).await {
                totals[usize::from(uid) - 1] += s;
            }
        }
        assert!((totals[0] - 30.0).abs() < f64::EPSILON, "{totals:?}");
        assert!(totals[1] < 30.0 && totals[1] > 5.0, "{totals:?}");
        for h in handles {
            h.stop().await.unwrap();
        }
    }
}
