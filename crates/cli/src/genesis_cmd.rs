//! `agora genesis FILE`: check a genesis file and print what it commits to.
//!
//! Prints one JSON object: the genesis hash (bound into every signature), the state root, the
//! number of state entries, the total issuance and the subnets created. A malformed file is an
//! error naming the offending entry (see `docs/genesis.md`).

use std::io::Write;

use agora_runtime::genesis;
use agora_runtime::state::Overlay;
use agora_runtime::storage::{NETWORKS_ADDED, SUBNETWORK_N, TOTAL_ISSUANCE};

/// Builds the genesis state from `json` and writes its summary to `out`.
pub fn run(json: &str, mut out: impl Write) -> anyhow::Result<()> {
    let state = genesis::from_json(json)?;
    let st = Overlay::new(&state);
    let subnets: Vec<serde_json::Value> = NETWORKS_ADDED
        .iter(&st)
        .into_iter()
        .map(|(netuid, _)| {
            serde_json::json!({ "netuid": netuid, "neurons": SUBNETWORK_N.get(&st, &netuid) })
        })
        .collect();
    let summary = serde_json::json!({
        "genesis_hash": agora_primitives::hex::encode(&genesis::genesis_hash(&state)),
        "state_root": agora_primitives::hex::encode(&state.root()),
        "entries": state.len(),
        "total_issuance": TOTAL_ISSUANCE.get(&st),
        "subnets": subnets,
    });
    writeln!(out, "{summary}")?;
    Ok(())
}
