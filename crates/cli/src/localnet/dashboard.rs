//! The live terminal dashboard of `agora localnet` and the machine-readable summary of
//! `--blocks N`. Both are built from a [`View`]: one metagraph read plus the chain head.
//!
//! The dashboard redraws in the terminal's alternate screen with plain ANSI sequences (cursor
//! home, clear to end of line/screen), so leaving it restores the user's terminal as it was.

use std::time::Duration;

use agora_api::HeadInfo;
use agora_primitives::AccountId;
use agora_sdk::chain::Metagraph;
use agora_sdk::chain::units::{Amount, decimal};
use serde::Serialize;

use crate::ui::{Table, proportion, short};

/// A neuron's role in the localnet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// The subnet owner (uid 0).
    Owner,
    /// A validator.
    Validator,
    /// A miner.
    Miner,
}

/// One neuron of the view.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// Its role.
    pub role: Role,
    /// Its wallet name.
    pub name: String,
    /// Its uid.
    pub uid: u16,
    /// Hotkey (SS58).
    pub hotkey: String,
    /// Total stake weight (alpha rao).
    pub stake: u64,
    /// Stake gained since this run started (alpha rao): what emission paid it.
    pub stake_gained: u64,
    /// Incentive (u16 proportion).
    pub incentive: u16,
    /// Dividends (u16 proportion).
    pub dividends: u16,
    /// Emission of the last epoch (alpha rao).
    pub emission: u64,
    /// Validator permit.
    pub validator_permit: bool,
    /// Block of the last weights update.
    pub last_update: u64,
    /// What a miner runs (the subnet's label, e.g. its solver).
    pub strategy: Option<String>,
    /// A miner's mean measured quality in `[0, 1]` this run, if the subnet measures one.
    pub quality: Option<f64>,
}

/// Everything shown.
#[derive(Clone, Debug, Serialize)]
pub struct View {
    /// The head.
    pub block: u64,
    /// Its timestamp (ms since the Unix epoch).
    pub block_timestamp_ms: u64,
    /// Milliseconds from start to the first block.
    pub first_block_ms: u64,
    /// Milliseconds since start.
    pub elapsed_ms: u64,
    /// The node's RPC endpoint.
    pub endpoint: String,
    /// The data directory.
    pub data_dir: String,
    /// The subnet.
    pub netuid: u16,
    /// Which built-in subnet.
    pub subnet: String,
    /// Its token symbol.
    pub symbol: String,
    /// Spot price (rao of TAO per alpha).
    pub price: u64,
    /// TAO in the pool (rao).
    pub tao_in: u64,
    /// Alpha in the pool (rao).
    pub alpha_in: u64,
    /// Blocks per epoch.
    pub tempo: u16,
    /// Block of the last epoch.
    pub last_epoch: u64,
    /// Commit-reveal on.
    pub commit_reveal: bool,
    /// The neurons.
    pub neurons: Vec<Row>,
    /// The latest activity lines (weights set, committed, revealed, failures).
    pub log: Vec<String>,
}

/// Builds a view from a metagraph; `names` maps hotkeys to wallet names and roles, `start`
/// holds each hotkey's stake when the run began.
#[allow(clippy::too_many_arguments, reason = "a plain constructor")]
pub fn view(
    m: &Metagraph,
    head: &HeadInfo,
    price: u64,
    names: &[(AccountId, String, Role)],
    start: &[(AccountId, u64)],
    first_block: Duration,
    elapsed: Duration,
    endpoint: &str,
    data_dir: &str,
    subnet: &str,
) -> View {
    let ms = |d: Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    let mut neurons: Vec<Row> = (0..usize::from(m.n))
        .filter_map(|i| {
            let hk = m.hotkeys[i];
            let (name, role) = names
                .iter()
                .find(|(a, _, _)| *a == hk)
                .map(|(_, n, r)| (n.clone(), *r))?;
            let before = start
                .iter()
                .find(|(a, _)| *a == hk)
                .map_or(m.total_stake[i], |(_, s)| *s);
            Some(Row {
                role,
                name,
                uid: u16::try_from(i).unwrap_or(u16::MAX),
                hotkey: hk.to_string(),
                stake: m.total_stake[i],
                stake_gained: m.total_stake[i].saturating_sub(before),
                incentive: m.incentive[i],
                dividends: m.dividends[i],
                emission: m.emission[i],
                validator_permit: m.validator_permit[i],
                last_update: m.last_update[i],
                strategy: None,
                quality: None,
            })
        })
        .collect();
    // Owner, validators, miners; by wallet name (numbers in order) within a role.
    neurons.sort_by(|a, b| {
        let key = |r: &Row| {
            let n = r
                .name
                .rsplit('-')
                .next()
                .and_then(|d| d.parse::<usize>().ok());
            (r.role, n, r.name.clone())
        };
        key(a).cmp(&key(b))
    });
    View {
        block: head.number,
        block_timestamp_ms: head.timestamp,
        first_block_ms: ms(first_block),
        elapsed_ms: ms(elapsed),
        endpoint: endpoint.to_string(),
        data_dir: data_dir.to_string(),
        netuid: m.netuid,
        subnet: subnet.to_string(),
        symbol: String::from_utf8_lossy(m.symbol()).into_owned(),
        price,
        tao_in: m.info.tao_in,
        alpha_in: m.info.alpha_in,
        tempo: m.info.tempo,
        last_epoch: m.info.last_step,
        commit_reveal: m.info.commit_reveal_weights_enabled,
        neurons,
        log: Vec::new(),
    }
}

/// `HH:MM:SS.mmm` (UTC) of a Unix timestamp in milliseconds.
pub fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        (s / 3600) % 24,
        (s / 60) % 60,
        s % 60,
        ms % 1000
    )
}

/// The dashboard text (without terminal control sequences).
pub fn render(v: &View, log: &[String]) -> String {
    let sym = v.symbol.as_bytes();
    let mut out = String::new();
    out.push_str(&format!(
        "agora localnet — {} subnet {} · block #{} at {} UTC · up {:.1} s (first block after {} ms)\n",
        v.subnet,
        v.netuid,
        v.block,
        clock(v.block_timestamp_ms),
        Duration::from_millis(v.elapsed_ms).as_secs_f64(),
        v.first_block_ms,
    ));
    let next = v.last_epoch.saturating_add(u64::from(v.tempo));
    out.push_str(&format!(
        "price {} τ/{} · pool {} / {} · tempo {} (next epoch #{next}) · commit-reveal {}\n",
        decimal(v.price),
        v.symbol,
        Amount::tao(v.tao_in),
        Amount::alpha(v.alpha_in, sym),
        v.tempo,
        if v.commit_reveal { "on" } else { "off" },
    ));
    out.push_str(&format!("rpc {} · data {}\n\n", v.endpoint, v.data_dir));
    let mut t = Table::new(&[
        "role",
        "name",
        "uid",
        "hotkey",
        "stake",
        "gained",
        "incentive",
        "dividends",
        "emission",
        "vpermit",
        "weights",
        "runs",
        "quality",
    ])
    .right(&[2, 4, 5, 6, 7, 8, 10, 12]);
    for r in &v.neurons {
        t.row(vec![
            format!("{:?}", r.role).to_lowercase(),
            r.name.clone(),
            r.uid.to_string(),
            short(&r.hotkey),
            Amount::alpha(r.stake, sym).to_string(),
            Amount::alpha(r.stake_gained, sym).to_string(),
            proportion(r.incentive),
            proportion(r.dividends),
            Amount::alpha(r.emission, sym).to_string(),
            if r.validator_permit { "yes" } else { "" }.into(),
            if r.role == Role::Validator && r.last_update > 0 {
                format!("#{}", r.last_update)
            } else {
                String::new()
            },
            r.strategy.clone().unwrap_or_default(),
            r.quality
                .map_or_else(String::new, |q| format!("{:.1}%", q * 100.0)),
        ]);
    }
    out.push_str(&t.render());
    out.push('\n');
    for l in log {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str("\nCtrl-C stops the network and keeps its data; run again to resume.\n");
    out
}

/// Enters the alternate screen and hides the cursor.
pub const ENTER: &str = "\x1b[?1049h\x1b[?25l";
/// Shows the cursor and leaves the alternate screen.
pub const LEAVE: &str = "\x1b[?25h\x1b[?1049l";

/// `text` as one in-place frame: cursor home, each line cleared to its end, the rest of the
/// screen cleared.
pub fn frame(text: &str) -> String {
    let mut out = String::from("\x1b[H");
    for line in text.lines() {
        out.push_str(line);
        out.push_str("\x1b[K\r\n");
    }
    out.push_str("\x1b[J");
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn clock_and_frames() {
        assert_eq!(clock(0), "00:00:00.000");
        assert_eq!(clock(3_723_004), "01:02:03.004");
        let f = frame("a\nb");
        assert_eq!(f, "\x1b[Ha\x1b[K\r\nb\x1b[K\r\n\x1b[J");
    }
}
